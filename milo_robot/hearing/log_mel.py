# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Whisper's log-mel spectrogram in numpy: the input of Whisper-encoder models (Smart Turn).

Whisper's front end, as its paper and reference code define it: 25 ms Hann windows (400 samples)
every 10 ms (160 samples) over the 16 kHz signal padded by reflection at both ends, the power
spectrum through 80 triangular mel filters (Slaney's mel scale and area normalisation, 0-8 kHz),
log10 with a floor, values kept within 8 (a factor of 10^8) of the loudest, then scaled to about
[-1, 1]. The last frame is dropped: N samples give N / 160 frames.
"""

import functools

import numpy as np

SAMPLE_RATE = 16000
N_FFT = 400
HOP = 160
N_MELS = 80


def _hz_to_mel(hz: np.ndarray) -> np.ndarray:
    """Slaney's mel scale: linear below 1 kHz, logarithmic above."""
    hz = np.asarray(hz, dtype=np.float64)
    linear = hz * 3.0 / 200.0
    log_step = np.log(6.4) / 27.0
    return np.where(hz < 1000.0, linear, 15.0 + np.log(np.maximum(hz, 1e-10) / 1000.0) / log_step)


def _mel_to_hz(mel: np.ndarray) -> np.ndarray:
    mel = np.asarray(mel, dtype=np.float64)
    log_step = np.log(6.4) / 27.0
    return np.where(mel < 15.0, mel * 200.0 / 3.0, 1000.0 * np.exp(log_step * (mel - 15.0)))


@functools.lru_cache(maxsize=None)
def mel_filters(n_mels: int = N_MELS, n_fft: int = N_FFT, rate: int = SAMPLE_RATE) -> np.ndarray:
    """Return the (n_mels, n_fft // 2 + 1) filter bank: triangles of unit area per mel band."""
    bins = np.linspace(0.0, rate / 2.0, n_fft // 2 + 1)
    edges = _mel_to_hz(np.linspace(_hz_to_mel(0.0), _hz_to_mel(rate / 2.0), n_mels + 2))
    lower, centre, upper = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    rising = (bins[None, :] - lower) / (centre - lower)
    falling = (upper - bins[None, :]) / (upper - centre)
    triangles = np.maximum(0.0, np.minimum(rising, falling))
    return (triangles * (2.0 / (upper - lower))).astype(np.float32)


@functools.lru_cache(maxsize=None)
def _window() -> np.ndarray:
    return (0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(N_FFT) / N_FFT)).astype(np.float32)  # periodic Hann


def log_mel(audio: np.ndarray) -> np.ndarray:
    """Return the (80, len(audio) // 160) log-mel spectrogram of float audio at 16 kHz."""
    audio = np.asarray(audio, dtype=np.float32)
    padded = np.pad(audio, N_FFT // 2, mode='reflect')
    frames = np.lib.stride_tricks.sliding_window_view(padded, N_FFT)[::HOP][:-1]
    power = np.abs(np.fft.rfft(frames * _window(), axis=1)) ** 2
    mel = mel_filters() @ power.T.astype(np.float32)
    spectrum = np.log10(np.maximum(mel, 1e-10))
    spectrum = np.maximum(spectrum, spectrum.max() - 8.0)
    return ((spectrum + 4.0) / 4.0).astype(np.float32)


def normalized(audio: np.ndarray) -> np.ndarray:
    """Return `audio` with zero mean and unit variance, as Whisper feature extractors offer."""
    audio = np.asarray(audio, dtype=np.float32)
    return (audio - audio.mean()) / np.sqrt(audio.var() + 1e-7)
