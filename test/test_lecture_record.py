# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The lecture record: durable segments in SQLite, without ROS."""

import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from milo_robot.record.lecture_record import (
    SCHEMA_VERSION,
    Lecture,
    LectureRecord,
    QuestionEntry,
    RecordError,
    Segment,
    format_clock,
)

REPO = Path(__file__).resolve().parents[1]
T0 = 1_800_000_000.0  # a fixed wall time, so that tests don't depend on the clock


@pytest.fixture
def path(tmp_path):
    return tmp_path / 'records' / 'milo.sqlite3'


@pytest.fixture
def record(path):
    with LectureRecord(path) as r:
        yield r


def test_segments_are_read_back_as_written(record, path):
    assert path.exists()  # parent directory created too
    lecture_id = record.start_lecture('Thermodynamics', 'fr', now=T0)
    first = record.append(lecture_id, 1.5, 4.0, '  Bonjour à tous.  ', 'fr', 0.9, 'teacher', 'whisper-base')
    second = record.append(lecture_id, 5.0, 6.25, 'Question?', 'en', 0.5, 'student',
                           wall_start=T0 + 10, wall_end=T0 + 11)
    assert second > first

    assert record.segments() == [
        Segment(first, lecture_id, 1.5, 4.0, T0 + 1.5, T0 + 4.0, 'Bonjour à tous.', 'fr', 0.9, 'teacher',
                'whisper-base'),
        Segment(second, lecture_id, 5.0, 6.25, T0 + 10, T0 + 11, 'Question?', 'en', 0.5, 'student', ''),
    ]
    assert record.lectures() == [Lecture(lecture_id, 'Thermodynamics', T0, None, 'fr', '', 'set', 'fr,en')]
    record.end_lecture(lecture_id, now=T0 + 3600)
    record.end_lecture(lecture_id, now=T0 + 7200)  # the first end stands
    assert record.lecture(lecture_id) == Lecture(lecture_id, 'Thermodynamics', T0, T0 + 3600, 'fr', '', 'set',
                                                 'fr,en')
    assert record.lecture(lecture_id + 1) is None


def test_a_lecture_without_title_gets_a_dated_one(record):
    lecture_id = record.start_lecture(now=T0)
    title = record.lecture(lecture_id).title
    assert title.startswith('Lecture 20') and len(title) == len('Lecture 2027-01-15 08:00')


def test_the_file_is_in_wal_mode(record, path):
    record.start_lecture(now=T0)
    conn = sqlite3.connect(path)
    try:
        assert conn.execute('PRAGMA journal_mode').fetchone()[0] == 'wal'
        assert conn.execute('PRAGMA user_version').fetchone()[0] == SCHEMA_VERSION
    finally:
        conn.close()


def test_resume_or_start_continues_an_open_recent_lecture(record):
    lecture_id, started_at = record.resume_or_start(now=T0)
    assert started_at == T0
    assert record.lecture(lecture_id).title.startswith('Lecture ')
    # A restart half an hour in continues the same lecture, keeping its clock.
    assert record.resume_or_start(now=T0 + 1800) == (lecture_id, T0)
    assert len(record.lectures()) == 1


def test_resume_or_start_starts_anew_after_the_last_lecture_ended(record):
    lecture_id, _ = record.resume_or_start(now=T0)
    record.end_lecture(lecture_id, now=T0 + 600)
    new_id, started_at = record.resume_or_start(now=T0 + 700)
    assert new_id != lecture_id and started_at == T0 + 700


def test_resume_or_start_starts_anew_when_the_open_lecture_is_too_old(record):
    lecture_id, _ = record.resume_or_start(max_age_s=3600, now=T0)
    new_id, started_at = record.resume_or_start(max_age_s=3600, now=T0 + 3601)
    assert new_id != lecture_id and started_at == T0 + 3601
    # Nor is a lecture resumed that seems to start in the future (the wall clock went back).
    assert record.resume_or_start(now=T0)[0] not in (lecture_id, new_id)


