# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Every structured payload of Milo's topics, with the vocabularies they use.

Each class says what its topic carries, field by field, and checks it: nodes build these objects
and read them with `from_msg`, so no node parses or writes a payload by hand.
"""

from dataclasses import dataclass
from typing import Optional

from milo_robot.interfaces.fields import (
    MAX_ID,
    MAX_LECTURE_S,
    MAX_WALL_S,
    Choice,
    Flag,
    Ident,
    Integer,
    ListOf,
    Maybe,
    Number,
    PayloadError,
    Text,
    field,
)
from milo_robot.interfaces.payload import Payload

ROBOT_STATES = ('idle', 'listening', 'thinking', 'speaking', 'sleep')
MODES = ('lecture', 'qa', 'sleep')
ROLES = ('teacher', 'student', 'unknown')
# The head's expressions: one per robot state, then those the club triggers from teleop.
EXPRESSION_NAMES = ROBOT_STATES + ('happy', 'surprised', 'confused')
VAD_EVENTS = ('start', 'end', 'pause', 'barge_in')
# What a sentence given to the voice is: part of an answer, the "Hmm." while Milo thinks, a mode
# announcement, an apology when an answer cannot come, or text sent directly (teleop, tools).
SPEECH_KINDS = ('answer', 'ack', 'announce', 'apology', 'direct')
OUTCOMES = ('answered', 'declined', 'interrupted', 'failed')
ORIGINS = ('voice', 'text')  # a question heard in class, or typed in the app
# How an answer was made: the teacher's (or the notes') own words, a computation with a formula the
# class stated, or the language model's words checked against the evidence; '' for Milo's own lines.
ANSWER_KINDS = ('', 'quote', 'compute', 'model')
LECTURE_ACTIONS = ('start', 'end', 'set_course', 'set_title')
LECTURE_STATES = ('open', 'ended', 'none')

MAX_ROW_ID = 2**53  # SQLite ids, kept exact in JSON
_language = Text(8)
_row_id = Integer(1, MAX_ROW_ID)
_wall = Number(0.0, MAX_WALL_S)
_lecture_time = Number(0.0, MAX_LECTURE_S)
_seconds = Number(0.0, 3600.0)


def _language_field(doc='language code, e.g. `en`, `fr`; "" when unknown', required=False):
    return field(_language, doc=doc) if required else field(_language, '', doc)


@dataclass(frozen=True)
class VadEvent(Payload):
    """`/vad/events`: speech started, speech ended, or a voice over Milo (barge-in)."""

    event: str = field(Choice(VAD_EVENTS), doc='what happened (pause: the voice stopped, maybe the end)')
    start: float = field(_wall, doc='stamp of the segment start (s, on the microphone clock)')
    end: Optional[float] = field(Maybe(_wall), None, 'stamp of the end (or of the pause)')
    barge_in: bool = field(Flag(), False, 'the voice started while Milo was speaking')

    def check(self):
        """Require an end or pause event to have an end, not before its start."""
        if self.event in ('end', 'pause') and (self.end is None or self.end < self.start):
            raise PayloadError(f'VadEvent: a {self.event} event needs end >= start')


@dataclass(frozen=True)
class Transcript(Payload):
    """`/asr/partial` and `/asr/final`: recognised text of a segment, timed on the lecture clock."""

    text: str = field(Text(), doc='what was said')
    language: str = _language_field(required=True)
    start: float = field(_lecture_time, doc='lecture clock (s since the lecture started)')
    end: float = field(_lecture_time, doc='lecture clock')
    confidence: float = field(Number(0.0, 1.0), doc='0..1')
    final: bool = field(Flag(), doc='false on /asr/partial')
    engine: str = field(Ident(), '', 'whisper or vosk')
    speaker_role: str = field(Choice(ROLES), 'unknown', 'finals: role recorded with the segment')
    wall_end: Optional[float] = field(Maybe(_wall), None, 'finals: wall time of the end (unix s)')
    compute_s: Optional[float] = field(Maybe(_seconds), None, 'finals: recognition compute time')
    lecture_id: Optional[int] = field(Maybe(_row_id), None, 'finals: the lecture it belongs to')
    segment_id: Optional[int] = field(Maybe(_row_id), None,
                                      'finals: its id in the lecture record (null if not saved yet)')
    at_pause: bool = field(Flag(), False, 'partials: the words so far, at a pause of the voice '
                           '(they may be the whole turn)')


@dataclass(frozen=True)
class Question(Payload):
    """`/brain/question`: a question for the brain, in voice or from the app."""

    request_id: str = field(Ident(nonempty=True), doc='unique across restarts')
    text: str = field(Text(2000, nonempty=True), doc='the question, follow-up context included')
    language: str = _language_field('language of the question ("" = detect)')
    segment_ids: tuple = field(ListOf(_row_id), (), 'record segments holding the question itself')
    origin: str = field(Choice(ORIGINS), 'voice', 'voice questions go before text ones and interrupt a '
                        'text answer, which goes on after them')
    speculative: bool = field(Flag(), False, 'asked on a pause, before the final transcript: the '
                              'answer is held until the transcript confirms the question')
    course: str = field(Text(200), '', 'answer from this course ("" = the current lecture\'s)')


@dataclass(frozen=True)
class Cancel(Payload):
    """`/brain/cancel`: stop answering a question (or drop it from the queue)."""

    request_id: str = field(Ident(), doc='"" cancels whatever is being answered')


@dataclass(frozen=True)
class AnswerPart(Payload):
    """`/brain/answer`: one sentence of an answer, then a final part with the sources."""

    request_id: str = field(Ident(nonempty=True), doc='the question answered')
    index: int = field(Integer(0, 10_000), doc='sentence number, from 0')
    text: str = field(Text(), doc='the sentence ("" on the final part, usually)')
    final: bool = field(Flag(), False, 'the answer is complete')
    declined: bool = field(Flag(), False, 'final: not answered from the sources')
    sources: tuple = field(ListOf(Text(300)), (), 'final: where the answer comes from')
    elapsed_s: float = field(_seconds, 0.0, 'compute time since the brain took the question')
    quoted: bool = field(Flag(), False, 'the sentence is the teacher\'s (or the notes\') own words')
    kind: str = field(Choice(ANSWER_KINDS), '', 'how the answer is made: quote, compute, model')
    links: tuple = field(ListOf(Text(300)), (), 'final: a link into the transcript for each source '
                         '("" for the notes)')


@dataclass(frozen=True)
class SayRequest(Payload):
    """`/tts/say`: text to speak. Plain text (not JSON) is accepted too, as `kind: direct`."""

    text: str = field(Text(nonempty=True), doc='what to say')
    language: str = _language_field('its language ("" = the tts node\'s default)')
    request_id: str = field(Ident(), '', 'reported back on /tts/started and /tts/spoken')
    kind: str = field(Choice(SPEECH_KINDS), 'direct', 'why it is said')
    part: int = field(Integer(0, 10_000), 0, 'sentence number within an answer')

    @classmethod
    def from_json(cls, text):
        """Accept a JSON object, or any other text as the sentence itself."""
        if isinstance(text, str) and not text.lstrip().startswith('{'):
            return cls(text=text)
        return super().from_json(text)


@dataclass(frozen=True)
class SpeechStarted(Payload):
    """`/tts/started`: the first sound of a request reached the speaker."""

    request_id: str = field(Ident(), doc='as in the SayRequest')
    kind: str = field(Choice(SPEECH_KINDS), doc='as in the SayRequest')
    part: int = field(Integer(0, 10_000), doc='as in the SayRequest')
    time: float = field(_wall, doc='wall time of the first sound (unix s)')
    since_request_s: float = field(_seconds, 0.0, 'from the text arriving to its first sound')


@dataclass(frozen=True)
class SpeechSpoken(Payload):
    """`/tts/spoken`: what was heard of a request, once it ended or was cut short."""

    request_id: str = field(Ident(), doc='as in the SayRequest')
    kind: str = field(Choice(SPEECH_KINDS), doc='as in the SayRequest')
    part: int = field(Integer(0, 10_000), doc='as in the SayRequest')
    text: str = field(Text(), '', 'the words played before any interruption')
    interrupted: bool = field(Flag(), False, 'stopped before the end')


@dataclass(frozen=True)
class RobotState(Payload):
    """`/robot/state`: what Milo is doing, as one bare word."""

    WIRE = 'text'
    state: str = field(Choice(ROBOT_STATES), doc='the state')


@dataclass(frozen=True)
class Mode(Payload):
    """`/dialogue/mode` and `/dialogue/set_mode`: the dialogue's mode, as one bare word."""

    WIRE = 'text'
    mode: str = field(Choice(MODES), doc='the mode')


