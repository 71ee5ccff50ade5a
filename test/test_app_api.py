# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The app's API and pages over HTTP: every role boundary, tokens, sessions, CSRF, bad requests.

Text questions go to the real brain code with the `tiny` model and the real E5 embeddings.
"""

import datetime
import io
import json
import re
import shutil
import ssl
import subprocess
import threading
import time
import urllib.request
import zipfile

import icalendar
import pytest
from app_fixture import School, free_port, login, login_csrf
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from manual_clock import Clock
from pygiftparser import parser as gift_parser

from milo_robot.app import api, i18n, pages
from milo_robot.app.auth import LoginLimiter, Sessions
from milo_robot.app.local import LocalAskBackend, LocalLectureControl
from milo_robot.app.notes_files import MAX_NOTES_BYTES
from milo_robot.app.serve import ServeError, check_tls, make_server
from milo_robot.app.services import AppServices
from milo_robot.app.struggles import default_embedder, find_struggles
from milo_robot.app.web import create_app
from milo_robot.interfaces.payloads import QuestionEntry
from milo_robot.record.lecture_record import LectureRecord
from milo_robot.thinking.llm import load_llm

PUBLIC = ('/login', '/static', '/static/notes.css')
TEACHER_ONLY = ('/teacher/', '/api/questions', '/api/struggles', '/api/notes', '/api/lectures/start',
                '/api/lectures/end')
CLUB_ONLY = ('/club', '/api/robot', '/api/estop')


@pytest.fixture(scope='module')
def embedder():
    return default_embedder()


@pytest.fixture(scope='module')
def llm():
    # One model for the module: every test's record holds the same lecture and notes, so the
    # model reuses the prompt prefix it computed for the first question.
    return load_llm('tiny')


@pytest.fixture
def school(tmp_path):
    return School(tmp_path)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def client(school, embedder, llm, clock):
    backend = LocalAskBackend(school.db, str(school.notes), embedder_factory=lambda: embedder, llm=llm)
    services = AppServices(school.db, school.notes, backend, LocalLectureControl(school.db),
                           embedder=backend.embedder)
    app = create_app(services, limiter=LoginLimiter(clock=clock))
    with TestClient(app, base_url='http://127.0.0.1') as c:
        c.app_ = app
        yield c


def area(method: str, path: str) -> str:
    if path in ('/', '/logout'):
        return 'any'
    if path.startswith(CLUB_ONLY):
        return 'club'
    if path.startswith(TEACHER_ONLY) or (path.startswith('/api/lectures/{') and
                                         (method in ('PATCH', 'DELETE') or '/export/' in path)):
        return 'teacher'
    return 'student'


def routes(app):
    # The app's own routers (FastAPI wraps included routers in app.routes).
    for route in pages.router.routes + api.router.routes:
        if isinstance(route, APIRoute) and not route.path.startswith(PUBLIC):
            for method in sorted(route.methods - {'HEAD'}):
                yield method, route.path


def concrete(path: str, school) -> str:
    return path.replace('{lecture_id}', str(school.ids['rc'])).replace('{name:path}', 'none.md') \
        .replace('{fmt}', 'ical')


def test_every_route_but_login_and_assets_needs_a_valid_token(client, school):
    checked = 0
    for method, path in routes(client.app_):
        url = concrete(path, school)
        for headers in ({}, school.bearer('revoked'), {'Authorization': 'Bearer not-a-token'},
                        {'Authorization': 'Basic dXNlcjpwdw=='}):
            response = client.request(method, url, headers=headers, content=b'{not json',
                                      follow_redirects=False)
            if path.startswith('/api/') or headers:
                if path.startswith('/api/'):
                    assert response.status_code == 401, (method, url, headers, response.text)
                    assert response.headers['www-authenticate'] == 'Bearer'
                    assert 'Electronics' not in response.text
            else:
                assert response.status_code == 303, (method, url)
                assert response.headers['location'].startswith('/login?next=')
        checked += 1
        client.app_.state.limiter._seen.clear()  # wrong tokens count as failed logins
    assert checked >= 40
    assert client.get('/login').status_code == 200
    assert client.get('/static/app.js').status_code == 200
    assert client.get('/static/notes.css').status_code == 200


@pytest.mark.parametrize('role,refused', [('student', ('teacher', 'club')), ('teacher', ('club',)),
                                          ('club', ('student', 'teacher'))])
def test_role_boundaries(client, school, role, refused):
    for method, path in routes(client.app_):
        url = concrete(path, school).replace(f"/{school.ids['rc']}", f"/{school.ids['circuits']}")
        if area(method, path) not in refused and method != 'GET':
            continue  # allowed changes are tested on their own
        response = client.request(method, url, headers=school.bearer(role), json={},
                                  follow_redirects=False)
        if area(method, path) in refused:
            assert response.status_code == 403, (role, method, url, response.status_code)
            assert 'Electronics' not in response.text
        elif method == 'GET':
            assert response.status_code in (200, 303, 503), (role, method, url, response.text[:300])


def test_a_student_session_never_reaches_teacher_or_club_pages(client, school):
    login(client, school, 'student')
    for url in ('/teacher/questions', '/teacher/struggles', '/teacher/lectures', '/teacher/notes', '/club',
                '/api/questions', '/api/estop'):
        method = 'POST' if url == '/api/estop' else 'GET'
        response = client.request(method, url, follow_redirects=False)
        assert response.status_code == 403, url
    page = client.get('/teacher/questions')
    assert 'Not for your role' in page.text and 'voice-1' not in page.text


def test_lectures_summary_questions_and_struggles(client, school):
    lectures = client.get('/api/lectures', headers=school.bearer('student')).json()
    assert [x['id'] for x in lectures] == [school.ids['circuits'], school.ids['rc'], school.ids['open']]
    first = lectures[0]
    assert {k: first[k] for k in ('course', 'title', 'language')} == {
        'course': 'Electronics', 'title': "Ohm's law and series resistors", 'language': 'en'}
    assert re.match(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d', first['date'])
    assert [x['id'] for x in client.get('/api/lectures', params={'course': 'Électronique'},
                                        headers=school.bearer('student')).json()] == [school.ids['rc']]
    summary = client.get(f"/api/lectures/{school.ids['circuits']}/summary", headers=school.bearer('student'))
    assert summary.status_code == 200 and len(summary.json()['key_points']) == 4
    assert client.get(f"/api/lectures/{school.ids['rc']}/summary",
                      headers=school.bearer('student')).status_code == 404
    assert client.get('/api/lectures/999/summary', headers=school.bearer('student')).status_code == 404
    transcript = client.get(f"/api/lectures/{school.ids['rc']}", headers=school.bearer('student')).json()
    assert transcript['transcript'][1]['text'].startswith('La constante de temps')
    quiz = client.get(f"/api/lectures/{school.ids['circuits']}/quiz", headers=school.bearer('student')).json()
    assert quiz and all('_____' in q['prompt'] and q['key'] for q in quiz)

    log = client.get('/api/questions', params={'lecture': school.ids['circuits']},
                     headers=school.bearer('teacher')).json()
    assert [q['outcome'] for q in log] == ['answered', 'declined', 'interrupted', 'answered']
    assert log[0]['latency_s'] == 1.4 and log[0]['sources'][0].startswith('the course notes')
    assert log[3]['origin'] == 'text'
    found = client.get('/api/struggles', params={'course': 'Electronics'},
                       headers=school.bearer('teacher')).json()
    assert found['topics'][0]['count'] == 2  # the two questions on the unit of resistance
    assert [q['request_id'] for q in found['declined']] == ['voice-2']
    assert [q['request_id'] for q in found['interrupted']] == ['voice-3']


def test_struggles_group_paraphrases_across_languages(embedder):
    asked = ['What happens to the current when the voltage doubles?',
             'If I double the voltage, what does the current do?',
             'Que se passe-t-il pour le courant si la tension double ?',
             'What is the unit of resistance?', 'In what unit do we measure resistance?',
             'En quelle unité mesure-t-on la résistance ?', 'How do resistors in series add up?',
             'What is the total resistance of two resistors in series?', 'Who won the football match?']
    entries = [QuestionEntry(f'q{i}', 1, 1.0, q, q, 'en', 'qa', 'answered') for i, q in enumerate(asked)]
    topics = find_struggles(entries, embedder).topics
    assert [{q.question for q in t.questions} for t in topics] == [
        set(asked[0:3]), set(asked[3:6]), set(asked[6:8]), {asked[8]}]
    assert topics[1].label in asked[3:6]
    assert [t.count for t in find_struggles(entries, None).topics] == [1] * 9, 'no embedder: no grouping'


def test_ask_streams_sentences_then_sources_and_logs_the_question(client, school):
    with client.stream('POST', '/api/ask', headers=dict(school.bearer('student'), Accept='text/event-stream'),
                       json={'course': 'Electronics', 'question': 'What is the unit of resistance?'}) as r:
        assert r.status_code == 200 and r.headers['content-type'].startswith('text/event-stream')
        events = [json.loads(line[6:]) for line in r.iter_lines() if line.startswith('data: ')]
    kinds = [e['kind'] for e in events]
    assert kinds[-1] == 'final' and 'sentence' in kinds and not events[-1]['declined']
    assert events[-1]['sources'] and all(e['request_id'] == events[0]['request_id'] for e in events)
    with LectureRecord(school.db, read_only=True) as record:
        logged = [q for q in record.questions() if q.request_id == events[0]['request_id']][0]
    assert (logged.origin, logged.outcome, logged.lecture_id) == ('text', 'answered', school.ids['circuits'])
    assert logged.latency_s is not None and logged.answer.startswith(events[0]['text'])

    declined = client.post('/api/ask', headers=school.bearer('student'),
                           json={'course': 'Électronique', 'question': 'Who won the football match?'})
    assert declined.status_code == 200 and declined.json()['declined'] and not declined.json()['sources']
    assert client.post('/api/ask', headers=school.bearer('student'),
                       json={'course': 'Cooking', 'question': 'What?'}).status_code == 404


def test_student_pages_show_the_notes_pack_quiz_and_downloads(client, school):
    login(client, school, 'student')
    courses = client.get('/courses').text
    assert 'Electronics' in courses and 'Électronique' in courses and 'No course' in courses
    lecture = client.get(f"/lectures/{school.ids['circuits']}").text
    assert 'id="t-80"' in lecture and 'href="#t-80"' in lecture and 'transcript-search' in lecture
    quiz = client.get(f"/lectures/{school.ids['circuits']}/quiz").text
    assert '_____' in quiz and f"/lectures/{school.ids['circuits']}#t-80" in quiz
    download = client.get(f"/lectures/{school.ids['circuits']}/notes.html")
    assert download.headers['content-security-policy'].startswith("default-src 'none'")
    assert 'attachment' in download.headers['content-disposition'] and 'http' not in download.text
    page = client.get('/courses')
    assert "script-src 'self'" in page.headers['content-security-policy']
    assert page.headers['x-frame-options'] == 'DENY' and page.headers['cache-control'] == 'no-store'
    assert not re.search(r'(src|href)="(https?:)?//', courses), 'no external asset'
    ask = client.post('/ask', data={'csrf': login_csrf(courses), 'course': 'Electronics',
                                    'question': 'What is the unit of resistance?'})
    assert ask.status_code == 200 and 'class="sentence"' in ask.text


def test_a_teacher_exports_a_lecture_in_the_schools_formats(client, school):
    circuits = school.ids['circuits']
    login(client, school, 'student')
    assert 'id="export-format"' not in client.get(f'/lectures/{circuits}').text
    login(client, school, 'teacher')
    page = client.get(f'/lectures/{circuits}').text
    assert re.findall(r'<option value="([\w-]+)">', page) == ['gift', 'moodle-xml', 'notes-zip', 'ical']
    assert f'action="/teacher/lectures/{circuits}/export"' in page
    export = f'/teacher/lectures/{circuits}/export'
    gift = client.get(export, params={'format': 'gift'})
    assert gift.status_code == 200
    assert f'filename="lecture-{circuits}.gift"' in gift.headers['content-disposition']
    questions = gift_parser.parse(gift.text).questions
    assert len(questions) >= 3 and any(o.text == '10 volts' for q in questions for o in q.answer.options)
    archive = zipfile.ZipFile(io.BytesIO(client.get(export, params={'format': 'notes-zip'}).content))
    assert sorted(archive.namelist()) == ['index.html', f'lecture-{circuits}.md']
    teacher, api_export = school.bearer('teacher'), f'/api/lectures/{circuits}/export'
    ical = client.get(f'{api_export}/ical', headers=teacher)
    assert ical.headers['content-type'].startswith('text/calendar') and ical.headers['x-milo-left-out'] == '0'
    [event] = icalendar.Calendar.from_ical(ical.content).walk('VEVENT')
    started = client.get(f'/api/lectures/{circuits}', headers=teacher).json()['started_at']
    said = datetime.date.fromtimestamp(started)
    thursday = said + datetime.timedelta(days=(3 - said.weekday() - 1) % 7 + 1)  # "before Thursday"
    assert (str(event['SUMMARY']), event.decoded('DTSTART')) == ('Homework due · Electronics', thursday)
    xml = client.get(f'{api_export}/moodle-xml', headers=teacher)
    assert xml.headers['content-type'] == 'application/xml' and xml.content.startswith(b"<?xml")
    assert client.get(f'{api_export}/ical', headers=school.bearer('student')).status_code == 403
    assert client.get(f'{api_export}/pdf', headers=teacher).status_code == 400
    no_quiz = client.get(f"/api/lectures/{school.ids['rc']}/export/gift", headers=teacher)
    assert no_quiz.status_code == 409 and 'no summary yet' in no_quiz.text
    assert client.get('/api/lectures/999/export/gift', headers=teacher).status_code == 404
    chosen = client.get(export, follow_redirects=False)
    assert chosen.status_code == 303 and chosen.headers['location'] == f'/lectures/{circuits}#export'


def test_malformed_and_oversized_requests(client, school):
    ask = {'course': 'Electronics', 'question': 'What is Ohm law?'}
    headers = dict(school.bearer('student'), **{'content-type': 'application/json'})
    assert client.post('/api/ask', headers=headers, content=b'{"course": ').status_code == 400
    assert client.post('/api/ask', headers=headers, content=b'\xff\xfe{}').status_code == 400
    assert client.post('/api/ask', headers=headers, json=dict(ask, question='')).status_code == 422
    assert client.post('/api/ask', headers=headers, json=dict(ask, question='x' * 501)).status_code == 422
    assert client.post('/api/ask', headers=headers, json=dict(ask, language='de')).status_code == 422
    assert client.post('/api/ask', headers=headers, json=['a list']).status_code == 422
    big = client.post('/api/ask', headers=headers, json=dict(ask, question='x' * 70_000))
    assert big.status_code == 413 and 'over' in big.json()['detail']
    chunked = client.post('/api/ask', headers=headers, content=(b'x' * 10_000 for _ in range(10)))
    assert chunked.status_code == 413
    teacher = school.bearer('teacher')
    huge = client.post('/api/notes', headers=teacher,
                       files={'file': ('big.md', b'a' * (MAX_NOTES_BYTES + 100_000), 'text/markdown')})
    assert huge.status_code == 413
    too_big = client.post('/api/notes', headers=teacher,
                          files={'file': ('big.md', b'a' * (MAX_NOTES_BYTES + 10), 'text/markdown')})
    assert too_big.status_code == 400 and 'at most' in too_big.json()['detail']
    rc = f"/api/lectures/{school.ids['rc']}"
    assert client.patch(rc, headers=teacher, json={'title': 7}).status_code == 422
    assert client.get('/api/lectures/abc', headers=teacher).status_code == 422
    assert client.get('/teacher/questions', headers=teacher, params={'lecture': 'x'}).status_code == 422


def test_login_session_cookie_and_csrf(client, school):
    page = client.get('/login')
    assert 'httponly' in page.headers['set-cookie'].lower()
    no_cookie = TestClient(client.app_, base_url='http://127.0.0.1')
    assert no_cookie.post('/login', data={'csrf': 'x', 'token': school.tokens['teacher']},
                          follow_redirects=False).status_code == 403
    response = login(client, school, 'teacher')
    cookie = response.headers['set-cookie'].lower()
    assert 'milo_session=' in cookie and 'httponly' in cookie and 'samesite=strict' in cookie
    assert school.tokens['teacher'].lower() not in cookie
    assert response.headers['location'] == '/courses'
    manage = client.get('/teacher/lectures')
    csrf = login_csrf(manage.text)
    edit = f"/teacher/lectures/{school.ids['rc']}/edit"
    for sent in ({}, {'csrf': 'wrong'}):
        refused = client.post(edit, data=dict(sent, title='Hacked', course='X'), follow_redirects=False)
        assert refused.status_code == 403
    ok = client.post(edit, data={'csrf': csrf, 'title': 'Le circuit RC', 'course': 'Électronique'},
                     follow_redirects=False)
    assert ok.status_code == 303
    api = f"/api/lectures/{school.ids['rc']}"
    assert client.patch(api, json={'title': 'No header'}).status_code == 403
    assert client.patch(api, json={'title': 'With header'}, headers={'X-CSRF-Token': csrf}).status_code == 200
    # Bearer requests carry no ambient credential, so they need no CSRF token.
    bearer = TestClient(client.app_, base_url='http://127.0.0.1')
    changed = bearer.patch(api, json={'course': 'Électronique'}, headers=school.bearer('teacher'))
    assert changed.status_code == 200
    with LectureRecord(school.db, read_only=True) as record:
        assert record.lecture(school.ids['rc']).title == 'With header'
    assert client.post('/logout', data={'csrf': csrf}, follow_redirects=False).status_code == 303
    assert client.get('/teacher/lectures', follow_redirects=False).status_code == 303


def test_login_is_rate_limited_per_client(client, school, clock):
    for _ in range(5):
        page = client.get('/login')
        wrong = client.post('/login', data={'csrf': login_csrf(page.text), 'token': 'guess'})
        assert wrong.status_code == 401 and 'not valid' in wrong.text
    page = client.get('/login')
    blocked = client.post('/login', data={'csrf': login_csrf(page.text), 'token': school.tokens['teacher']})
    assert blocked.status_code == 429 and int(blocked.headers['retry-after']) > 0
    assert client.get('/api/lectures', headers=school.bearer('teacher')).status_code == 429
    clock.now += 61
    login(client, school, 'teacher')


def test_revoking_a_token_ends_its_sessions(client, school):
    login(client, school, 'student')
    assert client.get('/courses').status_code == 200
    with LectureRecord(school.db) as record:
        student = [row[0] for row in record.tokens() if row[2] == 'student'][0]
        record.revoke_token(student)
    assert client.get('/courses', follow_redirects=False).status_code == 303


def test_sessions_are_signed_and_expire():
    clock = Clock()
    sessions = Sessions(b'k' * 32, max_age_s=60, clock=clock)
    cookie, csrf = sessions.issue('digest')
    assert sessions.read(cookie) == ('digest', csrf)
    body, _, signature = cookie.partition('.')
    assert sessions.read(body + '.' + signature[:-2] + 'AA') is None
    assert Sessions(b'x' * 32).read(cookie) is None, 'another key (a restarted app) signs differently'
    clock.now += 61
    assert sessions.read(cookie) is None


def test_lecture_management_and_forget_with_confirmation(client, school):
    login(client, school, 'teacher')
    csrf = login_csrf(client.get('/teacher/lectures').text)
    started = client.post('/teacher/lectures/start', follow_redirects=False,
                          data={'csrf': csrf, 'course': 'Physique', 'title': 'Optique'})
    assert started.headers['location'] == '/teacher/lectures?done=started'
    with LectureRecord(school.db, read_only=True) as record:
        current = record.open_lecture()
        assert (current.course, current.title) == ('Physique', 'Optique')
        assert record.lecture(school.ids['open']).ended_at is not None
    assert 'Optique' in client.get('/teacher/lectures?done=started').text
    open_now = client.delete(f'/api/lectures/{current.id}', headers={'X-CSRF-Token': csrf})
    assert open_now.status_code == 409 and 'end it first' in open_now.json()['detail']
    ended = client.post('/teacher/lectures/end', data={'csrf': csrf}, follow_redirects=False)
    assert ended.status_code == 303
    again = client.post('/teacher/lectures/end', data={'csrf': csrf})
    assert again.status_code == 400 and 'no lecture is going on' in again.text
    assert client.post('/api/lectures/end', headers={'X-CSRF-Token': csrf}).status_code == 409

    forget = f"/teacher/lectures/{school.ids['circuits']}/forget"
    confirm = client.get(forget)
    assert '12 transcript line(s), 4 question(s)' in confirm.text
    assert client.post(forget, data={'csrf': csrf}, follow_redirects=False).headers['location'] == forget
    assert client.get(f"/lectures/{school.ids['circuits']}").status_code == 200
    done = client.post(forget, data={'csrf': csrf, 'confirm': 'yes'}, follow_redirects=False)
    assert done.headers['location'] == '/teacher/lectures?done=forgotten'
    assert client.get(f"/lectures/{school.ids['circuits']}").status_code == 404
    with LectureRecord(school.db, read_only=True) as record:
        assert record.questions(school.ids['circuits']) == []


def test_pages_follow_the_browser_language_and_the_switch(client, school):
    login(client, school, 'student')
    lecture = f"/lectures/{school.ids['circuits']}"
    assert 'Réviser : quiz' in client.get(lecture, headers={'Accept-Language': 'fr-FR,fr;q=0.9'}).text
    assert 'Revise: quiz' in client.get(lecture, headers={'Accept-Language': 'de, en;q=0.5'}).text
    switched = client.get(lecture + '?lang=fr', headers={'Accept-Language': 'en'})
    assert 'Réviser' in switched.text and 'milo_lang=fr' in switched.headers['set-cookie']
    assert 'Réviser' in client.get(lecture, headers={'Accept-Language': 'en'}).text
    assert i18n.from_accept_language('en;q=0.2, fr;q=0.8') == 'fr'
    assert i18n.from_accept_language('') == 'en'
    assert set(i18n.catalogue('en')) == set(i18n.catalogue('fr'))


def test_club_without_a_robot_is_told_so(client, school):
    assert client.get('/api/robot', headers=school.bearer('club')).status_code == 503
    assert client.post('/api/estop', headers=school.bearer('club')).status_code == 503
    login(client, school, 'club')
    page = client.get('/club')
    assert 'No robot is connected' in page.text and 'id="estop"' in page.text


def test_notes_upload_checks_files_and_reindexes(client, school):
    teacher = school.bearer('teacher')

    def upload(name, data, kind='text/plain', course=''):
        return client.post('/api/notes', headers=teacher, files={'file': (name, data, kind)},
                           data={'course': course})

    latin1 = upload('td.txt', 'Résistance équivalente'.encode('latin-1'))
    assert latin1.status_code == 400 and 'not UTF-8' in latin1.json()['detail']
    assert upload('virus.exe', b'MZ...').status_code == 400
    assert upload('fake.pdf', b'hello').status_code == 400
    assert upload('empty.md', b'').status_code == 400
    from pypdf import PdfWriter
    pdf = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.write(pdf)
    assert upload('blank.pdf', pdf.getvalue(), 'application/pdf').status_code == 201
    flux = '# Flux capacitor\nThe flux capacitor of the time machine needs 1.21 gigawatts of ' \
        'electrical power to work.\n'
    assert upload('flux.md', flux.encode(), course='Cooking').status_code == 400
    saved = upload('../../flux.md', flux.encode(), 'text/markdown', course='Electronics')
    assert saved.status_code == 201 and saved.json() == {'saved': 'Electronics/flux.md'}
    assert (school.notes / 'Electronics' / 'flux.md').exists()
    assert not (school.notes.parent / 'flux.md').exists()
    names = [f['name'] for f in client.get('/api/notes', headers=teacher).json()]
    assert names == ['Electronics/flux.md', 'blank.pdf', 'circuits.md']
    question = 'How much power does the flux capacitor need?'
    answer = client.post('/api/ask', headers=school.bearer('student'),
                         json={'course': 'Electronics', 'question': question}).json()
    assert any('flux.md' in s for s in answer['sources']), answer
    other = client.post('/api/ask', headers=school.bearer('student'),
                        json={'course': 'Électronique', 'question': question}).json()
    assert not any('flux.md' in s for s in other['sources']), 'another course does not see them'
    assert client.delete('/api/notes/Electronics/flux.md', headers=teacher).status_code == 200
    assert client.delete('/api/notes/Electronics/flux.md', headers=teacher).status_code == 404
    assert client.delete('/api/notes/..%2Fmilo.db', headers=teacher).status_code == 404
    assert school.db.exists()


@pytest.mark.skipif(not shutil.which('openssl'), reason='needs openssl to make a certificate')
def test_served_over_tls_when_a_certificate_is_given(school, tmp_path):
    cert, key = tmp_path / 'cert.pem', tmp_path / 'key.pem'
    subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj',
                    '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', str(key),
                    '-out', str(cert)], check=True, capture_output=True)
    with pytest.raises(ServeError):
        check_tls(str(cert), '')
    with pytest.raises(ServeError):
        check_tls(str(cert), str(tmp_path / 'missing.pem'))
    services = AppServices(school.db, school.notes, None, LocalLectureControl(school.db), secure=True)
    port = free_port()
    server = make_server(create_app(services), '127.0.0.1', port, str(cert), str(key))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        context = ssl.create_default_context(cafile=str(cert))
        url = f'https://127.0.0.1:{port}/login'
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url, context=context, timeout=2) as page:
                    status, cookie = page.status, page.headers['set-cookie']
                break
            except OSError:
                assert time.monotonic() < deadline, 'the TLS server did not answer'
                time.sleep(0.1)
        assert status == 200 and '; secure' in cookie.lower()
        with pytest.raises(OSError):  # plain HTTP on the TLS port gets no page
            urllib.request.urlopen(f'http://127.0.0.1:{port}/login', timeout=2)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
