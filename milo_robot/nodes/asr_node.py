# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""ASR node: transcribes the segments the VAD finds, and is the one writer of the lecture record.

It records each segment durably, decides when lectures start and end (lectures.lifecycle), and
writes what other nodes send it on /record/roles, /record/questions and /lecture/command.
"""

import datetime
import queue
import threading
import time

from milo_robot.graph import resolve_path
from milo_robot.hearing.engines import make_recognizer
from milo_robot.hearing.pipeline import SegmentTranscriber
from milo_robot.hearing.segmenter import SpeechEvent
from milo_robot.interfaces import topics as t
from milo_robot.interfaces.payloads import LectureState, Transcript
from milo_robot.lectures.lifecycle import LectureLifecycle, LifecycleSettings, Timetable, TimetableError
from milo_robot.models import ModelError
from milo_robot.nodes.base import MiloNode, run
from milo_robot.parameters import ParameterError, ParamSpec
from milo_robot.record.lecture_record import ErasureIncomplete, LectureRecord, RecordError, format_clock

PARAMETERS = (
    ParamSpec('engine', 'whisper', 'Recognition engine: whisper (segments, French and English) or '
              'vosk (streaming partials)', choices=('whisper', 'vosk')),
    ParamSpec('model', '', 'Catalogue name or folder under models/ ("" = whisper-base or vosk-ko)'),
    ParamSpec('language', '', 'Language code; "" lets whisper detect it among `languages`'),
    ParamSpec('languages', 'fr,en', 'Languages whisper may detect, comma-separated'),
    ParamSpec('threads', 2, 'CPU threads for whisper', min=1, max=8),
    ParamSpec('beam_size', 5, 'whisper: beam search width (1 = greedy, fastest)', min=1, max=10),
    ParamSpec('database', 'records/milo.db', 'The lecture record (SQLite); a relative path is '
              'relative to the repository'),
    ParamSpec('lecture', 'resume', 'At start: resume the lecture in progress (started under 4 h '
              'ago), else wait for speech or a command; or start a new one at once (at every start: '
              'a respawned node starts another)', choices=('resume', 'new')),
    ParamSpec('speaker_role', 'teacher', 'Role recorded with each segment; the dialogue marks '
              'students\' questions and remarks as student', choices=('teacher', 'student', 'unknown')),
    ParamSpec('retry_s', 10.0, 'Wait before retrying to load a model that failed (s); the record '
              'is retried with the next transcript', min=1.0, max=600.0),
    ParamSpec('end_after_silence_s', 1200.0, 'A lecture ends after this long without speech (s)',
              min=5.0, max=86400.0),
    ParamSpec('auto_start', True, 'Speech when no lecture is open starts a new one'),
    ParamSpec('timetable', '', 'A YAML list of {day, start, end, course}: the course of each '
              'lecture by its start time ("" = none; see config/timetable.example.yaml)'),
    ParamSpec('course', '', 'Course of lectures the timetable does not place'),
    ParamSpec('retention_days', 0.0, 'Erase ended lectures older than this, with their questions, '
              'summaries and notes packs, and the questions asked outside lectures (0 = keep '
              'everything)', min=0.0, max=3650.0),
    ParamSpec('peek_max_s', 8.0, 'On a pause, a segment this short or shorter is transcribed so far '
              '(/asr/partial), so that Milo can start on a question before its end is certain; '
              '0 = never', min=0.0, max=30.0),
    ParamSpec('max_backlog_s', 60.0, 'Audio waiting for recognition beyond this is dropped (and '
              'reported) rather than filling memory (s)', min=5.0, max=600.0),
)

_STOP = object()
# Retention waits this long for a reader to finish; past it, the erasure completes at the next check.
RETENTION_WAIT_S = 5.0
FRAMES_PER_S = 1000 / 32  # the microphone's default frame rate


class AsrNode(MiloNode):
    """Subscribe to frames and VAD events; a worker thread runs the engine; the record is written here."""

    PARAMETERS = PARAMETERS

    def __init__(self, **options):
        """Open the record, subscribe, and load the engine in the worker thread."""
        super().__init__('asr', **options)
        p = self.params
        try:
            self._timetable = Timetable.load(resolve_path(p.timetable))
        except TimetableError as exc:
            raise ParameterError(str(exc)) from exc
        self._partial = self.publisher(t.ASR_PARTIAL)
        self._final = self.publisher(t.ASR_FINAL)
        self._current = self.publisher(t.LECTURE_CURRENT)
        self._jobs = queue.Queue(maxsize=int(p.max_backlog_s * FRAMES_PER_S))
        self._stopping = False
        self.ready = False  # until the engine is loaded
        self._lock = threading.RLock()  # the lecture and the backlog, shared with the worker
        self._backlog = []  # record writes not done yet (database trouble): kept, retried in order
        self._record = None
        self._lecture = None  # (id, started_at) of the open lecture, if any
        self.lifecycle = LectureLifecycle(LifecycleSettings(p.end_after_silence_s, p.auto_start),
                                          time.time)
        self._open_record()
        self._start_or_resume()
        self.subscribe(t.AUDIO_FRAMES, self._on_frame)
        self.subscribe(t.VAD_EVENTS, self._on_event)
        self.subscribe(t.RECORD_ROLES, lambda c: self._write('set a role', self._set_role, c))
        self.subscribe(t.RECORD_QUESTIONS, lambda q: self._write('log a question', self._log, q))
        self.subscribe(t.LECTURE_COMMAND, self._on_command)
        self.serve(t.LECTURE_START, self._service(lambda: self._start_lecture('service')))
        self.serve(t.LECTURE_END, self._service(lambda: self._end_lecture('service')))
        self.create_timer(5.0, self._tick)
        self._apply_retention()
        self.create_timer(3600.0, self._apply_retention)
        self._worker = self.start_worker('asr', self._work)

    # --- the record ------------------------------------------------------------------------------

    def _open_record(self) -> bool:
        path = resolve_path(self.params.database)
        try:
            self._record = LectureRecord(path)
            return True
        except RecordError as exc:
            self._record = None
            self.health.error(str(exc))
            self.get_logger().error(f'{exc}; what is heard is kept in memory until it works',
                                    throttle_duration_sec=30.0)
            return False

    def _write(self, what: str, action, *args):
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
                    self.get_logger().error(f'cannot {name}: {exc}; {len(self._backlog)} writes kept '
                                            'in memory', throttle_duration_sec=10.0)
                    break
                except ValueError as exc:  # not recordable (e.g. an empty text): skip it, say so
                    self.health.error(f'cannot {name}: {exc}')
                    value = None
                self._backlog.pop(0)
                if first is action and first_args is args:
                    result = value
            self.health.set('waiting_writes', len(self._backlog))
            return result

    def _set_role(self, change) -> None:
        self._record.set_role(change.segment_ids, change.role)

    def _log(self, entry) -> None:
        self._record.log_question(entry)
        self.health.count('questions_logged')

    # --- lectures --------------------------------------------------------------------------------

    def _start_or_resume(self) -> None:
        try:
            lecture = self._record.open_lecture() if self._record else None
        except RecordError as exc:
            self.health.error(str(exc))
            lecture = None
        if self.params.lecture == 'new':
            if lecture is not None:  # left open by an earlier run: it ended with its last words
                self._write('end an old lecture', lambda: self._record.end_lecture(
                    lecture.id, max([s.wall_end or 0.0 for s in self._record.segments(lecture.id)]
                                    + [lecture.started_at])))
            self._start_lecture('start')
            return
        if lecture is not None and 0 <= time.time() - lecture.started_at < 4 * 3600:
            self._lecture = (lecture.id, lecture.started_at)
            self.lifecycle.opened(lecture.started_at, lecture.title_source != 'default')
            self.get_logger().info(f'resuming lecture {lecture.id}')
        self._publish_lecture()

    def _course_now(self) -> str:
        return self._timetable.course_at(datetime.datetime.now()) or self.params.course

    def _start_lecture(self, why: str, course: str = '', title: str = '', at: float = 0.0) -> str:
        """Start a lecture now, or at `at` (the stamp of the speech that starts it, if recent)."""
        with self._lock:
            if self._lecture is not None:
                self._end_lecture(f'{why}: a new lecture starts')
            now = time.time()
            # The lecture clock starts with the first words, so their segment starts at 0, not before.
            now = at if 0 <= now - at < 60 else now
            lecture_id = self._write('start a lecture', lambda: self._record.start_lecture(
                title, now=now, course=course or self._course_now()))
            if lecture_id is None:
                return 'cannot start a lecture: the record cannot be written'
            self._lecture = (lecture_id, now)
            self.lifecycle.opened(now, bool(title))
        self.get_logger().info(f'lecture {lecture_id} started ({why})')
        self.health.count('lectures_started')
        self._publish_lecture()
        return f'lecture {lecture_id} started'

    def _end_lecture(self, why: str) -> str:
        with self._lock:
            if self._lecture is None:
                return 'no lecture is open'
            lecture_id, self._lecture = self._lecture[0], None
            self.lifecycle.closed()
            now = time.time()
            self._write('end a lecture', lambda: self._record.end_lecture(lecture_id, now))
        self.get_logger().info(f'lecture {lecture_id} ended ({why})')
        self._publish_lecture(lecture_id)
        return f'lecture {lecture_id} ended'

    def _publish_lecture(self, lecture_id=None) -> None:
        """Publish the open lecture (or `lecture_id`, just ended) on /lecture/current."""
        lecture_id = self._lecture[0] if self._lecture else lecture_id
        lecture = None
        if lecture_id is not None and self._record is not None:
            try:
                lecture = self._record.lecture(lecture_id)
            except RecordError as exc:
                self.health.error(str(exc))
        if lecture is None:
            state = LectureState('none')
        else:
            state = LectureState('open' if lecture.ended_at is None else 'ended', lecture.id,
                                 lecture.course, lecture.title, lecture.started_at, lecture.ended_at)
        self._current.publish(state.to_msg())
        self.health.set('lecture_id', lecture_id or 0)

    def _on_command(self, command) -> None:
        why = command.origin or 'command'
        if command.action == 'start':
            self._start_lecture(why, command.course, command.title)
        elif command.action == 'end':
            self._end_lecture(why)
        elif self._lecture is None:
            self.reject(t.LECTURE_COMMAND.name, f'{command.action}: no lecture is open')
        else:
            lecture_id = self._lecture[0]
            if command.action == 'set_course':
                self._write('set a course', lambda: self._record.set_course(lecture_id, command.course))
            else:
                self._write('set a title', lambda: self._record.set_title(lecture_id, command.title))
            self._publish_lecture()

    def _service(self, action):
        def serve(_request, response):
            response.message = action()
            response.success = not response.message.startswith(('cannot', 'no '))
            return response
        return serve

    def _tick(self) -> None:
        if self.lifecycle.silence_ends_it():
            self._end_lecture(f'{self.params.end_after_silence_s:.0f} s without speech')

    def _apply_retention(self) -> None:
        days = self.params.retention_days
        if days <= 0:
            return
        erased = self._write('apply the retention period', self._retain, days) or []
        if erased:
            self.get_logger().info(f'retention: erased {len(erased)} lecture(s) older than {days:g} days')
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
            self.get_logger().error(f'retention: {exc} (retried at the next hourly check)')
            return exc.result or []

    # --- hearing ---------------------------------------------------------------------------------

    def _on_frame(self, frame) -> None:
        self._queue(('frame', frame.samples, frame.stamp))

    def _on_event(self, event) -> None:
        if event.event == 'barge_in':
            return  # a stop signal for the TTS; the segment itself starts later
        if event.event == 'start' and self.lifecycle.speech():
            self._start_lecture('speech after silence', at=event.start)
        self._queue(('event', SpeechEvent(event.event, event.start, event.end), None))

    def _queue(self, job) -> None:
        try:
            self._jobs.put_nowait(job)
        except queue.Full:  # recognition is far behind: drop the newest audio, and say so
            self.health.error(f'recognition backlog over {self.params.max_backlog_s:.0f} s: audio dropped')
            self.health.count('dropped_frames')

    def _load_engine(self):
        p = self.params
        while not self._stopping:
            try:
                engine = make_recognizer(p.engine, p.model, p.language,
                                         tuple(x.strip() for x in p.languages.split(',') if x.strip()),
                                         p.threads, p.beam_size)
                self.health.clear_fault()
                self.health.set('model', f'{p.engine}:{p.model or "default"}')
                self.get_logger().info(f'{p.engine} ready')
                self.ready = True
                return engine
            except (ModelError, ValueError) as exc:
                self.health.fault(f'no recognition: {exc}')
                self.get_logger().error(f'{exc}; retrying in {p.retry_s} s')
                self._drain(p.retry_s)
        return None

    def _drain(self, seconds: float) -> None:
        # Without an engine, audio cannot be transcribed: drop it rather than pile it up.
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.beat('asr')
            try:
                if self._jobs.get(timeout=0.5) is _STOP:
                    self._stopping = True
                    return
            except queue.Empty:
                continue

    def _lecture_clock(self, stamp: float) -> float:
        started_at = self._lecture[1] if self._lecture else stamp
        return max(0.0, stamp - started_at)

    def _work(self) -> None:
        engine = self._load_engine()
        if engine is None:
            return
        transcriber = SegmentTranscriber(engine, clock=self._lecture_clock,
                                         peek_max_s=self.params.peek_max_s)
        while True:
            try:
                job = self._jobs.get(timeout=1.0)
            except queue.Empty:
                self.beat('asr')
                continue
            self.beat('asr')
            began = time.perf_counter()
            if job is _STOP:  # the node stops: what was being said is saved, not lost
                for transcript in transcriber.flush():
                    self._emit(transcript, time.perf_counter() - began)
                return
            kind, item, stamp = job
            out = transcriber.push_frame(item, stamp) if kind == 'frame' else \
                transcriber.push_event(item)
            pause = kind == 'event' and item.kind == 'pause'
            for transcript in out:
                self._emit(transcript, time.perf_counter() - began, pause)

    def _emit(self, transcript, compute_s: float, at_pause: bool = False) -> None:
        if not transcript.final:
            lecture = self._lecture
            started_at = lecture[1] if lecture else time.time() - transcript.end
            self._partial.publish(Transcript(
                transcript.text[:4000], transcript.language, transcript.start, transcript.end,
                transcript.confidence, False, transcript.engine, self.params.speaker_role,
                round(started_at + transcript.end, 3), round(min(compute_s, 3600.0), 4),
                lecture[0] if lecture else None, at_pause=at_pause).to_msg())
            return
        with self._lock:
            lecture = self._lecture
            segment_id = self._write('save a segment', self._save, transcript, lecture)
        started_at = lecture[1] if lecture else time.time() - transcript.end
        wall_end = started_at + transcript.end
        self._final.publish(Transcript(
            transcript.text[:4000], transcript.language, transcript.start, transcript.end,
            transcript.confidence, True, transcript.engine, self.params.speaker_role,
            round(wall_end, 3), round(min(compute_s, 3600.0), 4), lecture[0] if lecture else None,
            segment_id).to_msg())
        self.health.count('segments')
        self.health.activity()
        # No transcript text in the logs above debug level: the record is the place for it.
        self.get_logger().info(f'segment at {format_clock(transcript.start)} ({transcript.language}, '
                               f'{len(transcript.text.split())} words, confidence '
                               f'{transcript.confidence:.2f})')
        self.get_logger().debug(transcript.text)
        title = self.lifecycle.title_from(transcript.text, wall_end) if lecture else None
        if title:
            self._write('set the announced title',
                        lambda: self._record.set_title(lecture[0], title, 'announced'))
            self._publish_lecture()

    def _save(self, transcript, lecture):
        if lecture is None:
            raise ValueError('no lecture is open (auto_start is off): start one by voice or command')
        started_at = lecture[1]
        return self._record.append(lecture[0], transcript.start, transcript.end, transcript.text,
                                   transcript.language, transcript.confidence,
                                   self.params.speaker_role, transcript.engine,
                                   started_at + transcript.start, started_at + transcript.end)

    def summary(self) -> str:
        """Report the lecture being recorded."""
        return f'recording lecture {self._lecture[0]}' if self._lecture else 'no lecture open'

    def close(self) -> None:
        """Let the worker save the open segment, then close the record."""
        self._stopping = True
        try:
            self._jobs.put(_STOP, timeout=1.0)
        except queue.Full:
            pass
        self._worker.join(timeout=8.0)
        if self._record is not None:
            self._record.close()


NODE = AsrNode  # what milo_robot.graph starts, alone or in a group


def main(args=None):
    """Run the ASR node."""
    raise SystemExit(run(AsrNode, args))


if __name__ == '__main__':
    main()
