# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Speech from the packaged Piper voice: the demo lecture, test speech and benchmark clips."""

import functools
import threading

import numpy as np

from milo_robot.audio.format import SAMPLE_RATE
from milo_robot.audio.resample import resample
from milo_robot.models import get_model

# piper's espeak-ng binding holds one voice for the whole process, set before each text: Piper and
# Kokoro (French phonemes) take turns with it.
ESPEAK_LOCK = threading.Lock()


@functools.lru_cache(maxsize=2)
def load_voice(name: str = 'piper-joe'):
    """Load a Piper voice from the model catalogue (once per process)."""
    from piper import PiperVoice

    return PiperVoice.load(get_model(name).check())


def synthesize(text: str, voice=None, steady: bool = True, length_scale: float | None = None) -> np.ndarray:
    """Return `text` spoken as int16 samples at the voice's own rate.

    Piper adds random noise to its voice, which sounds natural; `steady` turns it off so that a
    sentence always gives the same audio and tests and benchmarks measure the same speech.
    `length_scale` changes the speaking rate (below 1 is faster); None keeps the voice's own.
    """
    from piper import SynthesisConfig

    voice = voice or load_voice()
    config = SynthesisConfig(length_scale=length_scale)
    if steady:
        config.noise_scale = config.noise_w_scale = 0.0
    with ESPEAK_LOCK:
        chunks = [np.frombuffer(c.audio_int16_bytes, dtype=np.int16)
                  for c in voice.synthesize(text, syn_config=config)]
    return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)


def synthesize_16k(text: str) -> np.ndarray:
    """Return `text` spoken at the graph's 16 kHz."""
    voice = load_voice()
    return resample(synthesize(text, voice), voice.config.sample_rate, SAMPLE_RATE)
