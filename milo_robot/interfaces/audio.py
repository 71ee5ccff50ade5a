# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Audio frames on ROS topics, carried in the standard sensor_msgs/Image.

A frame is a 1 x N "image" of signed 16-bit samples (encoding 16SC1, little-endian) at 16 kHz
mono. header.stamp is the capture time of the first sample. docs/interfaces.md has the details.
"""

from dataclasses import dataclass

import numpy as np

from milo_robot.audio.format import SAMPLE_RATE
from milo_robot.interfaces.fields import PayloadError

ENCODING = '16SC1'
MAX_FRAME_SAMPLES = SAMPLE_RATE  # one second: anything longer is not a frame


class AudioFrameError(PayloadError):
    """A message on the audio topic that is not a valid audio frame."""


def frame_to_msg(samples: np.ndarray, stamp, frame_id: str):
    """Wrap int16 samples in an Image message."""
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


@dataclass(frozen=True)
class AudioFrame:
    """A received audio frame: its samples and the capture time of the first one (s)."""

    samples: np.ndarray
    stamp: float

    @classmethod
    def from_msg(cls, msg) -> 'AudioFrame':
        """Check and read a frame message, or raise AudioFrameError."""
        return cls(msg_to_frame(msg), stamp_seconds(msg))
