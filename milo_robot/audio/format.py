# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The audio format the whole graph uses, and checks on samples that claim to be in it."""

import numpy as np

SAMPLE_RATE = 16000  # Hz, mono, signed 16-bit: what VAD and ASR models expect
SUPPORTED_NATIVE_RATES = (16000, 44100, 48000)


def frame_samples(frame_ms: int, rate: int = SAMPLE_RATE) -> int:
    """Return the number of samples in a frame of `frame_ms` milliseconds."""
    return rate * frame_ms // 1000


def to_mono(interleaved: np.ndarray, channels: int) -> np.ndarray:
    """Average interleaved int16 channels into one (an incomplete last sample is dropped)."""
    if channels == 1:
        return interleaved
    usable = len(interleaved) - len(interleaved) % channels
    stacked = interleaved[:usable].reshape(-1, channels).astype(np.int32)
    return (stacked.sum(axis=1) // channels).astype(np.int16)


def level_dbfs(samples: np.ndarray) -> float:
    """Return the RMS level of int16 samples in dB relative to full scale (-96 for silence)."""
    if len(samples) == 0:
        return -96.0
    rms = np.sqrt(np.mean(np.square(samples.astype(np.float64)))) / 32768.0
    return float(max(-96.0, 20.0 * np.log10(rms))) if rms > 0 else -96.0
