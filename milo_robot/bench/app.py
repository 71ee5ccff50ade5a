# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""App benchmarks against `milo app` on the demo lecture: page times under load, first sentence idle.

The record holds the demo session's lecture (data/demo/session.yaml, the teacher's sentences at
their times). `milo app` runs as its own process with the default profile, as a school runs it.
"""

import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import yaml

from milo_robot.bench.results import result
from milo_robot.graph import data_root

COMMAND = 'milo bench --only app'
STUDENTS_BROWSING, STUDENTS_ASKING = 30, 5
LOAD_S = 20.0
# The students' token is wrong (pages redirect to /login): the load would be the login rate limit's.
REFUSED = (401, 403, 429)
QUESTIONS = ('What is the unit of resistance?', 'What happens to the current when the voltage doubles?',
             'What is the total resistance of resistors in series?', 'What does a capacitor store?',
             'Quelle est la loi d\'Ohm ?', 'How is power computed?')


def demo_record(path: str) -> int:
    """Write the demo session's lecture into a record; return its id."""
    from milo_robot.record.lecture_record import LectureRecord

    with open(os.path.join(data_root(), 'data', 'demo', 'session.yaml'), encoding='utf-8') as f:
        session = yaml.safe_load(f)
    with LectureRecord(path) as record:
        lecture = record.start_lecture(session['title'][:200], 'en', time.time() - 3600, 'Electronics')
        clock = 0.0
        for turn in session['turns']:
            text = turn.get('teacher')
            if text:
                end = clock + len(text.split()) / 2.5
                record.append(lecture, clock, end, text, 'en', 0.9, 'teacher', 'whisper')
                clock = end + 1.0
        record.end_lecture(lecture, time.time() - 600)
    return lecture


def _token(path: str, role: str) -> str:
    from milo_robot.app.auth import create_token
    from milo_robot.record.lecture_record import LectureRecord

    with LectureRecord(path) as record:
        return create_token(record, role, 'bench')[1]


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def wait_for_server(base: str, within_s: float, what: str, stop: threading.Event = None) -> None:
    """Return once the server at `base` answers; raise RuntimeError if it does not within `within_s`.

    `stop`, once set, ends the wait without an error: whoever waits is being stopped anyway.
    """
    import httpx2 as httpx
    deadline = time.monotonic() + within_s
    while not (stop and stop.is_set()):
        try:
            httpx.get(base + '/login', timeout=5)
            return
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise RuntimeError(f'{what} did not start') from None
            time.sleep(0.3)


def _first_sentence_s(client, base: str, headers: dict, question: str, course: str = 'Electronics') -> float:
    began = time.perf_counter()
    with client.stream('POST', base + '/api/ask', headers=dict(headers, Accept='text/event-stream'),
                       json={'course': course, 'question': question}, timeout=300) as response:
        response.raise_for_status()  # a student refused (401, 429) asks nothing: the bench is wrong
        first = None
        for line in response.iter_lines():
            if first is None and '"kind": "sentence"' in line:
                first = time.perf_counter() - began
    return first if first is not None else float('nan')


