# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""What the app's students cost the robot's CPU: the web node and the brain node, no voice side.

The load of `app.voice_under_app_load` alone, one part at a time: 30 students browsing (CPU per
page served), then 5 asking again as soon as answered (CPU per text answer, the work of any
refusal included). CPU time from /proc, not wall-clock time: it holds on a machine busy with
other work, where timings do not.
"""

import json
import os
import subprocess
import sys
import tempfile
import threading
import time

from milo_robot.bench import app
from milo_robot.bench.conversation import tree_cpu_s
from milo_robot.bench.results import result
from milo_robot.graph import data_root
from milo_robot.record.lecture_record import LectureRecord
from milo_robot.thinking.desk import BUSY

COMMAND = 'milo bench --only app_cpu'
PHASE_S = 30.0


def _node(executable: str, **params) -> subprocess.Popen:
    argv = [sys.executable, '-m', f'milo_robot.nodes.{executable}', '--ros-args']
    for name, value in params.items():
        argv += ['-p', f'{name}:={value}']
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def _ask_again_and_again(base: str, headers: dict, seconds: float) -> dict:
    """Five students asking, each again as soon as answered; count answers and refusals."""
    import httpx2 as httpx

    stop, lock = threading.Event(), threading.Lock()
    counts = {'answered': 0, 'refused': 0}

    def student(n: int) -> None:
        question = {'course': '', 'question': app.QUESTIONS[n % len(app.QUESTIONS)]}
        with httpx.Client(headers=dict(headers, Accept='text/event-stream'), timeout=300) as client:
            while not stop.is_set():
                first = None
                with client.stream('POST', base + '/api/ask', json=question) as r:
                    r.raise_for_status()
                    for line in r.iter_lines():
                        event = json.loads(line[6:]) if line.startswith('data: ') else {}
                        if event.get('kind') == 'sentence' and first is None:
                            first = event['text']
                with lock:
                    counts['refused' if first in BUSY.values() else 'answered'] += 1

    threads = [threading.Thread(target=student, args=(n,)) for n in range(app.STUDENTS_ASKING)]
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=300)
    return counts


def app_cpu() -> dict:
    """App: CPU of the web and brain nodes per page served and per text answer (the load alone)."""
    import httpx2 as httpx

    folder = tempfile.mkdtemp(prefix='milo-bench-app-cpu-')
    db = os.path.join(folder, 'milo.db')
    lecture = app.demo_record(db)
    with LectureRecord(db) as record:  # as in the session: the lecture filed under no course
        record.set_course(lecture, '')
    student = {'Authorization': f"Bearer {app._token(db, 'student')}"}
    notes = os.path.join(data_root(), 'data', 'notes')
    port = app._free_port()
    base = f'http://127.0.0.1:{port}'
    brain = _node('brain_node', profile='tiny', database=db, notes_dir=notes, summarize='false')
    web = _node('web_node', port=port, database=db, notes_dir=notes)
    try:
        app.wait_for_server(base, 120, 'the web node')
        # One answer first: the brain has loaded its embeddings and indexed the record.
        httpx.post(base + '/api/ask', headers=student, json={'course': '', 'question': app.QUESTIONS[0]},
                   timeout=600).raise_for_status()
        before = tree_cpu_s([web.pid])
        pages, _ = app._load(base, student, lecture, asking=0, course='')
        page_ms = 1000 * (tree_cpu_s([web.pid]) - before) / len(pages)
        before = tree_cpu_s([web.pid]), tree_cpu_s([brain.pid])
        counts = _ask_again_and_again(base, student, PHASE_S)
        used = tree_cpu_s([web.pid]) - before[0], tree_cpu_s([brain.pid]) - before[1]
    finally:
        for process in (web, brain):
            process.terminate()
        for process in (web, brain):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    if not counts['answered']:
        raise RuntimeError(f'no text question was answered: {counts}')
    answer_ms = 1000 * sum(used) / counts['answered']
    asked = (f"{counts['answered']} answered and {counts['refused']} refused (\"One moment\") in "
             f'{PHASE_S:.0f} s; web node {used[0]:.2f} s, brain {used[1]:.2f} s of CPU')
    return {
        'app_page_cpu_ms': result([page_ms], 'ms', COMMAND, f'web node CPU per page, {app.STUDENTS_BROWSING} '
                                  f'students browsing for {app.LOAD_S:.0f} s ({len(pages)} pages), nobody '
                                  'asking; the lecture under no course, as in the session'),
        'app_text_answer_cpu_ms': result([answer_ms], 'ms', COMMAND, f'web node + brain node CPU per text '
                                         f'answer, {app.STUDENTS_ASKING} students asking again at once: '
                                         f'{asked}'),
    }


BENCHMARKS = (app_cpu,)
