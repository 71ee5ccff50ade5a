# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The audio monitor node over real DDS: bad frames, levels, gaps and playback to the sim speaker."""

import numpy as np
import pytest
from builtin_interfaces.msg import Time
from diagnostic_msgs.msg import DiagnosticArray
from harness import latest_status, wait_until
from sensor_msgs.msg import Image
from signals import read_wav, tone
from std_msgs.msg import Float32

from milo_robot.interfaces.audio import frame_to_msg
from milo_robot.interfaces.topics import AUDIO_FRAMES, AUDIO_LEVEL, DIAGNOSTICS


def stamp_at(seconds: float) -> Time:
    return Time(sec=int(seconds), nanosec=int(round((seconds % 1) * 1e9)))


def latest_values(inbox):
    status = latest_status(inbox, 'audio_monitor')
    return status.values if status else {}


def test_bad_frames_are_reported_and_good_ones_still_heard(tmp_path, probe, processes):
    out = tmp_path / 'heard.wav'
    diagnostics = probe.subscribe(DiagnosticArray, DIAGNOSTICS.name)
    levels = probe.subscribe(Float32, AUDIO_LEVEL.name)
    node = processes.node('audio_monitor_node', playback='wav', output_wav=str(out))
    pub = probe.publisher(Image, AUDIO_FRAMES.name, AUDIO_FRAMES.qos.profile())
    silence = frame_to_msg(np.zeros(512, dtype=np.int16), stamp_at(0), 'microphone')
    # Silent frames, all stamped 0, so that no gap is counted after them.
    probe.publish_until(pub, silence, lambda: read_wav(out)[0].size, 'the first frame played')

    # -9 dBFS; the faint noise makes every frame unique, so each one can be found in the output.
    noise = np.random.default_rng(0).integers(-50, 50, 10240).astype(np.int16)
    signal = tone(1000, 0.64, 16000, amplitude=16384) + noise
    frames = np.split(signal, 20)
    bad = [frame_to_msg(frames[0], stamp_at(0), 'x') for _ in range(4)]
    bad[0].encoding = 'mono8'
    bad[1].step = 7
    bad[2].data = bad[2].data[:100]
    bad[3].height, bad[3].width, bad[3].step, bad[3].data = 1, 0, 0, b''
    for i, frame in enumerate(frames):
        pub.publish(frame_to_msg(frame, stamp_at((i + 1) * 0.032), 'microphone'))
        if i < len(bad):
            pub.publish(bad[i])
        # One at a time: best effort may drop a frame sent into a full queue.
        wait_until(lambda: np.array_equal(read_wav(out)[0][-len(frame):], frame), f'frame {i} played')

    samples, rate = read_wav(out)
    assert rate == 16000 and np.array_equal(samples[-len(signal):], signal)
    assert not np.any(samples[:-len(signal)])
    wait_until(lambda: latest_values(diagnostics).get('bad_frames') == '4', 'bad_frames=4')
    # Every frame played was counted (the diagnostics come at 1 Hz, so wait for the next).
    wait_until(lambda: latest_values(diagnostics)['frames'] == str(len(read_wav(out)[0]) // 512),
               'the frame count to match the frames played')
    values = latest_values(diagnostics)
    assert 'gaps' not in values
    assert 'expected' in values['last_error']
    assert max(m.data for m in levels.wait_for(1, 'levels')) == pytest.approx(-9.03, abs=0.2)
    assert node.popen.poll() is None
    node.wait_for_line('rejected on /audio/frames: audio frame encoding')


def test_lost_frames_are_counted_as_gaps(probe, processes):
    diagnostics = probe.subscribe(DiagnosticArray, DIAGNOSTICS.name)
    processes.node('audio_monitor_node')
    pub = probe.publisher(Image, AUDIO_FRAMES.name, AUDIO_FRAMES.qos.profile())
    frame = tone(440, 0.032, 16000)
    probe.publish_until(pub, frame_to_msg(frame, stamp_at(0), 'microphone'),
                        lambda: latest_values(diagnostics).get('frames'), 'a frame counted')
    primed = int(latest_values(diagnostics)['frames'])
    for t in (0.032, 0.064, 0.160, 0.192, 0.512):  # two holes
        pub.publish(frame_to_msg(frame, stamp_at(t), 'microphone'))
    # A primer still in flight may add to the count; being stamped 0, it adds no gap.
    wait_until(lambda: int(latest_values(diagnostics)['frames']) >= primed + 5, 'frames counted')
    assert latest_values(diagnostics)['gaps'] == '2'


def test_live_parameter_checked_and_applied(probe, processes):
    node = processes.node('audio_monitor_node', log_period_s=0.0)
    rejected = probe.set_parameter('audio_monitor', 'log_period_s', -1.0)
    assert not rejected.successful and 'log_period_s' in rejected.reason
    wrong_type = probe.set_parameter('audio_monitor', 'log_period_s', 'often')
    assert not wrong_type.successful
    assert wrong_type.reason == ("parameter 'log_period_s': 'often' is not allowed; "
                                 'expected a number like 1.0 from 0.0 to 3600.0')
    assert probe.set_parameter('audio_monitor', 'log_period_s', 0.2).successful
    node.wait_for_line('no audio yet')
    read_only = probe.set_parameter('audio_monitor', 'playback', 'wav')
    assert not read_only.successful and 'playback' in read_only.reason
