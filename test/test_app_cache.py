# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The pages' cache: kept while the record and the notes stay the same, never a user's own data.

The real app over a real record file; the record is changed through another connection, as the
asr and record nodes change it during a lecture.
"""

import re

import pytest
from app_fixture import School, login
from fastapi.testclient import TestClient

from milo_robot.app.auth import create_token
from milo_robot.app.local import LocalAskBackend, LocalLectureControl
from milo_robot.app.services import AppServices
from milo_robot.app.web import create_app
from milo_robot.record.lecture_record import LectureRecord


@pytest.fixture
def school(tmp_path):
    return School(tmp_path)


@pytest.fixture
def app(school):
    # Pages only: the ask backend loads nothing until a question comes.
    services = AppServices(school.db, school.notes, LocalAskBackend(school.db, str(school.notes)),
                           LocalLectureControl(school.db))
    return create_app(services)


def client(app):
    return TestClient(app, base_url='http://127.0.0.1')


def test_a_lecture_page_is_built_once_per_version_of_the_record(school, app):
    lecture = school.ids['circuits']
    with client(app) as c:
        first = c.get(f'/lectures/{lecture}', headers=school.bearer('student'))
        assert first.status_code == 200 and 'The voltage across a resistor' in first.text
        misses = app.state.cache.misses
        again = c.get(f'/lectures/{lecture}', headers=school.bearer('student'))
        assert again.text == first.text
        assert app.state.cache.misses == misses and app.state.cache.hits >= 2  # the pack and its body

        # A new segment, written by another connection (the record node during a lecture).
        with LectureRecord(school.db) as record:
            record.append(lecture, 4000.0, 4004.0, 'Inductors store energy in a magnetic field.', 'en',
                          0.9, 'teacher', 'whisper')
        page = c.get(f'/lectures/{lecture}', headers=school.bearer('student')).text
        assert 'Inductors store energy' in page

        # A change that adds no row: who spoke a segment (the dialogue marks a student's question).
        page = c.get(f'/lectures/{lecture}', headers=school.bearer('student')).text
        with LectureRecord(school.db) as record:
            teacher_said = [s.id for s in record.segments(lecture_id=lecture) if s.speaker_role == 'teacher']
            record.set_role(teacher_said[:1], 'student')
        after = c.get(f'/lectures/{lecture}', headers=school.bearer('student')).text
        assert after.count('role-student') == page.count('role-student') + 1


def test_a_page_reads_the_version_of_the_record_once(school, app, monkeypatch):
    cache, reads = app.state.cache, []
    version = cache.version
    monkeypatch.setattr(cache, 'version', lambda: reads.append(1) or version())
    with client(app) as c:
        for path in (f'/lectures/{school.ids["circuits"]}', f'/lectures/{school.ids["circuits"]}/quiz'):
            reads.clear()
            assert c.get(path, headers=school.bearer('student')).status_code == 200
            assert len(reads) == 1, path  # the quiz page asks for its pack and its quiz


def test_the_quiz_follows_the_summary(school, app):
    lecture = school.ids['circuits']
    with client(app) as c:
        before = c.get(f'/api/lectures/{lecture}/quiz', headers=school.bearer('student')).json()
        again = c.get(f'/api/lectures/{lecture}/quiz', headers=school.bearer('student')).json()
        assert before and again == before
        with LectureRecord(school.db) as record:
            summary = record.summary(lecture)
            summary['key_points'] = summary['key_points'][:1]
            record.save_summary(lecture, 'en', 'small', summary)
        after = c.get(f'/api/lectures/{lecture}/quiz', headers=school.bearer('student')).json()
        assert len(after) < len(before)
        page = c.get(f'/lectures/{lecture}/quiz', headers=school.bearer('student')).text
        assert page.count('class="prompt"') == len(after)


def test_a_notes_file_edited_shows_at_once(school, app):
    lecture = school.ids['circuits']  # an answer of its summary quotes circuits.md, Ohm's law
    with client(app) as c:
        assert 'A short circuit' not in c.get(f'/lectures/{lecture}', headers=school.bearer('student')).text
        notes = school.notes / 'circuits.md'
        notes.write_text(notes.read_text(encoding='utf-8').replace(
            "## Ohm's law\n", "## Ohm's law\nA short circuit has almost no resistance.\n"), encoding='utf-8')
        assert 'A short circuit' in c.get(f'/lectures/{lecture}', headers=school.bearer('student')).text


def test_nobody_gets_another_users_session_role_or_language(school, app):
    lecture = school.ids['circuits']
    with LectureRecord(school.db) as record:
        school.tokens['student2'] = create_token(record, 'student', 'another student')[1]
    pages = {}
    for who in ('student', 'student2', 'teacher'):
        with client(app) as c:
            login(c, school, who)
            pages[who] = c.get(f'/lectures/{lecture}').text
    csrf = {who: re.search(r'data-csrf="([^"]+)"', page).group(1) for who, page in pages.items()}
    assert len(set(csrf.values())) == 3
    for who, page in pages.items():
        assert [other for other in csrf if csrf[other] in page] == [who]
    assert 'id="export"' in pages['teacher'] and 'id="export"' not in pages['student2']
    with client(app) as c:
        english = c.get(f'/lectures/{lecture}?lang=en', headers=school.bearer('student')).text
        french = c.get(f'/lectures/{lecture}?lang=fr', headers=school.bearer('student')).text
    assert 'Transcript' in english and 'Transcription' in french and 'Transcription' not in english


def test_an_erased_lecture_leaves_the_cache_at_the_next_page(school, app):
    lecture = school.ids['circuits']
    with client(app) as c:
        assert c.get(f'/lectures/{lecture}', headers=school.bearer('student')).status_code == 200
        assert len(app.state.cache) >= 2
        with LectureRecord(school.db) as record:
            record.forget(lecture)
        assert c.get(f'/lectures/{lecture}', headers=school.bearer('student')).status_code == 404
        assert len(app.state.cache) == 0
