# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The lecture recorder, the record's one writer: lectures, segments, writes that wait (no ROS)."""

import time

import pytest
from manual_clock import Clock

from milo_robot.app.local import LocalLectureControl
from milo_robot.hearing.asr import Transcript
from milo_robot.interfaces.payloads import QuestionEntry, RoleChange
from milo_robot.lectures.recorder import LectureRecorder, RecorderSettings
from milo_robot.record.lecture_record import FULL_SUFFIX, LectureRecord, RecordError

NOW = 1_800_000_000.0  # a wall-clock time: lectures start at it


def final(text, start, end):
    return Transcript(text, start, end, 'en', 0.9, True, 'whisper')


def test_speech_starts_a_lecture_its_segments_are_kept_and_silence_ends_it(tmp_path):
    clock, states = Clock(NOW), []
    recorder = LectureRecorder(tmp_path / 'milo.db', RecorderSettings(end_after_silence_s=600.0),
                               clock, on_change=states.append)
    assert recorder.lecture is None and states[-1].state == 'none'
    recorder.speech(at=clock.now - 2.0)  # the first words, heard 2 s ago, start the lecture
    lecture_id, started_at = recorder.lecture
    assert started_at == clock.now - 2.0 and states[-1].state == 'open'
    assert recorder.lecture_clock(clock.now) == 2.0
    segment_id, lecture = recorder.save(final('Today we study capacitors.', 0.0, 2.0))
    assert (segment_id, lecture) == (1, (lecture_id, started_at))
    assert states[-1].title == 'Capacitors', 'the announced title, published'
    recorder.log_question(QuestionEntry('q1', lecture_id, clock.now, 'What is a farad?', 'What is a farad?',
                                        'en', 'lecture', 'answered', 'A unit.', 'A unit.'))
    recorder.set_role(RoleChange((segment_id,), 'student'))
    clock.now += 599.0
    recorder.tick()
    assert recorder.lecture is not None
    clock.now += 2.0
    recorder.tick()
    assert recorder.lecture is None and states[-1].state == 'ended'
    recorder.close()
    with LectureRecord(tmp_path / 'milo.db', read_only=True) as record:
        (segment,) = record.segments()
        assert (segment.text, segment.speaker_role, segment.wall_end) == \
            ('Today we study capacitors.', 'student', started_at + 2.0)
        assert [q.request_id for q in record.questions()] == ['q1']
        assert record.lecture(lecture_id).ended_at == clock.now


def test_writes_wait_in_order_while_the_record_fails_and_nothing_is_lost(tmp_path):
    clock = Clock(NOW)
    path = tmp_path / 'milo.db'
    recorder = LectureRecorder(path, RecorderSettings(lecture='new'), clock)
    full = tmp_path / f'milo.db{FULL_SUFFIX}'
    full.write_text('')  # the disk is full
    assert recorder.save(final('First.', 0.0, 1.0))[0] is None
    assert recorder.save(final('Second.', 1.0, 2.0))[0] is None
    assert recorder.waiting_writes == 2 and 'disk is full' in recorder.health.last_error
    full.unlink()
    assert recorder.save(final('Third.', 2.0, 3.0))[0] == 3, 'the waiting ones first, in order'
    assert recorder.waiting_writes == 0
    recorder.close()
    with LectureRecord(path, read_only=True) as record:
        assert [s.text for s in record.segments()] == ['First.', 'Second.', 'Third.']


