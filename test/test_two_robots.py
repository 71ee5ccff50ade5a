# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Two robots on one network and one ROS domain, told apart by namespace (docs/architecture.md).

Each robot is the part of the graph that turns a heard question into speech: its dialogue, brain
and TTS, started from `milo_robot.graph.plan(..., namespace=ROOM)` (the command lines `milo up
--namespace ROOM` runs, with the parameter files of config/). Each robot has its own lecture in its
own record. A question heard in room_a is answered from room_a's lecture and spoken by room_a; room_b
hears nothing of it; then the other way round. Both robots report on the one /diagnostics, and each
reader keeps its own robot's statuses.
"""

from diagnostic_msgs.msg import DiagnosticArray
from harness import Probe, latest_status, wait_until
from rclpy.qos import QoSProfile
from std_msgs.msg import String

from milo_robot.graph import parameter_specs, plan, record_overrides
from milo_robot.interfaces import topics as t
from milo_robot.interfaces.diagnostics import node_statuses
from milo_robot.interfaces.payloads import AnswerPart, Question, RobotState, SpeechSpoken, Transcript
from milo_robot.record.lecture_record import LectureRecord
from milo_robot.thinking.retrieval import text_lecture_segments

NODES = ('dialogue', 'brain', 'tts')
# Each room's lecture, a question a student asks there, and the fact only that lecture holds.
ROOMS = {
    'room_a': ('data/qa/lecture_en.txt', 'en', 'Milo, in which room is the lab session?', 'B12'),
    'room_b': ('data/qa/lecture_fr.txt', 'fr', 'Milo, dans quelle salle a lieu le TP de filtrage ?',
               'C204'),
}
ANSWER_S = 120.0  # a question's answer spoken in full, on a loaded machine
RELIABLE = QoSProfile(depth=50)


class Robot:
    """One robot's nodes, and a probe in its namespace that hears its topics as a teacher's tools do."""

    def __init__(self, room: str, tmp_path, processes):
        lecture_file, self.language, self.question, self.fact = ROOMS[room]
        self.room, self.namespace = room, f'/{room}'
        database = str(tmp_path / f'{room}.db')
        with LectureRecord(database) as record:  # the lecture so far, as the asr records it
            lecture = record.start_lecture()
            for s in text_lecture_segments(lecture_file):
                record.append(lecture, s.start_s, s.end_s, s.text, self.language, 0.9, 'teacher')
        self.probe = Probe(room)
        self.heard = {topic: self.probe.subscribe(topic.msg_type(), topic.name, RELIABLE)
                      for topic in (t.BRAIN_QUESTION, t.BRAIN_ANSWER, t.TTS_SAY, t.TTS_SPOKEN)}
        self.states = self.probe.subscribe(String, t.ROBOT_STATE.name, t.ROBOT_STATE.qos.profile())
        sets = [*record_overrides(database, parameter_specs()), 'brain.profile=tiny',
                'brain.index_period_s=0.5', 'tts.french_voice=espeak-ng',
                f'tts.output_wav={tmp_path / room}-speech.wav']
        launches, errors = plan(True, (), sets, grouped=False, namespace=room)
        assert errors == []
        self.nodes = {launch.name: processes.start(launch.argv) for launch in launches
                      if launch.name in NODES}
        assert set(self.nodes) == set(NODES)

    def wait_until_wired(self, diagnostics) -> None:
        """Wait for the lecture to be indexed and for each hop of the question's path to be matched."""
        wait_until(lambda: self.status(diagnostics, 'brain').get('sentences'),
                   f"{self.room}'s lecture to be indexed", 180)
        count = self.probe.node.count_subscribers
        # The probe subscribes to each of these too: one more than the robot's own subscriber.
        for topic, subscribers in ((t.BRAIN_QUESTION, 2), (t.BRAIN_ANSWER, 2), (t.TTS_SAY, 2),
                                   (t.TTS_SPOKEN, 2)):
            wait_until(lambda: count(topic.name) >= subscribers, f'{self.room}: {topic.name} matched')
        self.finals = self.probe.publisher(String, t.ASR_FINAL.name, t.EVENTS_QOS.profile(),
                                           subscribers=2)  # the dialogue and the brain

    def status(self, diagnostics, node: str) -> dict:
        """Return the values of this robot's latest status of `node` ({} before the first)."""
        status = latest_status(diagnostics, node, self.namespace)
        return status.values if status else {}

    def ask(self) -> None:
        """A student asks the robot's question, as the asr hands it on."""
        self.finals.publish(Transcript(self.question, self.language, 1.0, 3.0, 0.9, True,
                                       wall_end=1.0).to_msg())

    def answered(self) -> bool:
        """Whether the robot said its lecture's fact and is done: every request spoken, back at rest.

        Only then may the other robot be asked: a late sentence of this answer would otherwise
        arrive while the other robot is judged.
        """
        heard = self.heard
        parts = self.answers()
        states = self.states.messages
        return (self.fact in self.spoken() and parts and parts[-1].final
                and len(heard[t.TTS_SPOKEN].messages) == len(heard[t.TTS_SAY].messages)
                and states and RobotState.from_msg(states[-1]).state in ('idle', 'listening'))

    def spoken(self) -> str:
        """Return what the robot said, all its requests together."""
        return ' '.join(SpeechSpoken.from_msg(m).text for m in self.heard[t.TTS_SPOKEN].messages)

    def answers(self) -> list:
        return [AnswerPart.from_msg(m) for m in self.heard[t.BRAIN_ANSWER].messages]

    def heard_nothing(self) -> bool:
        return all(not inbox.messages for inbox in self.heard.values())

    def close(self) -> None:
        self.probe.close()


