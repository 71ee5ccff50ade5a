# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Dialogue node: joins hearing, thinking and speaking into turns, and publishes the robot state."""

import json

from rclpy.qos import QoSProfile
from std_msgs.msg import Bool, String
from std_srvs.srv import Trigger

from milo_robot.conversation.dialogue import MODES, Dialogue, Outputs
from milo_robot.conversation.memory import ConversationMemory
from milo_robot.graph import resolve_path
from milo_robot.hearing.lecture_record import LectureRecord, RecordError
from milo_robot.nodes.base import MiloNode, run
from milo_robot.nodes.vad_node import EVENTS_QOS, STATE_QOS
from milo_robot.parameters import ParamSpec

PARAMETERS = (
    ParamSpec('mode', 'lecture', 'Mode at start: lecture (answer only when called by name), qa '
              '(answer every question) or sleep', choices=MODES),
    ParamSpec('continuation_s', 0.8, 'Wait for the rest of a sentence that stops mid-way (s)',
              min=0.0, max=5.0),
    ParamSpec('ack_after_s', 1.0, 'An answer expected later than this starts with "Hmm" (s)',
              min=0.2, max=10.0),
    ParamSpec('resume_window_s', 1.0, 'A student speaking again this soon after a question is '
              'still asking it: the answer is dropped and the words joined (s)', min=0.0, max=5.0),
    ParamSpec('memory_turns', 3, 'Exchanges remembered for follow-up questions', min=0, max=20),
    ParamSpec('memory_s', 120.0, 'Exchanges older than this are forgotten (s)', min=5.0,
              max=3600.0),
    ParamSpec('database', 'records/milo.db', 'Lecture record that holds the question log'),
)


def _optional_int(value):
    """Return an id as an int, or None when there is none."""
    return None if value is None else int(value)


class _Publishers(Outputs):
    """The dialogue's outputs as ROS messages and log lines."""

    def __init__(self, node: 'DialogueNode'):
        self.node = node
        self._question = node.create_publisher(String, '/brain/question', QoSProfile(depth=10))
        self._cancel = node.create_publisher(String, '/brain/cancel', QoSProfile(depth=10))
        self._say = node.create_publisher(String, '/tts/say', QoSProfile(depth=50))
        self._state = node.create_publisher(String, '/robot/state', STATE_QOS)
        self._mode = node.create_publisher(String, '/dialogue/mode', STATE_QOS)

    def ask(self, request_id, text, language, segment_ids=()):
        self.node.mark_student(segment_ids)
        self._question.publish(String(data=json.dumps(
            {'request_id': request_id, 'text': text, 'language': language,
             'segment_ids': list(segment_ids)}, ensure_ascii=False)))

    def cancel(self, request_id):
        self._cancel.publish(String(data=request_id))

    def say(self, request_id, text, language):
        self._say.publish(String(data=json.dumps(
            {'request_id': request_id, 'text': text, 'language': language}, ensure_ascii=False)))

    def state(self, state):
        self._state.publish(String(data=state))
        self.note(f'state → {state}')
        self.node.health.set('state', state)

    def mode(self, mode):
        self._mode.publish(String(data=mode))
        self.node.health.set('mode', mode)

    def log(self, entry):
        self.node.log_question(entry)

    def note(self, line):
        self.node.get_logger().info(line)


