# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The soak benchmark's parts that need no graph: its figures, its session, its sim fault hooks.

The soak itself runs for 90 minutes under `milo bench --only soak`, never in the test suite.
"""

import errno
import io
import os
import signal
import sys
import threading
import time

import numpy as np
import pytest
from harness import wait_until
from signals import write_wav

from milo_robot.audio.wav_microphone import WavMicrophone
from milo_robot.bench.soak_faults import FAULTS, Fault, injection_time, question_windows
from milo_robot.bench.soak_measures import (
    Heard,
    Report,
    coverage,
    covered,
    error_reported,
    frame_losses,
    lost_segments,
    recovery_s,
    rss_growth,
    said_restarted,
    unanswered,
    went_missing,
)
from milo_robot.bench.soak_session import PlanError, build_session, clock_s, transcript_lines
from milo_robot.body.simulator import SimulatedBody, SimulatorError
from milo_robot.graph import node_environment
from milo_robot.interfaces.diagnostics import RESTARTED_AFTER, RESTARTS
from milo_robot.record.lecture_record import LectureRecord, RecordError
from milo_robot.supervisor import Child, Supervisor
from milo_robot.watchdog import DiagnosticsListener, Liveness


def turn(start, end, text, speaker='teacher', case=None):
    return {'start_s': start, 'speech_end_s': end, 'text': text, 'speaker': speaker, 'case': case}


# --- segments ---------------------------------------------------------------------------------


def test_a_segment_is_found_when_recorded_segments_cover_its_speech():
    spoken = [turn(10.0, 14.0, 'Voltage is measured in volts.'),
              turn(15.0, 19.0, 'Le débit est la section fois la vitesse.')]
    heard = [Heard(9.7, 14.3, 'Voltage is measured in volt.'),
             Heard(14.9, 19.4, 'Le débit est la sexion fou la vitesse')]  # misrecognised, but recorded
    assert lost_segments(spoken, heard, []) == ([], [])


def test_a_segment_not_recorded_over_its_time_is_lost():
    spoken = [turn(10.0, 14.0, 'Voltage is measured in volts.'), turn(30.0, 34.0, 'Power is in watts.')]
    heard = [Heard(50.0, 54.0, 'Voltage is measured in volts.'), Heard(33.0, 34.5, 'watts')]
    lost, _ = lost_segments(spoken, heard, [])
    assert [t['text'] for t in lost] == ['Voltage is measured in volts.', 'Power is in watts.']


def test_a_line_split_in_two_segments_is_found():
    spoken = [turn(0.0, 8.0, 'In series the same current flows through each resistor of the loop.')]
    heard = [Heard(0.0, 3.9, 'In series the same current'),
             Heard(4.2, 8.3, 'flows through each resistor of the loop')]
    assert lost_segments(spoken, heard, [])[0] == []
    assert covered((0.0, 8.0), heard) == pytest.approx(7.7 / 8)
    assert covered((0.0, 8.0), heard + [Heard(3.0, 5.0, 'overlap')]) == pytest.approx(1.0)


def test_segments_spoken_while_nobody_listened_are_not_judged():
    spoken = [turn(10.0, 14.0, 'one two three'), turn(20.0, 24.0, 'four five six')]
    lost, skipped = lost_segments(spoken, [], [(13.0, 18.0)])
    assert [t['text'] for t in skipped] == ['one two three']
    assert [t['text'] for t in lost] == ['four five six']


def test_speech_too_short_for_a_vad_segment_is_not_judged():
    spoken = [turn(10.0, 10.2, 'Oui ?'), turn(20.0, 20.4, 'Yes?')]
    lost, skipped = lost_segments(spoken, [], [], min_speech_s=0.25)
    assert [t['text'] for t in skipped] == ['Oui ?'] and [t['text'] for t in lost] == ['Yes?']


def test_coverage_counts_the_expected_words_heard():
    assert coverage('Milo, what is the gain?', 'milo what is gain') == 0.8
    assert coverage('', 'anything') == 1.0


# --- questions --------------------------------------------------------------------------------


def test_a_question_is_answered_when_the_log_has_an_outcome_in_its_window():
    q1 = turn(100.0, 103.0, 'Milo, what is a bar?', 'student', 'addressed')
    q2 = turn(200.0, 203.0, 'Milo, what is a pascal?', 'student', 'addressed')
    q3 = turn(300.0, 303.0, 'Milo, what is Bernoulli?', 'student', 'addressed')
    q4 = turn(400.0, 403.0, 'Milo, combien vaut un bar ?', 'student', 'addressed')
    questions = [(q1, (103.0, 130.0)), (q2, (203.0, 230.0)), (q3, (303.0, 330.0)), (q4, (403.0, 430.0))]
    heard = [Heard(300.0, 303.2, 'Milo, what is Bernoulli?'),
             Heard(400.0, 403.1, 'Milleux, combien vaut un bar')]
    missing, skipped, misheard = unanswered(questions, [103.4], [(190.0, 200.5)], heard)
    assert missing == [q3] and skipped == [q2] and misheard == [q4]


def test_question_windows_run_from_the_question_to_the_next_turn():
    turns = [turn(0.0, 5.0, 'lecture'), turn(6.0, 8.0, 'Milo, why?', 'student', 'addressed'),
             turn(40.0, 44.0, 'more lecture')]
    assert question_windows(turns) == [(turns[1], (8.0, 40.0))]


# --- kills: recovery and reporting ------------------------------------------------------------


def beats(node, start, end, ready=True, level=0, message='running', step=1.0):
    count = int((end - start) / step) + 1
    return [Report(start + i * step, node, level, message, ready) for i in range(count)]


def test_recovery_runs_from_the_kill_to_every_node_of_the_process_ready_again():
    reports = sorted(beats('vad', 0, 10) + beats('vad', 13.2, 20) + beats('body', 0, 10) +
                     beats('body', 12.5, 14, ready=False) + beats('body', 14.5, 20),
                     key=lambda r: r.at)
    assert recovery_s(10.1, ('vad', 'body'), reports) == pytest.approx(4.4)
    assert recovery_s(10.1, ('vad', 'asr'), reports) is None


def test_a_report_sent_just_before_the_kill_does_not_count_as_recovered():
    reports = beats('asr', 0, 10) + beats('asr', 14.0, 20)
    assert recovery_s(9.95, ('asr',), reports) == pytest.approx(4.05)


def test_a_kill_is_reported_when_the_node_goes_missing_and_comes_back():
    reports = beats('asr', 0, 10) + beats('asr', 14.0, 20)
    assert went_missing(10.3, 'asr', reports)
    assert not went_missing(10.3, 'asr', beats('asr', 0, 20))  # never gone
    assert not went_missing(10.3, 'asr', beats('asr', 0, 10))  # never back
    assert not went_missing(3.0, 'asr', reports)  # gone, but 7 s later


def test_a_kill_is_reported_when_the_node_back_at_once_counts_one_more_restart():
    # Back 0.8 s after the kill: no gap of MISSING_GAP_S in its reports, but it says it restarted.
    before, after = beats('mic', 0, 10), beats('mic', 10.8, 20)
    back = [Report(r.at, r.node, r.level, r.message, r.ready, restarts=1) for r in after]
    assert not went_missing(10.0, 'mic', before + back)
    assert said_restarted(10.0, 'mic', before + back)
    assert not said_restarted(10.0, 'mic', before + after)  # its count did not change
    again = [Report(r.at, r.node, r.level, r.message, r.ready, restarts=1) for r in before]
    assert not said_restarted(10.0, 'mic', again + back)  # the count of an earlier restart
    late = [Report(r.at + 3.0, r.node, r.level, r.message, r.ready, restarts=1) for r in after]
    assert not said_restarted(10.0, 'mic', before + late)  # back 3.8 s later: went missing instead
    assert went_missing(10.0, 'mic', before + late)


def test_frames_lost_add_up_over_a_nodes_restarts():
    def report(at, node, lost, restarts=0):
        return Report(at, node, 0, 'ok', True, restarts, lost)
    reports = [report(1, 'vad', 0), report(2, 'vad', 3), report(3, 'asr', 1), report(4, 'vad', 3),
               report(5, 'vad', 0, restarts=1), report(6, 'vad', 2, restarts=1), report(7, 'asr', 4)]
    assert frame_losses(reports) == [(2, 'vad', 3), (3, 'asr', 1), (6, 'vad', 2), (7, 'asr', 3)]
    assert frame_losses([report(1, 'vad', 0), report(2, 'vad', 0)]) == []


def test_a_node_respawned_under_the_supervisor_says_on_diagnostics_that_it_restarted():
    """A real node under the supervisor, killed with SIGKILL: its first reports say so."""
    statuses, reports, out = [], [], io.StringIO()

    def take(status):
        if status.node == 'audio_monitor':
            statuses.append((time.time(), status))
            reports.append(Report(time.time(), status.node, status.level, status.message, status.ready,
                                  int(status.number(RESTARTS))))
    listener = DiagnosticsListener(Liveness(), take, name='restart_listener')
    node = Child('audio_monitor', [sys.executable, '-m', 'milo_robot.nodes.audio_monitor_node',
                                   '--ros-args', '-p', 'log_period_s:=0.0'])
    supervisor = Supervisor([node], env=node_environment(), out=out)
    killed = []

    def kill_once_reporting():
        try:
            wait_until(lambda: statuses, 'the first report', timeout=60)
            killed.append(time.time())
            os.killpg(node.process.pid, signal.SIGKILL)
            wait_until(lambda: any(at > killed[0] and s.values.get(RESTARTS) for at, s in statuses),
                       'a report of the respawned node', timeout=60)
        finally:
            supervisor.request_stop()
    threading.Thread(target=kill_once_reporting).start()
    try:
        assert supervisor.run() == 0
    finally:
        listener.close()
    at = killed[0]
    assert all(RESTARTS not in s.values for t, s in statuses if t <= at)  # first life: nothing to say
    first_back = next(s for t, s in statuses if t > at and s.values.get(RESTARTS))
    assert first_back.values[RESTARTS] == '1'
    assert first_back.values[RESTARTED_AFTER] == 'killed by SIGKILL'
    assert '[milo] audio_monitor exited with status -9' in out.getvalue()
    # The soak counts it from these reports (how soon it came back is the machine's load, not judged).
    assert said_restarted(at, 'audio_monitor', reports, within_s=float('inf'))


def test_a_device_fault_is_reported_by_a_warn_or_error_naming_it_within_two_seconds():
    reports = (beats('tts', 0, 5) + beats('tts', 6, 9, level=2, message='speaker: sim speaker unplugged'))
    assert error_reported(4.5, 'tts', 'speaker', reports)
    assert not error_reported(1.0, 'tts', 'speaker', reports)
    assert not error_reported(4.5, 'body', 'speaker', reports)


# --- memory -----------------------------------------------------------------------------------


def test_memory_growth_is_the_worst_process_last_window_over_its_first():
    samples = {'asr': [(t, 400.0) for t in range(100)],
               'brain': [(t, 800.0 if t < 50 else 840.0) for t in range(100)]}
    ratio, worst = rss_growth(samples, (10, 20), (90, 100))
    assert worst == 'brain' and ratio == pytest.approx(1.05)
    assert rss_growth({}, (0, 1), (2, 3)) == (None, '')


# --- the session ------------------------------------------------------------------------------


@pytest.fixture
def lectures(tmp_path):
    (tmp_path / 'en.txt').write_text('[00:03] Good morning.\n[00:10] Voltage is in volts.\n'
                                     '[00:20] Student asks: and current?\n[00:25] Current is in amperes.\n'
                                     '[01:05] Power is in watts.\n', encoding='utf-8')
    (tmp_path / 'fr.txt').write_text('[00:02] Bonjour.\n[00:09] Un étudiant demande : et le bar ?\n'
                                     '[00:15] Un bar vaut cent mille pascals.\n[00:40] Fin.\n',
                                     encoding='utf-8')
    return tmp_path


def plan(**part_options):
    return {'title': 'test', 'pause_s': 0.8, 'answer_s': 20,
            'parts': [{'transcript': 'en.txt', 'language': 'en', **part_options,
                       'questions': [{'after': '00:12', 'ask': 'Milo, what is a volt?'}]},
                      {'transcript': 'fr.txt', 'language': 'fr',
                       'questions': [{'after': '00:40', 'ask': 'Milo, combien vaut un bar ?'}]}]}


def test_transcript_lines_keep_the_time_and_know_a_students_line(lectures):
    lines = transcript_lines(str(lectures / 'en.txt'))
    assert lines[2] == (20, 'student', 'and current?')
    assert transcript_lines(str(lectures / 'fr.txt'))[1] == (9, 'student', 'et le bar ?')
    assert clock_s('1:02:03') == 3723
    with pytest.raises(PlanError, match='not a time'):
        clock_s('soon')


def test_questions_follow_the_last_line_said_before_their_time_with_a_stretched_silence(lectures):
    turns = build_session(plan(), realtime_factor=1.5, root=str(lectures))['turns']
    texts = [t.get('teacher') or t.get('student') for t in turns]
    assert texts.index('Milo, what is a volt?') == texts.index('Voltage is in volts.') + 1
    question = turns[texts.index('Milo, combien vaut un bar ?')]
    assert question == {'student': 'Milo, combien vaut un bar ?', 'language': 'fr', 'case': 'addressed',
                        'expect': 'answer', 'wait_s': 30.0}
    assert turns[texts.index('et le bar ?')]['language'] == 'fr'


def test_until_cuts_a_part_and_a_question_past_its_end_is_an_error(lectures):
    turns = build_session(plan(until='01:00'), 1.0, root=str(lectures))['turns']
    assert 'Power is in watts.' not in [t.get('teacher') for t in turns]
    cut = plan(until='00:11')
    with pytest.raises(PlanError, match='past its last line'):
        build_session(cut, 1.0, root=str(lectures))


def test_a_short_session_keeps_a_share_of_every_part(lectures):
    turns = build_session(plan(), 1.0, minutes=0.5, root=str(lectures))['turns']
    assert {t['language'] for t in turns} == {'en', 'fr'}
    assert len(turns) < len(build_session(plan(), 1.0, root=str(lectures))['turns'])


def test_faults_land_on_a_teachers_sentence_away_from_questions():
    turns = [turn(0, 4, 'a'), turn(5, 9, 'b'), turn(10, 12, 'Milo, why?', 'student', 'addressed'),
             turn(40, 44, 'c'), turn(45, 49, 'd'), turn(50, 52, 'Milo, how?', 'student', 'addressed'),
             turn(80, 84, 'e')]
    # Not 'b' (just before a question), nor while it is answered: the next teacher's sentence.
    assert injection_time(Fault('kill', 'kill', 0.05), turns, 100.0) == 42.0
    assert injection_time(Fault('disk', 'disk', 0.39), turns, 100.0) == pytest.approx(43.8)
    assert injection_time(Fault('disk', 'disk', 0.41), turns, 100.0) == pytest.approx(83.8)
    assert injection_time(Fault('speaker', 'speaker', 0.2), turns, 100.0) == 52.0
    # A short development run with no question left: the speaker fails when planned.
    assert injection_time(Fault('speaker', 'speaker', 0.9), turns, 100.0) == 90.0
    assert {f.kind for f in FAULTS} == {'kill', 'serial', 'speaker', 'disk'}


# --- the sim fault hooks ----------------------------------------------------------------------


def test_a_full_disk_is_simulated_while_the_marker_exists(tmp_path):
    path = tmp_path / 'milo.db'
    with LectureRecord(path) as record:
        lecture = record.start_lecture('t', now=1000.0)
        (tmp_path / 'milo.db.full').touch()
        with pytest.raises(RecordError, match='disk is full'):
            record.append(lecture, 0.0, 1.0, 'lost?', 'en', 0.9)
        assert record.segments(lecture) == []  # reading still works
        (tmp_path / 'milo.db.full').unlink()
        record.append(lecture, 0.0, 1.0, 'kept', 'en', 0.9)
        assert [s.text for s in record.segments(lecture)] == ['kept']


def test_a_microphone_joins_its_class_where_it_is_now(tmp_path):
    path = str(tmp_path / 'class.wav')
    write_wav(path, (np.arange(16000 * 10) % 997).astype(np.int16), 16000)
    room, wall = str(tmp_path / 'room'), [5000.0]
    first = WavMicrophone(path, 512, 0, room=room, wall_clock=lambda: wall[0])
    assert next(iter(first.frames()))[0] == 0 and first.joined_at_s == 0.0
    wall[0] += 4.0  # the node died and came back 4 s later
    again = WavMicrophone(path, 512, 2.0, room=room, wall_clock=lambda: wall[0])
    frame = next(iter(again.frames()))
    assert again.joined_at_s == 8.0 and frame[0] == (8 * 16000) % 997
    os.remove(room)
    assert WavMicrophone(path, 512, 0, room=room).frames() is not None and os.path.exists(room)


def test_a_simulated_board_is_unplugged_while_its_marker_exists(tmp_path):
    eeprom = str(tmp_path / 'body.eeprom')
    sim = SimulatedBody(eeprom=eeprom)
    try:
        assert sim.alive
        open(eeprom + '.unplugged', 'w').close()
        deadline = time.monotonic() + 3.0
        while sim.alive and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not sim.alive
        with pytest.raises(SimulatorError, match='unplugged') as caught:
            SimulatedBody(eeprom=eeprom)
        assert isinstance(caught.value.__cause__, OSError) and caught.value.__cause__.errno == errno.ENODEV
    finally:
        sim.stop()
    os.remove(eeprom + '.unplugged')
    again = SimulatedBody(eeprom=eeprom)
    assert again.alive
    again.stop()


def test_a_board_for_hours_follows_the_firmware_without_keeping_its_reports():
    """The body node's board (history=0): the light and pulses followed, no log that grows (docs/soak.md)."""
    from milo_robot.body import protocol as p
    from milo_robot.body.link import SerialLink

    boards = [SimulatedBody(), SimulatedBody(history=0)]
    try:
        for sim in boards:
            link = SerialLink(sim.port)
            link.request(p.SET_LIGHT, p.set_light_payload((0, 160, 60), 'solid', 1.0))
            link.request(p.SET_JOINTS, p.set_joints_payload({'pan': 20.0}))
            assert sim.wait_for(lambda s: s.light == (0, 160, 60) and s.angles().get('pan') == 20.0)
            link.close()
        kept, none = boards
        assert any(kind == 'led' for _, kind, _ in kept.events)  # the benchmark's replay still has them
        assert len(none.events) == 0
    finally:
        for sim in boards:
            sim.stop()


def test_the_plans_french_voices_go_into_the_session(lectures):
    voices = {'teacher': 'espeak-ng', 'student': 'kokoro'}
    session = build_session({**plan(), 'french_voice': voices}, 1.0, root=str(lectures))
    assert session['french_voice'] == voices
    assert 'french_voice' not in build_session(plan(), 1.0, root=str(lectures))