@dataclass(frozen=True)
class ExpressionName(Payload):
    """`/teleop/expression`: an expression the club shows on the head, as one bare word."""

    WIRE = 'text'
    name: str = field(Choice(EXPRESSION_NAMES), doc='the expression')


@dataclass(frozen=True)
class RoleChange(Payload):
    """`/record/roles`: segments the dialogue knows to be a student's (or the teacher's)."""

    segment_ids: tuple = field(ListOf(_row_id), doc='record segment ids')
    role: str = field(Choice(ROLES), doc='their speaker role')


@dataclass(frozen=True)
class QuestionEntry(Payload):
    """`/record/questions`: a question Milo took and what became of it; a row of the question log."""

    request_id: str = field(Ident(nonempty=True), doc='unique: a repeated entry is stored once')
    lecture_id: Optional[int] = field(Maybe(_row_id), doc='the lecture it was asked in')
    asked_at: float = field(_wall, doc='wall time the student stopped speaking (unix s)')
    heard: str = field(Text(), doc='as transcribed')
    question: str = field(Text(), doc='as answered (name removed, follow-up context added)')
    language: str = _language_field(required=True)
    mode: str = field(Choice(MODES), doc='the dialogue mode when asked')
    outcome: str = field(Choice(OUTCOMES), doc='what became of it')
    answer: str = field(Text(), '', 'what Milo meant to say')
    spoken: str = field(Text(), '', 'what was heard before any interruption')
    sources: tuple = field(ListOf(Text(300)), (), 'the answer\'s sources')
    latency_s: Optional[float] = field(Maybe(_seconds), None, 'end of question to first sound')
    origin: str = field(Choice(ORIGINS), 'voice', 'heard in class or typed in the app')