def app_load() -> dict:
    """App: page p95 with 30 students browsing and 5 asking; first sentence of an answer when idle."""
    import httpx2 as httpx

    folder = tempfile.mkdtemp(prefix='milo-bench-app-')
    db = os.path.join(folder, 'milo.db')
    lecture = demo_record(db)
    student = {'Authorization': f"Bearer {_token(db, 'student')}"}
    port = _free_port()
    base = f'http://127.0.0.1:{port}'
    server = subprocess.Popen([sys.executable, '-m', 'milo_robot.cli.main', 'app', '--database', db,
                               '--notes', os.path.join(data_root(), 'data', 'notes'), '--port', str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for_server(base, 60, 'milo app')
        with httpx.Client() as client:
            _first_sentence_s(client, base, student, QUESTIONS[0])  # loads the model and the prefix
            idle = [_first_sentence_s(client, base, student, q) for q in QUESTIONS]
        pages, asked = _load(base, student, lecture)
    finally:
        server.terminate()
        server.wait(timeout=30)
    idle = [s for s in idle if s == s]
    results = {
        'app_page_p95_ms': result(pages, 'ms', COMMAND, f'{STUDENTS_BROWSING} students browsing '
                                  f'(courses, lecture, quiz, lecture list) and {STUDENTS_ASKING} asking, '
                                  f'{LOAD_S:.0f} s, milo app, default profile', percentile=95),
        'app_ask_first_sentence_p50_s': result(idle, 's', COMMAND, 'POST /api/ask stream to its first '
                                               'sentence, Milo idle, model warm, default profile'),
    }
    if asked:
        results['app_ask_first_sentence_under_load_p50_s'] = result(
            asked, 's', COMMAND, f'the same with {STUDENTS_BROWSING} browsing and {STUDENTS_ASKING} '
            'asking at once (one answer at a time: askers queue)')
    return results


def _load(base: str, headers: dict, lecture: int, stop: threading.Event = None,
          asking: int = STUDENTS_ASKING, course: str = 'Electronics') -> tuple:
    """Run the browsing and `asking` students together; return (page ms, first-sentence s).

    The asking students ask about `course`. For LOAD_S, or until `stop` is set when one is
    given. RuntimeError when the app refused them.
    """
    import httpx2 as httpx

    timed, stop = stop is None, stop or threading.Event()
    pages, asked, refused, lock = [], [], [], threading.Lock()
    urls = ('/courses', f'/lectures/{lecture}', f'/lectures/{lecture}/quiz', '/api/lectures')

    def browse(n: int) -> None:
        with httpx.Client(headers=headers, timeout=30) as client:
            for i in itertools.count(n):  # at least one page each, however soon `stop` comes
                began = time.perf_counter()
                try:
                    response = client.get(base + urls[i % len(urls)])
                except httpx.TransportError:  # the graph stopping at the end of a session
                    if stop.wait(0.5):
                        return
                    continue
                to_login = response.headers.get('location', '').startswith('/login')
                if response.status_code in REFUSED or to_login:
                    with lock:
                        refused.append(response.status_code)
                elif timed:  # the demo record: every page exists; in a live session not all yet
                    response.raise_for_status()
                with lock:
                    pages.append((time.perf_counter() - began) * 1000)
                if stop.wait(0.5):  # a person reads for a moment between pages
                    return

    def ask(n: int) -> None:
        with httpx.Client() as client:
            while True:  # at least one question each, however soon `stop` comes
                try:
                    took = _first_sentence_s(client, base, headers, QUESTIONS[n % len(QUESTIONS)], course)
                    with lock:
                        asked.append(took)
                except httpx.TransportError:  # the same
                    if stop.wait(0.5):
                        return
                except httpx.HTTPStatusError as exc:  # 404 too: no lecture yet in a live session
                    if exc.response.status_code in REFUSED:
                        with lock:
                            refused.append(exc.response.status_code)
                    if stop.wait(0.5):
                        return
                if stop.is_set():
                    return

    threads = [threading.Thread(target=browse, args=(n,)) for n in range(STUDENTS_BROWSING)]
    threads += [threading.Thread(target=ask, args=(n,)) for n in range(asking)]
    for thread in threads:
        thread.start()
    if timed:
        time.sleep(LOAD_S)
        stop.set()
    else:
        stop.wait()
    for thread in threads:
        thread.join(timeout=300)
    if refused:
        raise RuntimeError(f'the app refused the students {len(refused)} times '
                           f'({sorted(set(refused))}): their token is not in the record')
    return pages, [s for s in asked if s == s]  # nan: an answer without a sentence (declined early)


def voice_under_app_load() -> dict:
    """Voice-to-voice latency with 30 students browsing and 5 asking, against without, in one run.

    The conversation benchmark's session runs twice through the graph in sim mode; the second time
    the students use the web node of that graph while Milo answers the class.
    """
    from milo_robot.bench.conversation import run_conversation, stage_medians

    _, _, quiet = run_conversation('conversation_quiet')
    db = os.path.join(data_root(), 'build', 'bench', 'conversation_loaded', 'milo.db')
    port, stop, done, load = _free_port(), threading.Event(), [], []

    def students(_children):
        # The session starts from a fresh record (session.runner): the students' token goes into
        # it now, before the nodes start; the session's lecture is number 1.
        student = {'Authorization': f"Bearer {_token(db, 'student')}"}

        def run():
            base = f'http://127.0.0.1:{port}'
            try:  # about the lecture going on: filed under no course ('')
                wait_for_server(base, 120, 'the web node', stop)
                done.append(_load(base, student, 1, stop, course=''))
            except RuntimeError as exc:  # refused: said once the session ends
                done.append(exc)
        thread = threading.Thread(target=run, daemon=True)
        load.append(thread)
        thread.start()
    try:
        _, _, loaded = run_conversation('conversation_loaded', [f'web.port={port}'], students)
    finally:
        stop.set()
        for thread in load:  # the students finish their requests: count what was served
            thread.join(timeout=330)
    if not done:
        raise RuntimeError('the students did not finish: see build/bench/conversation_loaded')
    if isinstance(done[0], RuntimeError):
        raise done[0]
    if not done[0][1]:
        raise RuntimeError('no text question was answered during the session: the load is not the app\'s')
    ratio = statistics.median(r.latency_s for r in loaded) / statistics.median(r.latency_s for r in quiet)
    pages = done[0][0]
    # Which stage the students slow: the dialogue's (vad, asr, tts) or the brain's own compute
    # (model_first_sentence), or the time between them (a voice question waiting its turn).
    stages = f'stage medians without: {stage_medians(quiet)}; with: {stage_medians(loaded)}'
    print(f'    ({stages})')
    note = (f'{STUDENTS_BROWSING} students browsing and {STUDENTS_ASKING} asking the web node during '
            f'the session, against the same session without them; {len(pages)} pages served; '
            f'{len(done[0][1])} text answers begun; {stages}')
    return {'v2v_under_app_load_ratio': result([ratio], 'ratio', COMMAND, note)}


BENCHMARKS = (app_load, voice_under_app_load)
