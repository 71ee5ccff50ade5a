# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Vision without ROS: real OpenCV, real photos (scikit-image), the generated class video."""

import json
import os
import subprocess
import sys

import cv2
import numpy as np
import pytest
from manual_clock import Clock
from skimage import data as photos

from milo_robot.vision.attention import Attention, AttentionSettings
from milo_robot.vision.faces import Face, FaceDetector
from milo_robot.vision.geometry import angles_to_pixel, pixel_to_angles
from milo_robot.vision.pipeline import FacePipeline
from milo_robot.vision.source import CameraError, FrameSource, SourceEnded, classify, downscale
from milo_robot.vision.tracker import FaceTracker, Track

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT = os.path.join(ROOT, 'scripts', 'make_camera_video.py')
SIZE = (320, 240)


@pytest.fixture(scope='module')
def class_video(tmp_path_factory):
    """Two seconds of the generated class video at 320x240, 10 fps, with its ground truth."""
    video = str(tmp_path_factory.mktemp('camera') / 'class.avi')
    subprocess.run([sys.executable, SCRIPT, '--out', video, '--seconds', '2', '--fps', '10',
                    '--size', '320x240'], check=True, capture_output=True)
    with open(video.replace('.avi', '.json')) as f:
        return video, json.load(f)


@pytest.fixture(scope='module')
def astronaut():
    """The astronaut photo (a real face) as a BGR frame 320 pixels wide."""
    return downscale(cv2.cvtColor(photos.astronaut(), cv2.COLOR_RGB2BGR))


# --- source ---

def test_classify_sources():
    assert classify('0') == ('device', 0)
    assert classify(2) == ('device', 2)
    assert classify('/dev/video0') == ('device', '/dev/video0')
    assert classify('frames/%04d.png') == ('sequence', 'frames/%04d.png')
    assert classify('class.avi') == ('file', 'class.avi')
    with pytest.raises(ValueError, match='empty camera source'):
        classify('  ')


def test_frame_source_reads_the_generated_video_to_its_end(class_video):
    video, truth = class_video
    source = FrameSource(video, speed=0)
    frames = []
    with pytest.raises(SourceEnded, match='ended after 20 frames'):
        while True:
            frames.append(source.read())
    assert len(frames) == len(truth['frames']) == 20
    assert frames[0].shape == (240, 320, 3) and frames[0].dtype == np.uint8
    assert source.fps == pytest.approx(10.0)
    source.close()


def test_frame_source_loops(class_video):
    with FrameSource(class_video[0], speed=0, loop=True) as source:
        assert len([source.read() for _ in range(45)]) == 45


def test_frame_source_paces_files_like_a_live_camera(class_video):
    now = [100.0]
    slept = []

    def sleep(seconds):
        slept.append(round(seconds, 6))
        now[0] += seconds
    source = FrameSource(class_video[0], speed=1.0, clock=lambda: now[0], sleep=sleep)
    source.read()  # frame 0, due at once
    source.read()  # frame 1: waits 0.1 s at 10 fps
    assert slept == [0.1]
    now[0] += 0.55  # too slow: frames due meanwhile are skipped, not queued
    source.read()
    assert source._index == 7  # frames 2..5 dropped, frame 6 returned: the one due at 0.65 s
    fast = FrameSource(class_video[0], speed=2.0, clock=lambda: now[0], sleep=sleep)
    fast.read()
    fast.read()
    assert slept[-1] == 0.05
    source.close()
    fast.close()


def test_frame_source_reads_an_image_sequence(class_video, tmp_path):
    with FrameSource(class_video[0], speed=0) as video:
        for i in range(5):
            cv2.imwrite(str(tmp_path / f'frame_{i:03d}.png'), video.read())
    source = FrameSource(str(tmp_path / 'frame_%03d.png'), speed=0)
    frames = [source.read() for _ in range(5)]
    assert frames[4].shape == (240, 320, 3)
    assert source.fps == 10.0  # a sequence has no rate of its own
    with pytest.raises(SourceEnded):
        source.read()
    source.close()


