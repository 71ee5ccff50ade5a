# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Streaming sample-rate conversion of int16 audio, chunk by chunk, with no seams between chunks.

A windowed-sinc interpolator in numpy: each output sample is a weighted sum of the input samples
around its position. The last input samples are kept between calls, so converting a stream in
pieces gives the same result as converting it whole.
"""

import numpy as np

# Fractional positions are rounded to 2^-24 of an input sample to be grouped: far finer than any
# weight's change that int16 output can show, far coarser than float64's error on a position.
PHASE_GRID = float(1 << 24)


class StreamingResampler:
    """Convert a stream of int16 mono chunks from `in_rate` to `out_rate`."""

    def __init__(self, in_rate: int, out_rate: int, half_width: int = 16):
        """Prepare a converter; `half_width` input samples on each side feed every output sample."""
        if in_rate <= 0 or out_rate <= 0:
            raise ValueError(f'sample rates must be positive, got {in_rate} -> {out_rate}')
        self.in_rate, self.out_rate = in_rate, out_rate
        self._step = in_rate / out_rate  # input samples per output sample
        # Cut just below the lower Nyquist frequency, so downsampling does not alias.
        self._cutoff = 0.95 * min(1.0, out_rate / in_rate)
        self._half = half_width
        self._offsets = np.arange(-half_width + 1, half_width + 1)
        self._history = np.zeros(half_width, dtype=np.float64)
        self._position = float(half_width)  # of the next output sample, in the history's indices

    def process(self, chunk: np.ndarray) -> np.ndarray:
        """Convert the next chunk; returns the output samples that are complete so far."""
        if self.in_rate == self.out_rate:
            return chunk.astype(np.int16, copy=False)
        x = np.concatenate([self._history, chunk.astype(np.float64)])
        # An output sample needs `half` input samples to its right.
        last = len(x) - self._half
        count = max(0, int(np.ceil((last - self._position) / self._step)))
        positions = self._position + np.arange(count) * self._step
        base = np.floor(positions).astype(np.int64)
        # Between integer rates the output samples fall on at most out_rate/gcd distinct fractions
        # of an input sample (147 for 24 kHz to 22.05 kHz): the weights are computed once per
        # fraction, not per sample. Computing them per sample took 89 ms of CPU for 2 s of
        # Kokoro's speech, before its first block could play (docs/speaking.md).
        phases, which = np.unique(np.round((positions - base) * PHASE_GRID), return_inverse=True)
        distance = (phases / PHASE_GRID)[:, None] - self._offsets[None, :]
        window = 0.5 * (1.0 + np.cos(np.pi * distance / self._half))
        weights = (self._cutoff * np.sinc(self._cutoff * distance) * window)[which.ravel()]
        y = np.einsum('ij,ij->i', x[base[:, None] + self._offsets[None, :]], weights)
        next_position = self._position + count * self._step
        drop = max(0, int(np.floor(next_position)) - self._half)
        self._history = x[drop:]
        self._position = next_position - drop
        return np.clip(np.round(y), -32768, 32767).astype(np.int16)

    def flush(self) -> np.ndarray:
        """Return the tail of the stream (the input is padded with silence)."""
        if self.in_rate == self.out_rate:
            return np.zeros(0, dtype=np.int16)  # nothing is held back
        return self.process(np.zeros(self._half, dtype=np.int16))


def resample(samples: np.ndarray, in_rate: int, out_rate: int) -> np.ndarray:
    """Convert a whole int16 clip from `in_rate` to `out_rate`."""
    resampler = StreamingResampler(in_rate, out_rate)
    return np.concatenate([resampler.process(samples), resampler.flush()])
