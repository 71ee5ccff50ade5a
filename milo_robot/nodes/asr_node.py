# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""ASR node: transcribes the segments the VAD finds, and is the one writer of the lecture record.

Frames go into a ring buffer on the audio's own clock as they arrive; a worker thread cuts each
segment out of it when the VAD's events say where it is, and runs the engine. The lecture record
is written through `lectures.recorder.LectureRecorder`: segments, lecture starts and ends, and
what other nodes send on /record/roles, /record/questions and /lecture/command.
"""

import os
import queue
import threading
import time

from milo_robot.audio.format import SAMPLE_RATE
from milo_robot.graph import STOP_TIMEOUT_S, resolve_path
from milo_robot.hearing.asr import (
    DEFAULT_TERM_FIX,
    DEFAULT_VOCABULARY_LANGUAGES,
    DEFAULT_VOCABULARY_MODE,
    VOCABULARY_MODES,
)
from milo_robot.hearing.engines import make_recognizer
from milo_robot.hearing.pipeline import SegmentTranscriber
from milo_robot.hearing.segmenter import SpeechEvent
from milo_robot.hearing.vad import FRAME_SAMPLES
from milo_robot.hearing.vocabulary import DEFAULT_BUDGET_TOKENS, course_vocabulary
from milo_robot.interfaces import diagnostics as d
from milo_robot.interfaces import topics as t
from milo_robot.interfaces.payloads import Transcript
from milo_robot.lectures.lifecycle import Timetable, TimetableError
from milo_robot.lectures.recorder import LectureRecorder, RecorderSettings
from milo_robot.models import ModelError
from milo_robot.nodes.base import MiloNode, run
from milo_robot.parameters import ParameterError, ParamSpec, comma_list
from milo_robot.record.lecture_record import RecordError, format_clock

PARAMETERS = (
    ParamSpec('engine', 'whisper', 'Recognition engine: whisper (segments, French and English) or '
              'vosk (streaming partials)', choices=('whisper', 'vosk')),
    ParamSpec('model', '', 'Catalogue name or folder under models/ ("" = whisper-base or vosk-ko)'),
    ParamSpec('language', '', 'Language code; "" lets whisper detect it among `languages`'),
    ParamSpec('languages', 'fr,en', 'Languages whisper may detect, comma-separated'),
    ParamSpec('threads', 0, 'CPU threads for whisper (0 = one on a board of 2 cores or fewer, '
              'else two: docs/hearing.md)', min=0, max=8),
    ParamSpec('beam_size', 5, 'whisper: beam search width (1 = greedy, fastest)', min=1, max=10),
    ParamSpec('vocabulary', DEFAULT_VOCABULARY_MODE, 'whisper: the current course\'s terms (its '
              'term list terms.txt, title, notes and earlier lectures; docs/hearing.md) given to the '
              'decoder as faster-whisper\'s hotwords, as an initial prompt of all of them or of the '
              'rare ones only (the teacher\'s, names, acronyms, units), of those then the notes\' '
              'sentences that use them (context_prompt), or off; gathered again when '
              'the lecture or its course changes', choices=VOCABULARY_MODES),
    ParamSpec('vocabulary_languages', ','.join(DEFAULT_VOCABULARY_LANGUAGES), 'whisper: the '
              'languages, comma-separated, whose segments (as detected) are decoded with the '
              '`vocabulary`; the others are decoded without it'),
    ParamSpec('term_fix', DEFAULT_TERM_FIX, 'whisper: after decoding, replace heard words that '
              'sound like a rare term of the course vocabulary ("the ferret": "the farad") by the '
              'term (docs/hearing.md); the vocabulary is gathered for it even when `vocabulary` is off'),
    ParamSpec('vocabulary_tokens', DEFAULT_BUDGET_TOKENS, 'whisper: most tokens the course\'s '
              'vocabulary may take (the model takes at most 223 of prompt; each costs decoding time)',
              min=10, max=200),
    ParamSpec('notes_dir', 'data/notes', 'Course notes (a folder per course): where the vocabulary '
              'is read; a relative path is relative to the repository'),
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
    ParamSpec('join_gap_ms', 300, 'A segment that starts this soon after one that looks cut mid-'
              'sentence (no end mark, or at most 3 s long; never a question) is heard again with '
              'it, as one sentence that replaces it in the record (ms; 0 = never): a teacher\'s '
              'pause longer than the VAD\'s hangover must not leave fragments heard without each '
              'other', min=0, max=2000),
    ParamSpec('max_backlog_s', 300.0, 'Audio kept for recognition (s, 32 kB a second): how far '
              'recognition may fall behind the class without losing a word; audio older than this '
              'when its segment\'s turn comes is lost, and reported (dropped_frames)',
              min=5.0, max=600.0),
    ParamSpec('decode_nice', 1, 'CPU priority (nice) of the recognition worker and its engine '
              'threads: frames are received at the process\'s own priority, ahead of decoding; '
              'decoding itself stays ahead of the brain\'s model (nice 2)', min=0, max=19),
)

_STOP = object()
MAX_EVENTS_WAITING = 1000  # VAD events waiting for the worker (a few per sentence)
# What the worker gets to transcribe what it still has when the node stops: inside the time
# `milo up` gives a node to close (graph.STOP_TIMEOUT_S).
CLOSE_S = STOP_TIMEOUT_S - 1.0


class AsrNode(MiloNode):
    """Receive frames into a ring and VAD events into a queue; a worker runs the engine."""

    PARAMETERS = PARAMETERS

    def __init__(self, **options):
        """Open the record, subscribe, and load the engine in the worker thread."""
        super().__init__('asr', **options)
        p = self.params
        try:
            timetable = Timetable.load(resolve_path(p.timetable))
        except TimetableError as exc:
            raise ParameterError(str(exc)) from exc
        self._partial = self.publisher(t.ASR_PARTIAL)
        self._final = self.publisher(t.ASR_FINAL)
        self._current = self.publisher(t.LECTURE_CURRENT)
        self._jobs = queue.Queue(maxsize=MAX_EVENTS_WAITING)
        self._stopping = False
        self._streaming = threading.Event()  # the engine hears audio as it comes (Vosk)
        self._audio_waiting = threading.Event()  # an 'audio' job is queued: one is enough
        self._events_waiting = 0  # VAD events queued or being handled (work_waiting)
        self._waiting_lock = threading.Lock()
        self.ready = False  # until the engine is loaded
        self.health.set(d.FRAMES_LOST, 0)
        self.health.set(d.DROPPED_FRAMES, 0)
        self._dropped = 0
        self.health.set(d.WORK_WAITING, 0)
        # The (course, lecture) whose vocabulary the engine should have; the worker gathers it.
        self._vocabulary_wanted = None
        self._vocabulary_built = None
        # The ring is filled here, by the executor, whatever the worker is doing.
        self.transcriber = SegmentTranscriber(None, keep_s=p.max_backlog_s, peek_max_s=p.peek_max_s,
                                              join_gap_s=p.join_gap_ms / 1000)
        self.recorder = LectureRecorder(
            resolve_path(p.database),
            RecorderSettings(p.lecture, end_after_silence_s=p.end_after_silence_s,
                             auto_start=p.auto_start, timetable=timetable, course=p.course,
                             retention_days=p.retention_days, speaker_role=p.speaker_role),
            health=self.health, log=self._log,
            on_change=self._on_lecture)
        self.transcriber.clock = self.recorder.lecture_clock
        self.subscribe(t.AUDIO_FRAMES, self._on_frame)
        self.subscribe(t.VAD_EVENTS, self._on_event)
        self.subscribe(t.RECORD_ROLES, self.recorder.set_role)
        self.subscribe(t.RECORD_QUESTIONS, self.recorder.log_question)
        self.subscribe(t.LECTURE_COMMAND, self._on_command)
        self.serve(t.LECTURE_START, self._service(lambda: self.recorder.start('service')))
        self.serve(t.LECTURE_END, self._service(lambda: self.recorder.end('service')))
        self.create_timer(5.0, self.recorder.tick)
        self.recorder.apply_retention()
        self.create_timer(3600.0, self.recorder.apply_retention)
        self._worker = self.start_worker('asr', self._work)

    def _on_lecture(self, state) -> None:
        self._current.publish(state.to_msg())
        # No lecture open: the course the timetable places now, found when the worker gathers it.
        self._vocabulary_wanted = (state.course, state.lecture_id) if state.state == 'open' else (None, None)

    def _refresh_vocabulary(self, engine) -> None:
        """When the lecture changed: give the engine the current course's vocabulary, forget its language."""
        p = self.params
        wanted = self._vocabulary_wanted
        if p.engine != 'whisper' or wanted == self._vocabulary_built:
            return
        self._vocabulary_built = wanted
        engine.forget_lecture()  # a new lecture may be in the other language
        if p.vocabulary == 'off' and not p.term_fix:
            return
        course, lecture_id = wanted
        course = self.recorder.course_now() if course is None else course
        try:
            engine.vocabulary = course_vocabulary(
                course, resolve_path(p.notes_dir), resolve_path(p.database), lecture_id,
                p.vocabulary_tokens, engine.count_tokens)
        except (OSError, ValueError, RecordError) as exc:
            self.health.error(f'course vocabulary: {exc}')
            self.get_logger().warning(f'no course vocabulary for {course or "(no course)"}: {exc}')
            return
        counts = {language: len(engine.vocabulary.words(language)) for language in ('en', 'fr')}
        self.health.set(d.VOCABULARY_TERMS, sum(counts.values()))
        self.get_logger().info(f'course vocabulary of {course or "(no course)"}: {counts["en"]} terms '
                               f'in English, {counts["fr"]} in French ({p.vocabulary}, term fix '
                               f'{"on" if p.term_fix else "off"})')

    def _log(self, level: str, message: str, throttle_s: float = 0.0) -> None:
        log = getattr(self.get_logger(), level)
        log(message, throttle_duration_sec=throttle_s) if throttle_s else log(message)

    # --- commands --------------------------------------------------------------------------------

    def _on_command(self, command) -> None:
        outcome = self.recorder.command(command.action, command.course, command.title,
                                        command.origin or 'command')
        if outcome == 'no lecture is open' and command.action not in ('start', 'end'):
            self.reject(t.LECTURE_COMMAND.name, f'{command.action}: no lecture is open')

    def _service(self, action):
        def serve(_request, response):
            response.message = action()
            response.success = not response.message.startswith(('cannot', 'no '))
            return response
        return serve

    # --- hearing ---------------------------------------------------------------------------------

    def _on_frame(self, frame) -> None:
        self.health.count(d.FRAMES)
        arrival = self.transcriber.ring.add(frame.samples, frame.index)
        if arrival.gap:
            lost = self.transcriber.ring.continuity.frames_lost
            self.health.set(d.FRAMES_LOST, lost)
            self.health.error(f'{lost} audio frames lost so far: the missing time is silence in '
                              'the segments')
        if self._streaming.is_set() and not self._audio_waiting.is_set():
            self._audio_waiting.set()  # a streaming engine hears the audio as it comes
            self._queue(('audio', None))

    def _on_event(self, event) -> None:
        if event.event == 'barge_in':
            return  # a stop signal for the TTS; the segment itself starts later
        if event.event == 'start':
            self.recorder.speech(event.start)
        with self._waiting_lock:
            self._events_waiting += 1
        if not self._queue(('event', SpeechEvent(event.event, event.start, event.end))):
            self._handled()

    def _queue(self, job) -> bool:
        try:
            self._jobs.put_nowait(job)
            return True
        except queue.Full:  # the worker is stuck: the watchdog restarts the node
            self.health.error(f'{MAX_EVENTS_WAITING} VAD events wait for recognition: one dropped')
            return False

    def _handled(self) -> None:
        with self._waiting_lock:
            self._events_waiting -= 1

    def _load_engine(self):
        p = self.params
        while not self._stopping:
            try:
                engine = make_recognizer(p.engine, p.model, p.language,
                                         comma_list(p.languages),
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
        # Without an engine, segments cannot be transcribed: drop their events rather than pile them up.
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.beat('asr')
            try:
                job = self._jobs.get(timeout=0.5)
            except queue.Empty:
                continue
            if job is _STOP:
                self._stopping = True
                return
            if job[0] == 'event':
                self._handled()

    def _work(self) -> None:
        # Decoding gives way to receiving: this thread, and the engine threads it starts, run at
        # a lower priority than the executor that takes the frames in (Linux: nice per thread).
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(),
                       max(os.getpriority(os.PRIO_PROCESS, 0), self.params.decode_nice))
        engine = self._load_engine()
        if engine is None:
            return
        p = self.params
        if p.engine == 'whisper':
            engine.vocabulary_mode, engine.term_fix = p.vocabulary, p.term_fix
            engine.vocabulary_languages = comma_list(p.vocabulary_languages)
            # After `ready`, so a respawn is not slower to report; a first segment waits for it.
            engine.reserve()
        self.transcriber.engine = engine
        if engine.streaming:
            self._streaming.set()
        while True:
            try:
                job = self._jobs.get(timeout=1.0)
            except queue.Empty:
                job = None
            self.beat('asr')
            self._refresh_vocabulary(engine)
            if job is None:
                continue
            began = time.perf_counter()
            if job is _STOP:  # the node stops: what was being said is saved, not lost
                for transcript in self.transcriber.flush():
                    self._emit(transcript, time.perf_counter() - began)
                return
            kind, item = job
            if kind == 'audio':
                self._audio_waiting.clear()
            out = self.transcriber.stream() if kind == 'audio' else \
                self.transcriber.push_event(item, behind=self._events_waiting > 1)
            pause = kind == 'event' and item.kind == 'pause'
            for transcript in out:
                self._emit(transcript, time.perf_counter() - began, pause)
            if kind == 'event':
                self._handled()
            self._report_dropped()

    def _report_dropped(self) -> None:
        dropped = self.transcriber.dropped_samples // FRAME_SAMPLES
        if dropped != self._dropped:
            self._dropped = dropped
            self.health.set(d.DROPPED_FRAMES, dropped)
            lost_s = self.transcriber.dropped_samples / SAMPLE_RATE
            self.health.error(f'recognition fell over {self.params.max_backlog_s:.0f} s behind: '
                              f'{lost_s:.1f} s of speech lost so far')
            self.get_logger().warning(f'recognition fell over {self.params.max_backlog_s:.0f} s behind '
                                      f'the class: {lost_s:.1f} s of speech lost so far',
                                      throttle_duration_sec=10.0)

    def _publish(self, publisher, payload) -> None:
        try:
            publisher.publish(payload.to_msg())
        except Exception:  # noqa: BLE001 - stopping: ROS is shut down, the record still takes it
            if not self._stopping:
                raise

    def _emit(self, transcript, compute_s: float, at_pause: bool = False) -> None:
        if not transcript.final:
            lecture = self.recorder.lecture
            started_at = lecture[1] if lecture else time.time() - transcript.end
            self._publish(self._partial, Transcript(
                transcript.text[:4000], transcript.language, transcript.start, transcript.end,
                transcript.confidence, False, transcript.engine, self.params.speaker_role,
                round(started_at + transcript.end, 3), round(min(compute_s, 3600.0), 4),
                lecture[0] if lecture else None, at_pause=at_pause))
            return
        segment_id, lecture = self.recorder.save(transcript)
        started_at = lecture[1] if lecture else time.time() - transcript.end
        self._publish(self._final, Transcript(
            transcript.text[:4000], transcript.language, transcript.start, transcript.end,
            transcript.confidence, True, transcript.engine, self.params.speaker_role,
            round(started_at + transcript.end, 3), round(min(compute_s, 3600.0), 4),
            lecture[0] if lecture else None, segment_id))
        self.health.count('segments')
        self.health.activity()
        if self._stopping:
            return  # the logger is gone with ROS; the record has the segment
        # No transcript text in the logs above debug level: the record is the place for it.
        self.get_logger().info(f'segment at {format_clock(transcript.start)} ({transcript.language}, '
                               f'{len(transcript.text.split())} words, confidence '
                               f'{transcript.confidence:.2f})')
        self.get_logger().debug(transcript.text)

    def summary(self) -> str:
        """Report the lecture being recorded."""
        self.health.set(d.WORK_WAITING, self._events_waiting)
        self.health.set('peeks_skipped', self.transcriber.peeks_skipped)
        lecture = self.recorder.lecture
        return f'recording lecture {lecture[0]}' if lecture else 'no lecture open'

    def close(self) -> None:
        """Let the worker save the open segment, then close the record."""
        self._stopping = True
        try:
            self._jobs.put(_STOP, timeout=1.0)
        except queue.Full:
            pass
        self._worker.join(timeout=CLOSE_S)
        self.recorder.close()


NODE = AsrNode  # what milo_robot.graph starts, alone or in a group


def main(args=None):
    """Run the ASR node."""
    raise SystemExit(run(AsrNode, args))


if __name__ == '__main__':
    main()