class DialogueNode(MiloNode):
    """Transcripts, VAD events, answers and speech reports in; questions, speech and state out."""

    PARAMETERS = PARAMETERS

    def __init__(self):
        """Subscribe to everything a conversation needs; tick at 20 Hz."""
        super().__init__('dialogue')
        p = self.params
        self._record = None
        self._unsaved = []  # questions waiting for the record to be writable
        self.dialogue = Dialogue(_Publishers(self), p.mode, p.continuation_s, p.ack_after_s,
                                 p.resume_window_s, ConversationMemory(p.memory_turns, p.memory_s))
        self.create_subscription(String, '/asr/final', self._on_final, EVENTS_QOS)
        self.create_subscription(String, '/vad/events', self._on_vad, EVENTS_QOS)
        self.create_subscription(String, '/brain/answer', self._on_answer, EVENTS_QOS)
        self.create_subscription(String, '/tts/started', self._on_started, EVENTS_QOS)
        self.create_subscription(String, '/tts/spoken', self._on_spoken, EVENTS_QOS)
        self.create_subscription(Bool, '/tts/speaking',
                                 lambda m: self.dialogue.milo_speaking(m.data), STATE_QOS)
        self.create_subscription(String, '/dialogue/set_mode', self._on_set_mode, 10)
        for mode in MODES:
            self.create_service(Trigger, f'/dialogue/{mode}_mode', self._mode_service(mode))
        self.create_timer(0.05, self.dialogue.tick)

    def _parse(self, msg: String, topic: str, fields):
        """Return `fields(payload)` (the values the dialogue takes), or None after reporting a bad message.

        `fields` reads and converts the JSON payload, so a missing field or a value of the wrong
        type is reported here, before the dialogue sees any of it.
        """
        try:
            data = json.loads(msg.data)
            if not isinstance(data, dict):
                raise TypeError('not a JSON object')
            return fields(data)
        except (ValueError, TypeError, KeyError) as exc:
            self.health.error(f'bad {topic} message {msg.data[:80]!r}: {exc!r}')
            return None

    def _on_final(self, msg: String) -> None:
        heard = self._parse(msg, '/asr/final', lambda d: (
            str(d['text']), str(d['language']), float(d.get('wall_end') or self.dialogue.clock()),
            _optional_int(d.get('lecture_id')), _optional_int(d.get('segment_id'))))
        if heard is not None:
            self.health.activity()
            self.dialogue.heard(*heard)

    def _on_vad(self, msg: String) -> None:
        event = self._parse(msg, '/vad/events', lambda d: (str(d['event']), d.get('barge_in') is True))
        if event is None:
            return
        if event[0] == 'barge_in':
            self.dialogue.barge_in()
        elif event[0] in ('start', 'end'):
            self.dialogue.speech(event[0] == 'start', event[1])

    def _on_answer(self, msg: String) -> None:
        part = self._parse(msg, '/brain/answer', lambda d: (
            str(d['request_id']), str(d['text']), bool(d['final']), bool(d.get('declined')),
            tuple(str(s) for s in d.get('sources') or ())))
        if part is not None:
            self.dialogue.answer(*part)

    def _on_started(self, msg: String) -> None:
        started = self._parse(msg, '/tts/started', lambda d: (str(d['request_id']), float(d['time'])))
        if started is not None:
            self.dialogue.audio_started(*started)

    def _on_spoken(self, msg: String) -> None:
        spoken = self._parse(msg, '/tts/spoken', lambda d: (
            str(d['request_id']), str(d['text']), bool(d.get('interrupted'))))
        if spoken is not None:
            self.dialogue.spoken(*spoken)

    def _on_set_mode(self, msg: String) -> None:
        result = self.dialogue.set_mode(msg.data.strip())
        if result.startswith('unknown'):
            self.health.error(f'/dialogue/set_mode: {result}')

    def _mode_service(self, mode: str):
        def serve(_request, response):
            response.message = self.dialogue.set_mode(mode)
            response.success = True
            return response
        return serve

    def _open_record(self) -> LectureRecord:
        if self._record is None:
            self._record = LectureRecord(resolve_path(self.params.database))
        return self._record

    def mark_student(self, segment_ids) -> None:
        """Mark a question's segments as a student's: the brain must not answer it from itself."""
        if not segment_ids:
            return
        try:
            self._open_record().set_role(segment_ids, 'student')
        except RecordError as exc:  # the brain also skips them by id; this is for later readers
            self._record = None
            self.health.error(str(exc))

    def log_question(self, entry) -> None:
        """Store a question; while the record cannot be written, keep it in memory and retry."""
        self._unsaved.append(entry)
        self.health.count('questions')
        try:
            while self._unsaved:
                self._open_record().log_question(self._unsaved[0])
                self._unsaved.pop(0)
        except RecordError as exc:
            self._record = None
            self.health.error(f'{exc} ({len(self._unsaved)} questions kept in memory)')
            self.get_logger().error(f'question log: {exc}')

    def summary(self) -> str:
        """Say the mode and what Milo is doing."""
        return f'{self.dialogue.mode} mode'

    def close(self) -> None:
        """Close the question log."""
        if self._record is not None:
            self._record.close()


def main(args=None):
    """Run the dialogue node."""
    raise SystemExit(run(DialogueNode, args))


if __name__ == '__main__':
    main()
