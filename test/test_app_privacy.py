# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The app keeps the class's words private: sessions that end, a login limit that holds under a
burst, questions asked outside any lecture a teacher can see and erase, erasures a reader blocks,
and uploads that cannot collide with a course's folder.
"""

import asyncio
import time

import httpx2 as httpx
import pytest
from app_fixture import School, login, login_csrf
from erasure_fixture import Reader, found_on_disk
from fastapi.testclient import TestClient
from lecture_fixture import CIRCUITS_FR
from manual_clock import Clock

from milo_robot.app.access import SESSION_COOKIE
from milo_robot.app.auth import LoginLimiter, Sessions
from milo_robot.app.local import LocalAskBackend, LocalLectureControl
from milo_robot.app.services import AppServices
from milo_robot.app.web import create_app
from milo_robot.interfaces.payloads import QuestionEntry
from milo_robot.record.lecture_record import LectureRecord

LOOSE = 'Milo, where is room B12?'


@pytest.fixture
def school(tmp_path):
    return School(tmp_path)


@pytest.fixture
def app(school):
    # No question is asked here: the backend never loads its models.
    backend = LocalAskBackend(school.db, str(school.notes))
    services = AppServices(school.db, school.notes, backend, LocalLectureControl(school.db))
    return create_app(services, limiter=LoginLimiter(clock=Clock()))


@pytest.fixture
def client(app):
    with TestClient(app, base_url='http://127.0.0.1') as c:
        yield c


def test_logout_ends_the_session_on_the_server(app, client, school):
    login(client, school, 'teacher')
    cookie = client.cookies.get(SESSION_COOKIE)
    other = TestClient(app, base_url='http://127.0.0.1')
    login(other, school, 'teacher')  # the same token, another browser
    csrf = login_csrf(client.get('/teacher/lectures').text)
    assert client.post('/logout', data={'csrf': csrf}, follow_redirects=False).status_code == 303
    replayed = TestClient(app, base_url='http://127.0.0.1', cookies={SESSION_COOKIE: cookie})
    refused = replayed.get('/teacher/lectures', follow_redirects=False)
    assert refused.status_code == 303 and refused.headers['location'].startswith('/login')
    assert replayed.get('/api/lectures').status_code == 401
    assert other.get('/teacher/lectures').status_code == 200, 'only that session ended'


def test_an_ended_session_is_forgotten_once_it_would_have_expired():
    clock = Clock()
    sessions = Sessions(b'k' * 32, max_age_s=60, clock=clock)
    first, _ = sessions.issue('digest')
    assert sessions.end(first) and sessions.read(first) is None
    assert not sessions.end('not.a-cookie')
    clock.now += 61
    second, csrf = sessions.issue('digest')
    assert sessions.end(second) and len(sessions._ended) == 1, 'the expired one is dropped'
    third, csrf = sessions.issue('digest')
    assert sessions.read(third) == ('digest', csrf)


def test_logins_sent_all_at_once_cannot_slip_past_the_limit(app):
    async def burst():
        transport = httpx.ASGITransport(app=app, client=('10.0.0.7', 40000))
        async with httpx.AsyncClient(transport=transport, base_url='http://127.0.0.1') as c:
            csrf = login_csrf((await c.get('/login')).text)
            answers = await asyncio.gather(*[c.post('/login', data={'csrf': csrf, 'token': f'guess-{i}'})
                                             for i in range(20)])
            return sorted(a.status_code for a in answers)
    assert asyncio.run(burst()) == [401] * 5 + [429] * 15


def test_a_valid_login_does_not_count_against_the_limit(client, school):
    for _ in range(10):
        login(client, school, 'student')
    client.cookies.clear()
    page = client.get('/login')
    assert client.post('/login', data={'csrf': login_csrf(page.text), 'token': 'x'}).status_code == 401


def test_questions_asked_outside_any_lecture_are_shown_and_erased(client, school):
    with LectureRecord(school.db) as record:
        record.log_question(QuestionEntry('loose-1', None, time.time(), LOOSE, LOOSE, 'en', 'qa',
                                          'declined'))
        kept = len(record.questions())
    teacher = school.bearer('teacher')
    listed = client.get('/api/questions', params={'lecture': 'none'}, headers=teacher).json()
    assert [(q['request_id'], q['lecture_id']) for q in listed] == [('loose-1', None)]
    assert client.get('/api/questions', params={'lecture': 'x'}, headers=teacher).status_code == 422
    login(client, school, 'teacher')
    assert 'Asked outside any lecture (1)' in client.get('/teacher/questions').text
    page = client.get('/teacher/questions', params={'lecture': 'none'})
    assert LOOSE in page.text and 'id="forget-outside"' in page.text
    csrf = login_csrf(page.text)
    unconfirmed = client.post('/teacher/questions/outside/forget', data={'csrf': csrf},
                              follow_redirects=False)
    assert unconfirmed.headers['location'] == '/teacher/questions?lecture=none'
    erased = client.post('/teacher/questions/outside/forget', data={'csrf': csrf, 'confirm': 'yes'},
                         follow_redirects=False)
    assert erased.headers['location'] == '/teacher/questions?lecture=none&done=questions_forgotten'
    after = client.get(erased.headers['location'])
    assert 'were erased' in after.text and LOOSE not in after.text
    assert found_on_disk(school.db, [LOOSE.encode()]) == {}
    with LectureRecord(school.db, read_only=True) as record:
        assert record.questions_without_lecture() == [] and len(record.questions()) == kept - 1
    assert client.delete('/api/questions', params={'lecture': 'none'}, headers=teacher).json() == {
        'deleted': 0}
    assert client.delete('/api/questions', headers=teacher).status_code == 422, 'lectures go whole'


def test_an_erasure_a_reader_blocks_says_so_and_a_teacher_finishes_it(app, client, school):
    app.state.services.lectures.erase_wait_s = 0.3
    teacher = school.bearer('teacher')
    rc = school.ids['rc']
    said = [line.encode() for line in CIRCUITS_FR]
    reader = Reader(school.db)
    try:
        blocked = client.delete(f'/api/lectures/{rc}', headers=teacher)
        assert blocked.status_code == 503 and blocked.headers['retry-after']
        assert 'NOT complete' in blocked.json()['detail'] and f'pid {reader.pid}' in blocked.json()['detail']
        assert found_on_disk(school.db, said), 'the words are indeed still on disk'
        login(client, school, 'teacher')
        page = client.get('/teacher/lectures')
        assert 'id="pending-erasures"' in page.text and f'Lecture #{rc}' in page.text
        csrf = login_csrf(page.text)
        still = client.post('/teacher/erasures/finish', data={'csrf': csrf})
        assert still.status_code == 503 and f'pid {reader.pid}' in still.text
        reader.close()
        finished = client.post('/teacher/erasures/finish', data={'csrf': csrf}, follow_redirects=False)
        assert finished.headers['location'] == '/teacher/lectures?done=erasures_finished'
    finally:
        reader.kill()
    # The app's own reader is still open: what is on disk is what the erasure left.
    assert found_on_disk(school.db, said) == {}
    assert 'pending-erasures' not in client.get('/teacher/lectures').text
    assert client.delete(f'/api/lectures/{rc}', headers=teacher).status_code == 404


def test_notes_uploads_never_collide_with_a_course_folder(client, school):
    teacher = school.bearer('teacher')

    def upload(name, course, url='/api/notes', **kwargs):
        return client.post(url, files={'file': (name, b'# Lenses\nA lens focuses light.\n', 'text/markdown')},
                           data={'course': course, **kwargs}, headers=teacher, follow_redirects=False)

    def file_course(lecture, course):
        assert client.patch(f'/api/lectures/{lecture}', json={'course': course},
                            headers=teacher).status_code == 200

    file_course(school.ids['rc'], 'circuits.md')  # a course named like the notes file at the top
    clash = upload('lenses.md', 'circuits.md')
    assert clash.status_code == 409 and 'named like the notes file circuits.md' in clash.json()['detail']
    file_course(school.ids['rc'], 'optics.md')
    assert upload('lenses.md', 'optics.md').status_code == 201
    folder = school.notes / 'optics.md'
    assert folder.stat().st_mode & 0o777 == 0o700 and (folder / 'lenses.md').stat().st_mode & 0o777 == 0o600
    clash = upload('optics.md', '')  # a notes file named like that course's folder
    assert clash.status_code == 409 and 'name of a course notes folder' in clash.json()['detail']
    login(client, school, 'teacher')
    csrf = login_csrf(client.get('/teacher/notes').text)
    page = upload('optics.md', '', url='/teacher/notes', csrf=csrf)
    assert page.status_code == 409 and 'name of a course notes folder' in page.text
    assert folder.is_dir() and (folder / 'lenses.md').exists()
