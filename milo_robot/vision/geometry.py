# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""From a pixel of the head camera to the pan and tilt (degrees) that would centre it, and back.

A pinhole camera with square pixels and its optical axis along the head's gaze. Signs follow
the body: positive pan turns left, positive tilt looks up (docs/body.md); in the image x grows
to the right and y downwards. The head pans first and tilts after, so the tilt of a point off
the vertical centre line is measured in the plane the pan brought it to.
"""

import math

DEFAULT_HFOV_DEG = 60.0  # a common USB webcam's horizontal field of view


def focal_length(width: int, hfov_deg: float = DEFAULT_HFOV_DEG) -> float:
    """Return the focal length in pixels of an image `width` pixels wide seeing `hfov_deg` across."""
    if not 0 < hfov_deg < 180:
        raise ValueError(f'horizontal field of view must be between 0 and 180 degrees, not {hfov_deg}')
    if width <= 0:
        raise ValueError(f'image width must be positive, not {width}')
    return width / 2 / math.tan(math.radians(hfov_deg) / 2)


def _centre(size: tuple) -> tuple:
    width, height = size
    if width <= 0 or height <= 0:
        raise ValueError(f'image size must be positive (width, height), not {size}')
    return width / 2, height / 2


def pixel_to_angles(x: float, y: float, size: tuple, hfov_deg: float = DEFAULT_HFOV_DEG) -> tuple:
    """Return the (pan, tilt) offsets in degrees that bring pixel (x, y) of a `size` image to its centre."""
    cx, cy = _centre(size)
    f = focal_length(size[0], hfov_deg)
    dx, dy = x - cx, y - cy
    return -math.degrees(math.atan2(dx, f)), -math.degrees(math.atan2(dy, math.hypot(f, dx)))


def angles_to_pixel(pan: float, tilt: float, size: tuple, hfov_deg: float = DEFAULT_HFOV_DEG) -> tuple:
    """Return the pixel (x, y) that the (pan, tilt) offsets in degrees would bring to the centre."""
    if abs(pan) >= 90 or abs(tilt) >= 90:
        raise ValueError(f'offsets must be within ±90 degrees, not pan {pan}, tilt {tilt}')
    cx, cy = _centre(size)
    f = focal_length(size[0], hfov_deg)
    dx = -f * math.tan(math.radians(pan))
    return cx + dx, cy - math.hypot(f, dx) * math.tan(math.radians(tilt))
