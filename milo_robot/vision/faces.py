# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Face boxes in a processed frame, with OpenCV's Haar frontal-face cascade.

Only boxes come out: no face image is kept or returned, and no face is recognised.
"""

import os
from dataclasses import dataclass
from typing import Optional

import cv2
import numpy as np

CASCADE = 'haarcascade_frontalface_default.xml'
# Where Debian's and Ubuntu's python3-opencv keep the cascades: that package has no cv2.data.
SYSTEM_CASCADE_DIRS = ('/usr/share/opencv4/haarcascades', '/usr/share/opencv/haarcascades')


@dataclass(frozen=True)
class Face:
    """A face box in pixels of the processed frame; `score` counts the raw detections merged into it."""

    x: int
    y: int
    w: int
    h: int
    score: float = 0.0

    @property
    def centre(self) -> tuple:
        """The box centre (x, y) in pixels."""
        return (self.x + self.w / 2, self.y + self.h / 2)

    @property
    def area(self) -> int:
        """The box area in square pixels."""
        return self.w * self.h

    def iou(self, other: 'Face') -> float:
        """Intersection over union of two boxes (0 apart .. 1 identical)."""
        ix = max(0, min(self.x + self.w, other.x + other.w) - max(self.x, other.x))
        iy = max(0, min(self.y + self.h, other.y + other.h) - max(self.y, other.y))
        inter = ix * iy
        union = self.area + other.area - inter
        return inter / union if union > 0 else 0.0

    def contains(self, point: tuple) -> bool:
        """Whether the point (x, y) lies inside the box."""
        return self.x <= point[0] < self.x + self.w and self.y <= point[1] < self.y + self.h


def to_gray(frame: np.ndarray) -> np.ndarray:
    """Return a grayscale copy of a BGR frame (a gray frame as it is); ValueError for other shapes."""
    if not isinstance(frame, np.ndarray) or frame.size == 0 or frame.dtype != np.uint8:
        raise ValueError(f'not an 8-bit image: {type(frame).__name__} {getattr(frame, "dtype", "")}')
    if frame.ndim == 2:
        return frame
    if frame.ndim == 3 and frame.shape[2] == 3:
        return cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    raise ValueError(f'expected a BGR or gray image, not shape {frame.shape}')


def default_cascade() -> str:
    """Return the path of OpenCV's frontal-face Haar cascade (pip wheel or system package)."""
    folders = [cv2.data.haarcascades] if hasattr(cv2, 'data') else []
    for folder in folders + list(SYSTEM_CASCADE_DIRS):
        path = os.path.join(folder, CASCADE)
        if os.path.isfile(path):
            return path
    raise ValueError(f'{CASCADE} not found in {", ".join(folders + list(SYSTEM_CASCADE_DIRS))}: install '
                     'opencv-python-headless<5 (requirements/runtime.txt) or python3-opencv')


class FaceDetector:
    """Frontal faces in a small frame (tuned for 320x240 on docs/camera.md's measurements)."""

    def __init__(self, scale_factor: float = 1.1, min_neighbors: int = 4, min_size: int = 24,
                 max_size: Optional[int] = None, half_above: int = 64, cascade: Optional[str] = None):
        """Load the cascade (a path, or OpenCV's packaged frontal-face cascade by default).

        `scale_factor` is the step between the scales searched (larger: faster, coarser), and
        `min_neighbors` the raw detections a face needs (larger: fewer false faces, more missed).
        Faces smaller than `min_size` or larger than `max_size` pixels are not searched for.
        Faces wider than `half_above` pixels are searched for in a half-size copy of the frame.
        """
        if scale_factor <= 1.0:
            raise ValueError(f'scale_factor must be above 1, not {scale_factor}')
        if min_neighbors < 0 or min_size < 1 or (max_size is not None and max_size < min_size) \
                or half_above < 2 * min_size:
            raise ValueError(f'bad face sizes or neighbours: min_neighbors={min_neighbors}, '
                             f'min_size={min_size}, max_size={max_size}, half_above={half_above} '
                             '(at least twice min_size)')
        path = cascade or default_cascade()
        self.cascade = cv2.CascadeClassifier(path)
        if self.cascade.empty():
            raise ValueError(f'cannot load the face cascade {path}')
        self.scale_factor = scale_factor
        self.min_neighbors = min_neighbors
        self.min_size = min_size
        self.max_size = max_size
        self.half_above = half_above

    def detect(self, frame: np.ndarray) -> list:
        """Return the faces in a BGR or gray frame, largest first."""
        gray = to_gray(frame)
        # No histogram equalisation: on the test video it lost a third of one face and cost time.
        small = self._search(gray, self.min_size, min(self.max_size or self.half_above, self.half_above))
        large = self._search(gray, self.half_above, self.max_size or 0) \
            if self.max_size is None or self.max_size > self.half_above else []
        return _merge(small + large)

    def _search(self, gray: np.ndarray, smallest: int, largest: int) -> list:
        """Faces from `smallest` to `largest` pixels wide (0: no limit) in `gray`."""
        if (largest and largest < smallest) or min(gray.shape[:2]) < smallest:
            return []
        scale = 1
        if smallest >= self.half_above:
            # OpenCV scans every pixel (not every other one) past twice the cascade's window, so
            # large faces cost most at full size: a half-size copy finds them for far less.
            scale = 2
            gray = cv2.resize(gray, (gray.shape[1] // 2, gray.shape[0] // 2), interpolation=cv2.INTER_AREA)
        boxes, neighbours = self.cascade.detectMultiScale2(
            gray, scaleFactor=self.scale_factor, minNeighbors=self.min_neighbors,
            minSize=(smallest // scale, smallest // scale), maxSize=(largest // scale, largest // scale))
        return [Face(int(x) * scale, int(y) * scale, int(w) * scale, int(h) * scale, float(n))
                for (x, y, w, h), n in zip(boxes, neighbours)]


def _merge(faces: list) -> list:
    """Keep one box per face (the surest of those overlapping), largest first."""
    kept = []
    for face in sorted(faces, key=lambda f: f.score, reverse=True):
        if not any(face.iou(k) > 0.3 or k.contains(face.centre) for k in kept):
            kept.append(face)
    return sorted(kept, key=lambda f: f.area, reverse=True)
