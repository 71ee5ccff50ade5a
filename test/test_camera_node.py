# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The camera node over real DDS, on a generated class video, with the firmware in the simulator."""

import json
import math
import statistics
import subprocess
import sys

from diagnostic_msgs.msg import DiagnosticArray
from harness import statuses, wait_until
from sensor_msgs.msg import JointState
from std_msgs.msg import Bool, String

from milo_robot.bench.camera import teacher_pan_at
from milo_robot.interfaces import diagnostics as d
from milo_robot.interfaces import topics as t
from milo_robot.interfaces.payloads import Faces, RobotState


def make_video(tmp_path, seconds=12):
    video = tmp_path / 'class.avi'
    subprocess.run([sys.executable, 'scripts/make_camera_video.py', '--out', str(video), '--seconds',
                    str(seconds), '--size', '320x240'], check=True, capture_output=True)
    with open(tmp_path / 'class.json') as f:
        return video, json.load(f)


def test_the_head_follows_the_teacher_and_the_camera_switches_off(tmp_path, probe, processes):
    video, truth = make_video(tmp_path)
    joints = probe.subscribe(JointState, t.JOINT_STATES.name, t.JOINT_STATES.qos.profile())
    faces = probe.subscribe(String, t.CAMERA_FACES.name, t.CAMERA_FACES.qos.profile())
    active = probe.subscribe(Bool, t.CAMERA_ACTIVE.name, t.CAMERA_ACTIVE.qos.profile())
    diagnostics = probe.subscribe(DiagnosticArray, t.DIAGNOSTICS.name)
    processes.node('body_node', port='sim', latch_file=str(tmp_path / 'estop.latch'))
    camera = processes.node('camera_node', source=str(video), on_head=False, loop=True)
    state = probe.publisher(String, t.ROBOT_STATE.name, t.ROBOT_STATE.qos.profile())
    state.publish(RobotState('listening').to_msg())
    wait_until(lambda: active.messages and active.messages[-1].data, 'the camera on')
    wait_until(lambda: len(faces.messages) > 20, 'face reports', 60)
    reports = [Faces.from_msg(m) for m in faces.messages]
    assert all(r.width == 320 for r in reports) and any(r.gaze == 'teacher' for r in reports)
    # The camera plays the video from its start: compare the pan the firmware reports with the
    # teacher's direction at the same video time, over the last seconds (the head has settled).
    started, errors = reports[0].stamp, []
    wait_until(lambda: len(joints.messages) > 60, 'joint states', 60)
    for msg in joints.messages[-20:]:
        stamp = msg.header.stamp.sec + msg.header.stamp.nanosec / 1e9
        expected = teacher_pan_at(truth, (stamp - started) % (len(truth['frames']) / truth['fps']))
        pan = math.degrees(msg.position[list(msg.name).index('pan')])
        if expected is not None:
            errors.append(abs(pan - expected))
    assert errors and statistics.median(errors) < 8.0, f'pan errors {errors}'
    probe.publisher(Bool, t.CAMERA_ENABLE.name, t.CAMERA_ENABLE.qos.profile()).publish(Bool(data=False))
    wait_until(lambda: not active.messages[-1].data, 'the camera switched off')
    count = len(faces.messages)
    wait_until(lambda: any(s.get(d.CAMERA) == 'off' for s in statuses(diagnostics, 'body')),
               'the body to know the camera is off')
    assert len(faces.messages) <= count + 1, 'no faces once the camera is off'
    assert camera.popen.poll() is None
