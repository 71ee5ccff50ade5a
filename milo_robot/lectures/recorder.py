# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The lecture record's writer: lectures start and end, segments, roles, questions, retention.

One class writes lectures, segments and the question log, so the record has one writer's code:
the asr node uses it in the robot's graph, and `milo app` (the app without a robot) uses it for
the lectures a teacher starts and ends there. It carries out the rules of `lectures.lifecycle`
(when a lecture starts and ends, its course and announced title) in the record.

Nothing heard is lost when the record fails: a write that cannot be made (a full disk, a lock)
is kept in memory, in order, and made once the record works again (`waiting_writes`).
No ROS here: the caller gives the clock, a log function and a `Health` to report on, and is told
when the lecture changes (`on_change`, with the `LectureState` to publish).
"""

import datetime
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Optional, Tuple

from milo_robot.diagnostics import Health
from milo_robot.interfaces.payloads import LectureState
from milo_robot.lectures.lifecycle import LectureLifecycle, LifecycleSettings, Timetable
from milo_robot.record.lecture_record import ErasureIncomplete, LectureRecord, RecordError

RESUME_WITHIN_S = 4 * 3600.0  # a restarted writer continues an open lecture this recent
# Retention waits this long for a reader to finish; past it, the erasure completes at the next check.
RETENTION_WAIT_S = 5.0


def _python_log(level: str, message: str, throttle_s: float = 0.0) -> None:
    getattr(logging.getLogger('milo.recorder'), level)(message)


@dataclass(frozen=True)
class RecorderSettings:
    """How lectures are kept: the asr node's parameters, or `milo app`'s defaults."""

    lecture: str = 'resume'  # at start: resume the open lecture, or start a 'new' one at once
    resume_within_s: float = RESUME_WITHIN_S
    end_after_silence_s: float = 1200.0
    auto_start: bool = True  # speech when no lecture is open starts one
    timetable: Timetable = field(default_factory=Timetable)
    course: str = ''  # the course of lectures the timetable does not place
    retention_days: float = 0.0  # 0 = keep everything
    speaker_role: str = 'teacher'  # recorded with each segment


class LectureRecorder:
    """Keep the lecture record: the open lecture, its segments, and the writes that wait."""

    def __init__(self, path, settings: RecorderSettings = RecorderSettings(),
                 clock: Callable[[], float] = time.time, health: Optional[Health] = None,
                 log: Callable[..., None] = _python_log,
                 on_change: Callable[[LectureState], None] = lambda state: None):
        """Open the record at `path` (or keep trying, writes waiting) and resume or start a lecture.

        `log(level, message, throttle_s)` takes 'info', 'warning' or 'error'.
        """
        self.path, self.settings, self.clock = path, settings, clock
        self.health = health or Health()
        self.log, self.on_change = log, on_change
        self.lifecycle = LectureLifecycle(
            LifecycleSettings(settings.end_after_silence_s, settings.auto_start), clock)
        self._lock = threading.RLock()  # the lecture and the backlog: writes come from any thread
        self._backlog = []  # (what, action, args): record writes not done yet, kept in order
        self._record: Optional[LectureRecord] = None
        self.lecture: Optional[Tuple[int, float]] = None  # (id, started_at) of the open lecture
        self._last_segment = None  # (lecture id, start, segment id) of the last segment written
        self._open_record()
        self._start_or_resume()

    # --- the record ------------------------------------------------------------------------------

    def _open_record(self) -> bool:
        try:
            self._record = LectureRecord(self.path)
            return True
        except RecordError as exc:
            self._record = None
            self.health.error(str(exc))
            self.log('error', f'{exc}; what is heard is kept in memory until it works', 30.0)
            return False

    @property
    def waiting_writes(self) -> int:
        """Return how many writes wait for the record to work again."""
        return len(self._backlog)

    def write(self, what: str, action, *args):
        """Run a record write, after any that wait; while the record fails, keep it for later.

        Return the write's result, or None when it waits in the backlog.
        """
        with self._lock:
            self._backlog.append((what, action, args))
            result = None
            while self._backlog and (self._record is not None or self._open_record()):
                name, first, first_args = self._backlog[0]
                try:
                    value = first(*first_args)
                except RecordError as exc:
                    self.health.error(f'{exc} ({len(self._backlog)} writes waiting)')
                    self.log('error', f'cannot {name}: {exc}; {len(self._backlog)} writes kept in '
                             'memory', 10.0)
                    break
                except ValueError as exc:  # not recordable (e.g. an empty text): skip it, say so
                    self.health.error(f'cannot {name}: {exc}')
                    value = None
                self._backlog.pop(0)
                if first is action and first_args is args:
                    result = value
            self.health.set('waiting_writes', len(self._backlog))
            return result

    def set_role(self, change) -> None:
        """Record the speaker role of segments (a `RoleChange`)."""
        self.write('set a role', lambda: self._record.set_role(change.segment_ids, change.role))

    def log_question(self, entry) -> None:
        """Add a `QuestionEntry` to the question log."""
        def log():
            self._record.log_question(entry)
            self.health.count('questions_logged')
        self.write('log a question', log)

    # --- lectures --------------------------------------------------------------------------------

    def _start_or_resume(self) -> None:
        try:
            lecture = self._record.open_lecture() if self._record else None
        except RecordError as exc:
            self.health.error(str(exc))
            lecture = None
        if self.settings.lecture == 'new':
            if lecture is not None:  # left open by an earlier run: it ended with its last words
                self.write('end an old lecture', lambda: self._record.end_lecture(
                    lecture.id, max([s.wall_end or 0.0 for s in self._record.segments(lecture.id)]
                                    + [lecture.started_at])))
            self.start('start')
            return
        if lecture is not None and 0 <= self.clock() - lecture.started_at < self.settings.resume_within_s:
            self.lecture = (lecture.id, lecture.started_at)
            self.lifecycle.opened(lecture.started_at, lecture.title_source != 'default')
            self.log('info', f'resuming lecture {lecture.id}')
        self._changed()

    def course_now(self) -> str:
        """Return the course the timetable places now, else the default course."""
        return self.settings.timetable.course_at(datetime.datetime.now()) or self.settings.course

    def start(self, why: str, course: str = '', title: str = '', at: float = 0.0) -> str:
        """Start a lecture now, or at `at` (the stamp of the speech that starts it, if recent).

        An open lecture ends first. Return what happened, in words.
        """
        with self._lock:
            if self.lecture is not None:
                self.end(f'{why}: a new lecture starts')
            now = self.clock()
            # The lecture clock starts with the first words, so their segment starts at 0, not before.
            now = at if 0 <= now - at < 60 else now
            lecture_id = self.write('start a lecture', lambda: self._record.start_lecture(
                title, now=now, course=course or self.course_now()))
            if lecture_id is None:
                return 'cannot start a lecture: the record cannot be written'
            self.lecture = (lecture_id, now)
            self.lifecycle.opened(now, bool(title))
        self.log('info', f'lecture {lecture_id} started ({why})')
        self.health.count('lectures_started')
        self._changed()
        return f'lecture {lecture_id} started'

    def end(self, why: str) -> str:
        """End the open lecture; return what happened, in words ('no lecture is open')."""
        with self._lock:
            if self.lecture is None:
                return 'no lecture is open'
            lecture_id, self.lecture = self.lecture[0], None
            self.lifecycle.closed()
            now = self.clock()
            self.write('end a lecture', lambda: self._record.end_lecture(lecture_id, now))
        self.log('info', f'lecture {lecture_id} ended ({why})')
        self._changed(lecture_id)
        return f'lecture {lecture_id} ended'

    def command(self, action: str, course: str = '', title: str = '', why: str = 'command') -> str:
        """Carry out a lecture command (start, end, set_course, set_title); return what happened.

        Setting the course or title with no lecture open returns 'no lecture is open'.
        """
        if action == 'start':
            return self.start(why, course, title)
        if action == 'end':
            return self.end(why)
        if self.lecture is None:
            return 'no lecture is open'
        lecture_id = self.lecture[0]
        if action == 'set_course':
            self.write('set a course', lambda: self._record.set_course(lecture_id, course))
        else:
            self.write('set a title', lambda: self._record.set_title(lecture_id, title))
        self._changed()
        return f'lecture {lecture_id}: {action[4:]} set'

    def speech(self, at: float) -> None:
        """Note speech starting at `at` (wall time): it starts a lecture when none is open."""
        if self.lifecycle.speech():
            self.start('speech after silence', at=at)

    def tick(self) -> None:
        """End the open lecture when it has been silent long enough (call every few seconds)."""
        if self.lifecycle.silence_ends_it():
            self.end(f'{self.settings.end_after_silence_s:.0f} s without speech')

    def apply_retention(self) -> None:
        """Erase the ended lectures older than the retention period, if one is set."""
        days = self.settings.retention_days
        if days <= 0:
            return
        erased = self.write('apply the retention period', self._retain, days) or []
        if erased:
            self.log('info', f'retention: erased {len(erased)} lecture(s) older than {days:g} days')
            self.health.count('lectures_erased', len(erased))

    def _retain(self, days: float) -> list:
        """Erase what is older than the retention period; return the lectures' ids.

        An erasure a reader keeps from finishing on disk is said, and finished at the next check:
        it must not stay in the write backlog, where it would hold up the segments.
        """
        try:
            return self._record.forget_older_than(days, wait_s=RETENTION_WAIT_S)
        except ErasureIncomplete as exc:
            self.health.error(f'retention: {exc}')
            self.log('error', f'retention: {exc} (retried at the next hourly check)')
            return exc.result or []

    def lecture_clock(self, stamp: float) -> float:
        """Map a stream time (wall seconds) to the open lecture's clock (s since it started)."""
        lecture = self.lecture
        return max(0.0, stamp - (lecture[1] if lecture else stamp))

    def state(self, lecture_id: Optional[int] = None) -> LectureState:
        """Return the open lecture (or `lecture_id`, just ended) as /lecture/current tells it."""
        lecture_id = self.lecture[0] if self.lecture else lecture_id
        lecture = None
        if lecture_id is not None and self._record is not None:
            try:
                lecture = self._record.lecture(lecture_id)
            except RecordError as exc:
                self.health.error(str(exc))
        if lecture is None:
            return LectureState('none')
        return LectureState('open' if lecture.ended_at is None else 'ended', lecture.id,
                            lecture.course, lecture.title, lecture.started_at, lecture.ended_at)

    def _changed(self, lecture_id: Optional[int] = None) -> None:
        state = self.state(lecture_id)
        self.health.set('lecture_id', state.lecture_id or 0)
        self.on_change(state)

    # --- segments --------------------------------------------------------------------------------

    def save(self, transcript) -> Tuple[Optional[int], Optional[Tuple[int, float]]]:
        """Record a final transcript (lecture clock times) in the open lecture.

        Return (its segment id, or None while it waits or when no lecture is open; the lecture
        it belongs to, as (id, started_at), or None). A title the teacher announces early in
        the lecture becomes its title.
        """
        with self._lock:
            lecture = self.lecture
            segment_id = self.write('save a segment', self._append, transcript, lecture)
        if lecture is not None:
            title = self.lifecycle.title_from(transcript.text, lecture[1] + transcript.end)
            if title:
                self.write('set the announced title',
                           lambda: self._record.set_title(lecture[0], title, 'announced'))
                self._changed()
        return segment_id, lecture

    def _append(self, transcript, lecture):
        if lecture is None:
            raise ValueError('no lecture is open (auto_start is off): start one by voice or command')
        started_at = lecture[1]
        last = self._last_segment
        if transcript.rejoins and last is not None and \
                last[:2] == (lecture[0], transcript.start):
            # The sentence a pause cut, heard again whole: it replaces the fragment it starts with.
            self._record.revise(last[2], transcript.end, transcript.text, transcript.confidence,
                                started_at + transcript.end)
            return last[2]
        segment_id = self._record.append(lecture[0], transcript.start, transcript.end, transcript.text,
                                   transcript.language, transcript.confidence,
                                   self.settings.speaker_role, transcript.engine,
                                   started_at + transcript.start, started_at + transcript.end)
        self._last_segment = (lecture[0], transcript.start, segment_id)
        return segment_id

    def close(self) -> None:
        """Close the record (the writes still waiting are lost with the process: say so)."""
        if self._backlog:
            self.log('error', f'{len(self._backlog)} record writes could not be made before closing')
        if self._record is not None:
            self._record.close()
            self._record = None
