# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""`milo up` brings up the whole graph: the sim run, respawn, clean stop, config errors, status."""

import contextlib
import os
import re
import signal

import numpy as np
import pytest
from signals import read_wav, tone, write_wav

from milo_robot.graph import DDS_PROFILES, RESPAWN_DELAY_S
from milo_robot.interfaces.diagnostics import status_name


def started_pids(proc, name):
    return [int(p) for p in re.findall(rf'\[milo\] started {name} \(pid (\d+)\)', proc.output)]


def group_alive(pgid) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False


def test_sim_run_feeds_the_wav_through_the_graph_and_exits_0(tmp_path, processes):
    wav = write_wav(tmp_path / 'lecture.wav', tone(440, 2.0, 22050), 22050)
    heard = tmp_path / 'heard.wav'
    up = processes.milo('up', '--sim', '--input', wav, '--set', 'microphone.realtime_factor=4',
                        '--set', f'audio_monitor.output_wav={heard}')
    assert up.wait(timeout=120) == 0, up.output
    assert 'capturing from wav:' in up.output and '[microphone] [INFO]' in up.output
    assert '[milo] microphone finished; the run is complete' in up.output
    samples, _ = read_wav(heard)
    # The monitor heard the lecture through the graph (best effort may drop a frame in flight).
    assert len(samples) >= 0.9 * 2.0 * 16000


def test_a_killed_node_comes_back_and_ctrl_c_leaves_nothing(tmp_path, processes):
    wav = write_wav(tmp_path / 'lecture.wav', tone(440, 1.0, 16000), 16000)
    up = processes.milo('up', '--sim', '--input', wav, '--set', 'microphone.loop=true')
    up.wait_for_line('capturing from wav:')
    up.wait_for_line('started light')  # audio_monitor, vad, dialogue and body share a process
    [mic] = started_pids(up, 'microphone')
    [monitor] = started_pids(up, 'light')

    os.killpg(mic, signal.SIGKILL)
    exited = up.wait_for_line('exited with status -9')
    # A first crash is respawned after the short delay, not a backed-off one (the time it then
    # takes to be ready is the soak's to measure, not a test's: it depends on the machine's load).
    assert f'microphone exited with status -9; restarting in {RESPAWN_DELAY_S:g} s' in up.output
    line = up.wait_for_line('started microphone', after=exited)
    new_mic = started_pids(up, 'microphone')[-1]
    assert new_mic != mic
    up.wait_for_line('capturing from wav:', after=line)
    assert group_alive(monitor), 'the other node must keep running'
    assert started_pids(up, 'light') == [monitor]

    up.signal(signal.SIGINT)
    assert up.wait() == 0
    for pgid in (mic, new_mic, monitor):
        assert not group_alive(pgid), f'process group {pgid} left behind'


def test_sigterm_stops_every_node(tmp_path, processes):
    wav = write_wav(tmp_path / 'lecture.wav', tone(440, 1.0, 16000), 16000)
    up = processes.milo('up', '--sim', '--input', wav, '--set', 'microphone.loop=true')
    up.wait_for_line('capturing from wav:')
    pids = started_pids(up, 'microphone') + started_pids(up, 'light')
    # Private by default: every node's DDS stays on this machine, whatever the caller's setting.
    assert 'DDS on this machine only' in up.output
    with open(f'/proc/{pids[0]}/environ', 'rb') as f:
        environ = f.read().split(b'\0')
    assert b'ROS_AUTOMATIC_DISCOVERY_RANGE=LOCALHOST' in environ
    profiles = f'FASTDDS_DEFAULT_PROFILES_FILE={os.path.abspath(DDS_PROFILES)}'.encode()
    assert profiles in environ, 'discovery tuned for respawns (config/fastdds.xml)'
    up.signal(signal.SIGTERM)
    assert up.wait() == 0
    assert not any(group_alive(p) for p in pids)


