# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Make the camera test video: real face photos moving in a drawn classroom, with ground truth.

The faces are real photos shipped with scikit-image: the astronaut (Eileen Collins; also
mirrored and darker, as a second person) and faces of the LFW subset. Up to three people are in
view at a time: the teacher walks in front of the board, leaves and comes back, students appear
and leave. During known intervals one person "speaks": their jaw drops and their lips part, by
random amounts at about a syllable's pace. The JSON beside the video gives, per frame, each face's box
(pixels), its person label, whether it is cut by the frame's edge, and who is speaking.

Idempotent: the video is only rewritten when this script or its arguments changed.
"""

import argparse
import hashlib
import json
import os
import sys

import cv2
import numpy as np
from skimage import data as photos

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(REPO, 'build', 'camera', 'class.avi')

# Astronaut photo: the head (hair included) and the face box inside it, in photo pixels.
ASTRONAUT_HEAD = (140, 20, 170, 195)  # x, y, w, h
ASTRONAUT_FACE = (177, 66, 95, 95)
LFW_FACES = 100  # the subset's first 100 images are faces (25x25, gray, cropped brow to chin)

# People: photo, brightness, position (fractions of the frame) and face width (fraction of the
# frame width) at key times, and the intervals they are in view. Times are seconds of a 60 s class.
PEOPLE = {
    'teacher': {'photo': 'astronaut', 'brightness': 1.0,
                'path': [(0, .35, .30, .15), (8, .60, .28, .14), (16, .40, .31, .16), (24, .66, .29, .14),
                         (30, .55, .30, .15), (34, 1.15, .30, .15), (40, 1.15, .30, .15),
                         (44, .70, .29, .14), (52, .45, .31, .16), (60, .60, .30, .15)],
                'in_view': [(0, 34), (40, 60)]},
    'student_a': {'photo': 'lfw:3', 'brightness': 1.0, 'path': [(0, .20, .66, .10)],
                  'in_view': [(5, 30), (44, 60)]},
    'student_b': {'photo': 'lfw:17', 'brightness': 1.1, 'path': [(0, .80, .63, .095)],
                  'in_view': [(8, 17), (40, 46)]},
    'student_c': {'photo': 'astronaut-mirrored', 'brightness': 0.75, 'path': [(0, .50, .70, .09)],
                  'in_view': [(18, 28), (47, 58)]},
}
# Who speaks when: always with at least one other face in view, so the guess is a real choice.
SPEECH = [('student_a', 6.0, 8.0), ('teacher', 9.0, 11.0), ('student_b', 12.0, 14.0),
          ('student_a', 15.0, 16.8), ('student_c', 19.5, 21.5), ('teacher', 22.5, 24.5),
          ('student_a', 25.5, 27.5), ('teacher', 28.0, 29.8), ('student_b', 41.0, 43.0),
          ('teacher', 44.2, 45.8), ('student_a', 48.5, 50.5), ('student_c', 51.5, 53.5),
          ('teacher', 54.5, 56.5), ('student_a', 57.3, 59.0)]
SWAY = 0.008  # students sway sideways by this fraction of the frame width
MOUTH_KNOTS_HZ = 8.0  # a new mouth opening this often (about a syllable's pace)
MOUTH_LINE = 0.77  # the lips, as a fraction of the face box height (both photos' faces)
MOUTH_WARP = 0.07  # the widest opening drops the jaw by this fraction of the face height
NOISE_SIGMA = 3.0  # camera sensor noise, grey levels


class Sprite:
    """A person's head as a BGR image with a soft mask, and where the face box lies in it."""

    def __init__(self, image: np.ndarray, mask: np.ndarray, face: tuple):
        """Keep the image, its 0..1 mask and the face box (x, y, w, h) in its pixels."""
        self.image, self.mask, self.face = image.astype(np.float32), mask.astype(np.float32), face


def _soft_ellipse(h: int, w: int, centre: tuple, axes: tuple) -> np.ndarray:
    mask = np.zeros((h, w), np.float32)
    cv2.ellipse(mask, (int(centre[0]), int(centre[1])), (int(axes[0]), int(axes[1])), 0, 0, 360, 1.0, -1)
    return cv2.GaussianBlur(mask, (0, 0), max(w, h) / 40)


