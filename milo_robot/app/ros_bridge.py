# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The app's backends inside the graph: the brain and the lecture lifecycle over ROS topics.

The only module of the app that uses ROS; only the web node imports it. (The robot itself is
driven through `milo_robot.teleop.client.TeleopClient`, as `milo teleop` drives it.)
"""

import queue
import threading
import time
from typing import Iterator, Optional

from milo_robot.app.asker_line import AskerLine
from milo_robot.app.services import AskBackend, AskEvent, LectureControl
from milo_robot.interfaces import topics as t
from milo_robot.interfaces.payloads import Cancel, LectureCommand, Question, QuestionEntry
from milo_robot.record.lecture_record import Lecture, LectureRecord

# A text question waits while Milo answers in class; past this it is sent anyway, and the brain
# still queues it behind the voice questions.
MAX_WAIT_S = 120.0
# No news from the brain for this long: the question failed (the brain node is down or restarting).
ANSWER_TIMEOUT_S = 60.0
# A question published before DDS has matched the brain's subscription is lost without a word
# (discovery takes from 0.15 s to several seconds, more on a loaded board): it waits this long
# for the brain to be seen subscribed, then fails with that reason.
BRAIN_WAIT_S = 30.0
BUSY_STATES = ('thinking', 'speaking')  # 'listening' is most of a lecture: not a reason to wait


class RosAskBackend(AskBackend):
    """Sends text questions to the brain node, after the voice ones, and streams its answer back."""

    def __init__(self, node, record_path):
        """Create the publishers and subscriptions on a MiloNode."""
        super().__init__(record_path)
        self._node = node
        self._question = node.publisher(t.BRAIN_QUESTION)
        self._cancel = node.publisher(t.BRAIN_CANCEL)
        self._log_pub = node.publisher(t.RECORD_QUESTIONS)
        self._inboxes = {}  # request id -> queue of AnswerPart
        self._line = AskerLine()
        self._lock = threading.Lock()
        self._robot_state, self._speaking, self._mode = 'idle', False, 'qa'
        self._health = node.health
        node.subscribe(t.BRAIN_ANSWER, self._on_answer)
        node.subscribe(t.ROBOT_STATE, lambda s: self._follow(robot_state=s.state))
        node.subscribe(t.TTS_SPEAKING, lambda m: self._follow(speaking=bool(m.data)))
        node.subscribe(t.DIALOGUE_MODE, lambda m: setattr(self, '_mode', m.mode))

    def _follow(self, robot_state: str = '', speaking: Optional[bool] = None) -> None:
        self._robot_state = robot_state or self._robot_state
        self._speaking = self._speaking if speaking is None else speaking
        # In diagnostics: whether text questions wait for the class.
        self._health.set('class', 'busy' if self.busy_in_class() else 'free')

    def busy_in_class(self) -> bool:
        """Return whether Milo is answering or speaking in class right now."""
        return self._speaking or self._robot_state in BUSY_STATES

    def mode(self) -> str:
        """Return the dialogue's mode, logged with the question."""
        return self._mode

    def _on_answer(self, part) -> None:
        with self._lock:
            inbox = self._inboxes.get(part.request_id)
        if inbox is not None:  # another asker's answer (the dialogue's, or another app's) otherwise
            inbox.put(part)

    def brain_listens(self) -> bool:
        """Return whether this node's DDS participant sees the brain subscribed to questions."""
        topic = self._question.topic_name  # resolved: /room_a/brain/question in a namespace
        seen = any(info.node_name in t.BRAIN_QUESTION.subscribers
                   for info in self._node.get_subscriptions_info_by_topic(topic))
        self._health.set('brain', 'listening' if seen else 'not seen')
        return seen

    def _answer(self, request_id: str, course: str, question: str, language: str,
                cancel: threading.Event) -> Iterator[AskEvent]:
        # Other students' questions first (AskerLine), then the class's: the question is sent only
        # when the brain's desk has room for it, so it is never refused there for being one too many.
        ticket = self._line.join()
        try:
            said_waiting = False
            if not self._line.wait(ticket, 0):
                yield AskEvent('waiting')
                said_waiting = True
                while not self._line.wait(ticket, 0.2):
                    if cancel.is_set():
                        return
            yield from self._answer_in_turn(request_id, course, question, language, cancel, said_waiting)
        finally:
            self._line.leave(ticket)

    def _answer_in_turn(self, request_id: str, course: str, question: str, language: str,
                        cancel: threading.Event, said_waiting: bool) -> Iterator[AskEvent]:
        if self.busy_in_class():
            if not said_waiting:
                yield AskEvent('waiting')
            deadline = time.monotonic() + MAX_WAIT_S
            while self.busy_in_class() and time.monotonic() < deadline:
                if cancel.wait(0.2):
                    return
        deadline = time.monotonic() + BRAIN_WAIT_S
        while not self.brain_listens():
            if time.monotonic() > deadline:
                raise TimeoutError('the brain is not running (no brain node subscribed to questions)')
            if cancel.wait(0.2):
                return
        inbox = queue.Queue()
        with self._lock:
            self._inboxes[request_id] = inbox
        try:
            self._question.publish(Question(request_id, question[:2000], language, origin='text',
                                            course=course).to_msg())
            last_news = time.monotonic()
            while True:
                if cancel.is_set():
                    self._cancel.publish(Cancel(request_id).to_msg())
                    return
                try:
                    part = inbox.get(timeout=0.2)
                except queue.Empty:
                    if time.monotonic() - last_news > ANSWER_TIMEOUT_S:
                        raise TimeoutError('the brain did not answer') from None
                    continue
                last_news = time.monotonic()
                if part.text:
                    yield AskEvent('sentence', part.text)
                if part.final:
                    yield AskEvent('final', sources=tuple(part.sources), declined=part.declined)
                    return
        finally:
            with self._lock:
                self._inboxes.pop(request_id, None)

    def _log(self, entry: QuestionEntry) -> None:
        self._log_pub.publish(entry.to_msg())


