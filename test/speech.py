# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Real speech for tests: sentences spoken by the packaged Piper voice, at 16 kHz."""

import functools

import numpy as np

from milo_robot.audio.resample import StreamingResampler
from milo_robot.models import get_model


@functools.lru_cache(maxsize=1)
def _voice():
    from piper import PiperVoice

    return PiperVoice.load(get_model('piper-joe').check())


@functools.lru_cache(maxsize=64)
def say(text: str) -> np.ndarray:
    """Return `text` spoken by the Piper voice, as 16 kHz int16 samples."""
    voice = _voice()
    audio = np.concatenate([np.frombuffer(c.audio_int16_bytes, dtype=np.int16)
                            for c in voice.synthesize(text)])
    resampler = StreamingResampler(voice.config.sample_rate, 16000)
    return np.concatenate([resampler.process(audio), resampler.flush()])


def silence(seconds: float) -> np.ndarray:
    """Return silence at 16 kHz."""
    return np.zeros(int(seconds * 16000), dtype=np.int16)


def talk(*parts) -> np.ndarray:
    """Join sentences (str) and pauses (float seconds) into one recording."""
    return np.concatenate([say(p) if isinstance(p, str) else silence(p) for p in parts])