def astronaut_sprite(mirrored: bool) -> Sprite:
    """Cut the astronaut's head, hair and collar, with an oval mask."""
    x, y, w, h = ASTRONAUT_HEAD
    image = cv2.cvtColor(photos.astronaut(), cv2.COLOR_RGB2BGR)[y:y + h, x:x + w]
    fx, fy, fw, fh = ASTRONAUT_FACE
    face = (fx - x, fy - y, fw, fh)
    mask = _soft_ellipse(h, w, (w / 2, h / 2), (w * 0.49, h * 0.49))
    if mirrored:
        image, mask = image[:, ::-1], mask[:, ::-1]
        face = (w - face[0] - fw, face[1], fw, fh)
    return Sprite(np.ascontiguousarray(image), np.ascontiguousarray(mask), face)


def lfw_sprite(index: int) -> Sprite:
    """Put an LFW face, upscaled and tinted, on a drawn head of hair."""
    faces = np.load(os.path.join(os.path.dirname(photos.__file__), 'lfw_subset.npy'))
    if not 0 <= index < LFW_FACES:
        raise ValueError(f'LFW face index must be 0-{LFW_FACES - 1}, not {index}')
    size = 100  # the face, upscaled from 25 pixels
    gray = cv2.resize((faces[index] * 255).astype(np.uint8), (size, size), interpolation=cv2.INTER_CUBIC)
    face = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR).astype(np.float32) * (0.86, 0.95, 1.08)  # skin tint
    w, h = int(size * 1.5), int(size * 1.6)
    fx, fy = (w - size) // 2, int(size * 0.35)
    image = np.zeros((h, w, 3), np.float32)
    hair = _soft_ellipse(h, w, (w / 2, fy + size * 0.45), (size * 0.68, size * 0.78))
    image[:] = (40, 50, 70)  # dark brown hair around the face
    inner = np.zeros((h, w), np.float32)
    inner[fy:fy + size, fx:fx + size] = 1.0
    inner = cv2.GaussianBlur(inner, (0, 0), 2.5)
    image[fy:fy + size, fx:fx + size] = face
    image = image * inner[..., None] + np.array((40, 50, 70), np.float32) * (1 - inner[..., None])
    return Sprite(np.clip(image, 0, 255), np.maximum(hair, inner), (fx, fy, size, size))


def make_sprite(photo: str) -> Sprite:
    """Return the sprite for a PEOPLE photo name."""
    if photo.startswith('lfw:'):
        return lfw_sprite(int(photo[4:]))
    return astronaut_sprite(mirrored=photo == 'astronaut-mirrored')


