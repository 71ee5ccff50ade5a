# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Kokoro-82M, a neural voice that speaks French from espeak-ng's phonemes.

Only French is measured (docs/speaking.md); the calibration sentence is French.

Kokoro reads IPA phonemes, not text. espeak-ng writes them, in process, through the binding that
piper-tts ships (no subprocess a sentence); the characters outside Kokoro's vocabulary are dropped.
The packaged style vectors are Japanese speakers' (the `kokoro` catalogue entry); which one speaks
French best was measured (docs/speaking.md).
"""

import json
import os
import time

import numpy as np

from milo_robot.models import ModelError, get_model
from milo_robot.speaking.onnx import open_session
from milo_robot.speaking.phonemes import kokoro_phonemes

RATE = 24000  # Hz, the model's output
STYLES = ('jf_alpha', 'jf_gongitsune', 'jf_nezumi', 'jf_tebukuro', 'jm_kumo')
DEFAULT_STYLE = 'jm_kumo'
DEFAULT_SPEED = 0.85  # a little slower than the model's own pace: Whisper hears it better
MAX_TOKENS = 510  # the model reads 512 tokens, a pad at each end included; one style row each
CALIBRATION = 'Bonjour à tous, nous allons parler des circuits électriques.'
# Phonemised once at load: espeak-ng loads its French dictionary on its first French text, and
# the corrections build their tables of letter names (spelled acronyms, a letter written alone)
# on theirs; 45 to 265 ms that the first French sentence of the process waited for otherwise
# (docs/speaking.md, "Fifth pass").
WARM_TEXT = 'Bonjour à tous, U égale R fois I.'


class KokoroEngine:
    """A Kokoro voice: one style, one language (an espeak-ng voice name: 'fr'); loaded by `load()`."""

    rate = RATE

    def __init__(self, language: str = 'fr', style: str = DEFAULT_STYLE, speed: float = DEFAULT_SPEED,
                 threads: int = 2, model: str = 'kokoro', phonemes=kokoro_phonemes):
        """Name the voice; nothing is read until `load()` (or the first sentence).

        `style`: one of STYLES, or several joined by '+' for their average (`jm_kumo+jf_alpha`).
        `phonemes(text, language)` writes the IPA (espeak-ng's, corrected: `kokoro_phonemes`).
        """
        for name in style.split('+'):
            if name not in STYLES:
                raise ModelError(f"Kokoro has no style '{name}'; choose one of {', '.join(STYLES)}")
        if not 0.5 <= speed <= 2.0:
            raise ModelError(f'Kokoro speed {speed} is outside 0.5..2.0')
        self.language, self.style, self.speed, self.threads = language, style, speed, threads
        self.name = f'kokoro:{style}'
        self.model = model
        self.phonemes = phonemes
        self._session = None
        self._vocab = {}
        self._styles = None

    def load(self) -> 'KokoroEngine':
        """Check the sha256, read the vocabulary and style, open the session, warm the phonemes."""
        if self._session is not None:
            return self
        folder = get_model(self.model).check()
        try:
            with open(os.path.join(folder, 'vocab.json'), encoding='utf-8') as f:
                self._vocab = json.load(f)['vocab']
            with np.load(os.path.join(folder, 'voices_ja.npz')) as styles:
                # One row a phoneme count; kept in memory so a sentence costs a slice, not a read.
                names = self.style.split('+')
                mean = sum(styles[name].reshape(-1, 256) for name in names) / len(names)
                self._styles = np.ascontiguousarray(mean, dtype=np.float32)
            self._session = open_session(os.path.join(folder, 'model.onnx'), self.threads)
            self.phonemes(WARM_TEXT, self.language)
        except (OSError, KeyError, ValueError, RuntimeError) as exc:
            # onnxruntime raises its own RuntimeError subclasses for a model it cannot read
            raise ModelError(f'cannot load Kokoro ({folder}): {exc}; run `milo models prepare '
                             f'{self.model}`') from exc
        return self

    def tokens(self, text: str) -> list:
        """Return the vocabulary ids of the text's phonemes (at most MAX_TOKENS)."""
        self.load()
        ids = [self._vocab[c] for c in self.phonemes(text, self.language) if c in self._vocab]
        return ids[:MAX_TOKENS]

    def synthesize(self, text: str) -> np.ndarray:
        """Return the text spoken, int16 at 24 kHz."""
        ids = self.tokens(text)
        if not ids:
            return np.zeros(0, dtype=np.int16)
        audio = self._session.run(None, {
            'tokens': np.array([[0, *ids, 0]], dtype=np.int64),
            'style': self._styles[len(ids) - 1:len(ids)],
            'speed': np.array([self.speed], dtype=np.float32)})[0]
        return (np.clip(audio.ravel(), -1.0, 1.0) * 32767).astype(np.int16)

    def real_time_factor(self, tries: int = 2, hopeless: float = float('inf')) -> float:
        """Time a calibration sentence up to `tries` times; return the best synthesis time over duration.

        The best try is the board's speed: other work on the CPU only ever adds to it. A try slower
        than `hopeless` ends the timing: tries differ by far less than twice (4.0 to 5.4 in four
        tries on a busy 2-core machine), and each one holds a core for seconds while the class is
        being heard.
        """
        best = float('inf')
        for _ in range(tries):
            started = time.perf_counter()
            audio = self.synthesize(CALIBRATION)
            best = min(best, (time.perf_counter() - started) / max(len(audio) / RATE, 1e-3))
            if best > hopeless:
                break
        return best