def test_two_robots_in_two_namespaces_answer_their_own_class_only(tmp_path, processes):
    robots = {}
    try:
        for room in ROOMS:
            robots[room] = Robot(room, tmp_path, processes)
        a, b = robots['room_a'], robots['room_b']
        diagnostics = a.probe.subscribe(DiagnosticArray, t.DIAGNOSTICS.name)  # absolute: shared
        for robot in (a, b):
            robot.wait_until_wired(diagnostics)

        for asked, other in ((a, b), (b, a)):
            assert other.heard_nothing()
            asked.ask()
            wait_until(asked.answered, f'{asked.room} to say {asked.fact}', ANSWER_S)
            questions = [Question.from_msg(m) for m in asked.heard[t.BRAIN_QUESTION].messages]
            assert len(questions) == 1, f'{asked.room}: {len(questions)} questions for one: cross-talk'
            question = questions[0]
            assert question.language == asked.language
            parts = asked.answers()
            assert parts[-1].final and {p.request_id for p in parts} == {question.request_id}
            assert asked.fact in ' '.join(p.text for p in parts)
            assert other.fact not in asked.spoken(), 'each robot answers from its own lecture'
            # The whole path ran in the asking room; the other room's topics got nothing of it.
            assert other.heard_nothing(), f'{other.room} heard {asked.room}\'s question'
            for inbox in asked.heard.values():
                inbox.messages.clear()

        # One /diagnostics for both: each status names its robot, and each reader keeps its own.
        def both_reported():
            latest = diagnostics.messages[-200:]
            return all({s.node for m in latest for s in node_statuses(m, r.namespace)} >= set(NODES)
                       for r in (a, b))
        wait_until(both_reported, 'both robots\' statuses')
        for robot in (a, b):
            # One question each: a robot that heard the other's would count two.
            wait_until(lambda: robot.status(diagnostics, 'brain').get('questions') == '1' and
                       robot.status(diagnostics, 'dialogue').get('questions') == '1',
                       f'{robot.room}: one question asked and answered')
            assert all(proc.popen.poll() is None for proc in robot.nodes.values())
        assert a.status(diagnostics, 'brain')['sentences'] != b.status(diagnostics, 'brain')['sentences'], \
            'each brain indexed its own room\'s lecture'
        assert not [s for m in diagnostics.messages for s in node_statuses(m, '/')], \
            'no robot runs in the root namespace'
    finally:
        for robot in robots.values():
            robot.close()
