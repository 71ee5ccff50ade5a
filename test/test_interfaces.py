# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The contracts' one owner: payload checks, the generated docs, and no copies elsewhere (no ROS)."""

import json
import os
import re
import subprocess
import sys

import pytest

from milo_robot.interfaces import topics
from milo_robot.interfaces.docs import render
from milo_robot.interfaces.fields import PayloadError
from milo_robot.interfaces.payloads import (
    AnswerPart,
    LectureCommand,
    Mode,
    Question,
    RobotState,
    SayRequest,
    Transcript,
    VadEvent,
)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOOD_TRANSCRIPT = {'text': 'Hello.', 'language': 'en', 'start': 1.0, 'end': 2.0, 'confidence': 0.9,
                   'final': True}


def test_a_payload_round_trips_through_its_message():
    answer = AnswerPart('a1-q3', 0, 'It doubles.', sources=('the teacher at 01:02',), elapsed_s=0.4)
    assert AnswerPart.from_msg(answer.to_msg()) == answer
    assert RobotState.from_msg(RobotState('thinking').to_msg()).state == 'thinking'
    assert RobotState('idle').to_msg().data == 'idle', 'a one-word payload travels bare'


@pytest.mark.parametrize('raw, problem', [
    ('not json', 'not JSON'),
    ('[1, 2]', 'expected a JSON object'),
    ('{"text": "Hello."}', 'missing field'),
    (json.dumps(dict(GOOD_TRANSCRIPT, start='soon')), 'expected a number'),
    (json.dumps(dict(GOOD_TRANSCRIPT, final=1)), 'expected true or false'),
    (json.dumps(dict(GOOD_TRANSCRIPT, segment_id=4.0)), 'expected an integer'),
    (json.dumps(dict(GOOD_TRANSCRIPT, segment_id=10**30)), 'out of range'),
    (json.dumps(dict(GOOD_TRANSCRIPT, confidence=1.5)), 'out of range'),
    (json.dumps(dict(GOOD_TRANSCRIPT, speaker_role='robot')), 'not one of'),
    (json.dumps(dict(GOOD_TRANSCRIPT, text='x' * 5000)), 'at most'),
    ('{"text": "a", "language": "en", "start": NaN, "end": 1, "confidence": 0.5, "final": true}',
     'not a finite number'),
    ('{"text": "a", "language": "en", "start": Infinity, "end": 1, "confidence": 0.5, "final": true}',
     'not a finite number'),
    ('{"text": "a", "language": "en", "start": 1e400, "end": 1, "confidence": 0.5, "final": true}',
     'not a finite number'),
    ('{"text": "a", "language": "en", "start": 1' + '0' * 400 + ', "end": 1, "confidence": 0.5, '
     '"final": true}', 'number too large'),
    ('x' * 70000, 'at most'),
    ('[' * 100000 + ']' * 100000, 'at most'),
])
def test_bad_payloads_are_refused_with_a_reason(raw, problem):
    with pytest.raises(PayloadError, match=problem):
        Transcript.from_json(raw)


def test_cross_field_rules_and_ids():
    with pytest.raises(PayloadError, match='end >= start'):
        VadEvent('end', 10.0, 5.0)
    with pytest.raises(PayloadError, match='not allowed'):
        Question('q1#0', 'What?')  # ids are fields, not grammars
    with pytest.raises(PayloadError, match='empty'):
        Question('q1', '   ')
    with pytest.raises(PayloadError, match='not one of'):
        Mode.from_json('party')
    with pytest.raises(PayloadError):
        LectureCommand('restart')


def test_plain_text_is_a_direct_say_request():
    assert SayRequest.from_json('Hello class.') == SayRequest('Hello class.')
    assert SayRequest.from_json('{"text": "Bonjour.", "language": "fr", "kind": "ack"}').kind == 'ack'


def test_topic_names_are_unique_and_every_string_topic_has_a_payload():
    names = [t.name for t in topics.TOPICS]
    assert len(names) == len(set(names))
    for topic in topics.TOPICS:
        if topic.msg == 'std_msgs/msg/String':
            assert topic.payload is not None, f'{topic.name} carries text: give it a payload class'