@pytest.mark.parametrize('yaml_text, expected', [
    ('/**/microphone:\n  ros__parameters:\n    frame_ms: 500\n',
     "parameter 'frame_ms': 500 is not allowed; expected an integer from 20 to 32"),
    ('/**/microphone:\n  ros__parameters: {frame_ms: 32\n', 'not valid YAML'),
])
def test_a_bad_parameter_file_is_refused_before_anything_starts(tmp_path, processes, yaml_text,
                                                                 expected):
    bad = tmp_path / 'bad.yaml'
    bad.write_text(yaml_text)
    up = processes.milo('up', '--sim', '--params-file', str(bad))
    assert up.wait() == 2
    assert 'configuration error' in up.output and expected in up.output
    assert str(bad) in up.output and 'started' not in up.output


def test_a_bad_namespace_is_refused_before_anything_starts(processes):
    up = processes.milo('up', '--sim', '--namespace', '2nd_room')
    assert up.wait() == 2
    assert "namespace '2nd_room': not a ROS namespace" in up.output and 'started' not in up.output


def test_check_only(processes):
    up = processes.milo('up', '--sim', '--check')
    assert up.wait() == 0 and 'configuration OK' in up.output


def test_status_summarises_the_running_graph_of_its_namespace(tmp_path, processes):
    """The graph in a namespace (a robot of one room), and `milo status` told which robot."""
    wav = write_wav(tmp_path / 'lecture.wav', np.zeros(16000, dtype=np.int16), 16000)
    up = processes.milo('up', '--sim', '--namespace', 'room_a', '--input', wav,
                        '--set', 'microphone.loop=true')
    # The audio monitor hears the microphone: every node is up (the asr's model loaded first; the
    # microphone waited for its own robot's vad and asr to say they are ready).
    up.wait_for_line('dBFS', timeout=120)
    assert 'namespace /room_a' in up.output
    status = processes.milo('status', '--namespace', 'room_a', '--wait', '8')
    root = processes.milo('status', '--wait', '3')  # the root namespace's robot: none runs
    assert status.wait() == 0, status.output
    for node, summary in (('microphone', 'capturing'), ('audio_monitor', 'heard')):  # the group too
        assert re.search(rf"{status_name(node, 'room_a')}\s+OK\s+{summary}", status.output), status.output
    root.wait()
    assert status_name('microphone') not in root.output and 'room_a' not in root.output, root.output


def test_status_says_when_nothing_runs(processes):
    # A domain of its own: nodes of earlier tests may linger in discovery for a few seconds.
    domain = str((int(os.environ['ROS_DOMAIN_ID']) + 50) % 100 + 1)
    status = processes.milo('status', '--wait', '0.5', env=dict(os.environ, ROS_DOMAIN_ID=domain))
    assert status.wait() == 1
    assert 'no ROS nodes found' in status.output


def test_separate_processes_and_a_stuck_node_is_restarted(tmp_path, processes):
    wav = write_wav(tmp_path / 'lecture.wav', tone(440, 1.0, 16000), 16000)
    up = processes.milo('up', '--sim', '--separate', '--input', wav, '--set', 'microphone.loop=true')
    up.wait_for_line('started audio_monitor')
    assert 'started light' not in up.output
    up.wait_for_line('watching audio_monitor')  # its reports reached the watchdog
    [monitor] = started_pids(up, 'audio_monitor')
    os.killpg(monitor, signal.SIGSTOP)  # alive to the system, dead to the class
    try:
        stuck = up.wait_for_line('audio_monitor is stuck (audio_monitor: no diagnostics', timeout=40)
        up.wait_for_line('started audio_monitor', after=stuck)
    finally:
        with contextlib.suppress(ProcessLookupError):  # killed and replaced: nothing to resume
            os.killpg(monitor, signal.SIGCONT)
    assert len(started_pids(up, 'audio_monitor')) == 2
    up.signal(signal.SIGINT)
    assert up.wait() == 0