def test_frame_source_errors_say_what_is_wrong(tmp_path):
    with pytest.raises(CameraError, match='video file not found'):
        FrameSource(str(tmp_path / 'missing.avi')).read()
    corrupt = tmp_path / 'corrupt.avi'
    corrupt.write_bytes(b'RIFF' + bytes(np.random.default_rng(1).integers(0, 256, 5000, dtype=np.uint8)))
    with pytest.raises(CameraError, match='corrupt'):
        FrameSource(str(corrupt)).read()
    with pytest.raises(CameraError, match='image sequence folder not found'):
        FrameSource(str(tmp_path / 'nowhere' / '%03d.png')).open()
    if sys.platform.startswith('linux'):
        with pytest.raises(CameraError, match='no camera at /dev/video97'):
            FrameSource('/dev/video97').open()
        with pytest.raises(CameraError, match='no camera at /dev/video98'):
            FrameSource('98').read()
    with pytest.raises(ValueError, match='speed'):
        FrameSource('x.avi', speed=-1)
    with pytest.raises(ValueError, match='size'):
        FrameSource('0', size=(640, 0))


def test_downscale():
    frame = np.zeros((480, 640, 3), np.uint8)
    assert downscale(frame).shape == (240, 320, 3)
    assert downscale(frame, 640) is frame
    assert downscale(np.zeros((720, 1280), np.uint8)).shape == (180, 320)
    with pytest.raises(ValueError, match='not an image'):
        downscale(np.zeros(0))
    with pytest.raises(ValueError, match='width'):
        downscale(frame, 0)


# --- faces ---

def test_detector_finds_the_astronaut_and_nothing_in_a_blank_frame(astronaut):
    detector = FaceDetector()
    faces = detector.detect(astronaut)
    assert len(faces) == 1
    # The face in the photo (177, 66, 95, 95 at 512 px) scaled to 320 px.
    assert faces[0].iou(Face(111, 41, 59, 59)) > 0.5
    assert faces[0].score >= detector.min_neighbors
    assert detector.detect(np.full((240, 320, 3), 128, np.uint8)) == []
    assert detector.detect(np.zeros((240, 320), np.uint8)) == []


def test_detector_finds_a_small_and_a_large_face(astronaut):
    detector = FaceDetector()
    small = np.full((240, 320, 3), 150, np.uint8)
    small[60:60 + 160, 50:50 + 160] = cv2.resize(astronaut, (160, 160))  # face about 30 px
    assert len(detector.detect(small)) == 1
    large = cv2.resize(astronaut[20:200, 60:240], (240, 240))  # face about 120 px: the half-size search
    faces = detector.detect(large)
    assert len(faces) == 1 and faces[0].w > 64


def test_detector_refuses_bad_settings_and_images():
    with pytest.raises(ValueError, match='scale_factor'):
        FaceDetector(scale_factor=1.0)
    with pytest.raises(ValueError, match='cannot load'):
        FaceDetector(cascade='/nonexistent.xml')
    with pytest.raises(ValueError, match='8-bit'):
        FaceDetector().detect(np.zeros((240, 320), np.float32))


# --- tracker ---

def test_tracker_keeps_ids_and_gives_new_faces_new_ids():
    gray = np.full((240, 320), 100, np.uint8)
    tracker = FaceTracker(keep_s=0.5)
    assert tracker.update([Face(50, 50, 40, 40)], gray, 0.0) == []  # seen once: not yet a track
    [a] = tracker.update([Face(53, 51, 40, 40)], gray, 0.2)
    [a2] = tracker.update([Face(57, 52, 41, 41)], gray, 0.4)
    assert a2.id == a.id and a2.hits == 3 and a2.age(0.4) == pytest.approx(0.4)
    assert 50 + 20 < a2.centre[0] < 57 + 20.5  # smoothed towards the latest
    tracks = tracker.update([Face(58, 52, 40, 40), Face(200, 60, 40, 40)], gray, 0.6)
    assert [t.id for t in tracks] == [a.id]  # the new face needs a second sighting
    tracks = tracker.update([Face(202, 61, 40, 40), Face(59, 52, 40, 40)], gray, 0.8)
    assert len(tracks) == 2 and tracks[0].id == a.id and tracks[1].id != a.id
    # Missed for a moment: kept; missed longer than keep_s: gone, and comes back with a new id.
    tracks = tracker.update([Face(203, 61, 40, 40)], gray, 1.0)
    assert {t.id: t.missed for t in tracks}[a.id] == 1
    tracker.update([Face(204, 61, 40, 40)], gray, 1.2)
    tracker.update([Face(204, 61, 40, 40)], gray, 1.4)
    assert a.id not in {t.id for t in tracker.tracks}
    tracker.update([Face(60, 52, 40, 40)], gray, 1.6)
    tracks = tracker.update([Face(60, 52, 40, 40)], gray, 1.8)
    assert len(tracks) == 2 and a.id not in {t.id for t in tracks}


