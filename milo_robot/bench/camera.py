# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Camera benchmarks on the generated class video: face detection speed and recall, CPU, speaker guess.

The video and its ground truth come from scripts/make_camera_video.py (real face photos shipped
with scikit-image, moving in a drawn classroom). Detection is measured on every frame shrunk to
320x240; the CPU share and the speaker guess run the pipeline at its default rate; camera_v2v
runs the benchmark conversation with the camera off and on.
"""

import json
import os
import subprocess
import sys
import time

import cv2
import numpy as np
from skimage import data as photos

from milo_robot.bench.results import result
from milo_robot.graph import data_root
from milo_robot.vision.attention import Attention
from milo_robot.vision.faces import Face, FaceDetector
from milo_robot.vision.pipeline import RATE_HZ, FacePipeline
from milo_robot.vision.source import FrameSource, SourceEnded, downscale

COMMAND = 'milo bench --only camera'
ADDRESS_DELAY_S = 0.4  # from the end of the words to the dialogue saying Milo was addressed (ASR final)
# scikit-image's photos with no human face in them (the cat, the coins and the rest): false faces.
NO_FACE_PHOTOS = ('brick', 'cell', 'chelsea', 'clock', 'coffee', 'coins',
                  'colorwheel', 'grass', 'gravel', 'horse', 'hubble_deep_field', 'immunohistochemistry',
                  'logo', 'microaneurysms', 'moon', 'page', 'retina', 'rocket', 'text')


def camera_video() -> str:
    """Make the class video if it is missing or stale (the script checks); return its path."""
    root = data_root()
    video = os.path.join(root, 'build', 'camera', 'class.avi')
    subprocess.run([sys.executable, os.path.join(root, 'scripts', 'make_camera_video.py'), '--out', video],
                   check=True, stdout=subprocess.DEVNULL)
    return video


def load_truth(video: str) -> dict:
    """Return the ground truth written beside the video."""
    with open(os.path.splitext(video)[0] + '.json') as f:
        return json.load(f)


def true_faces(frame_truth: dict, scale: float, whole_only: bool = True) -> list:
    """Return (label, Face) for the true faces of one frame, scaled to the processed size."""
    return [(f['label'], Face(*[round(v * scale) for v in f['box']])) for f in frame_truth['faces']
            if not (whole_only and f['partial'])]


def found(truth: Face, detections: list) -> bool:
    """Whether a detection overlaps the true face (IoU >= 0.3) or has the true face's centre inside it."""
    return any(truth.iou(d) >= 0.3 or d.contains(truth.centre) for d in detections)


def frames(video: str, every: int = 1):
    """Yield (index, frame) for every `every`-th frame of the video, as fast as it decodes."""
    source = FrameSource(video, speed=0)
    index = 0
    try:
        while True:
            frame = source.read()
            if index % every == 0:
                yield index, frame
            index += 1
    except SourceEnded:
        pass
    finally:
        source.close()


def _no_face_photos() -> list:
    images = []
    for name in NO_FACE_PHOTOS:
        loader = getattr(photos, name, None)
        if loader is None:
            continue
        image = loader()
        if image.dtype != np.uint8:
            image = (image * 255 if image.max() <= 1 else image).astype(np.uint8)
        if image.ndim == 3:
            image = cv2.cvtColor(image[..., :3], cv2.COLOR_RGB2GRAY)
        images.append(downscale(image))
    return images


