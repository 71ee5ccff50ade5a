# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""What the app's routes call, whatever serves it: text questions and lecture control.

Two sets of backends implement these: `local` (`milo app`: the brain code in this process and the
record file) and `ros_bridge` (the web node: the brain and the lecture lifecycle over ROS topics).
Routes only see the classes here. The robot itself is a `milo_robot.teleop.client.TeleopClient`
in the web node, and None under `milo app`, which has no robot to drive.
"""

import itertools
import secrets
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterator, Optional

from milo_robot.interfaces.payloads import QuestionEntry
from milo_robot.record.lecture_record import Lecture, LectureRecord, RecordError

# Request ids must not repeat across restarts (the record keys its question log on them).
_PROCESS_TAG = secrets.token_hex(4)
_COUNTER = itertools.count(1)


def new_request_id() -> str:
    """Return a request id unique across app restarts, e.g. 'app-3f2a9c1d-7'."""
    return f'app-{_PROCESS_TAG}-{next(_COUNTER)}'


@dataclass(frozen=True)
class AskEvent:
    """One step of a streamed answer: waiting, a sentence, or the final event with the sources."""

    kind: str  # 'waiting' (Milo is busy in class), 'sentence', 'final' or 'error'
    text: str = ''
    sources: tuple = ()
    declined: bool = False
    request_id: str = ''

    def to_dict(self) -> dict:
        """Return JSON-ready data."""
        return dict(asdict(self), sources=list(self.sources))


def latest_lecture_of(record: LectureRecord, course: str) -> Optional[Lecture]:
    """Return the course's latest lecture, or None."""
    lectures = [lecture for lecture in record.lectures() if lecture.course == course]
    return lectures[-1] if lectures else None


class AskBackend:
    """Answers a text question about a course, streamed, and logs it in the question log.

    Subclasses implement `_answer` (the events) and `_log` (where the log entry goes).
    """

    def __init__(self, record_path):
        """Read the record at `record_path` to file each question under its course's latest lecture."""
        self.record_path = Path(record_path)

    def ask(self, course: str, question: str, language: str = '',
            cancel: Optional[threading.Event] = None) -> Iterator[AskEvent]:
        """Yield the answer's events; the question is logged when the answer ends or is dropped."""
        cancel = cancel or threading.Event()
        request_id = new_request_id()
        asked_at, began = time.time(), time.monotonic()
        sentences, final, latency = [], None, None
        try:
            try:
                for event in self._answer(request_id, course, question, language, cancel):
                    event = AskEvent(event.kind, event.text, event.sources, event.declined, request_id)
                    if event.kind == 'sentence':
                        latency = latency if latency is not None else time.monotonic() - began
                        sentences.append(event.text)
                    elif event.kind == 'final':
                        final = event
                    yield event
            except (RuntimeError, ValueError, OSError) as exc:  # no model, no brain, a prompt too long
                yield AskEvent('error', str(exc)[:300], request_id=request_id)
        finally:
            try:
                self._log(self._entry(request_id, course, question, language, asked_at, sentences, final,
                                      latency, cancel.is_set()))
            except RecordError:  # the answer was given; only its log entry is lost
                pass

    def _entry(self, request_id, course, question, language, asked_at, sentences, final, latency,
               cancelled) -> QuestionEntry:
        if final is None:
            outcome = 'interrupted' if cancelled and sentences else 'failed'
        else:
            outcome = 'declined' if final.declined else 'answered'
        with LectureRecord(self.record_path, read_only=True) as record:
            lecture = latest_lecture_of(record, course)
        answer = ' '.join(sentences)
        return QuestionEntry(
            request_id, lecture.id if lecture else None, asked_at, question, question,
            language if language in ('en', 'fr') else '', self.mode(), outcome, answer[:4000],
            answer[:4000] if outcome != 'failed' else '', tuple(final.sources[:64]) if final else (),
            None if latency is None else round(min(latency, 3600.0), 3), 'text')

    def mode(self) -> str:
        """Return the dialogue mode logged with a text question (question time without a robot)."""
        return 'qa'

    def _answer(self, request_id: str, course: str, question: str, language: str,
                cancel: threading.Event) -> Iterator[AskEvent]:
        raise NotImplementedError

    def _log(self, entry: QuestionEntry) -> None:
        raise NotImplementedError

    def notes_changed(self) -> None:
        """Answer from the new course notes from the next question on (the folder changed)."""


class LectureControl:
    """Starts and ends lectures, titles and files them, and forgets them."""

    # A page waits this long for readers before saying the erasure is not complete (a retry
    # completes it): a request should not hang for long.
    erase_wait_s = 10.0

    def __init__(self, record_path):
        """Edit the record at `record_path`."""
        self.record_path = Path(record_path)

    def current(self) -> Optional[Lecture]:
        """Return the lecture being recorded, or None."""
        with LectureRecord(self.record_path, read_only=True) as record:
            return record.open_lecture()

    def start(self, course: str, title: str) -> None:
        """Start a lecture (ending the current one)."""
        raise NotImplementedError

    def end(self) -> None:
        """End the current lecture (ValueError when none is going on)."""
        raise NotImplementedError

    def set_title(self, lecture_id: int, title: str) -> None:
        """Title a lecture (ValueError: no such lecture, or an empty title)."""
        with LectureRecord(self.record_path) as record:
            record.set_title(lecture_id, title)

    def set_course(self, lecture_id: int, course: str) -> None:
        """File a lecture under a course (ValueError: no such lecture)."""
        with LectureRecord(self.record_path) as record:
            record.set_course(lecture_id, course)

    def forget(self, lecture_id: int) -> dict:
        """Erase a lecture with its transcript, questions, summary and notes packs; return counts.

        ValueError for the lecture being recorded: it must end first, or its next words would
        have no lecture to go to. ErasureIncomplete when a reader keeps the words on disk (the
        message names it; the same call later completes it).
        """
        with LectureRecord(self.record_path) as record:
            current = record.open_lecture()
            if current is not None and current.id == lecture_id:
                raise ValueError('this lecture is being recorded: end it first')
            return record.forget(lecture_id, wait_s=self.erase_wait_s)

    def forget_questions_without_lecture(self) -> int:
        """Erase the questions asked outside any lecture; return how many (ErasureIncomplete)."""
        with LectureRecord(self.record_path) as record:
            return record.forget_questions_without_lecture(wait_s=self.erase_wait_s)

    def finish_erasures(self) -> list:
        """Complete the erasures a reader kept from finishing on disk; return what they erased."""
        with LectureRecord(self.record_path) as record:
            return record.finish_erasures(wait_s=self.erase_wait_s)


@dataclass
class AppServices:
    """Everything the app's routes use, given by `milo app` or the web node."""

    record_path: Path
    notes_dir: Path
    ask: AskBackend
    lectures: LectureControl
    robot: Optional[object] = None  # a TeleopClient in the graph; None: no robot to drive
    camera: Optional[object] = None  # the camera's state and switch (ros_bridge.RosCamera), if any
    secure: bool = False  # served over TLS: cookies are sent over HTTPS only
    embedder: Optional[Callable[[], object]] = None  # returns an E5 embedder (or None) to group questions
    on_notes_changed: Optional[Callable[[], None]] = None  # e.g. the web node asks the brain to re-index

    def notes_changed(self) -> None:
        """Tell the answering side that the course notes changed."""
        self.ask.notes_changed()
        if self.on_notes_changed is not None:
            self.on_notes_changed()
