# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Telling Milo's own voice from a person talking over it.

While Milo speaks, the microphone hears Milo's voice back, delayed and attenuated. The gate keeps
the audio Milo played (the reference), finds the delay and gain at which it best explains each
microphone frame, and subtracts it. What remains is what someone else said: if it is strong, a
person is talking over Milo (barge-in); if not, the frame is only Milo's echo.
"""

from collections import deque

import numpy as np

from milo_robot.audio.format import SAMPLE_RATE


class EchoGate:
    """Subtract the best-aligned copy of what Milo played from microphone frames."""

    def __init__(self, max_delay_s: float = 0.3, keep_s: float = 5.0):
        """Search echo delays up to `max_delay_s`; keep `keep_s` of reference audio."""
        self.max_delay = int(max_delay_s * SAMPLE_RATE)
        self._keep = int(keep_s * SAMPLE_RATE)
        self._chunks = deque()  # (first sample time in s, samples)

    def add_reference(self, samples: np.ndarray, start: float) -> None:
        """Record audio Milo played, starting at time `start` (same clock as the microphone)."""
        self._chunks.append((start, samples.astype(np.float64)))
        while sum(len(c) for _, c in self._chunks) > self._keep:
            self._chunks.popleft()

    def _reference(self, start: float, length: int) -> np.ndarray:
        """Return the reference signal over [start, start + length samples), zeros where none."""
        out = np.zeros(length)
        for t, chunk in self._chunks:
            offset = int(round((t - start) * SAMPLE_RATE))
            lo, hi = max(0, offset), min(length, offset + len(chunk))
            if lo < hi:
                out[lo:hi] = chunk[lo - offset:hi - offset]
        return out

    def residual(self, frame: np.ndarray, start: float) -> np.ndarray:
        """Return the frame minus the echo of Milo's voice that best matches it."""
        n = len(frame)
        mic = frame.astype(np.float64)
        # The echo heard at `start` was played up to max_delay earlier.
        ref = self._reference(start - self.max_delay / SAMPLE_RATE, n + self.max_delay)
        if not np.any(ref):
            return frame
        size = 1 << int(np.ceil(np.log2(len(ref) + n)))
        corr = np.fft.irfft(np.fft.rfft(ref, size) * np.conj(np.fft.rfft(mic, size)), size)
        lag = int(np.argmax(corr[:self.max_delay + 1]))
        aligned = ref[lag:lag + n]
        energy = float(aligned @ aligned)
        if energy == 0.0:
            return frame
        gain = float(mic @ aligned) / energy
        return np.clip(mic - gain * aligned, -32768, 32767).astype(np.int16)
