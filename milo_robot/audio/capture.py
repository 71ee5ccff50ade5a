# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Turn raw captured audio, at any supported rate and channel count, into the graph's frames."""

from typing import Iterator

import numpy as np

from milo_robot.audio.format import SAMPLE_RATE, to_mono
from milo_robot.audio.resample import StreamingResampler


class FrameAssembler:
    """Downmix, resample to 16 kHz and cut into frames of exactly `frame_size` samples."""

    def __init__(self, native_rate: int, channels: int, frame_size: int):
        """Prepare for a stream of interleaved int16 audio at `native_rate` with `channels`."""
        if channels < 1:
            raise ValueError(f'channels must be at least 1, got {channels}')
        self.channels = channels
        self.frame_size = frame_size
        self._resampler = StreamingResampler(native_rate, SAMPLE_RATE)
        self._pending = np.zeros(0, dtype=np.int16)

    @property
    def pending_samples(self) -> int:
        """Return how many output samples wait for the next whole frame."""
        return len(self._pending)

    def feed(self, interleaved: np.ndarray) -> Iterator[np.ndarray]:
        """Add captured samples; yield every frame now complete."""
        mono = to_mono(interleaved, self.channels)
        self._pending = np.concatenate([self._pending, self._resampler.process(mono)])
        while len(self._pending) >= self.frame_size:
            frame, self._pending = np.split(self._pending, [self.frame_size])
            yield frame

    def finish(self) -> Iterator[np.ndarray]:
        """At the end of the stream, yield what is left, padded with silence to a whole frame."""
        self._pending = np.concatenate([self._pending, self._resampler.flush()])
        if len(self._pending):
            frame = np.zeros(self.frame_size, dtype=np.int16)
            frame[:len(self._pending)] = self._pending[:self.frame_size]
            self._pending = np.zeros(0, dtype=np.int16)
            yield frame
