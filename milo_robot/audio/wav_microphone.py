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
    """

    def __init__(self, path: str, frame_size: int, realtime_factor: float = 1.0, loop: bool = False,
                 tail_silence_s: float = 0.0, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        """Open and check the file now, so a bad file is reported before capture starts."""
        self.path = path
        self.frame_size = frame_size
        self.realtime_factor = realtime_factor
        self.loop = loop
        self.tail_silence_s = tail_silence_s
        self._clock, self._sleep = clock, sleep
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

    def frames(self) -> Iterator[np.ndarray]:
        """Yield frames until the end of the file (forever when looping), paced by the clock."""
        start, sent = self._clock(), 0
        while True:
            for frame in self._frames_once(last=not self.loop):
                sent += len(frame)
                if self.realtime_factor > 0:
                    # Like a sound card: a frame is ready once its last sample is "captured".
                    delay = start + sent / SAMPLE_RATE / self.realtime_factor - self._clock()
                    if delay > 0:
                        self._sleep(delay)
                yield frame
            if not self.loop:
                return

    def _frames_once(self, last: bool) -> Iterator[np.ndarray]:
        assembler = FrameAssembler(self.native_rate, self.channels, self.frame_size)
        with wave.open(self.path, 'rb') as w:
            while True:
                raw = w.readframes(_READ_FRAMES)
                if not raw:
                    break
                yield from assembler.feed(np.frombuffer(raw, dtype='<i2'))
        yield from assembler.finish()
        # A quiet room after the recording: lets detectors close the last segment naturally.
        for _ in range(int(np.ceil(self.tail_silence_s * SAMPLE_RATE / self.frame_size)) if last else 0):
            yield np.zeros(self.frame_size, dtype=np.int16)
