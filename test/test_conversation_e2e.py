# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Milo in class end to end: the whole graph in sim mode on a spoken session, judged by `milo demo`.

Real DDS, Whisper, the 0.5B model, Piper, and the firmware in the simulator: addressing, silence
when not addressed, declining, mode switching by voice and barge-in.
"""

import subprocess
import sys

import pytest
import yaml

SESSION = {
    'title': 'test session',
    'pause_s': 1.0,
    'turns': [
        {'teacher': "Today we study Ohm's law."},
        {'teacher': 'The voltage across a resistor equals its resistance times the current through it.'},
        {'teacher': 'So if we double the voltage across the same resistor, the current doubles too.'},
        {'student': 'Milo, what happens to the current when the voltage across a resistor doubles?',
         'case': 'addressed', 'expect': 'answer', 'facts': ['double'], 'wait_s': 12},
        {'student': 'Sorry sir, could you repeat the last value?', 'case': 'not_addressed',
         'expect': 'silent'},
        {'teacher': 'Of course: the current doubles when the voltage doubles.'},
        {'student': 'Milo, what is the best recipe for a chocolate cake?', 'case': 'off_topic',
         'expect': 'decline', 'wait_s': 8},
        {'teacher': 'Okay Milo, question time.', 'case': 'mode_switch', 'expect': 'mode', 'wait_s': 4},
        # The interruption comes 4 s after the question: Milo is then surely speaking (answers
        # start within ~3 s here and last several seconds).
        {'student': 'What does the voltage across a resistor equal?', 'case': 'barge_in',
         'expect': 'answer', 'wait_s': 4.0},
        {'student': 'Wait, wait, sorry, let me rephrase.', 'case': 'interrupt', 'expect': 'stop',
         'wait_s': 4},
        {'teacher': 'Milo, the class is over.', 'case': 'lecture_end', 'expect': 'lecture_end',
         'wait_s': 3},
    ],
    'summary_facts': [["ohm"], ['double']],
}


@pytest.mark.timeout(600)
def test_the_class_session_behaves_as_each_turn_expects(tmp_path):
    session = tmp_path / 'session.yaml'
    session.write_text(yaml.safe_dump(SESSION))
    wav = tmp_path / 'session.wav'
    subprocess.run([sys.executable, 'scripts/make_demo_audio.py', str(session), str(wav)], check=True,
                   capture_output=True)
    run = subprocess.run([sys.executable, '-m', 'milo_robot.cli.main', 'demo', '--input', str(wav),
                          '--out', str(tmp_path / 'run')], capture_output=True, text=True, timeout=560)
    log = run.stdout + run.stderr
    assert run.returncode == 0, log
    for case in ('addressed', 'not_addressed', 'off_topic', 'mode_switch', 'barge_in', 'interrupt',
                 'lecture_end'):
        assert f'[ok] {case}' in log, log
    assert "[ok] summary holds the lecture's key facts" in log, log
    assert '[ok] notes page works offline' in log and list((tmp_path / 'run').glob('lecture-*.html'))
    assert (tmp_path / 'run' / 'answers').is_dir()
    assert 'Question log for the teacher' in log and 'interrupted' in log
