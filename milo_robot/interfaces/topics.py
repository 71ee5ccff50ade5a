# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Every topic and service of Milo's graph: name, message type, QoS and payload, defined once.

Nodes, tools and tests import these objects instead of spelling a name or a profile. Names are
relative: a node started in the namespace `room_a` uses /room_a/audio/frames, so two robots share a
network and a ROS_DOMAIN_ID without hearing each other (docs/architecture.md). Only /diagnostics is
absolute, the ROS convention for one aggregator: each status carries its node's namespace instead.
docs/interfaces.md is generated from this module (`python -m milo_robot.interfaces.docs --write`)
and a test fails when the two disagree.
"""

import importlib
from dataclasses import dataclass
from typing import Optional

from milo_robot.interfaces import payloads as p
from milo_robot.interfaces.audio import AudioFrame


@dataclass(frozen=True)
class Qos:
    """A QoS profile as data; `profile()` builds the rclpy object."""

    name: str
    depth: int
    reliable: bool = True
    latched: bool = False  # TRANSIENT_LOCAL: a subscriber that joins late gets the last messages
    why: str = ''

    def profile(self):
        """Return the rclpy QoSProfile."""
        from rclpy.qos import DurabilityPolicy, HistoryPolicy, QoSProfile, ReliabilityPolicy

        return QoSProfile(
            history=HistoryPolicy.KEEP_LAST, depth=self.depth,
            reliability=ReliabilityPolicy.RELIABLE if self.reliable else ReliabilityPolicy.BEST_EFFORT,
            durability=DurabilityPolicy.TRANSIENT_LOCAL if self.latched else DurabilityPolicy.VOLATILE)

    def describe(self) -> str:
        """Say it in words."""
        return (f"{'reliable' if self.reliable else 'best effort'}, keep last {self.depth}, "
                f"{'transient local' if self.latched else 'volatile'}")


# Measured (docs/hearing.md): with best effort, a subscriber whose process stops for 2 s loses
# the 2 s whatever the depth; reliable, it loses nothing while the stop fits in the history.
AUDIO_QOS = Qos('audio', 500, why='every sample is heard once: a listener whose process stalls '
                'gets the frames it missed when it runs again, for up to 16 s of 32 ms frames '
                '(10 s of 20 ms ones)')
SPEAKER_AUDIO_QOS = Qos('speaker_audio', 100, why='a reference frame lost is Milo\'s own voice heard '
                        'as a person')
EVENTS_QOS = Qos('events', 50, why='a lost end event would leave a segment open')
STATE_QOS = Qos('state', 1, latched=True, why='a node that starts late still knows the state')
COMMAND_QOS = Qos('commands', 10, why='commands and requests, reliable')
SAY_QOS = Qos('say', 50, why='every sentence of an answer is queued')
SENSOR_QOS = Qos('sensor', 10, why='levels, mouth, joints: the latest value matters')
# Record writes travel to the one writer of the record: kept for a writer that restarts (it
# stores each entry once, by its id).
RECORD_QOS = Qos('record', 200, latched=True, why='the record\'s writer, restarted, gets what it '
                 'missed; entries are idempotent')
CAMERA_QOS = Qos('camera', 2, reliable=False, why='frames: only the latest matters')


def _import_type(spec: str):
    """Import a ROS interface type named like 'std_msgs/msg/String' or 'std_srvs/srv/Trigger'."""
    package, kind, name = spec.split('/')
    return getattr(importlib.import_module(f'{package}.{kind}'), name)


@dataclass(frozen=True)
class Topic:
    """A topic: its name, message type, QoS, the payload class carried in String, and its role."""

    name: str
    msg: str  # e.g. 'std_msgs/msg/String'
    qos: Qos
    payload: Optional[type]  # has from_msg: a Payload for String topics, AudioFrame; else None
    publishers: tuple
    subscribers: tuple
    summary: str

    def msg_type(self):
        """Import and return the message class."""
        return _import_type(self.msg)

    def decode(self, msg):
        """Return the payload of a received message (or the message itself when it has none)."""
        return self.payload.from_msg(msg) if self.payload else msg

    def publisher(self, node):
        """Create this topic's publisher on an rclpy node."""
        return node.create_publisher(self.msg_type(), self.name, self.qos.profile())

    def subscription(self, node, callback):
        """Subscribe an rclpy node to this topic; `callback` gets the raw message."""
        return node.create_subscription(self.msg_type(), self.name, callback, self.qos.profile())