def test_names_are_relative_to_the_robots_namespace_but_diagnostics():
    """Two robots share a network by namespace: /room_a/audio/frames is not /room_b/audio/frames."""
    from rclpy.validate_topic_name import validate_topic_name

    for topic in topics.TOPICS:
        validate_topic_name(topic.name)  # raises on a name ROS refuses
        if topic is topics.DIAGNOSTICS:  # one aggregator for all: the status names the namespace
            assert topic.name.startswith('/')
        else:
            assert not topic.name.startswith(('/', '~')), f'{topic.name}: make it relative'
    for service in topics.SERVICES:
        validate_topic_name(service.name, is_service=True)
        assert not service.name.startswith(('/', '~')), f'{service.name}: make it relative'


def test_the_interfaces_doc_is_generated_from_the_code():
    with open(os.path.join(ROOT, 'docs', 'interfaces.md'), encoding='utf-8') as f:
        text = f.read()
    assert render(text) == text, 'run: python -m milo_robot.interfaces.docs --write'
    for name in ('nodes', 'topics', 'qos', 'payloads', 'services', 'parameters', 'record'):
        assert f'<!-- generated: {name} -->' in text


def test_the_docs_check_command_fails_on_a_stale_file(tmp_path, monkeypatch):
    from milo_robot.interfaces import docs
    stale = tmp_path / 'interfaces.md'
    stale.write_text('<!-- generated: topics -->\nold table\n<!-- end generated -->\n')
    monkeypatch.setattr(docs, 'doc_path', lambda: str(stale))
    assert docs.main([]) == 1
    assert docs.main(['--write']) == 0 and docs.main([]) == 0


def _python_sources():
    for folder in ('milo_robot', 'launch', 'test'):
        for root, _, files in os.walk(os.path.join(ROOT, folder)):
            for name in files:
                if name.endswith('.py'):
                    yield os.path.join(root, name)


def test_no_topic_name_or_payload_json_outside_the_interfaces():
    names = {t.name.lstrip('/') for t in topics.TOPICS} | {s.name for s in topics.SERVICES}
    # A name as it is (brain/question), absolute (/brain/question) or in a namespace
    # (/room_a/brain/question); a one-word name only with a slash (/joint_states).
    literal = re.compile(r"""['"]((?:/[a-z_]+)*/?[a-z_]+(?:/[a-z_]+)*)['"]""")

    def spells_a_name(text):
        return any(text == name or text.endswith('/' + name) for name in names
                   if '/' in name or '/' in text)
    offenders = []
    for path in _python_sources():
        relative = os.path.relpath(path, ROOT)
        if relative.startswith(os.path.join('milo_robot', 'interfaces')):
            continue
        with open(path, encoding='utf-8') as f:
            source = f.read()
        offenders += [f'{relative}: {m}' for m in literal.findall(source) if spells_a_name(m)]
        if re.search(r'json\.(loads|dumps)\(\s*(msg|payload)', source):
            offenders.append(f'{relative}: builds or parses a payload with json')
    assert offenders == []


def test_diagnostics_are_named_and_read_through_the_interfaces():
    # /diagnostics is a contract too: status names and keys come from interfaces/diagnostics.py.
    parsing = re.compile(r"""['"]milo/|kv\.key|\.status\[0\]|DiagnosticStatus\(|KeyValue\(""")
    offenders = []
    for path in _python_sources():
        relative = os.path.relpath(path, ROOT)
        if relative == os.path.join('milo_robot', 'interfaces', 'diagnostics.py'):
            continue
        with open(path, encoding='utf-8') as f:
            offenders += [f'{relative}: {m.group(0)}' for m in parsing.finditer(f.read())]
    assert offenders == []


def test_the_interfaces_import_no_ros():
    code = ('import sys; import milo_robot.interfaces.topics, milo_robot.interfaces.payloads; '
            'sys.exit(any(m.startswith(("rclpy", "std_msgs")) for m in sys.modules))')
    assert subprocess.run([sys.executable, '-c', code]).returncode == 0


def test_a_status_read_from_diagnostics_carries_when_its_node_sent_it():
    from builtin_interfaces.msg import Time

    from milo_robot.diagnostics import OK
    from milo_robot.interfaces.diagnostics import diagnostic_array, node_statuses

    msg = diagnostic_array('vad', OK, 'listening', [('ready', 'true')], '/vad',
                           Time(sec=1_765_000_000, nanosec=250_000_000))
    [status] = node_statuses(msg, '/')
    assert status.node == 'vad' and status.ready
    assert status.sent_at == 1_765_000_000.25