def test_mouth_motion_sees_a_moving_mouth_not_a_moving_head(astronaut):
    detector = FaceDetector()
    face = detector.detect(astronaut)[0]
    mouth = (face.x + face.w // 2, face.y + int(face.h * 0.8))

    def speaking(frame, opening):  # parted lips, 1 or 3 pixels (wider, and Haar loses the face)
        frame = frame.copy()
        cv2.ellipse(frame, mouth, (face.w // 7, opening), 0, 0, 360, (40, 30, 60), -1)
        return frame

    def motion(frames):
        tracker = FaceTracker()
        for i, frame in enumerate(frames):
            tracks = tracker.update(detector.detect(frame), frame, i * 0.2)
        return tracks[0].mouth_motion

    still = motion([astronaut] * 6)
    shift = np.float32([[1, 0, 2], [0, 1, 1]])
    moving_head = motion([cv2.warpAffine(astronaut, shift * (i % 2), (320, 320),
                                         borderMode=cv2.BORDER_REFLECT) for i in range(6)])
    talking = motion([speaking(astronaut, (1, 3)[i % 2]) for i in range(6)])
    assert still < 0.5
    assert talking > 3 * max(moving_head, still, 0.3)


def test_coasting_follows_a_face_between_detections(astronaut):
    face = FaceDetector().detect(astronaut)[0]
    tracker = FaceTracker()
    tracker.update([face], astronaut, 0.0)
    [track] = tracker.update([face], astronaut, 0.2)
    moved = cv2.warpAffine(astronaut, np.float32([[1, 0, 4], [0, 1, -2]]), (320, 320),
                           borderMode=cv2.BORDER_REFLECT)
    [coasted] = tracker.coast(moved, 0.4)
    assert coasted.id == track.id and coasted.last_seen == 0.2  # coasting does not refresh a track
    assert coasted.centre[0] == pytest.approx(face.centre[0] + 4, abs=1.5)
    assert coasted.centre[1] == pytest.approx(face.centre[1] - 2, abs=1.5)
    assert coasted.mouth_motion < 0.5  # the head moved, not the mouth


# --- geometry ---

def test_geometry_round_trip_and_signs():
    assert pixel_to_angles(160, 120, SIZE) == pytest.approx((0.0, 0.0))
    pan, tilt = pixel_to_angles(320, 120, SIZE)
    assert pan == pytest.approx(-30.0) and tilt == pytest.approx(0.0)  # right edge: half the 60° field
    pan, tilt = pixel_to_angles(100, 40, SIZE)
    assert pan > 0 and tilt > 0  # left of centre: positive pan; above: positive tilt
    for x, y in [(0, 0), (100, 40), (319, 239), (200, 130)]:
        assert angles_to_pixel(*pixel_to_angles(x, y, SIZE, 70.0), SIZE, 70.0) == pytest.approx((x, y))
    with pytest.raises(ValueError, match='field of view'):
        pixel_to_angles(0, 0, SIZE, 180)
    with pytest.raises(ValueError, match='image size'):
        pixel_to_angles(0, 0, (0, 240))


# --- attention ---

def track(track_id, x, y=120, size=40, first_seen=0.0, mouth=0.0, missed=0):
    """A track as the tracker makes it, centred at (x, y) of a 320x240 frame."""
    box = Face(int(x - size / 2), int(y - size / 2), size, size, 5.0)
    return Track(track_id, box, (x, y), size, first_seen, 100.0, 5, missed, mouth)


def test_listening_looks_at_the_longest_tracked_face():
    clock = Clock(10.0)
    attention = Attention(clock=clock)
    teacher, student = track(1, 80, first_seen=0.0, size=30), track(2, 240, first_seen=8.0, size=60)
    gaze = attention.update('listening', [teacher, student], 0.0, 0.0, SIZE)
    assert gaze.track_id == 1 and gaze.reason == 'teacher'
    assert gaze.pan == pytest.approx(pixel_to_angles(80, 120, SIZE)[0])
    # The head moved 10° left: the same face is now further right in the image, same target.
    moved = track(1, angles_to_pixel(gaze.pan - 10, 0, SIZE)[0], first_seen=0.0, size=30)
    again = attention.update('idle', [moved, student], 10.0, 0.0, SIZE)
    assert again.pan == pytest.approx(gaze.pan, abs=0.01)


def test_listening_with_a_teacher_direction():
    clock = Clock(10.0)
    attention = Attention(AttentionSettings(teacher_pan=-20.0), clock)
    gaze = attention.update('listening', [track(1, 60)], 0.0, 0.0, SIZE)  # a face at +20°: not the teacher
    assert (gaze.pan, gaze.reason) == (-20.0, 'teacher direction')
    x = angles_to_pixel(-25.0, 0, SIZE)[0]
    gaze = attention.update('listening', [track(1, 60), track(2, x)], 0.0, 0.0, SIZE)
    assert gaze.track_id == 2 and gaze.pan == pytest.approx(-25.0)


def test_no_faces_scans_the_class_slowly():
    clock = Clock(10.0)
    settings = AttentionSettings(scan_amplitude_deg=30.0, scan_period_s=20.0, scan_after_s=2.0)
    attention = Attention(settings, clock)
    first = attention.update('listening', [track(1, 160)], 12.0, 0.0, SIZE)
    clock.now += 1.0
    assert attention.update('listening', [], 12.0, 0.0, SIZE).reason == 'hold'  # a face may be back
    clock.now += 1.5
    start = attention.update('listening', [], first.pan, 0.0, SIZE)
    assert start.reason == 'scan' and start.pan == pytest.approx(first.pan)  # from where the head is
    pans = []
    for _ in range(40):
        clock.now += 0.5
        pans.append(attention.update('idle', [], 0.0, 0.0, SIZE).pan)
    assert max(pans) == pytest.approx(30.0, abs=0.5) and min(pans) == pytest.approx(-30.0, abs=0.5)
    assert max(abs(a - b) for a, b in zip(pans, pans[1:])) < 5.0  # slow: under 5° per half second


def test_addressed_turns_to_the_face_whose_mouth_moved():
    clock = Clock(10.0)
    attention = Attention(clock=clock)
    quiet = [track(1, 60, mouth=0.5), track(2, 160, mouth=0.4), track(3, 260, mouth=0.6)]
    for _ in range(10):  # nobody speaks: each face's own quiet level
        clock.now += 0.2
        attention.update('listening', quiet, 0.0, 0.0, SIZE)
    talking = [track(1, 60, mouth=0.7), track(2, 160, mouth=0.5), track(3, 260, mouth=2.5)]
    for _ in range(10):
        clock.now += 0.2
        attention.update('listening', talking, 0.0, 0.0, SIZE, speech=True)
    clock.now += 0.4
    gaze = attention.update('listening', quiet, 0.0, 0.0, SIZE, addressed=True)
    assert gaze.track_id == 3 and gaze.reason == 'addressee'
    assert attention.guess.method == 'mouth' and attention.guess.track_id == 3
    assert attention.guess.scores[3] == pytest.approx(1.9)


def test_addressed_without_a_clear_mouth_turns_to_the_nearest_face():
    clock = Clock(10.0)
    attention = Attention(AttentionSettings(teacher_pan=10.0), clock)
    faces = [track(i, x, first_seen=clock.now) for i, x in ((1, 40), (2, 150), (3, 290))]  # not teachers yet
    attention.update('listening', [], 0.0, 0.0, SIZE)  # looks at the teacher's direction, +10°
    for _ in range(5):
        clock.now += 0.2
        attention.update('listening', faces, 0.0, 0.0, SIZE, speech=True)  # no mouth moves
    gaze = attention.update('listening', faces, 0.0, 0.0, SIZE, addressed=True)
    assert attention.guess.method == 'nearest' and gaze.track_id == 2  # 150 px is nearest +10°
    empty = Attention(clock=clock)
    assert empty.update('listening', [], 5.0, 2.0, SIZE, addressed=True).reason == 'addressee direction'
    assert empty.guess.method == 'none'


def test_speaking_keeps_following_the_person_answered():
    clock = Clock(10.0)
    attention = Attention(clock=clock)
    teacher = track(1, 60, first_seen=0.0, size=60)
    student = track(2, 250, first_seen=9.0, mouth=3.0)
    attention.update('listening', [teacher, student], 0.0, 0.0, SIZE, speech=True)
    clock.now += 0.5
    assert attention.update('listening', [teacher, student], 0.0, 0.0, SIZE, addressed=True).track_id == 2
    clock.now += 0.5
    assert attention.update('thinking', [teacher, student], 0.0, 0.0, SIZE) is None
    for x in (250, 220, 190):  # the student moves; the teacher stays bigger and older
        clock.now += 1.0
        gaze = attention.update('speaking', [teacher, track(2, x, first_seen=9.0)], 0.0, 0.0, SIZE)
        assert gaze.track_id == 2 and gaze.pan == pytest.approx(pixel_to_angles(x, 120, SIZE)[0])
    # The track is lost and a face comes back where the student was: that is them.
    clock.now += 1.0
    assert attention.update('speaking', [teacher], 0.0, 0.0, SIZE).reason == 'addressee direction'
    clock.now += 0.5
    assert attention.update('speaking', [teacher, track(7, 193)], 0.0, 0.0, SIZE).track_id == 7
    # Back to listening: the person answered a little longer, then the teacher.
    clock.now += 1.0
    assert attention.update('listening', [teacher, track(7, 203)], 0.0, 0.0, SIZE).track_id == 7
    clock.now += 3.5
    assert attention.update('listening', [teacher, track(7, 203)], 0.0, 0.0, SIZE).track_id == 1


def test_sleep_and_thinking_have_no_opinion_and_bad_input_is_refused():
    attention = Attention(clock=Clock(10.0))
    assert attention.update('sleep', [track(1, 160)], 0.0, 0.0, SIZE) is None
    assert attention.update('thinking', [track(1, 160)], 0.0, 0.0, SIZE) is None
    with pytest.raises(ValueError, match='unknown robot state'):
        attention.update('dancing', [], 0.0, 0.0, SIZE)
    with pytest.raises(ValueError, match='scan_period_s'):
        AttentionSettings(scan_period_s=0)


def test_targets_stay_within_the_head_limits():
    attention = Attention(clock=Clock(10.0))
    gaze = attention.update('listening', [track(1, 0, first_seen=0.0)], 75.0, 28.0, SIZE)
    assert gaze.pan == 80.0 and gaze.tilt <= 30.0


# --- the pipeline on the generated video ---

def test_pipeline_tracks_the_faces_of_the_class_video(class_video):
    video, truth = class_video
    pipeline = FacePipeline()
    seen = set()
    with FrameSource(video, speed=0) as source:
        for frame_truth in truth['frames']:
            tracks = pipeline.process(source.read(), frame_truth['t'])
            for label, box in [(f['label'], Face(*f['box'])) for f in frame_truth['faces']]:
                if any(box.iou(t.box) >= 0.3 for t in tracks):
                    seen.add(label)
    assert pipeline.image_size == (320, 240)
    assert seen == {'teacher'}  # the only person in the first two seconds
    assert len({t.id for t in tracks}) == 1


def test_video_script_is_idempotent(class_video):
    video, _ = class_video
    out = subprocess.run([sys.executable, SCRIPT, '--out', video, '--seconds', '2', '--fps', '10',
                          '--size', '320x240'], check=True, capture_output=True, text=True).stdout
    assert out.startswith('up to date')
