# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The audio's own clock: frames lost between two frames, and a capture's place on the wall clock.

Every frame carries the index of its first sample (milo_robot.interfaces.audio). A listener
expects the next frame where the last one ended; `Continuity` says how many samples are missing
before a frame, or heard twice, and counts the frames lost. `CaptureClock` keeps a sound card's
sample count true to the wall clock when the card drops audio (an overflow).
"""

import time
from dataclasses import dataclass
from typing import Callable, Optional

from milo_robot.audio.format import SAMPLE_RATE

# A stream whose clock jumps back by more than this, or forward by more than `max_gap`, is a new
# stream (the microphone started again), not lost or repeated frames.
RESTART_BACK_S = 1.0


@dataclass(frozen=True)
class Arrival:
    """Where a frame lands on the clock of the frames before it."""

    gap: int = 0  # samples missing just before the frame
    repeat: int = 0  # samples at the frame's start that were already heard: to drop
    restart: bool = False  # not the same stream any more: start again at this frame


class Continuity:
    """Follow a frame stream by its sample indices; count the frames lost and the gaps."""

    def __init__(self, max_gap_s: float = 60.0):
        """Start with no frame seen; a jump over `max_gap_s` is a new stream, not a loss."""
        self.max_gap = int(max_gap_s * SAMPLE_RATE)
        self.next: Optional[int] = None  # the index expected next
        self.frames_lost = 0
        self.gaps = 0
        self.restarts = 0

    def arrive(self, index: int, length: int) -> Arrival:
        """Take a frame of `length` samples at `index`; return where it lands."""
        expected = self.next
        self.next = index + length if expected is None else max(index + length, expected)
        if expected is None or index == expected:
            return Arrival()
        if index > expected + self.max_gap or index + length < expected - RESTART_BACK_S * SAMPLE_RATE:
            self.restarts += 1
            self.next = index + length
            return Arrival(restart=True)
        if index > expected:
            gap = index - expected
            self.gaps += 1
            self.frames_lost += max(1, round(gap / max(length, 1)))
            return Arrival(gap=gap)
        return Arrival(repeat=min(expected - index, length))


class CaptureClock:
    """A capture's position in samples from its start, kept true to the wall clock.

    Counting samples is exact while the card delivers them all. When it overflows, the audio it
    dropped is not there to count: the position jumps to where the wall clock says the capture
    is, so that the frames after it keep their true times and listeners see the gap.
    """

    def __init__(self, rate: int, clock: Callable[[], float] = time.monotonic):
        """Count samples at `rate`; `clock` gives the time in seconds."""
        self.rate = rate
        self._clock = clock
        self._started = clock()
        self.position = 0  # samples from the start, captured or dropped

    def captured(self, samples: int) -> None:
        """Note samples delivered by the card."""
        self.position += samples

    def overflowed(self, at_least: int) -> int:
        """Note that the card dropped audio (`at_least` samples); return the samples skipped."""
        on_the_wall = round((self._clock() - self._started) * self.rate)
        skipped = max(at_least, on_the_wall - self.position)
        self.position += skipped
        return skipped