def classroom(width: int, height: int) -> np.ndarray:
    """Draw a classroom-like background: wall, whiteboard with real text, a door, desks."""
    ys = np.linspace(0, 1, height, dtype=np.float32)[:, None, None]
    image = np.broadcast_to((170 + 30 * ys) * np.array((0.85, 0.93, 1.0), np.float32),
                            (height, width, 3)).copy()
    bx0, by0, bx1, by1 = int(.12 * width), int(.06 * height), int(.88 * width), int(.42 * height)
    image[by0:by1, bx0:bx1] = (232, 234, 230)
    text = cv2.resize(photos.text(), (int((bx1 - bx0) * 0.9), int((by1 - by0) * 0.8)))
    ink = (255 - text.astype(np.float32)) / 255 * 0.55  # the photo's letters, faded like marker ink
    ty, tx = by0 + (by1 - by0 - text.shape[0]) // 2, bx0 + (bx1 - bx0 - text.shape[1]) // 2
    region = image[ty:ty + text.shape[0], tx:tx + text.shape[1]]
    region[:] = region * (1 - ink[..., None]) + np.array((120, 60, 30), np.float32) * ink[..., None]
    cv2.rectangle(image, (bx0, by0), (bx1, by1), (90, 90, 95), max(2, width // 160))
    image[int(.15 * height):int(.75 * height), int(.92 * width):] = (60, 90, 120)  # a door
    for row, top in enumerate((.78, .9)):  # desks
        shade = 55 + 15 * row
        image[int(top * height):int((top + .07) * height)] = (shade, shade + 25, shade + 60)
    return cv2.GaussianBlur(np.clip(image, 0, 255), (0, 0), 1.2)


def interpolate(path: list, t: float) -> tuple:
    """Return the position (cx, cy) and face width (fractions) at time t on a path of key times."""
    times = [p[0] for p in path]
    return tuple(float(np.interp(t, times, [p[i] for p in path])) for i in (1, 2, 3))


def in_view(person: dict, t: float) -> bool:
    """Whether the person is in view at time t."""
    return any(start <= t < end for start, end in person['in_view'])


def mouth_openings(seconds: float, rng: np.random.Generator):
    """Return a function (label, t) -> mouth opening 0..1: random knots at about a syllable's pace."""
    knots = {}
    for label, start, end in SPEECH:
        times = np.arange(start, end + 1 / MOUTH_KNOTS_HZ, 1 / MOUTH_KNOTS_HZ)
        values = rng.uniform(0.0, 1.0, len(times))
        values[0] = values[-1] = 0.0  # closed at the start and end
        knots[(label, start, end)] = (times, values)

    def opening(label: str, t: float) -> float:
        for (who, start, end), (times, values) in knots.items():
            if who == label and start <= t < end:
                return float(np.interp(t, times, values))
        return 0.0
    return opening


def move_mouth(image: np.ndarray, face: tuple, opening: float) -> np.ndarray:
    """Open the face's mouth: the jaw drops (rows below the lips stretch down), the lips part (dark)."""
    if opening <= 0:
        return image
    fx, fy, fw, fh = face
    lips = fy + MOUTH_LINE * fh
    y0, y1 = int(lips - 0.05 * fh), min(image.shape[0], int(fy + 1.05 * fh))
    rows = np.arange(image.shape[0], dtype=np.float32)
    span = np.clip((rows - y0) / max(1, y1 - y0), 0, 1)
    shift = MOUTH_WARP * fh * opening * np.sin(np.pi * span)  # 0 at both ends: no seam
    map_y = np.repeat((rows - shift)[:, None], image.shape[1], axis=1)
    map_x = np.repeat(np.arange(image.shape[1], dtype=np.float32)[None, :], image.shape[0], axis=0)
    image = cv2.remap(image, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    gap = np.zeros(image.shape[:2], np.float32)
    centre = (int(fx + fw / 2), int(lips + 0.5 * MOUTH_WARP * fh * opening))
    axes = (max(1, int(0.15 * fw)), max(1, int(0.5 * MOUTH_WARP * fh * opening)))
    cv2.ellipse(gap, centre, axes, 0, 0, 360, 0.8, -1)
    gap = cv2.GaussianBlur(gap, (0, 0), max(0.8, fh / 60))[..., None]
    return image * (1 - gap) + np.array((30, 25, 60), np.float32) * gap  # the dark inside of the mouth


def paste(frame: np.ndarray, sprite: Sprite, cx: float, cy: float, face_w: float, brightness: float,
          opening: float) -> tuple:
    """Draw the sprite with its face centred at (cx, cy), face_w wide; return the face box."""
    scale = face_w / sprite.face[2]
    w, h = max(1, round(sprite.image.shape[1] * scale)), max(1, round(sprite.image.shape[0] * scale))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    image = cv2.resize(sprite.image, (w, h), interpolation=interpolation) * brightness
    mask = cv2.resize(sprite.mask, (w, h), interpolation=interpolation)
    face = tuple(v * scale for v in sprite.face)
    image = move_mouth(image, tuple(round(v) for v in face), opening)
    left, top = round(cx - face[0] - face[2] / 2), round(cy - face[1] - face[3] / 2)
    fh, fw = frame.shape[:2]
    x0, y0, x1, y1 = max(0, left), max(0, top), min(fw, left + w), min(fh, top + h)
    if x1 > x0 and y1 > y0:
        part = mask[y0 - top:y1 - top, x0 - left:x1 - left, None]
        region = frame[y0:y1, x0:x1]
        region[:] = region * (1 - part) + image[y0 - top:y1 - top, x0 - left:x1 - left] * part
    return (round(left + face[0]), round(top + face[1]), round(face[2]), round(face[3]))


def speaker_at(t: float):
    """Return the label of the person speaking at time t, or None."""
    return next((label for label, start, end in SPEECH if start <= t < end), None)


def make_video(out: str, seconds: float, fps: float, width: int, height: int, seed: int) -> dict:
    """Write the video and its ground truth JSON; return the ground truth."""
    rng = np.random.default_rng(seed)
    sprites = {label: make_sprite(p['photo']) for label, p in PEOPLE.items()}
    background = classroom(width, height)
    noise = [rng.normal(0, NOISE_SIGMA, (height, width, 1)).astype(np.float32) for _ in range(8)]
    opening = mouth_openings(seconds, rng)
    phases = {label: rng.uniform(0, 2 * np.pi) for label in PEOPLE}
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    writer = cv2.VideoWriter(out, cv2.VideoWriter_fourcc(*'MJPG'), fps, (width, height))
    if not writer.isOpened():
        raise RuntimeError(f'OpenCV cannot write an MJPG video at {out}')
    truth = []
    for i in range(round(seconds * fps)):
        t = i / fps
        frame = background.copy()
        faces = []
        speaking = speaker_at(t)
        for label, person in PEOPLE.items():
            if not in_view(person, t):
                continue
            cx, cy, face_w = interpolate(person['path'], t)
            cx += SWAY * np.sin(2 * np.pi * t / 3.0 + phases[label])
            box = paste(frame, sprites[label], cx * width, cy * height, face_w * width,
                        person['brightness'], opening(label, t))
            partial = box[0] < 0 or box[1] < 0 or box[0] + box[2] > width or box[1] + box[3] > height
            if box[0] + box[2] > 0 and box[0] < width:
                faces.append({'label': label, 'box': list(box), 'partial': partial})
        frame += noise[i % len(noise)]
        writer.write(np.clip(frame, 0, 255).astype(np.uint8))
        truth.append({'frame': i, 't': round(t, 4), 'faces': faces,
                      'speaking': speaking if any(f['label'] == speaking for f in faces) else None})
    writer.release()
    return {'video': os.path.basename(out), 'fps': fps, 'width': width, 'height': height,
            'people': {label: p['photo'] for label, p in PEOPLE.items()},
            'speech': [{'label': label, 'start': start, 'end': end} for label, start, end in SPEECH
                       if start < seconds],
            'frames': truth}


def truth_path(video: str) -> str:
    """Return the path of the ground truth JSON written beside a video."""
    return os.path.splitext(video)[0] + '.json'


def main(argv=None) -> int:
    """Make the video unless it is already there for the same script and arguments."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
                                     epilog='The ground truth is written beside the video, as .json.')
    parser.add_argument('--out', default=DEFAULT_OUT,
                        help='video to write, MJPG in AVI (default: %(default)s)')
    parser.add_argument('--seconds', type=float, default=60.0,
                        help='length, at most 60 s (default: %(default)s)')
    parser.add_argument('--fps', type=float, default=15.0, help='frame rate (default: %(default)s)')
    parser.add_argument('--size', default='640x480', help='WIDTHxHEIGHT (default: %(default)s)')
    parser.add_argument('--seed', type=int, default=7,
                        help='noise and mouth movements (default: %(default)s)')
    parser.add_argument('--force', action='store_true', help='rewrite even when up to date')
    args = parser.parse_args(argv)
    try:
        width, height = (int(v) for v in args.size.lower().split('x'))
    except ValueError:
        parser.error(f'--size must be WIDTHxHEIGHT, like 640x480, not {args.size!r}')
    if not 0 < args.seconds <= 60 or args.fps <= 0 or width < 64 or height < 48:
        parser.error('--seconds must be in (0, 60], --fps positive and --size at least 64x48')
    with open(os.path.abspath(__file__), 'rb') as f:
        key = hashlib.sha256(f.read() + repr((args.seconds, args.fps, width, height, args.seed)).encode()
                             ).hexdigest()[:16]
    json_path = truth_path(args.out)
    if not args.force and os.path.exists(args.out) and os.path.exists(json_path):
        with open(json_path) as f:
            if json.load(f).get('key') == key:
                print(f'up to date: {args.out}')
                return 0
    truth = make_video(args.out, args.seconds, args.fps, width, height, args.seed)
    with open(json_path, 'w') as f:
        json.dump({'key': key, **truth}, f)
    print(f'wrote {args.out} ({len(truth["frames"])} frames) and {json_path}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