def test_since_id_reads_only_new_segments(record):
    lecture_id = record.start_lecture(now=T0)
    ids = [record.append(lecture_id, i, i + 1, f'segment {i}', 'en', 0.8) for i in range(3)]
    assert [s.id for s in record.segments(since_id=ids[0])] == ids[1:]
    assert record.segments(since_id=ids[-1]) == []
    later = record.append(lecture_id, 3, 4, 'segment 3', 'en', 0.8)
    assert [s.id for s in record.segments(since_id=ids[-1])] == [later]


def test_segments_filter_by_role_and_lecture(record):
    first = record.start_lecture(now=T0)
    second = record.start_lecture(now=T0 + 5000)
    record.append(first, 0, 1, 'teacher one', 'en', 0.8, 'teacher')
    record.append(first, 1, 2, 'student one', 'en', 0.8, 'student')
    record.append(second, 0, 1, 'teacher two', 'en', 0.8, 'teacher')
    assert [s.text for s in record.segments(role='teacher')] == ['teacher one', 'teacher two']
    assert [s.text for s in record.segments(lecture_id=first, role='teacher')] == ['teacher one']
    assert [s.text for s in record.segments(lecture_id=second)] == ['teacher two']
    with pytest.raises(ValueError, match='role'):
        record.segments(role='ghost')


@pytest.mark.parametrize('args, message', [
    ((0, 1, '   ', 'en', 0.5), 'text'),
    ((-1, 1, 'x', 'en', 0.5), 'start_s'),
    ((2, 1, 'x', 'en', 0.5), 'start_s'),
    ((0, float('nan'), 'x', 'en', 0.5), 'start_s'),
    ((0, 1, 'x', 'en', 1.5), 'confidence'),
    ((0, 1, 'x', 'en', -0.1), 'confidence'),
    ((0, 1, 'x', 'en', 0.5, 'professor'), 'speaker_role'),
])
def test_invalid_segments_are_refused(record, args, message):
    lecture_id = record.start_lecture(now=T0)
    with pytest.raises(ValueError, match=message):
        record.append(lecture_id, *args)
    assert record.segments() == []


def test_a_segment_of_an_unknown_lecture_is_refused(record):
    with pytest.raises(ValueError, match='no lecture 42'):
        record.append(42, 0, 1, 'x', 'en', 0.5)
    with pytest.raises(ValueError, match='no lecture 42'):
        record.end_lecture(42)


def test_a_reader_sees_the_writers_commits_and_cannot_write(record, path):
    lecture_id = record.start_lecture(now=T0)
    with LectureRecord(path, read_only=True) as reader:
        assert reader.segments() == []
        record.append(lecture_id, 0, 1, 'committed', 'en', 0.7)  # while the reader is open
        assert [s.text for s in reader.segments()] == ['committed']
        with pytest.raises(RecordError, match='read-only'):
            reader.append(lecture_id, 1, 2, 'sneaky', 'en', 0.7)
        with pytest.raises(RecordError, match='read-only'):
            reader.start_lecture()
        with pytest.raises(RecordError, match='read-only'):
            reader.end_lecture(lecture_id)
    assert [s.text for s in record.segments()] == ['committed']
    assert record.lecture(lecture_id).ended_at is None


def test_a_reader_never_creates_the_file(tmp_path):
    missing = tmp_path / 'missing.sqlite3'
    with pytest.raises(RecordError, match=str(missing)):
        LectureRecord(missing, read_only=True)
    assert not missing.exists()


