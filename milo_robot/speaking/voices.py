# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Voices: Piper voices (the packaged one, any under models/), Kokoro for French, and espeak-ng.

Each utterance's language picks its voice: a Piper voice of that language if one is installed,
else Kokoro for the languages it is chosen for (French) when the board is fast enough, else
espeak-ng (robotic, but it speaks French and many more), else the default voice.
"""

import glob
import io
import json
import os
import shutil
import subprocess
import threading
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np

from milo_robot.audio.piper_voice import synthesize
from milo_robot.heap import release_memory
from milo_robot.models import ModelError, get_model, models_dir
from milo_robot.speaking.board_timing import BoardTimings
from milo_robot.speaking.kokoro import DEFAULT_SPEED, DEFAULT_STYLE, KokoroEngine
from milo_robot.speaking.onnx import open_session


class PiperEngine:
    """A Piper voice: an .onnx model with its .onnx.json beside it."""

    def __init__(self, model_path: str):
        """Read the voice's config now; the model is loaded on first use."""
        config_path = model_path + '.json'
        try:
            with open(config_path, encoding='utf-8') as f:
                config = json.load(f)
        except (OSError, ValueError) as exc:
            raise ModelError(f'Piper voice {model_path}: cannot read {config_path}: {exc}') from exc
        if not os.path.isfile(model_path):
            raise ModelError(f'Piper voice model {model_path} not found')
        self.path = model_path
        self._config = config
        self.rate = int(config['audio']['sample_rate'])
        language = config.get('language', {}).get('family') or config['espeak']['voice']
        self.language = language.split('-')[0].split('_')[0].lower()
        self.name = f'piper:{os.path.basename(model_path)}'
        self.steady = False  # True: no random variation (benchmarks compare exact audio)
        self._voice = None

    def load(self) -> 'PiperEngine':
        """Load the model now (0.5 s), rather than on the first sentence."""
        if self._voice is None:
            from piper import PiperVoice
            from piper.config import PiperConfig
            from piper.voice import ESPEAK_DATA_DIR

            try:  # PiperVoice.load, with a session that gives its buffers back (speaking/onnx.py)
                self._voice = PiperVoice(config=PiperConfig.from_dict(self._config),
                                         session=open_session(self.path),
                                         espeak_data_dir=Path(ESPEAK_DATA_DIR))
            except Exception as exc:  # onnxruntime's own exception types for a bad model
                raise ModelError(f'cannot load Piper voice {self.path}: {exc}') from exc
        return self

    def synthesize(self, text: str) -> np.ndarray:
        """Return the text spoken, int16 at `rate` (with Piper's natural variation unless steady)."""
        return synthesize(text, self.load()._voice, steady=self.steady)


class EspeakEngine:
    """espeak-ng, through its command line, in any language it knows."""

    rate = 22050

    def __init__(self, language: str):
        """Check that espeak-ng is installed and knows `language`."""
        self.language = language
        self.name = f'espeak-ng:{language}'
        if not shutil.which('espeak-ng'):
            raise ModelError('espeak-ng is not installed; run `make setup`')
        voices = subprocess.run(['espeak-ng', f'--voices={language}'], capture_output=True,
                                text=True, timeout=10).stdout.splitlines()
        if len(voices) < 2:  # a header line, then one line a voice
            raise ModelError(f"espeak-ng has no voice for '{language}'")

    def synthesize(self, text: str) -> np.ndarray:
        """Return the text spoken, int16 at 22.05 kHz."""
        wav = subprocess.run(['espeak-ng', '-v', self.language, '--stdout', text],
                             capture_output=True, timeout=60, check=True).stdout
        with wave.open(io.BytesIO(wav)) as w:
            return np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)


@dataclass(frozen=True)
class KokoroChoice:
    """Which languages Kokoro speaks, how, and the speed it must reach to be used.

    `max_rtf`: Kokoro is used only if synthesising a calibration sentence takes at most this
    fraction of the sentence's duration (best of two tries when this board first needs it, then
    remembered: speaking.board_timing); slower, it could not keep up with playback, and
    espeak-ng speaks instead. 0: always used, not timed.
    """

    languages: tuple = ('fr',)
    style: str = DEFAULT_STYLE
    speed: float = DEFAULT_SPEED
    threads: int = 2
    max_rtf: float = 0.6