@dataclass(frozen=True)
class Service:
    """A service: its name, type, the node that serves it, and what it does."""

    name: str
    srv: str  # e.g. 'std_srvs/srv/Trigger'
    server: str
    summary: str

    def srv_type(self):
        """Import and return the service class."""
        return _import_type(self.srv)

    def client(self, node):
        """Create a client of this service on an rclpy node."""
        return node.create_client(self.srv_type(), self.name)


_S = 'std_msgs/msg/String'
AUDIO_FRAMES = Topic('audio/frames', 'sensor_msgs/msg/Image', AUDIO_QOS, AudioFrame, ('microphone',),
                     ('audio_monitor', 'vad', 'asr'), '16 kHz mono int16 audio frames (see below)')
AUDIO_LEVEL = Topic('audio/level', 'std_msgs/msg/Float32', SENSOR_QOS, None, ('audio_monitor',), (),
                    'microphone level, dBFS')
SPEAKER_AUDIO = Topic('speaker/audio', 'sensor_msgs/msg/Image', SPEAKER_AUDIO_QOS, AudioFrame, ('tts',),
                      ('vad',), 'what Milo plays, as audio frames: the echo gate\'s reference')
VAD_EVENTS = Topic('vad/events', _S, EVENTS_QOS, p.VadEvent, ('vad',),
                   ('asr', 'tts', 'dialogue'), 'speech start/end, barge-in')
VAD_SPEECH = Topic('vad/speech', 'std_msgs/msg/Bool', STATE_QOS, None, ('vad',), ('camera', 'brain', 'web'),
                   'whether someone speaks now')
ASR_PARTIAL = Topic('asr/partial', _S, COMMAND_QOS, p.Transcript, ('asr',), ('dialogue',),
                    'partial transcripts: on a pause (whisper) or as words come (vosk)')
ASR_FINAL = Topic('asr/final', _S, EVENTS_QOS, p.Transcript, ('asr',), ('dialogue', 'brain'),
                  'final transcript of a segment, once saved in the record')
BRAIN_QUESTION = Topic('brain/question', _S, COMMAND_QOS, p.Question, ('dialogue', 'web'),
                       ('brain', 'camera'), 'a question to answer')
BRAIN_CANCEL = Topic('brain/cancel', _S, COMMAND_QOS, p.Cancel, ('dialogue', 'web'), ('brain',),
                     'stop answering a question')
BRAIN_ANSWER = Topic('brain/answer', _S, EVENTS_QOS, p.AnswerPart, ('brain',), ('dialogue', 'web'),
                     'answer sentences, then a final part with the sources')
BRAIN_REINDEX = Topic('brain/reindex', 'std_msgs/msg/Empty', COMMAND_QOS, None, ('web',), ('brain',),
                      'the course notes changed: read them again')
TTS_SAY = Topic('tts/say', _S, SAY_QOS, p.SayRequest, ('dialogue', 'web'), ('tts',),
                'text to speak (JSON, or plain text)')
TTS_STOP = Topic('tts/stop', 'std_msgs/msg/Empty', COMMAND_QOS, None, ('web',), ('tts',),
                 'stop speaking now')
TTS_SPEAKING = Topic('tts/speaking', 'std_msgs/msg/Bool', STATE_QOS, None, ('tts',),
                     ('vad', 'dialogue', 'web'), 'whether Milo is producing sound')
TTS_MOUTH = Topic('tts/mouth', 'std_msgs/msg/Float32', SENSOR_QOS, None, ('tts',), ('body',),
                  'mouth level 0..1, for lip-sync')
TTS_STARTED = Topic('tts/started', _S, EVENTS_QOS, p.SpeechStarted, ('tts',), ('dialogue',),
                    'first sound of a request')
TTS_SPOKEN = Topic('tts/spoken', _S, EVENTS_QOS, p.SpeechSpoken, ('tts',), ('dialogue',),
                   'what was heard of a request')
ROBOT_STATE = Topic('robot/state', _S, STATE_QOS, p.RobotState, ('dialogue',),
                    ('body', 'camera', 'web'), 'idle, listening, thinking, speaking or sleep')
DIALOGUE_MODE = Topic('dialogue/mode', _S, STATE_QOS, p.Mode, ('dialogue',), ('web', 'brain'),
                      'the current mode')
DIALOGUE_SET_MODE = Topic('dialogue/set_mode', _S, COMMAND_QOS, p.Mode, ('web',), ('dialogue',),
                          'switch mode')
RECORD_ROLES = Topic('record/roles', _S, RECORD_QOS, p.RoleChange, ('dialogue',), ('asr',),
                     'speaker roles of recorded segments')
