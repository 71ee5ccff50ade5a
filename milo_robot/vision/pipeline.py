# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""One processed camera frame: shrink it, find the faces, update the tracks.

The camera node calls `FacePipeline.process` at its processing rate (`RATE_HZ` by default) and
gives the tracks to `Attention`. Frames in between are not read at all: a camera opened with a
one-frame buffer just drops them. The whole frame is searched for faces every `full_every`
processed frames; in between, the tracked faces are followed by aligning each one's patch with
the previous frame's (a millisecond instead of twenty), which also gives their mouth motion. A
new face is therefore found within `full_every` frames. docs/camera.md has the measurements
behind the defaults.
"""

from typing import Optional

from milo_robot.vision.faces import FaceDetector, to_gray
from milo_robot.vision.source import PROCESS_WIDTH, downscale
from milo_robot.vision.tracker import FaceTracker

RATE_HZ = 5.0  # processed frames per second: docs/camera.md has the cost and the reasons
FULL_EVERY = 2  # search the whole frame every this many processed frames


class FacePipeline:
    """Frame in, face tracks out (pixels of the processed frame)."""

    def __init__(self, detector: Optional[FaceDetector] = None, tracker: Optional[FaceTracker] = None,
                 width: int = PROCESS_WIDTH, full_every: int = FULL_EVERY):
        """Use the given detector and tracker (defaults otherwise), on frames shrunk to `width`."""
        if full_every < 1:
            raise ValueError(f'full_every must be 1 or more frames, not {full_every}')
        self.detector = detector or FaceDetector()
        self.tracker = tracker or FaceTracker()
        self.width = width
        self.full_every = full_every
        self.image_size = (0, 0)  # (width, height) of the latest processed frame
        self._count = 0

    def process(self, frame, now: float) -> list:
        """Return the confirmed tracks after this BGR frame, taken at `now` (the tracker's clock)."""
        full = to_gray(frame)
        gray = downscale(full, self.width)
        self.image_size = (gray.shape[1], gray.shape[0])
        scale = full.shape[1] / gray.shape[1]  # mouths are compared in the full frame: more pixels
        self._count += 1
        if (self._count - 1) % self.full_every:
            return self.tracker.coast(full, now, scale)
        return self.tracker.update(self.detector.detect(gray), full, now, scale)
