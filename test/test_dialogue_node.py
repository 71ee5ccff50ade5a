# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The dialogue node over real DDS: bad messages are reported and it keeps going."""

import json

from diagnostic_msgs.msg import DiagnosticArray
from harness import latest_status, wait_until
from rclpy.qos import QoSProfile
from std_msgs.msg import String

from milo_robot.interfaces.payloads import Question, Transcript
from milo_robot.interfaces.topics import (
    ASR_FINAL,
    BRAIN_ANSWER,
    BRAIN_QUESTION,
    DIAGNOSTICS,
    EVENTS_QOS,
    ROBOT_STATE,
    STATE_QOS,
)


def test_malformed_messages_are_reported_and_the_next_question_is_asked(probe, processes):
    questions = probe.subscribe(String, BRAIN_QUESTION.name, QoSProfile(depth=10))
    states = probe.subscribe(String, ROBOT_STATE.name, STATE_QOS.profile())
    diagnostics = probe.subscribe(DiagnosticArray, DIAGNOSTICS.name)
    processes.node('dialogue_node')
    wait_until(lambda: states.messages, 'the robot state')
    finals = probe.publisher(String, ASR_FINAL.name, EVENTS_QOS.profile())
    for bad in ('not json', '[1, 2]', '{"text": "Milo, hi?"}',
                '{"text": "Milo, what is a volt?", "language": "en", "wall_end": "soon"}',
                '{"text": "Milo, what is a volt?", "language": "en", "segment_id": "seven"}'):
        finals.publish(String(data=bad))
    probe.publisher(String, BRAIN_ANSWER.name, EVENTS_QOS.profile()).publish(String(data='{"request_id": 3}'))
    for number in ('NaN', 'Infinity', '1e400', '-1', '10' * 200):
        finals.publish(String(data='{"text": "Milo, what is a volt?", "language": "en", "start": 1.0, '
                                   f'"end": {number}, "confidence": 0.9, "final": true}}'))
    finals.publish(String(data=json.dumps({'text': 'x' * 70000})))
    finals.publish(Transcript('Milo, what is an ohm?', 'en', 0.0, 1.0, 0.9, True, wall_end=1.0,
                              lecture_id=1, segment_id=4).to_msg())
    wait_until(lambda: questions.messages, 'the good question to be asked')
    asked = Question.from_msg(questions.messages[0])
    assert (asked.text, asked.segment_ids) == ('What is an ohm?', (4,)), 'none of the bad ones'
    assert len(questions.messages) == 1

    def reported():
        status = latest_status(diagnostics, 'dialogue')
        values = status.values if status else {}
        counted = (values.get('rejected_on /asr/final'), values.get('rejected_on /brain/answer'))
        return counted == ('11', '1') and status
    status = wait_until(reported, 'each bad message counted in the diagnostics')
    assert status.values['mode'] == 'lecture'