def face_detect() -> dict:
    """Face detection time and recall per 320x240 frame of the class video; false faces in photos."""
    video = camera_video()
    truth = load_truth(video)
    scale = 320 / truth['width']
    detector = FaceDetector()
    times, cpu_times, hits, total, false = [], [], 0, 0, 0
    for index, frame in frames(video):
        small = downscale(frame)
        start, cpu = time.perf_counter(), time.process_time()
        faces = detector.detect(small)
        times.append((time.perf_counter() - start) * 1000)
        cpu_times.append((time.process_time() - cpu) * 1000)
        for _, face in true_faces(truth['frames'][index], scale):
            total += 1
            hits += found(face, faces)
        anywhere = [f for _, f in true_faces(truth['frames'][index], scale, whole_only=False)]
        false += sum(1 for f in faces if not any(found(t, [f]) for t in anywhere))
    photos_seen = _no_face_photos()
    false_in_photos = sum(len(detector.detect(p)) for p in photos_seen)
    settings = (f'Haar frontal face, scaleFactor {detector.scale_factor}, minNeighbors '
                f'{detector.min_neighbors}, minSize {detector.min_size}, half-size search above '
                f'{detector.half_above} px; {cv2.getNumThreads()} OpenCV threads')
    note = f'{len(times)} frames of the class video at 320x240, {total} whole true faces; {settings}'
    return {
        'face_detect_ms_p50': result(times, 'ms', COMMAND, note),
        'face_detect_cpu_ms_p50': result(cpu_times, 'ms', COMMAND, note + '; CPU time of all threads'),
        'face_detect_recall': result([hits / total], 'ratio', COMMAND, note + '; found: IoU >= 0.3 or '
                                     "the true face's centre inside a detection"),
        'face_false_per_frame': result([false / len(times)], 'faces', COMMAND, note),
        'face_false_in_photos': result([false_in_photos], 'faces', COMMAND,
                                       f'{len(photos_seen)} scikit-image photos without a human face, '
                                       f'at 320 px wide; {settings}'),
    }


def camera_cpu(seconds: float = 20.0, runs: int = 3) -> dict:
    """CPU time over wall time while reading the video in real time and tracking faces at the default rate."""
    video = camera_video()
    shares = []
    for _ in range(runs):
        source = FrameSource(video, speed=1.0, loop=True)
        pipeline = FacePipeline()
        attention = Attention()
        source.open()
        wall, cpu = time.monotonic(), time.process_time()
        next_at = wall
        while time.monotonic() - wall < seconds:
            tracks = pipeline.process(source.read(), time.monotonic())
            attention.update('listening', tracks, 0.0, 0.0, pipeline.image_size)
            next_at += 1 / RATE_HZ
            time.sleep(max(0.0, next_at - time.monotonic()))
        shares.append((time.process_time() - cpu) / (time.monotonic() - wall))
        source.close()
    note = (f'{runs} runs of {seconds:.0f} s: the 640x480 15 fps MJPG class video played in real time '
            f'(frames between the processed ones decoded and dropped), shrunk to 320x240, faces '
            f'detected, tracked and attended to at {RATE_HZ:g} Hz; process CPU time / wall time '
            f'(1.0 = one core); {cv2.getNumThreads()} OpenCV threads')
    return {'camera_cpu_share': result(shares, 'cores', COMMAND, note)}


def speaker_guess() -> dict:
    """How often the mouth-motion guess picks the face that spoke, when Milo is addressed after the words."""
    video = camera_video()
    truth = load_truth(video)
    scale = 320 / truth['width']
    every = max(1, round(truth['fps'] / RATE_HZ))
    clock = {'now': 0.0}
    pipeline = FacePipeline()
    attention = Attention(clock=lambda: clock['now'])
    pending = [(s['end'] + ADDRESS_DELAY_S, s['label']) for s in truth['speech']]
    outcomes = []  # (method, right)
    for index, frame in frames(video, every):
        clock['now'] = now = index / truth['fps']
        tracks = pipeline.process(frame, now)
        addressed = bool(pending) and now >= pending[0][0]
        speaking = truth['frames'][index]['speaking'] is not None
        attention.update('listening', tracks, 0.0, 0.0, pipeline.image_size, speech=speaking,
                         addressed=addressed)
        if addressed:
            _, label = pending.pop(0)
            guess = attention.guess
            chosen = next((t for t in tracks if t.id == guess.track_id), None)
            right = chosen is not None and any(
                name == label and (face.iou(chosen.box) >= 0.3 or chosen.box.contains(face.centre))
                for name, face in true_faces(truth['frames'][index], scale, whole_only=False))
            outcomes.append((guess.method, right))
    mouth_right = sum(1 for method, right in outcomes if method == 'mouth' and right)
    fallbacks = [right for method, right in outcomes if method != 'mouth']
    note = (f'{len(outcomes)} utterances of the class video (2 or 3 faces in view, one speaking), '
            f'addressed {ADDRESS_DELAY_S} s after the words, pipeline at {RATE_HZ:g} Hz; counted right '
            f'only when the mouth motion picked the speaker; {len(fallbacks)} fell back to the nearest '
            f'face ({sum(fallbacks)} of them right)')
    return {'speaker_guess_accuracy': result([mouth_right / len(outcomes)], 'ratio', COMMAND, note)}


