# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Real speech for tests: sentences spoken by the packaged Piper voice, at 16 kHz."""

import functools

import numpy as np

from milo_robot.audio.piper_voice import synthesize_16k


@functools.lru_cache(maxsize=64)
def say(text: str) -> np.ndarray:
    """Return `text` spoken by the Piper voice, as 16 kHz int16 samples."""
    return synthesize_16k(text)


def silence(seconds: float) -> np.ndarray:
    """Return silence at 16 kHz."""
    return np.zeros(int(seconds * 16000), dtype=np.int16)


def talk(*parts) -> np.ndarray:
    """Join sentences (str) and pauses (float seconds) into one recording."""
    return np.concatenate([say(p) if isinstance(p, str) else silence(p) for p in parts])
