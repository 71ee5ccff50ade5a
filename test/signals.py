# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Test signals: tones, WAV files, and the frequency that dominates a signal."""

import wave

import numpy as np


def tone(freq: float, seconds: float, rate: int, amplitude: int = 8000) -> np.ndarray:
    """Return a sine tone as int16 samples."""
    t = np.arange(int(seconds * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.int16)


def write_wav(path, samples: np.ndarray, rate: int, channels: int = 1, width: int = 2) -> str:
    """Write interleaved samples to a PCM WAV file."""
    with wave.open(str(path), 'wb') as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())
    return str(path)


def read_wav(path) -> tuple:
    """Return (samples, rate) of a 16-bit mono WAV file."""
    with wave.open(str(path), 'rb') as w:
        return np.frombuffer(w.readframes(w.getnframes()), dtype='<i2'), w.getframerate()


def dominant_hz(samples: np.ndarray, rate: int) -> float:
    """Return the frequency of the strongest component."""
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.argmax(spectrum) * rate / len(samples))


def rms(samples: np.ndarray) -> float:
    """Return the root mean square of samples."""
    return float(np.sqrt(np.mean(np.square(samples.astype(np.float64)))))
