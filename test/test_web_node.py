# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The web node over real DDS with the real brain node (`tiny` model).

Text questions wait while Milo answers in class, then stream from the brain; students asking
together wait their turn in the web node, never refused by the brain's desk; the web node gives
its CPU share away while the class has the floor; lecture commands and re-indexing requests go
out on their topics.
"""

import json
import os
import threading
from pathlib import Path

import httpx2 as httpx
from app_fixture import School, free_port, wait_for_http
from diagnostic_msgs.msg import DiagnosticArray
from harness import latest_status, wait_until
from std_msgs.msg import Bool, Empty, String

from milo_robot.interfaces import topics as t
from milo_robot.interfaces.payloads import LectureCommand, Mode, Question, QuestionEntry, RobotState
from milo_robot.thinking.desk import BUSY


def diagnostics_of(inbox, name: str) -> dict:
    status = latest_status(inbox, name)
    return status.values if status else {}


def test_text_questions_lecture_commands_and_reindex_over_ros(tmp_path, probe, processes):
    school = School(tmp_path)
    diagnostics = probe.subscribe(DiagnosticArray, t.DIAGNOSTICS.name)
    questions = probe.subscribe(String, t.BRAIN_QUESTION.name, t.BRAIN_QUESTION.qos.profile())
    logged = probe.subscribe(String, t.RECORD_QUESTIONS.name, t.RECORD_QUESTIONS.qos.profile())
    commands = probe.subscribe(String, t.LECTURE_COMMAND.name, t.LECTURE_COMMAND.qos.profile())
    reindex = probe.subscribe(Empty, t.BRAIN_REINDEX.name, t.BRAIN_REINDEX.qos.profile())
    # Milo is answering a student in class (the dialogue's state, latched).
    state = probe.node.create_publisher(String, t.ROBOT_STATE.name, t.ROBOT_STATE.qos.profile())
    state.publish(RobotState('speaking').to_msg())

    # One text question may wait at the brain's desk: more students than that must wait elsewhere.
    brain = processes.node('brain_node', profile='tiny', database=str(school.db), notes_dir=str(school.notes),
                   summarize=False, queue_size=1)
    port = free_port()
    web = processes.node('web_node', port=port, database=str(school.db), notes_dir=str(school.notes))
    base = f'http://127.0.0.1:{port}'
    wait_for_http(base + '/login', process=web)
    wait_until(lambda: diagnostics_of(diagnostics, 'brain').get('ready') == 'true', 'the brain', 120)
    wait_until(lambda: diagnostics_of(diagnostics, 'web').get('class') == 'busy',
               'the web node to see Milo busy')

    student = {'Authorization': f"Bearer {school.tokens['student']}", 'Accept': 'text/event-stream'}
    events = []

    def ask(into, question='What is the unit of resistance?'):
        with httpx.stream('POST', base + '/api/ask', headers=student, timeout=180,
                          json={'course': 'Electronics', 'question': question}) as r:
            for line in r.iter_lines():
                if line.startswith('data: '):
                    into.append(json.loads(line[6:]))
    thread = threading.Thread(target=ask, args=(events,))
    thread.start()
    wait_until(lambda: events, 'the first event')
    assert events[0]['kind'] == 'waiting'
    assert not questions.messages, 'a text question never interrupts an answer in class'

    state.publish(RobotState('idle').to_msg())
    sent = Question.from_msg(questions.wait_for(1, 'the text question')[0])
    assert (sent.origin, sent.course) == ('text', 'Electronics')
    thread.join(180)
    kinds = [e['kind'] for e in events]
    assert kinds[0] == 'waiting' and kinds[-1] == 'final', (events, brain.output)
    assert any(e['kind'] == 'sentence' for e in events)
    # The question went out once the brain was seen subscribed (else DDS could have lost it).
    wait_until(lambda: diagnostics_of(diagnostics, 'web').get('brain') == 'listening',
               'the web node to report the brain listening')
    entry = QuestionEntry.from_msg(logged.wait_for(1, 'the log entry')[-1])
    assert (entry.request_id, entry.origin) == (sent.request_id, 'text')
    assert entry.outcome in ('answered', 'declined') and entry.lecture_id == school.ids['circuits']

    # Four students ask while a student in class speaks (question time: the desk keeps text
    # questions waiting). The desk's text line holds one; before the web node held the others,
    # three were answered "One moment" at once (and a browser's student asked again, in a loop).
    mode = probe.node.create_publisher(String, t.DIALOGUE_MODE.name, t.DIALOGUE_MODE.qos.profile())
    speech = probe.node.create_publisher(Bool, t.VAD_SPEECH.name, t.VAD_SPEECH.qos.profile())
    mode.publish(Mode('qa').to_msg())
    speech.publish(Bool(data=True))
    # Meanwhile the web node gives its CPU share away (its session's autogroup, as the supervisor
    # runs it): the class's turn goes first.
    share = Path(f'/proc/{web.popen.pid}/autogroup')
    wait_until(lambda: share.read_text().split()[-1] == '19', 'the web node to give way to the class')
    wait_until(lambda: diagnostics_of(diagnostics, 'web').get('cpu') == 'giving way',
               'its diagnostics to say so')
    together = [[] for _ in range(4)]
    asking = [threading.Thread(target=ask, args=(into, q)) for into, q in zip(together, (
        'What is the unit of resistance?', 'What does a capacitor store?', 'What is Ohm\'s law?',
        'Quelle est l\'unité de la résistance ?'))]
    for thread in asking:
        thread.start()
    wait_until(lambda: sum(1 for e in together if e) >= 3, 'the students beyond the first told something')
    wait_until(lambda: len(questions.messages) >= 2, 'a question of the four at the brain')
    speech.publish(Bool(data=False))
    for thread in asking:
        thread.join(180)
    wait_until(lambda: share.read_text().split()[-1] == '0', 'the web node to take its share back')
    for answer in together:
        assert answer and answer[-1]['kind'] == 'final', (together, brain.output)
        said = [e['text'] for e in answer if e['kind'] == 'sentence']
        assert not set(said) & set(BUSY.values()), together
    assert len(questions.messages) == 5
    wait_until(lambda: int(diagnostics_of(diagnostics, 'brain').get('questions', 0)) >= 5,
               'the brain to count the five answers')
    assert diagnostics_of(diagnostics, 'brain').get('refused_busy', '0') == '0'

    teacher = {'Authorization': f"Bearer {school.tokens['teacher']}"}
    assert httpx.post(base + '/api/lectures/start', headers=teacher,
                      json={'course': 'Physics', 'title': 'Optics'}).status_code == 202
    command = LectureCommand.from_msg(commands.wait_for(1, 'the lecture command')[-1])
    assert (command.action, command.course, command.title) == ('start', 'Physics', 'Optics')
    assert command.origin == 'app'
    upload = httpx.post(base + '/api/notes', headers=teacher,
                        files={'file': ('optics.md', b'# Lenses\nA converging lens focuses light.\n')})
    assert upload.status_code == 201
    reindex.wait_for(1, 'the re-index request')

    # What the node writes is Milo's user's only: the upload, and its own ROS log.
    assert (school.notes / 'optics.md').stat().st_mode & 0o777 == 0o600
    logs = [f for f in Path(os.environ['ROS_LOG_DIR']).rglob('*')
            if f.is_file() and f'_{web.popen.pid}_' in f.name]
    assert logs and all(f.stat().st_mode & 0o777 == 0o600 for f in logs), logs
