# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Face tracks across frames: stable ids, a smoothed centre, an age, and how much the mouth moves.

Detections are matched to tracks by overlap (IoU), or by centre distance for small fast moves.
A track outlives a few missed detections; a face that matches no track starts a new one, which
counts once it has been seen twice (a one-frame false face never becomes a track).

Mouth motion is the mean absolute grey-level difference, between consecutive frames, of the
lower third of the face box (the mouth and jaw move when a person speaks), less the same
difference for the upper face (noise, blur, the head turning: they change both). Boxes come
from the track's smoothed centre and size, in the full-size frame when the caller gives it, and
the two frames are aligned on the upper face within a few pixels, so that a moving head or a
jittering box does not look like speech. Per track, only the previous frame's 48x48 grey face
patch is kept, in memory, to compute that difference; it is never returned, and it is dropped
with the track.
"""

from dataclasses import dataclass
from typing import Optional

import cv2
import numpy as np

from milo_robot.vision.faces import Face, to_gray

PATCH = 48  # face box resampled to PATCH x PATCH pixels: comparable across face sizes
SLACK = 6  # patch pixels of head movement forgiven each way between two frames
UPPER = 0.6  # the top of the face (eyes, nose) that aligns two frames: it does not move in speech


@dataclass
class Track:
    """One face followed over time (pixels of the processed frame, seconds of the caller's clock)."""

    id: int
    box: Face  # the latest detection's box (the last one seen while the face is missed)
    centre: tuple  # smoothed (x, y)
    size: float  # smoothed side of the (square) box, pixels
    first_seen: float
    last_seen: float
    hits: int = 1  # detections matched so far
    missed: int = 0  # consecutive frames without a matching detection
    mouth_motion: float = 0.0  # smoothed grey levels (0..255) of lower-third change per frame

    def age(self, now: float) -> float:
        """Seconds since the face was first seen."""
        return now - self.first_seen


def face_patch(gray: np.ndarray, box: Face, margin: int = 0) -> Optional[np.ndarray]:
    """Return the box resampled to PATCH pixels square, with `margin` patch pixels around it.

    Sampled at the box's exact (fractional) place, so that the patches of two frames line up,
    and blurred a little: sub-pixel movements of sharp edges are not speech. None when the
    region leaves the frame.
    """
    sx, sy = box.w / PATCH, box.h / PATCH  # frame pixels per patch pixel
    x0, y0 = box.x - margin * sx, box.y - margin * sy
    x1, y1 = box.x + box.w + margin * sx, box.y + box.h + margin * sy
    if x0 < 0 or y0 < 0 or x1 > gray.shape[1] or y1 > gray.shape[0] or box.w < 4 or box.h < 4:
        return None
    left, top = int(x0), int(y0)
    region = gray[top:int(np.ceil(y1)), left:int(np.ceil(x1))].astype(np.float32)
    if sx > 1:  # shrinking: blur first, as an area average would, so that edges do not alias
        region = cv2.GaussianBlur(region, (0, 0), 0.5 * sx, sigmaY=0.5 * sy)
    # Patch pixel centre (u, v) -> region coordinates, pixel centres on both sides.
    to_region = np.float32([[sx, 0, x0 - left + 0.5 * sx - 0.5], [0, sy, y0 - top + 0.5 * sy - 0.5]])
    size = PATCH + 2 * margin
    patch = cv2.warpAffine(region, to_region, (size, size), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                           borderMode=cv2.BORDER_REPLICATE)
    return cv2.GaussianBlur(patch, (0, 0), 0.8)


def upper_offset(previous: np.ndarray, current: np.ndarray) -> tuple:
    """Return where (dx, dy) the upper face of `previous` fits best in `current` (SLACK of margin).

    (SLACK, SLACK) means that the face did not move. Sub-pixel: a parabola through the best
    match and its neighbours, since a fraction of a pixel on a sharp edge already looks like motion.
    """
    top = int(PATCH * UPPER)
    scores = cv2.matchTemplate(current[:top + 2 * SLACK], previous[:top], cv2.TM_CCOEFF_NORMED)
    x, y = cv2.minMaxLoc(scores)[3]

    def vertex(before: float, best: float, after: float) -> float:
        curve = before - 2 * best + after
        return 0.5 * (before - after) / curve if curve < 0 else 0.0
    fx = vertex(scores[y, x - 1], scores[y, x], scores[y, x + 1]) if 0 < x < scores.shape[1] - 1 else 0.0
    fy = vertex(scores[y - 1, x], scores[y, x], scores[y + 1, x]) if 0 < y < scores.shape[0] - 1 else 0.0
    return x + fx, y + fy


def mouth_change(previous: np.ndarray, current: np.ndarray, offset: Optional[tuple] = None) -> float:
    """Return how much more the face's lower third changed than its upper part, between two patches.

    `current` has SLACK pixels of margin. The two are aligned on the upper face first (or at
    `offset`, from `upper_offset`). Each change is the mean absolute difference of the region
    with its mean removed (lighting), and the upper face's change (noise, blur, the head
    turning) is taken off the lower third's, so what is left is the mouth and jaw moving.
    """
    dx, dy = offset or upper_offset(previous, current)
    aligned = cv2.getRectSubPix(current, (PATCH, PATCH), (dx + (PATCH - 1) / 2, dy + (PATCH - 1) / 2))
    x0, x1 = PATCH // 6, PATCH * 5 // 6  # middle two thirds of the width: no background

    def change(rows: slice) -> float:
        before, after = previous[rows, x0:x1], aligned[rows, x0:x1]
        return float(np.abs((after - after.mean()) - (before - before.mean())).mean())
    return max(0.0, change(slice(PATCH * 2 // 3, PATCH)) - change(slice(0, int(PATCH * UPPER))))


class FaceTracker:
    """Keep face tracks with stable ids from one frame's detections to the next."""

    def __init__(self, iou_threshold: float = 0.3, max_jump: float = 0.6, keep_s: float = 1.0,
                 min_hits: int = 2, centre_smoothing: float = 0.5, size_smoothing: float = 0.1,
                 mouth_smoothing: float = 0.5):
        """Set the matching and smoothing.

        A detection continues a track when their boxes overlap by `iou_threshold`, or when its
        centre moved less than `max_jump` box widths. A track lives `keep_s` seconds without
        detections and counts from `min_hits` detections on. The smoothing factors weigh each
        new centre, size or mouth motion (1: no smoothing). Sizes are smoothed hard: faces do
        not grow fast, but the detector's boxes jump between its scale steps (10 %).
        """
        if not (0 < iou_threshold <= 1 and max_jump >= 0 and keep_s >= 0 and min_hits >= 1
                and 0 < centre_smoothing <= 1 and 0 < size_smoothing <= 1 and 0 < mouth_smoothing <= 1):
            raise ValueError('tracker settings out of range: iou_threshold in (0, 1], max_jump and '
                             'keep_s >= 0, min_hits >= 1, smoothing factors in (0, 1]')
        self.iou_threshold = iou_threshold
        self.max_jump = max_jump
        self.keep_s = keep_s
        self.min_hits = min_hits
        self.centre_smoothing = centre_smoothing
        self.size_smoothing = size_smoothing
        self.mouth_smoothing = mouth_smoothing
        self._tracks = []
        self._patches = {}  # track id -> its face patch in the previous frame (memory only)
        self._next_id = 1

    @property
    def tracks(self) -> list:
        """The confirmed tracks (seen at least `min_hits` times), oldest first."""
        return [t for t in self._tracks if t.hits >= self.min_hits]

    def reset(self) -> None:
        """Forget every track (the camera moved to another scene, or was off)."""
        self._tracks = []
        self._patches = {}

    def update(self, faces: list, frame: np.ndarray, now: float, scale: float = 1.0) -> list:
        """Match this frame's faces to the tracks; return the confirmed tracks.

        `frame` (BGR or gray) is the frame the faces were found in, or a larger copy of it with
        `scale` of its pixels per box pixel: the mouth's motion shows better at full size.
        """
        if scale <= 0:
            raise ValueError(f'scale must be positive, not {scale}')
        gray = to_gray(frame)
        unmatched = list(faces)
        for track, face in self._match(faces):
            unmatched.remove(face)
            self._follow(track, face, gray, now, scale)
        for track in self._tracks:
            if track.last_seen < now:
                track.missed += 1
                self._patches.pop(track.id, None)  # the next patch would be compared across a gap
        self._tracks = [t for t in self._tracks if now - t.last_seen <= self.keep_s]
        for face in unmatched:
            track = Track(self._next_id, face, face.centre, (face.w + face.h) / 2, now, now)
            self._tracks.append(track)
            self._patches[track.id] = face_patch(gray, _steady_box(track, scale))
            self._next_id += 1
        alive = {t.id for t in self._tracks}
        self._patches = {i: p for i, p in self._patches.items() if i in alive and p is not None}
        return self.tracks

    def coast(self, frame: np.ndarray, now: float, scale: float = 1.0) -> list:
        """Follow the tracks by image alignment alone, between two detections; return the confirmed tracks.

        Each face is found again within a few pixels of where it was by matching its upper part,
        which also gives its mouth motion, for a small part of a detection's cost. A track
        still needs detections to live: coasting neither refreshes nor ages it.
        """
        gray = to_gray(frame)
        for track in self._tracks:
            previous = self._patches.get(track.id)
            current = face_patch(gray, _steady_box(track, scale), SLACK) if previous is not None else None
            if current is None:
                continue
            offset = upper_offset(previous, current)
            step = track.size / PATCH  # processed pixels per patch pixel
            dx, dy = (offset[0] - SLACK) * step, (offset[1] - SLACK) * step
            track.centre = (track.centre[0] + dx, track.centre[1] + dy)
            track.box = Face(round(track.box.x + dx), round(track.box.y + dy), track.box.w, track.box.h,
                             track.box.score)
            self._update_mouth(track, mouth_change(previous, current, offset))
            self._patches[track.id] = face_patch(gray, _steady_box(track, scale))
        return self.tracks

    def _match(self, faces: list) -> list:
        """Greedy matching, best overlap first, then nearest centre."""
        pairs = []
        for track in self._tracks:
            for face in faces:
                overlap = track.box.iou(face)
                distance = np.hypot(face.centre[0] - track.box.centre[0],
                                    face.centre[1] - track.box.centre[1])
                if overlap >= self.iou_threshold or distance <= self.max_jump * max(track.box.w, face.w):
                    pairs.append((-overlap, distance, id(track), track, face))
        pairs.sort(key=lambda p: p[:3])
        used_tracks, used_faces, matches = set(), set(), []
        for _, _, _, track, face in pairs:
            if id(track) not in used_tracks and id(face) not in used_faces:
                used_tracks.add(id(track))
                used_faces.add(id(face))
                matches.append((track, face))
        return matches

    def _update_mouth(self, track: Track, change: float) -> None:
        c = self.mouth_smoothing
        track.mouth_motion = c * change + (1 - c) * track.mouth_motion

    def _follow(self, track: Track, face: Face, gray: np.ndarray, now: float, scale: float) -> None:
        a = self.centre_smoothing
        track.centre = (a * face.centre[0] + (1 - a) * track.centre[0],
                        a * face.centre[1] + (1 - a) * track.centre[1])
        b = self.size_smoothing
        track.size = b * (face.w + face.h) / 2 + (1 - b) * track.size
        steady = _steady_box(track, scale)
        previous = self._patches.get(track.id)
        current = face_patch(gray, steady, SLACK) if previous is not None else None
        if current is not None:
            self._update_mouth(track, mouth_change(previous, current))
        self._patches[track.id] = face_patch(gray, steady)
        track.box = face
        track.last_seen = now
        track.hits += 1
        track.missed = 0


def _steady_box(track: Track, scale: float) -> Face:
    """Return the track's smoothed square box, in pixels of a frame `scale` times larger.

    Boxes straight from the detector jitter by a pixel or two in place and size from frame to
    frame; rescaled to the patch, that would change the whole face, mouth included.
    """
    side = track.size * scale
    cx, cy = track.centre[0] * scale, track.centre[1] * scale
    return Face(round(cx - side / 2), round(cy - side / 2), round(side), round(side))