def test_committed_segments_survive_a_killed_writer(path):
    child = subprocess.Popen(
        [sys.executable, '-c', '\n'.join([
            'import sys, time',
            'from milo_robot.record.lecture_record import LectureRecord',
            'record = LectureRecord(sys.argv[1])',
            'lecture_id = record.start_lecture()',
            'for i in range(3):',
            "    record.append(lecture_id, i, i + 1, f'segment {i}', 'fr', 0.9, 'teacher')",
            "print('appended', flush=True)",
            'time.sleep(60)',
        ]), str(path)],
        cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline() == 'appended\n'
        child.send_signal(signal.SIGKILL)  # the connection is still open, never closed cleanly
        assert child.wait(timeout=10) == -signal.SIGKILL
    finally:
        child.kill()
        child.stdout.close()
    with LectureRecord(path, read_only=True) as reader:
        assert [s.text for s in reader.segments()] == ['segment 0', 'segment 1', 'segment 2']


def test_a_corrupt_file_is_reported_with_its_path(path):
    path.parent.mkdir(parents=True)
    path.write_bytes(random.Random(7).randbytes(8192))
    for read_only in (False, True):
        with pytest.raises(RecordError, match=str(path)):
            LectureRecord(path, read_only=read_only)


def test_an_uncreatable_file_is_reported_with_its_path(tmp_path):
    blocker = tmp_path / 'a-file'
    blocker.write_text('not a directory')
    with pytest.raises(RecordError, match=str(blocker)):
        LectureRecord(blocker / 'milo.sqlite3')


def test_a_full_disk_is_reported_and_the_record_stays_usable(record):
    lecture_id = record.start_lecture(now=T0)
    record.append(lecture_id, 0, 1, 'before', 'en', 0.8)
    # Cap the file at its current size: the next segment needing a page finds the "disk" full.
    conn = record._conn
    pages = conn.execute('PRAGMA page_count').fetchone()[0]
    conn.execute(f'PRAGMA max_page_count = {pages}')
    with pytest.raises(RecordError, match='full') as raised:
        record.append(lecture_id, 1, 2, 'x' * 100_000, 'en', 0.8)
    assert str(record.path) in str(raised.value)
    assert [s.text for s in record.segments()] == ['before']

    conn.execute(f'PRAGMA max_page_count = {pages * 1000}')  # space freed
    record.append(lecture_id, 1, 2, 'after', 'en', 0.8)
    assert [s.text for s in record.segments()] == ['before', 'after']


def test_a_closed_record_says_so(path):
    record = LectureRecord(path)
    record.close()
    record.close()
    with pytest.raises(RecordError, match='closed'):
        record.lectures()


@pytest.mark.parametrize('seconds, text', [
    (0, '00:00'), (59.9, '00:59'), (632.4, '10:32'), (3599, '59:59'), (3600, '1:00:00'), (3725, '1:02:05'),
    (36000, '10:00:00'),
])
def test_format_clock(seconds, text):
    assert format_clock(seconds) == text


def test_format_clock_refuses_negative_times():
    with pytest.raises(ValueError):
        format_clock(-1)


def test_the_question_log_keeps_each_question_and_its_outcome(record):
    lecture = record.start_lecture(now=T0)
    record.log_question(QuestionEntry('r1', lecture, T0 + 60, 'Milo, what is a volt?', 'What is a volt?',
                                      'en',
                                      'lecture', 'answered', 'The unit of voltage.', 'The unit of voltage.',
                                      ('notes: circuits.md',), 1.25))
    record.log_question(QuestionEntry('r2', lecture, T0 + 90, 'Milo, and why?', 'What is a volt? And why?',
                                      'en',
                                      'lecture', 'interrupted', 'Because. It is.', 'Because.', (), None))
    first, second = record.questions(lecture)
    assert (first.outcome, first.sources, first.latency_s) == ('answered', ('notes: circuits.md',), 1.25)
    assert (second.outcome, second.spoken, second.latency_s) == ('interrupted', 'Because.', None)
    with pytest.raises(ValueError, match='outcome'):
        record.log_question(QuestionEntry('r3', lecture, T0, 'x', 'x', 'en', 'qa', 'ignored'))
    # The same entry delivered twice (its writer restarted) is stored once.
    assert record.log_question(QuestionEntry('r1', lecture, T0 + 60, 'again', 'again', 'en', 'qa',
                                             'answered')) is None
    assert len(record.questions(lecture)) == 2


def test_a_version_1_record_gains_the_question_log(path):
    path.parent.mkdir()
    conn = sqlite3.connect(path)
    conn.execute('CREATE TABLE lectures (id INTEGER PRIMARY KEY, title TEXT NOT NULL, '
                 'started_at REAL NOT NULL, ended_at REAL, language TEXT NOT NULL)')
    conn.execute("INSERT INTO lectures VALUES (1, 'old', 1.0, NULL, 'fr')")
    conn.execute('PRAGMA user_version = 1')
    conn.commit()
    conn.close()
    with LectureRecord(path) as record:
        assert record.lectures()[0].title == 'old'
        record.log_question(QuestionEntry('r4', 1, T0, 'q', 'q', 'fr', 'qa', 'declined'))
        assert len(record.questions()) == 1


def test_the_dialogue_can_mark_a_question_as_a_student_s(record):
    lecture = record.start_lecture(now=T0)
    first = record.append(lecture, 0.0, 2.0, 'Ohm said so.', 'en', 0.9, 'teacher')
    second = record.append(lecture, 3.0, 5.0, 'Milo, what did Ohm say?', 'en', 0.9, 'teacher')
    record.set_role([second], 'student')
    assert [s.speaker_role for s in record.segments()] == ['teacher', 'student']
    assert [s.id for s in record.segments(role='teacher')] == [first]
    with pytest.raises(ValueError):
        record.set_role([first], 'robot')


def test_the_record_is_private_to_milo(tmp_path):
    path = tmp_path / 'records' / 'milo.db'
    LectureRecord(path).close()
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700


def test_courses_titles_and_languages_of_lectures(record):
    lecture = record.start_lecture(now=T0, course='Circuits')
    record.append(lecture, 0.0, 2.0, 'Bonjour.', 'fr', 0.9)
    record.append(lecture, 3.0, 5.0, 'Hello.', 'en', 0.9)
    record.set_title(lecture, 'Ohm\'s law', 'announced')
    record.set_title(lecture, 'Loi d\'Ohm', 'set')
    record.set_title(lecture, 'What the model wrote', 'model')  # a person's title is kept
    got = record.lecture(lecture)
    assert (got.course, got.title, got.title_source, got.language, got.languages) == (
        'Circuits', "Loi d'Ohm", 'set', 'fr', 'fr,en')
    assert record.open_lecture() == got
    record.end_lecture(lecture, now=T0 + 5400)
    assert record.open_lecture() is None and record.lecture(lecture).duration_s == 5400
    assert record.courses() == ['Circuits']


def test_forget_erases_a_lecture_with_its_questions_and_summary(record, path):
    keep = record.start_lecture(now=T0)
    record.append(keep, 0.0, 1.0, 'Kept words.', 'en', 0.9)
    gone = record.start_lecture(now=T0 + 100)
    record.append(gone, 0.0, 1.0, 'A secret remark about Ohm.', 'en', 0.9)
    record.log_question(QuestionEntry('x1', gone, T0 + 101, 'Milo?', 'Q?', 'en', 'qa', 'declined'))
    record.save_summary(gone, 'en', 'small', {'key_points': []})
    record.save_vectors([('d1', gone, b'\0' * 1536)])
    counts = record.forget(gone)
    assert counts == {'segments': 1, 'questions': 1, 'summaries': 1, 'sentence_vectors': 1,
                      'notes_packs': 0}
    assert record.lecture(gone) is None and record.summary(gone) is None
    assert [s.text for s in record.segments()] == ['Kept words.']
    record.close()
    assert b'secret remark' not in path.read_bytes(), 'the words are gone from the file itself'
    with pytest.raises(ValueError):
        LectureRecord(path).forget(gone)


def test_retention_erases_old_ended_lectures_only(record):
    old = record.start_lecture(now=T0)
    record.end_lecture(old, now=T0 + 10)
    still_open = record.start_lecture(now=T0 + 20)
    recent = record.start_lecture(now=T0 + 40 * 86400)
    record.end_lecture(recent, now=T0 + 40 * 86400 + 10)
    assert record.forget_older_than(30, now=T0 + 41 * 86400) == [old]
    assert [lec.id for lec in record.lectures()] == [still_open, recent]
