# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Real sound devices through PyAudio (PortAudio): the robot's microphone and speaker.

Devices are chosen by index or by part of their name, as listed by `list_devices()`. In tests and
on machines without a sound card, ALSA file-backed devices (see docs/sim_mode.md) stand in for
the hardware, so this same code is exercised.
"""

import time
from typing import Callable, Iterator, Optional

import numpy as np

from milo_robot.audio.capture import FrameAssembler
from milo_robot.audio.format import SAMPLE_RATE
from milo_robot.audio.resample import StreamingResampler
from milo_robot.audio.timeline import CaptureClock

READ_FRAMES = 1024  # native frames read at a time


class DeviceError(RuntimeError):
    """A sound device that cannot be found, opened or used."""


def _pyaudio():
    try:
        import pyaudio
    except ImportError as exc:
        raise DeviceError('pyaudio is not installed; run `make setup`') from exc
    return pyaudio


def list_devices(pa, direction: str) -> list:
    """Return [(index, name)] of devices able to capture ('input') or play ('output')."""
    key = 'maxInputChannels' if direction == 'input' else 'maxOutputChannels'
    found = []
    for i in range(pa.get_device_count()):
        info = pa.get_device_info_by_index(i)
        if info.get(key, 0) > 0:
            found.append((i, info['name']))
    return found


def find_device(pa, spec: str, direction: str) -> Optional[int]:
    """Resolve '' (the default device), an index, or part of a name to a device index."""
    if spec == '':
        return None
    devices = list_devices(pa, direction)
    if spec.isdigit():
        matches = [i for i, _ in devices if i == int(spec)]
    else:
        matches = [i for i, name in devices if spec.lower() in name.lower()]
    if not matches:
        listing = '; '.join(f'{i}: {name}' for i, name in devices) or 'none'
        raise DeviceError(f"no {direction} device matches '{spec}'. Devices: {listing}")
    return matches[0]


class PyAudioMicrophone:
    """Capture from a sound card at its native rate and yield 16 kHz mono frames.

    The frames are contiguous on the sample clock except after an overflow (the card's buffer
    filled up while nobody read it): what it dropped is gone, and `skipped_samples` grows by
    the 16 kHz samples the wall clock says passed meanwhile, so that the frames after it keep
    their true times and listeners see the gap.
    """

    def __init__(self, device: str, native_rate: int, channels: int, frame_size: int,
                 clock: Callable[[], float] = time.monotonic):
        """Remember the settings; the device is opened when `frames()` starts."""
        self.device, self.native_rate, self.channels = device, native_rate, channels
        self.frame_size = frame_size
        self._clock = clock  # the wall clock an overflow is measured against
        self.overflows = 0
        self.skipped_samples = 0  # 16 kHz samples lost to overflows (the frames' index jumps)
        self.joined_at_s = 0.0  # a sound card starts where the class is: now

    def describe(self) -> str:
        """Name the device for logs and diagnostics."""
        return f"pyaudio:{self.device or 'default'} ({self.native_rate} Hz, {self.channels} ch)"

    def frames(self) -> Iterator[np.ndarray]:
        """Yield frames until the device fails (DeviceError); overflows are counted, not raised."""
        pyaudio = _pyaudio()
        pa = pyaudio.PyAudio()
        stream = None
        try:
            stream = pa.open(format=pyaudio.paInt16, channels=self.channels, rate=self.native_rate,
                             input=True, input_device_index=find_device(pa, self.device, 'input'),
                             frames_per_buffer=1024)
            assembler = FrameAssembler(self.native_rate, self.channels, self.frame_size)
            clock, yielded = CaptureClock(self.native_rate, self._clock), 0
            while True:
                try:
                    raw = stream.read(READ_FRAMES, exception_on_overflow=True)
                except OSError as exc:
                    if exc.errno != pyaudio.paInputOverflowed:
                        raise DeviceError(f'{self.describe()}: capture failed: {exc}') from exc
                    # The read's audio is dropped with whatever the card lost before it: the
                    # clock jumps to the wall clock, and the frames start again from there.
                    self.overflows += 1
                    clock.overflowed(READ_FRAMES)
                    assembler = FrameAssembler(self.native_rate, self.channels, self.frame_size)
                    self.skipped_samples = round(clock.position * SAMPLE_RATE / self.native_rate) - yielded
                    continue
                clock.captured(len(raw) // (2 * self.channels))
                for frame in assembler.feed(np.frombuffer(raw, dtype='<i2')):
                    yielded += len(frame)
                    yield frame
        except (OSError, ValueError) as exc:
            raise DeviceError(f'{self.describe()}: cannot open: {exc}') from exc
        finally:
            if stream is not None:
                stream.close()
            pa.terminate()


class PyAudioSpeaker:
    """Play int16 mono audio on a sound card, resampled to the rate the device is opened at."""

    realtime = True  # writes block while the card plays: it paces whoever writes

    def __init__(self, device: str, rate: int, device_rate: int = 0):
        """Open the device now; `device_rate` 0 means the same rate as the audio."""
        pyaudio = _pyaudio()
        self.rate = rate
        self.device_rate = device_rate or rate
        self._resampler = StreamingResampler(rate, self.device_rate)
        self._pa = pyaudio.PyAudio()
        try:
            self._stream = self._pa.open(
                format=pyaudio.paInt16, channels=1, rate=self.device_rate, output=True,
                output_device_index=find_device(self._pa, device, 'output'))
        except (OSError, ValueError) as exc:
            self._pa.terminate()
            raise DeviceError(f"cannot open output device '{device or 'default'}': {exc}") from exc

    def play(self, samples: np.ndarray) -> None:
        """Play samples (blocks while the device's buffer is full)."""
        self._stream.write(self._resampler.process(samples).tobytes())

    def drain(self) -> None:
        """Nothing to wait for: a blocking write returns once the card has taken the audio."""

    def close(self) -> None:
        """Play what is left and release the device."""
        self._stream.write(self._resampler.flush().tobytes())
        self._stream.stop_stream()
        self._stream.close()
        self._pa.terminate()