RECORD_QUESTIONS = Topic('record/questions', _S, RECORD_QOS, p.QuestionEntry, ('dialogue', 'web'),
                         ('asr',), 'question log entries, for the record\'s writer')
LECTURE_COMMAND = Topic('lecture/command', _S, COMMAND_QOS, p.LectureCommand, ('dialogue', 'web'),
                        ('asr',), 'start or end the lecture; set its course or title')
LECTURE_CURRENT = Topic('lecture/current', _S, STATE_QOS, p.LectureState, ('asr',),
                        ('brain', 'body', 'web'), 'the lecture being recorded')
JOINT_STATES = Topic('joint_states', 'sensor_msgs/msg/JointState', SENSOR_QOS, None, ('body',),
                     ('camera', 'web'), 'head joints as the firmware reports them (radians)')
BODY_ESTOPPED = Topic('body/estopped', 'std_msgs/msg/Bool', STATE_QOS, None, ('body',), ('web',),
                      'whether the emergency stop is latched')
BODY_JOINT_COMMANDS = Topic('body/joint_commands', 'sensor_msgs/msg/JointState', SENSOR_QOS, None,
                            ('camera',), ('body',), 'autonomous head targets (radians)')
BODY_LIGHT = Topic('body/light', 'std_msgs/msg/ColorRGBA', SENSOR_QOS, None, (), ('body',),
                   'status light colour override')
BODY_ESTOP = Topic('body/estop', 'std_msgs/msg/Empty', COMMAND_QOS, None, ('web',), ('body',),
                   'latch the emergency stop')
TELEOP_CMD_VEL = Topic('teleop/cmd_vel', 'geometry_msgs/msg/Twist', COMMAND_QOS, None, ('web',),
                       ('body',), 'head velocity from teleop (angular.z pan, angular.y tilt, rad/s)')
TELEOP_EXPRESSION = Topic('teleop/expression', _S, COMMAND_QOS, p.ExpressionName, ('web',),
                          ('body',), 'an expression from teleop')
CAMERA_IMAGE = Topic('camera/image', 'sensor_msgs/msg/Image', CAMERA_QOS, None, ('camera',), (),
                     'the processed frame (only with publish_image: images stay in the node by default)')
CAMERA_INFO = Topic('camera/camera_info', 'sensor_msgs/msg/CameraInfo', CAMERA_QOS, None, ('camera',), (),
                    'the processed frame\'s size and focal length')
CAMERA_FACES = Topic('camera/faces', _S, SENSOR_QOS, p.Faces, ('camera',), ('web',),
                     'face boxes and track ids, and why the head looks where it does')
CAMERA_ACTIVE = Topic('camera/active', 'std_msgs/msg/Bool', STATE_QOS, None, ('camera',), ('body', 'web'),
                      'whether the camera is on (the light shows it)')
CAMERA_ENABLE = Topic('camera/enable', 'std_msgs/msg/Bool', COMMAND_QOS, None, ('web',), ('camera',),
                      'the camera-off switch (teleop, the app)')
DIAGNOSTICS = Topic('/diagnostics', 'diagnostic_msgs/msg/DiagnosticArray', COMMAND_QOS, None,
                    ('every node',), ('microphone',), 'each node\'s health, 1 Hz')

TOPICS = tuple(v for v in list(globals().values()) if isinstance(v, Topic))

LECTURE_MODE = Service('dialogue/lecture_mode', 'std_srvs/srv/Trigger', 'dialogue',
                       'switch to lecture mode')
QA_MODE = Service('dialogue/qa_mode', 'std_srvs/srv/Trigger', 'dialogue', 'switch to question time')
SLEEP_MODE = Service('dialogue/sleep_mode', 'std_srvs/srv/Trigger', 'dialogue', 'go to sleep')
MODE_SERVICES = {'lecture': LECTURE_MODE, 'qa': QA_MODE, 'sleep': SLEEP_MODE}
TTS_STOP_SERVICE = Service('tts/stop', 'std_srvs/srv/Trigger', 'tts', 'stop speaking now')
ESTOP_SERVICE = Service('body/estop', 'std_srvs/srv/Trigger', 'body', 'latch the emergency stop')
RELEASE_SERVICE = Service('body/release', 'std_srvs/srv/Trigger', 'body',
                          'release the emergency stop')
LECTURE_START = Service('lecture/start', 'std_srvs/srv/Trigger', 'asr', 'start a new lecture')
LECTURE_END = Service('lecture/end', 'std_srvs/srv/Trigger', 'asr', 'end the current lecture')

SERVICES = tuple(v for v in list(globals().values()) if isinstance(v, Service))