class RosLectureControl(LectureControl):
    """Start and end go to the lecture lifecycle (the asr node); edits of past lectures to the record."""

    def __init__(self, node, record_path):
        """Publish lecture commands and follow the current lecture on a MiloNode."""
        super().__init__(record_path)
        self._command = node.publisher(t.LECTURE_COMMAND)
        self._current = None  # the latest LectureState
        node.subscribe(t.LECTURE_CURRENT, lambda state: setattr(self, '_current', state))

    def _open_id(self) -> Optional[int]:
        state = self._current
        return state.lecture_id if state is not None and state.state == 'open' else None

    def current(self) -> Optional[Lecture]:
        """Return the lecture being recorded, as the lifecycle announces it (else from the record)."""
        if self._current is None:
            return super().current()
        lecture_id = self._open_id()
        if lecture_id is None:
            return None
        with LectureRecord(self.record_path, read_only=True) as record:
            return record.lecture(lecture_id)

    def _send(self, action: str, **fields) -> None:
        self._command.publish(LectureCommand(action, origin='app', **fields).to_msg())

    def start(self, course: str, title: str) -> None:
        """Ask the lifecycle to start a lecture."""
        self._send('start', course=course, title=title)

    def end(self) -> None:
        """Ask the lifecycle to end the current lecture."""
        if self._current is not None and self._open_id() is None:
            raise ValueError('no lecture is going on')
        self._send('end')

    def set_title(self, lecture_id: int, title: str) -> None:
        """Title a lecture: the current one through the lifecycle, which announces it; others directly."""
        if lecture_id == self._open_id():
            if not title.strip():
                raise ValueError('a title needs some text')
            self._send('set_title', title=title)
        else:
            super().set_title(lecture_id, title)

    def set_course(self, lecture_id: int, course: str) -> None:
        """File a lecture under a course, like `set_title`."""
        if lecture_id == self._open_id():
            self._send('set_course', course=course)
        else:
            super().set_course(lecture_id, course)



class RosCamera:
    """The camera as the club sees it: on or off, the faces it sees, where the head looks; its switch."""

    def __init__(self, node):
        """Subscribe to the camera's state and faces on a MiloNode; publish its switch."""
        from std_msgs.msg import Bool

        self._bool = Bool
        self._enable = node.publisher(t.CAMERA_ENABLE)
        self._view = {'camera': '?', 'faces': 0, 'gaze': ''}
        node.subscribe(t.CAMERA_ACTIVE, lambda m: self._view.update(camera='on' if m.data else 'off'))
        node.subscribe(t.CAMERA_FACES, lambda f: self._view.update(faces=len(f.ids), gaze=f.gaze))

    def snapshot(self) -> dict:
        """Return the camera's latest state."""
        return dict(self._view)

    def switch(self, on: bool) -> None:
        """Turn the camera on or off (off: the device is released, nothing is processed)."""
        self._enable.publish(self._bool(data=bool(on)))


def reindex_publisher(node):
    """Return a function that asks the brain node to read the course notes again."""
    from std_msgs.msg import Empty

    publisher = node.publisher(t.BRAIN_REINDEX)
    return lambda: publisher.publish(Empty())
