# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Camera frames from a V4L2 device, a video file or an image sequence, through OpenCV.

A file or a sequence plays like a live camera: `read()` returns the frame due now on the
playback clock, skipping those it was too slow for and waiting when it is early. Every failure
(missing device, no permission, unreadable file, unplugged camera, end of a file) is a
`CameraError` with a message saying what to check; the caller decides whether to retry, and
`open()` can be called again at any time to reopen the source.
"""

import os
import sys
import time
from typing import Callable, Optional

import cv2
import numpy as np

DEVICE, FILE, SEQUENCE = 'device', 'file', 'sequence'
PROCESS_WIDTH = 320  # processing width: 320x240 for a 4:3 camera
SEQUENCE_FPS = 10.0  # an image sequence has no frame rate of its own


class CameraError(RuntimeError):
    """The camera, or the file standing in for it, cannot give a frame."""


class SourceEnded(CameraError):
    """A video file or image sequence (not looped) has no more frames."""


def classify(source) -> tuple:
    """Return (kind, target) for a source: '0' or 0 → device 0, '/dev/video0', a file, 'dir/%04d.png'."""
    text = str(source).strip()
    if not text:
        raise ValueError('empty camera source: give a device index (0), a device path (/dev/video0), '
                         'a video file or an image pattern (frames/%04d.png)')
    if text.isdigit():
        return DEVICE, int(text)
    if text.startswith('/dev/'):
        return DEVICE, text
    if '%' in text:  # OpenCV reads printf-style patterns as image sequences
        return SEQUENCE, text
    return FILE, text


def downscale(frame: np.ndarray, width: int = PROCESS_WIDTH) -> np.ndarray:
    """Return `frame` shrunk to `width` pixels wide, aspect kept (as it is if already that narrow)."""
    if width <= 0:
        raise ValueError(f'downscale width must be positive, not {width}')
    if not isinstance(frame, np.ndarray) or frame.ndim not in (2, 3) or frame.size == 0:
        raise ValueError(f'not an image: {type(frame).__name__} {getattr(frame, "shape", "")}')
    height, current = frame.shape[:2]
    if current <= width:
        return frame
    size = (width, max(1, round(height * width / current)))
    return cv2.resize(frame, size, interpolation=cv2.INTER_AREA)  # area: no aliasing when shrinking


class FrameSource:
    """Frames from one camera source; `read()` gives BGR frames or raises CameraError."""

    def __init__(self, source, speed: float = 1.0, loop: bool = False, size: Optional[tuple] = None,
                 fps: Optional[float] = None, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        """Describe the source; nothing is opened until `open()` or the first `read()`.

        `speed` paces files and sequences: 1.0 real time, 2.0 twice as fast, 0 every frame as fast
        as they decode. `loop` restarts them at their end. `size` (width, height) and `fps` are
        asked of a device; `fps` is also the rate of an image sequence (default 10).
        """
        if speed < 0:
            raise ValueError(f'speed must be 0 (unpaced) or positive, not {speed}')
        if fps is not None and fps <= 0:
            raise ValueError(f'fps must be positive, not {fps}')
        if size is not None and (len(size) != 2 or min(size) <= 0):
            raise ValueError(f'size must be (width, height) in pixels, not {size}')
        self.kind, self.target = classify(source)
        self.speed = speed
        self.loop = loop
        self.size = size
        self.requested_fps = fps
        self.fps = 0.0  # the source's frame rate, known once open
        self._clock = clock
        self._sleep = sleep
        self._cap = None
        self._index = 0  # next frame of a file or sequence
        self._start = None  # playback clock time of frame 0

    @property
    def name(self) -> str:
        """The source as a person would name it (for messages and diagnostics)."""
        return f'/dev/video{self.target}' if isinstance(self.target, int) else str(self.target)

    @property
    def is_open(self) -> bool:
        """Whether the source is open."""
        return self._cap is not None

    def open(self) -> None:
        """Open (or reopen) the source; CameraError saying why when it cannot be opened."""
        self.close()
        self._check_exists()
        if self.kind == DEVICE:
            # V4L2 directly: the FFmpeg backend would also try, slower and with vaguer errors.
            api = cv2.CAP_V4L2 if sys.platform.startswith('linux') else cv2.CAP_ANY
            cap = cv2.VideoCapture(self.target, api)
        else:
            cap = cv2.VideoCapture(self.target, cv2.CAP_IMAGES if self.kind == SEQUENCE else cv2.CAP_ANY)
        if not cap.isOpened():
            cap.release()
            raise CameraError(f'cannot open {self.kind} {self.name}: ' + (
                'busy or not a video capture device?' if self.kind == DEVICE
                else 'not a video OpenCV can read, or corrupt'))
        if self.kind == DEVICE:
            cap.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # the freshest frame, not one queued seconds ago
            if self.size:
                cap.set(cv2.CAP_PROP_FRAME_WIDTH, self.size[0])
                cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self.size[1])
            if self.requested_fps:
                cap.set(cv2.CAP_PROP_FPS, self.requested_fps)
        reported = cap.get(cv2.CAP_PROP_FPS)
        self.fps = self.requested_fps if self.kind == SEQUENCE or not reported or reported <= 0 else reported
        self.fps = self.fps or SEQUENCE_FPS
        self._cap = cap
        self._index = 0
        self._start = None

    def _check_exists(self) -> None:
        if self.kind == DEVICE:
            path = self.name
            if sys.platform.startswith('linux') and not os.path.exists(path):
                raise CameraError(f'no camera at {path}: is it plugged in? (ls /dev/video*)')
            if sys.platform.startswith('linux') and not os.access(path, os.R_OK | os.W_OK):
                raise CameraError(f'no permission to open {path}: add the user to the video group '
                                  '(sudo usermod -aG video $USER, then log in again)')
        elif self.kind == FILE and not os.path.isfile(self.target):
            raise CameraError(f'video file not found: {self.target}')
        elif self.kind == SEQUENCE and not os.path.isdir(os.path.dirname(self.target) or '.'):
            raise CameraError(f'image sequence folder not found: {os.path.dirname(self.target)}')

    def read(self) -> np.ndarray:
        """Return the next BGR frame (opening the source if needed); CameraError if there is none."""
        if self._cap is None:
            self.open()
        if self.kind == DEVICE:
            ok, frame = self._cap.read()
            if not ok or frame is None:
                raise CameraError(f'camera {self.name} gave no frame: unplugged, or used by another '
                                  'program?')
            return frame
        if self.speed > 0:
            self._keep_pace()
        return self._next_file_frame()

    def _keep_pace(self) -> None:
        """Skip the frames already past on the playback clock, or wait for the next one."""
        period = 1.0 / (self.fps * self.speed)
        now = self._clock()
        if self._start is None:
            self._start = now - self._index * period
        due = int((now - self._start) / period)
        if due < self._index:
            self._sleep(self._start + self._index * period - now)
        while self._index < due:
            if not self._cap.grab():  # decodes without the colour conversion
                break  # the end: the read that follows reports it (or loops)
            self._index += 1

    def _next_file_frame(self) -> np.ndarray:
        ok, frame = self._cap.read()
        if ok and frame is not None:
            self._index += 1
            return frame
        if self._index == 0:
            raise CameraError(f'{self.kind} {self.name} gave no frame at all: corrupt, empty or not a video')
        if not self.loop:
            raise SourceEnded(f'{self.kind} {self.name} ended after {self._index} frames')
        self.open()  # reopening is cheaper and surer than seeking back in every container
        ok, frame = self._cap.read()
        if not ok or frame is None:
            raise CameraError(f'{self.kind} {self.name} gave no frame after restarting')
        self._index = 1
        return frame

    def close(self) -> None:
        """Release the source (reading again reopens it)."""
        if self._cap is not None:
            self._cap.release()
            self._cap = None

    def __enter__(self):
        """Open the source for a `with` block."""
        self.open()
        return self

    def __exit__(self, *exc):
        """Release the source at the end of a `with` block."""
        self.close()