@dataclass(frozen=True)
class LectureCommand(Payload):
    """`/lecture/command`: start or end the lecture, or set its course or title."""

    action: str = field(Choice(LECTURE_ACTIONS), doc='what to do')
    course: str = field(Text(200), '', 'start, set_course: the course')
    title: str = field(Text(200), '', 'start, set_title: the title')
    language: str = _language_field('start: the language announced, if any')
    origin: str = field(Text(MAX_ID), '', 'who asked (voice, teleop, app, service), for the log')


@dataclass(frozen=True)
class LectureState(Payload):
    """`/lecture/current`: the lecture being recorded (transient local: late joiners get it)."""

    state: str = field(Choice(LECTURE_STATES), doc='open, ended, or none yet')
    lecture_id: Optional[int] = field(Maybe(_row_id), None, 'its id in the record')
    course: str = field(Text(200), '', 'its course')
    title: str = field(Text(200), '', 'its title')
    started_at: Optional[float] = field(Maybe(_wall), None, 'wall time (unix s)')
    ended_at: Optional[float] = field(Maybe(_wall), None, 'wall time (unix s)')


@dataclass(frozen=True)
class Faces(Payload):
    """`/camera/faces`: where faces are in the processed frame (boxes only: no image, nobody named)."""

    stamp: float = field(_wall, doc='when the frame was taken (unix s)')
    width: int = field(Integer(1, 4096), doc='processed frame width (px)')
    height: int = field(Integer(1, 4096), doc='processed frame height (px)')
    ids: tuple = field(ListOf(Integer(0, 2**31)), (), 'track ids, stable across frames')
    boxes: tuple = field(ListOf(ListOf(Number(0.0, 4096.0), 4)), (), 'x, y, w, h of each face (px)')
    mouth: tuple = field(ListOf(Number(0.0, 1000.0)), (), 'mouth motion of each face (a speaking cue)')
    gaze: str = field(Text(40), '', 'why the head looks where it does (teacher, scan, addressee...)')

    def check(self):
        """Require one box and one mouth value per id."""
        if not len(self.ids) == len(self.boxes) == len(self.mouth):
            raise PayloadError('Faces: ids, boxes and mouth must have the same length')
        if any(len(box) != 4 for box in self.boxes):
            raise PayloadError('Faces: each box is x, y, w, h')
