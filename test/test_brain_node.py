# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The brain node over real DDS, with the tiny model, a lecture record and the course notes."""

import json

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
    wait_until(lambda: diag(diagnostics)[1].get('passages'), 'the lecture to be indexed', 120)
    probe.wait_for_publisher(BRAIN_ANSWER.name)
    ask = probe.publisher(String, BRAIN_QUESTION.name, QoSProfile(depth=10))
    return node, ask, answers, diagnostics


def answer_of(answers, request_id):
    parts = [json.loads(m.data) for m in answers.messages]
    return [p for p in parts if p['request_id'] == request_id]


def test_answers_stream_declines_and_busy(tmp_path, probe, processes):
    node, ask, answers, diagnostics = start_brain(tmp_path, probe, processes, queue_size=1)
    ask.publish(String(data=json.dumps({'request_id': 'q1', 'text': 'In which room is the lab session?'})))
    wait_until(lambda: any(p['final'] for p in answer_of(answers, 'q1')), 'the answer to q1', 120)
    parts = answer_of(answers, 'q1')
    assert [p['index'] for p in parts[:-1]] == list(range(len(parts) - 1))
    assert parts[-1]['final'] and not parts[-1]['declined']
    assert parts[-1]['sources'][0].startswith('the teacher at ')

    ask.publish(String(data=json.dumps({'request_id': 'q2', 'text': 'Qui a gagné le match de foot ?'})))
    wait_until(lambda: any(p['final'] for p in answer_of(answers, 'q2')), 'the answer to q2', 60)
    declined = answer_of(answers, 'q2')
    assert declined[0]['text'].startswith("Nous n'avons pas encore vu cela") and declined[-1]['declined']

    long = 'Explain everything the teacher said about Kirchhoff laws, capacitors and power.'
    for i in range(4):  # one answered, one waiting, the rest refused at once
        ask.publish(String(data=json.dumps({'request_id': f'b{i}', 'text': long, 'language': 'en'})))
    wait_until(lambda: any('still answering' in p['text'] for p in answer_of(answers, 'b3')), 'busy')
    assert node.popen.poll() is None


def test_cancel_and_bad_input(tmp_path, probe, processes):
    node, ask, answers, diagnostics = start_brain(tmp_path, probe, processes, max_sentences=8,
                                                  max_tokens=400)
    cancel = probe.publisher(String, BRAIN_CANCEL.name, QoSProfile(depth=10))
    ask.publish(String(data=json.dumps({'request_id': 'c1', 'language': 'en',
                                        'text': 'Explain Kirchhoff laws and the capacitor in detail.'})))
    wait_until(lambda: answer_of(answers, 'c1'), 'a first sentence', 120)
    cancel.publish(Cancel('c1').to_msg())
    wait_until(lambda: any(p['final'] for p in answer_of(answers, 'c1')), 'the end of c1', 60)
    assert len(answer_of(answers, 'c1')) < 8
    for bad in ('not json', '{"text": "no id"}', '{"request_id": "x", "text": "hi", "segment_ids": [1e400]}'):
        ask.publish(String(data=bad))
    wait_until(lambda: int(diag(diagnostics)[1].get('errors', 0)) >= 3, 'three errors reported')
    assert node.popen.poll() is None


def test_a_question_in_class_interrupts_a_text_answer_which_then_goes_on(tmp_path, probe, processes):
    node, ask, answers, diagnostics = start_brain(tmp_path, probe, processes, max_sentences=8,
                                                  max_tokens=400)
    ask.publish(Question('t1', 'Explain Kirchhoff laws and the capacitor in detail.', 'en',
                         origin='text').to_msg())
    wait_until(lambda: answer_of(answers, 't1'), 'a first sentence of the text answer', 120)
    ask.publish(Question('v1', 'In which room is the lab session?', 'en', origin='voice').to_msg())
    wait_until(lambda: any(p['final'] for p in answer_of(answers, 't1')), 'the end of the text answer', 120)
    finals = [n for n, m in enumerate(answers.messages) if json.loads(m.data)['final']]
    order = [json.loads(answers.messages[n].data)['request_id'] for n in finals]
    assert order == ['v1', 't1'], 'the class is answered first, then the text answer goes on'
    text = answer_of(answers, 't1')
    assert [p['index'] for p in text] == list(range(len(text))), 'one stream: nothing sent twice'
    assert sum(p['final'] for p in text) == 1
    assert int(diag(diagnostics)[1].get('text_answers_interrupted', 0)) == 1


def test_a_missing_model_is_reported_and_questions_still_answered(tmp_path, probe, processes):
    node, ask, answers, diagnostics = start_brain(tmp_path, probe, processes,
                                                  model_file='nowhere.gguf')
    wait_until(lambda: diag(diagnostics)[0] and diag(diagnostics)[0].level == ERROR, 'ERROR level')
    assert 'no language model' in diag(diagnostics)[0].message
    ask.publish(String(data=json.dumps({'request_id': 'm1', 'text': 'When is the lab session?'})))
    wait_until(lambda: any(p['final'] for p in answer_of(answers, 'm1')), 'a final', 60)
    assert answer_of(answers, 'm1')[-1]['declined']


def test_an_erased_lecture_is_forgotten_by_the_brain(tmp_path, probe, processes):
    node, ask, answers, diagnostics = start_brain(tmp_path, probe, processes)
    assert int(diag(diagnostics)[1]['passages']) > int(diag(diagnostics)[1]['notes_passages'])
    with LectureRecord(tmp_path / 'milo.db') as record:  # as `milo forget` or the app erase it
        record.forget(record.lectures()[-1].id)
    # The brain checks before it takes each question: the answer cannot come from the lecture.
    ask.publish(String(data=json.dumps({'request_id': 'q1', 'text': 'In which room is the lab session?'})))
    wait_until(lambda: any(p['final'] for p in answer_of(answers, 'q1')), 'the answer to q1', 300)
    final = answer_of(answers, 'q1')[-1]
    assert not any(source.startswith('the teacher') for source in final['sources']), final
    assert 'erased' in node.lines[node.wait_for_line('passage(s) forgotten')]
    wait_until(lambda: diag(diagnostics)[1]['passages'] == diag(diagnostics)[1]['notes_passages'],
               "the lecture's passages gone from the index")
