# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Audio frames on ROS topics, carried in the standard sensor_msgs/Image.

A frame is a 1 x N "image" of signed 16-bit samples (encoding 16SC1, little-endian) at 16 kHz
mono. header.stamp is the capture time of the first sample. docs/interfaces.md has the details.

This module is the one owner of the sample clock. On /audio/frames, header.stamp is also the
frame's **sample index**: the number of 16 kHz samples since the Unix epoch of its first sample,
exactly (one sample is 62 500 ns, an integer, so `index = stamp_ns / 62 500` with no rounding
error). The microphone numbers every sample it captures; a sample it could not capture (an
overflow of the sound card) keeps its number, so the next frame's index jumps. A listener that
expects the next frame at `index + len(samples)` sees every frame lost on the way, and how much
time is missing. The standard stamp field holds it: no field is given a second meaning, and a
listener that only wants the time reads the stamp as usual.
"""

from dataclasses import dataclass

import numpy as np

from milo_robot.audio.format import SAMPLE_RATE
from milo_robot.interfaces.fields import PayloadError

ENCODING = '16SC1'
MAX_FRAME_SAMPLES = SAMPLE_RATE  # one second: anything longer is not a frame
NS_PER_SAMPLE = 1_000_000_000 // SAMPLE_RATE  # 62 500 ns: exact at 16 kHz
assert NS_PER_SAMPLE * SAMPLE_RATE == 1_000_000_000


class AudioFrameError(PayloadError):
    """A message on the audio topic that is not a valid audio frame."""


def index_to_stamp(index: int):
    """Return the builtin_interfaces/Time of sample `index` (samples since the epoch)."""
    from builtin_interfaces.msg import Time

    return Time(sec=index // SAMPLE_RATE, nanosec=(index % SAMPLE_RATE) * NS_PER_SAMPLE)


def seconds_to_index(seconds: float) -> int:
    """Return the sample index of a time in seconds on the stream's clock (nearest sample)."""
    return int(round(seconds * SAMPLE_RATE))


def index_to_seconds(index: int) -> float:
    """Return the time in seconds of sample `index` on the stream's clock."""
    return index / SAMPLE_RATE


def frame_to_msg(samples: np.ndarray, stamp, frame_id: str):
    """Wrap int16 samples in an Image message; `stamp` is a Time, or a sample index (int)."""
    if isinstance(stamp, (int, np.integer)):
        stamp = index_to_stamp(int(stamp))
    from sensor_msgs.msg import Image

    msg = Image(height=1, width=len(samples), encoding=ENCODING, is_bigendian=0,
                step=2 * len(samples), data=samples.astype('<i2', copy=False).tobytes())
    msg.header.stamp = stamp
    msg.header.frame_id = frame_id
    return msg


def msg_to_frame(msg) -> np.ndarray:
    """Return the int16 samples of a frame message, or raise AudioFrameError saying what is wrong."""
    if msg.encoding != ENCODING or msg.is_bigendian:
        raise AudioFrameError(f"audio frame encoding '{msg.encoding}' (big-endian={msg.is_bigendian})"
                              f"; expected '{ENCODING}' little-endian")
    if msg.height != 1 or not 0 < msg.width <= MAX_FRAME_SAMPLES:
        raise AudioFrameError(f'audio frame of {msg.height} x {msg.width} samples; expected '
                              f'1 x (1..{MAX_FRAME_SAMPLES})')
    if msg.step != 2 * msg.width or len(msg.data) != msg.step:
        raise AudioFrameError(f'audio frame holds {len(msg.data)} bytes with step {msg.step}; '
                              f'expected {2 * msg.width} bytes for {msg.width} samples')
    return np.frombuffer(bytes(msg.data), dtype='<i2')


def stamp_seconds(msg) -> float:
    """Return the frame's stamp (its first sample's capture time) in seconds."""
    return msg.header.stamp.sec + msg.header.stamp.nanosec / 1e9


def stamp_index(msg) -> int:
    """Return the frame's sample index: its stamp on the 16 kHz grid (nearest sample)."""
    ns = msg.header.stamp.sec * 1_000_000_000 + msg.header.stamp.nanosec
    return (ns + NS_PER_SAMPLE // 2) // NS_PER_SAMPLE


@dataclass(frozen=True)
class AudioFrame:
    """A received audio frame: its samples, the capture time of the first one (s) and its index."""

    samples: np.ndarray
    stamp: float
    index: int  # the first sample's index on the sample clock (see the module's docstring)

    @property
    def end(self) -> int:
        """Return the index just after the frame's last sample: where the next frame starts."""
        return self.index + len(self.samples)

    @classmethod
    def from_msg(cls, msg) -> 'AudioFrame':
        """Check and read a frame message, or raise AudioFrameError."""
        return cls(msg_to_frame(msg), stamp_seconds(msg), stamp_index(msg))