def test_a_restarted_recorder_resumes_the_open_lecture_or_ends_it_for_a_new_one(tmp_path):
    clock = Clock(NOW)
    first = LectureRecorder(tmp_path / 'milo.db', RecorderSettings(), clock)
    first.speech(at=clock.now)
    first.save(final('Hello.', 0.0, 1.0))
    lecture_id = first.lecture[0]
    first.close()
    clock.now += 60.0
    resumed = LectureRecorder(tmp_path / 'milo.db', RecorderSettings(), clock)
    assert resumed.lecture[0] == lecture_id
    resumed.close()
    fresh = LectureRecorder(tmp_path / 'milo.db', RecorderSettings(lecture='new'), clock)
    assert fresh.lecture[0] != lecture_id
    assert fresh.command('set_title', title='Circuits').endswith('title set')
    fresh.close()
    with LectureRecord(tmp_path / 'milo.db', read_only=True) as record:
        old, new = record.lecture(lecture_id), record.lecture(fresh.lecture[0])
        assert old.ended_at == old.started_at + 1.0, 'the old one ended with its last words'
        assert new.title == 'Circuits' and new.ended_at is None


def test_commands_need_an_open_lecture_except_start(tmp_path):
    recorder = LectureRecorder(tmp_path / 'milo.db', RecorderSettings(auto_start=False), Clock(NOW))
    assert recorder.command('set_course', course='Physics') == 'no lecture is open'
    assert recorder.end('test') == 'no lecture is open'
    recorder.speech(at=0.0)
    assert recorder.lecture is None, 'auto_start is off'
    assert recorder.command('start', course='Physics').endswith('started')
    assert recorder.state().course == 'Physics'


def test_the_app_starts_and_ends_lectures_with_the_same_recorder(tmp_path):
    path = tmp_path / 'milo.db'
    lectures = LocalLectureControl(path)
    lectures.start('Physics', 'Optics')
    first = lectures.current()
    assert (first.course, first.title) == ('Physics', 'Optics')
    lectures.start('Physics', '')  # the open lecture ends first
    assert lectures.current().id != first.id
    lectures.end()
    assert lectures.current() is None
    with pytest.raises(ValueError, match='no lecture is going on'):
        lectures.end()
    (tmp_path / f'milo.db{FULL_SUFFIX}').write_text('')
    with pytest.raises(RecordError, match='cannot be written'):
        lectures.start('Physics', '')


def test_retention_erases_ended_lectures_older_than_its_days(tmp_path):
    path = tmp_path / 'milo.db'
    with LectureRecord(path) as record:
        old = record.start_lecture('Last month', now=time.time() - 30 * 86400)
        record.end_lecture(old, now=time.time() - 30 * 86400 + 3600)
    recorder = LectureRecorder(path, RecorderSettings(lecture='new', retention_days=7.0))
    recorder.apply_retention()
    recorder.close()
    with LectureRecord(path, read_only=True) as record:
        assert [lecture.id for lecture in record.lectures()] == [recorder.lecture[0]]
    assert dict(recorder.health.report()[2])['lectures_erased'] == '1'


def test_a_sentence_heard_again_whole_replaces_its_first_part(tmp_path):
    from dataclasses import replace
    clock = Clock(NOW)
    recorder = LectureRecorder(tmp_path / 'milo.db', RecorderSettings(), clock)
    recorder.speech(at=clock.now)
    cut, _ = recorder.save(final('Un condensateur.', 1.0, 2.4))
    whole = replace(final('Un condensateur est formé de deux plaques.', 1.0, 5.0), rejoins=True)
    assert recorder.save(whole)[0] == cut, 'the same segment, its words replaced'
    after = recorder.save(final('Elles sont séparées par un isolant.', 6.0, 8.0))[0]
    elsewhere = replace(final('Un isolant.', 9.0, 9.5), rejoins=True)  # not the last one's start
    assert recorder.save(elsewhere)[0] not in (cut, after)
    recorder.close()
    with LectureRecord(str(tmp_path / 'milo.db'), read_only=True) as record:
        rows = [(s.id, s.start_s, s.end_s, s.text) for s in record.segments()]
    whole_row = (cut, 1.0, 5.0, 'Un condensateur est formé de deux plaques.')
    assert rows[:2] == [whole_row,
                        (after, 6.0, 8.0, 'Elles sont séparées par un isolant.')]
    assert len(rows) == 3
