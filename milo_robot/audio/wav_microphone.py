# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The sim-mode microphone: plays a WAV file as if it were being captured, in real time or faster."""

import time
import wave
from typing import Callable, Iterator

import numpy as np

from milo_robot.audio.capture import FrameAssembler
from milo_robot.audio.format import SAMPLE_RATE

_READ_FRAMES = 4096  # native frames read from the file at a time


class WavMicrophone:
    """Yield 16 kHz mono frames from a WAV file, paced like a real capture.

    `realtime_factor` 1.0 plays in real time, 2.0 twice as fast, 0 as fast as possible.

    The file stands for a class, which goes on while nobody listens. With a `room` file, the first
    microphone notes in it the wall time its playback began, and a later one on the same room (the
    node respawned) starts where the class is now, instead of at the beginning of the file.
    """

    def __init__(self, path: str, frame_size: int, realtime_factor: float = 1.0, loop: bool = False,
                 tail_silence_s: float = 0.0, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep, room: str = '',
                 wall_clock: Callable[[], float] = time.time):
        """Open and check the file now, so a bad file is reported before capture starts."""
        self.path = path
        self.frame_size = frame_size
        self.realtime_factor = realtime_factor
        self.loop = loop
        self.tail_silence_s = tail_silence_s
        self.room = room
        self.joined_at_s = 0.0  # where in the file playback began (s): not 0 when joining a room
        self.overflows = self.skipped_samples = 0  # a file never overflows: every sample is read
        self._clock, self._sleep, self._wall_clock = clock, sleep, wall_clock
        try:
            with wave.open(path, 'rb') as w:
                self.native_rate, self.channels = w.getframerate(), w.getnchannels()
                width = w.getsampwidth()
        except FileNotFoundError as exc:
            raise FileNotFoundError(f'microphone WAV file not found: {path}') from exc
        except (wave.Error, EOFError) as exc:
            raise ValueError(f'{path} is not a readable PCM WAV file: {exc}') from exc
        if width != 2:
            raise ValueError(f'{path}: {8 * width}-bit samples; the microphone needs 16-bit PCM')

    def describe(self) -> str:
        """Name the device for logs and diagnostics."""
        return f'wav:{self.path} ({self.native_rate} Hz, {self.channels} ch)'

    def _join_room(self) -> float:
        """Return where the class is now in the file (s), noting the start if it is the first."""
        if not self.room:
            return 0.0
        try:
            with open(self.room, encoding='ascii') as f:
                began = float(f.read())
        except FileNotFoundError:
            with open(self.room, 'w', encoding='ascii') as f:
                f.write(repr(self._wall_clock()))
            return 0.0
        except (OSError, ValueError) as exc:
            raise ValueError(f'microphone room file {self.room} is unreadable: {exc}') from exc
        return max(0.0, self._wall_clock() - began) * (self.realtime_factor or 1.0)

    def frames(self) -> Iterator[np.ndarray]:
        """Return the frames until the end of the file (forever when looping), paced by the clock.

        The room is joined now (`joined_at_s` says where), not at the first frame.
        """
        self.joined_at_s = self._join_room()
        return self._paced(self.joined_at_s)

    def _paced(self, skip_s: float) -> Iterator[np.ndarray]:
        start, sent = self._clock(), 0
        while True:
            for frame in self._frames_once(last=not self.loop, skip_s=skip_s):
                sent += len(frame)
                if self.realtime_factor > 0:
                    # Like a sound card: a frame is ready once its last sample is "captured".
                    delay = start + sent / SAMPLE_RATE / self.realtime_factor - self._clock()
                    if delay > 0:
                        self._sleep(delay)
                yield frame
            if not self.loop:
                return
            skip_s = 0.0

    def _frames_once(self, last: bool, skip_s: float = 0.0) -> Iterator[np.ndarray]:
        assembler = FrameAssembler(self.native_rate, self.channels, self.frame_size)
        with wave.open(self.path, 'rb') as w:
            w.setpos(min(w.getnframes(), int(skip_s * self.native_rate)))
            while True:
                raw = w.readframes(_READ_FRAMES)
                if not raw:
                    break
                yield from assembler.feed(np.frombuffer(raw, dtype='<i2'))
        yield from assembler.finish()
        # A quiet room after the recording: lets detectors close the last segment naturally.
        for _ in range(int(np.ceil(self.tail_silence_s * SAMPLE_RATE / self.frame_size)) if last else 0):
            yield np.zeros(self.frame_size, dtype=np.int16)
