# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The microphone node over real DDS, in sim mode (WAV backend) and with bad configuration."""

import numpy as np
import pytest
from diagnostic_msgs.msg import DiagnosticArray
from harness import latest_status, statuses, wait_until
from sensor_msgs.msg import Image
from signals import dominant_hz, tone, write_wav

from milo_robot.diagnostics import ERROR, OK
from milo_robot.interfaces import diagnostics as d
from milo_robot.interfaces.audio import NS_PER_SAMPLE, msg_to_frame
from milo_robot.interfaces.topics import AUDIO_FRAMES, DIAGNOSTICS
from milo_robot.nodes.base import EXIT_CONFIG


def test_publishes_timestamped_16k_frames_from_a_44k_stereo_wav(tmp_path, probe, processes):
    stereo = np.stack([tone(440, 1.0, 44100)] * 2, axis=1).reshape(-1)
    path = write_wav(tmp_path / 'in.wav', stereo, 44100, channels=2)
    frames = probe.subscribe(Image, AUDIO_FRAMES.name, AUDIO_FRAMES.qos.profile())
    diagnostics = probe.subscribe(DiagnosticArray, DIAGNOSTICS.name)
    node = processes.node('microphone_node', backend='wav', wav_file=path, loop=True,
                          realtime_factor=4.0)
    received = frames.wait_for(60, 'audio frames')
    samples = [msg_to_frame(m) for m in received]
    assert all(len(s) == 512 for s in samples)
    assert {m.header.frame_id for m in received} == {'microphone'}
    stamps = [m.header.stamp.sec * 10**9 + m.header.stamp.nanosec for m in received]
    steps = np.diff(stamps)
    assert np.all(steps % 32_000_000 == 0) and np.all(steps > 0)  # contiguous 32 ms frames
    assert all(stamp % NS_PER_SAMPLE == 0 for stamp in stamps), 'each stamp is a sample index'
    assert dominant_hz(np.concatenate(samples[5:25]), 16000) == pytest.approx(440, abs=3)

    wait_until(lambda: statuses(diagnostics, 'microphone'), 'microphone diagnostics')
    status = latest_status(diagnostics, 'microphone')
    values = status.values
    assert status.level == OK and status.message == 'capturing'
    assert values['device'].startswith('wav:') and int(values[d.FRAMES]) > 0
    assert (values[d.FRAMES_LOST], values[d.OVERFLOWS]) == ('0', '0')
    assert node.popen.poll() is None


def test_exits_cleanly_at_the_end_of_the_file_when_asked(tmp_path, processes):
    path = write_wav(tmp_path / 'in.wav', tone(300, 0.5, 16000), 16000)
    node = processes.node('microphone_node', backend='wav', wav_file=path, realtime_factor=0.0,
                          exit_at_end=True)
    assert node.wait() == 0
    assert 'end of input after 0.5 s of audio' in node.output


def test_a_missing_file_is_an_error_it_survives_and_retries(tmp_path, probe, processes):
    diagnostics = probe.subscribe(DiagnosticArray, DIAGNOSTICS.name)
    missing = str(tmp_path / 'missing.wav')
    node = processes.node('microphone_node', backend='wav', wav_file=missing, retry_s=0.2)

    def error_reported():
        found = latest_status(diagnostics, 'microphone')
        return found and found.level == ERROR and missing in found.message
    wait_until(error_reported, 'an ERROR diagnostic naming the missing file')
    node.wait_for_line('retrying with back-off')
    # The operator puts the file in place: capture starts without a restart.
    write_wav(tmp_path / 'missing.wav', tone(300, 0.5, 16000), 16000)
    node.wait_for_line('capturing from wav:')
    assert node.popen.poll() is None


@pytest.mark.parametrize('param, value, allowed', [
    ('frame_ms', '50', 'an integer from 20 to 32'),
    ('backend', 'alsa', "one of 'pyaudio', 'wav'"),
    ('native_rate', '22050', 'one of 16000, 44100, 48000'),
    ('realtime_factor', 'fast', 'a number like 1.0'),
])
def test_a_bad_parameter_stops_the_node_with_a_clear_message(processes, param, value, allowed):
    node = processes.node('microphone_node', '-p', f'{param}:={value}')
    assert node.wait() == EXIT_CONFIG
    assert f"configuration error: parameter '{param}'" in node.output
    assert allowed in node.output


def test_run_time_changes_are_checked(tmp_path, probe, processes):
    path = write_wav(tmp_path / 'in.wav', tone(300, 0.5, 16000), 16000)
    processes.node('microphone_node', backend='wav', wav_file=path, loop=True)
    result = probe.set_parameter('microphone', 'frame_ms', 50)
    assert not result.successful and 'frame_ms' in result.reason