def teacher_pan_at(truth: dict, t: float):
    """Return the teacher's direction (pan, degrees) in the video at time `t`, or None if unseen."""
    from milo_robot.vision.geometry import pixel_to_angles

    frame = min(truth['frames'], key=lambda f: abs(f['t'] - t))
    faces = [f for f in frame['faces'] if f['label'] == 'teacher']
    if not faces:
        return None
    x, y, w, h = faces[0]['box']
    return pixel_to_angles(x + w / 2, y + h / 2, (truth['width'], truth['height']))[0]


def head_follow(seconds: float = 40.0) -> dict:
    """How far the head's pan (reported by the firmware in the simulator) is from the teacher's face.

    The camera node plays the class video (a fixed camera: on_head false) with the body node and
    the real firmware in simavr, Milo listening: every joint report after the first 10 s is
    compared with the teacher's direction in the video at that moment.
    """
    import math
    import tempfile

    import rclpy

    from milo_robot.interfaces import topics as t
    from milo_robot.interfaces.payloads import Faces, RobotState

    video = camera_video()
    truth = load_truth(video)
    length = len(truth['frames']) / truth['fps']
    env = dict(os.environ, ROS_AUTOMATIC_DISCOVERY_RANGE='LOCALHOST')
    with tempfile.TemporaryDirectory() as tmp:
        nodes = [subprocess.Popen([sys.executable, '-m', f'milo_robot.nodes.{name}', '--ros-args', *args],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  start_new_session=True)
                 for name, args in (('body_node', ['-p', 'port:=sim', '-p', f'latch_file:={tmp}/latch']),
                                    ('camera_node', ['-p', f'source:={video}', '-p', 'on_head:=false']))]
        rclpy.init()
        node = rclpy.create_node('milo_bench_head_follow')
        joints, started = [], []
        t.JOINT_STATES.subscription(node, joints.append)
        t.CAMERA_FACES.subscription(node, lambda m: started or started.append(Faces.from_msg(m).stamp))
        state = t.ROBOT_STATE.publisher(node)
        try:
            deadline = time.monotonic() + seconds + 60
            while time.monotonic() < deadline and (not started or time.time() - started[0] < seconds):
                state.publish(RobotState('listening').to_msg())
                rclpy.spin_once(node, timeout_sec=0.2)
        finally:
            node.destroy_node()
            rclpy.shutdown()
            for process in nodes:
                os.killpg(process.pid, 2)
                process.wait(timeout=15)
    if not started:
        raise RuntimeError('the camera node reported no faces')
    errors = []
    for msg in joints:
        at = msg.header.stamp.sec + msg.header.stamp.nanosec / 1e9 - started[0]
        expected = teacher_pan_at(truth, at % length) if at > 10.0 else None
        if expected is not None and 'pan' in msg.name:
            errors.append(abs(math.degrees(msg.position[list(msg.name).index('pan')]) - expected))
    if not errors:
        raise RuntimeError('no joint report while the teacher was in view')
    return {'head_follow_error_deg_p50': result(
        errors, 'deg', COMMAND, f'{len(errors)} joint reports over {seconds:.0f} s, pan from the '
        "firmware in simavr against the teacher's face in the video")}


def camera_v2v() -> dict:
    """Voice-to-voice latency of the benchmark conversation with the camera off, then on, in one run."""
    from milo_robot.bench.conversation import run_conversation

    by_state = {}
    for state, sets in (('off', ['camera.enabled=false']), ('on', [])):
        _, _, answered = run_conversation(f'camera_{state}_run', sets)
        by_state[state] = [r.latency_s for r in answered]
    note = '{} questions, the demo session in sim mode, camera {} (the class video)'
    out = {f'v2v_latency_camera_{state}_p50_s': result(latencies, 's', COMMAND,
                                                       note.format(len(latencies), state))
           for state, latencies in by_state.items()}
    out['v2v_camera_on_off_ratio'] = result(
        [out['v2v_latency_camera_on_p50_s']['value'] / out['v2v_latency_camera_off_p50_s']['value']],
        '', COMMAND, 'v2v p50 with the camera on over off, the two sessions one after the other')
    return out


BENCHMARKS = (face_detect, camera_cpu, speaker_guess, head_follow, camera_v2v)