class VoiceBook:
    """The voices Milo can speak with, by language."""

    def __init__(self, default_voice: str = '', search_dir: str = '',
                 kokoro: Optional[KokoroChoice] = None, timings: Optional[BoardTimings] = None):
        """Load the default voice ('' = the packaged one, or an .onnx path) and those in models/.

        `kokoro`: the languages Kokoro speaks, loaded when first needed, and timed on this board
        once (`timings`: where the times are kept; the user's cache by default); None (the
        default, as for the demo's recorded speech): Piper and espeak-ng only.
        """
        packaged = get_model('piper-joe').check()
        path = default_voice or packaged
        if not os.path.isabs(path):
            path = os.path.join(models_dir(), path)
        self.default = PiperEngine(path).load()
        self._piper = {self.default.language: self.default}
        self.problems = []  # voices found but unusable, for the logs
        candidates = glob.glob(os.path.join(search_dir or models_dir(), '**', '*.onnx'),
                               recursive=True)
        for model in sorted(candidates) + [packaged]:
            if os.path.isfile(model + '.json') and model != path:
                try:
                    engine = PiperEngine(model)
                except ModelError as exc:
                    self.problems.append(str(exc))
                    continue
                self._piper.setdefault(engine.language, engine)
        self._espeak = {}
        self.kokoro = kokoro
        self.timings = timings if timings is not None else (BoardTimings() if kokoro else None)
        self._neural = {}  # language -> (KokoroEngine or None, what was decided and why)
        self._neural_lock = threading.Lock()  # loading and timing Kokoro takes seconds: once

    def languages(self) -> list:
        """Return the languages that have a Piper voice."""
        return sorted(self._piper)

    def by_clause(self, language: str) -> bool:
        """Whether `language` is sent to its voice clause by clause (Kokoro may speak it).

        Answered without loading anything: the sender must not wait for Kokoro to be timed.
        """
        language = (language or self.default.language).lower()
        return bool(self.kokoro) and language in self.kokoro.languages and language not in self._piper

    def neural_status(self) -> dict:
        """Return {language: why Kokoro speaks it or not} for the Kokoro languages decided so far."""
        return {language: why for language, (_, why) in sorted(self._neural.items())}

    def for_language(self, language: str) -> tuple:
        """Return (engine, note): the best voice for `language`, and why, when it is a fallback."""
        language = (language or self.default.language).lower()
        if language in self._piper:
            return self._piper[language], ''
        if self.kokoro and language in self.kokoro.languages:
            engine, why = self._kokoro_for(language)
            if engine is not None:
                return engine, ''
            espeak, note = self._espeak_for(language)
            return espeak, (f'{why}; using espeak-ng' if isinstance(espeak, EspeakEngine) else note)
        return self._espeak_for(language)

    def _kokoro_for(self, language: str) -> tuple:
        """Load Kokoro for `language` once, if fast enough here; return (engine or None, why)."""
        with self._neural_lock:
            if language not in self._neural:
                try:
                    self._neural[language] = self._load_kokoro(language)
                except ModelError as exc:
                    self._neural[language] = None, f'Kokoro unusable ({exc})'
            return self._neural[language]

    def _load_kokoro(self, language: str) -> tuple:
        """Return (engine or None, why): timed on this board the first time, as remembered after."""
        choice = self.kokoro
        engine = KokoroEngine(language, choice.style, choice.speed, choice.threads)
        if not choice.max_rtf:
            return engine.load(), 'not timed (kokoro_max_rtf 0)'
        key = self.timings.key(get_model(engine.model).sha256.get('model.onnx', engine.model),
                               f'threads {choice.threads}', f'speed {choice.speed:g}')
        timed = self.timings.get(key)
        if timed is None:
            rtf = engine.load().real_time_factor(hopeless=2 * choice.max_rtf)
            self.timings.put(key, rtf)
            when = 'timed now'
        else:
            rtf, when = timed[0], f'timed {timed[1]}'
        if rtf > choice.max_rtf:
            if timed is None:  # loaded to be timed: its model, 100 MB, back to the system
                del engine
                release_memory()
            return None, (f'Kokoro too slow on this board (real-time factor {rtf:.2f} > '
                          f'{choice.max_rtf:g}, {when})')
        return engine.load(), f'real-time factor {rtf:.2f} <= {choice.max_rtf:g} ({when})'

    def _espeak_for(self, language: str) -> tuple:
        if language not in self._espeak:
            try:
                self._espeak[language] = EspeakEngine(language)
            except ModelError as exc:
                self._espeak[language] = exc
        engine = self._espeak[language]
        if isinstance(engine, ModelError):
            return self.default, f"no voice for '{language}' ({engine}); speaking with {self.default.name}"
        return engine, f"no Piper voice for '{language}'; using espeak-ng"
