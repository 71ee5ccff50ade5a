# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""ASR node: transcribes the segments the VAD finds, publishes the text, records it durably."""

import json
import queue
import threading
import time

from rclpy.qos import QoSProfile
from sensor_msgs.msg import Image
from std_msgs.msg import String

from milo_robot.graph import resolve_path
from milo_robot.hearing.engines import make_recognizer
from milo_robot.hearing.lecture_record import LectureRecord, RecordError, format_clock
from milo_robot.hearing.pipeline import SegmentTranscriber
from milo_robot.hearing.segmenter import SpeechEvent
from milo_robot.models import ModelError
from milo_robot.nodes.audio_msgs import AUDIO_QOS, AUDIO_TOPIC, AudioFrameError, msg_to_frame, stamp_seconds
from milo_robot.nodes.base import MiloNode, run
from milo_robot.nodes.vad_node import EVENTS_QOS
from milo_robot.parameters import ParamSpec

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
    ParamSpec('lecture', 'resume', 'resume the lecture in progress (started under 4 h ago) or '
              'start a new one', choices=('resume', 'new')),
    ParamSpec('speaker_role', 'unknown', 'Role recorded with each segment',
              choices=('teacher', 'student', 'unknown')),
    ParamSpec('retry_s', 10.0, 'Wait before retrying to load a model that failed (s); the record '
              'is retried with the next transcript',
              min=1.0, max=600.0),
)

_STOP = object()


class AsrNode(MiloNode):
    """Subscribe to frames and VAD events; a worker thread runs the engine and the record."""

    PARAMETERS = PARAMETERS

    def __init__(self):
        """Open the record, subscribe, and load the engine in the worker thread."""
        super().__init__('asr')
        self._partial = self.create_publisher(String, '/asr/partial', QoSProfile(depth=10))
        self._final = self.create_publisher(String, '/asr/final', EVENTS_QOS)
        self._jobs = queue.Queue()
        self._stopping = False
        self.ready = False  # until the engine is loaded
        self._unsaved = []  # finals not yet in the record (database trouble): kept, retried
        self._record, self._lecture = None, None
        self._open_record()
        self.create_subscription(Image, AUDIO_TOPIC, self._on_frame, AUDIO_QOS)
        self.create_subscription(String, '/vad/events', self._on_event, EVENTS_QOS)
        self._worker = threading.Thread(target=self._work, name='asr', daemon=True)
        self._worker.start()

    def _open_record(self) -> None:
        path = resolve_path(self.params.database)
        try:
            self._record = LectureRecord(path)
            if self._lecture is None and self.params.lecture == 'new':
                lecture = self._record.lecture(self._record.start_lecture())
                self._lecture = (lecture.id, lecture.started_at)
            elif self._lecture is None:
                self._lecture = self._record.resume_or_start()
            self.health.set('lecture_id', self._lecture[0])
            self.get_logger().info(f'recording lecture {self._lecture[0]} in {path}')
        except RecordError as exc:
            self._record = None
            self.health.error(str(exc))
            self.get_logger().error(f'{exc}; transcripts are kept in memory until it works')

    def _on_frame(self, msg: Image) -> None:
        try:
            self._jobs.put(('frame', msg_to_frame(msg), stamp_seconds(msg)))
        except AudioFrameError as exc:
            self.health.error(str(exc))
            self.get_logger().warning(f'dropped: {exc}', throttle_duration_sec=5.0)

    def _on_event(self, msg: String) -> None:
        try:
            data = json.loads(msg.data)
            if isinstance(data, dict) and data.get('event') == 'barge_in':
                return  # a stop signal for the TTS; the segment itself starts later
            event = SpeechEvent(data['event'], float(data['start']),
                                float(data['end']) if data['event'] == 'end' else None)
            if event.kind not in ('start', 'end'):
                raise ValueError(f"unknown event '{event.kind}'")
        except (ValueError, KeyError, TypeError) as exc:
            self.health.error(f'bad /vad/events message {msg.data[:80]!r}: {exc}')
            self.get_logger().warning(f'bad /vad/events message: {exc}', throttle_duration_sec=5.0)
            return
        self._jobs.put(('event', event, None))

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
        try:
            while self._jobs.get(timeout=seconds) is not _STOP:
                seconds = 0.01
        except queue.Empty:
            return
        self._stopping = True

    def _work(self) -> None:
        engine = self._load_engine()
        if engine is None:
            return
        started_at = self._lecture[1] if self._lecture else 0.0
        transcriber = SegmentTranscriber(engine, clock=lambda t: max(0.0, t - started_at))
        while (job := self._jobs.get()) is not _STOP:
            kind, item, t = job
            began = time.perf_counter()
            out = transcriber.push_frame(item, t) if kind == 'frame' else \
                transcriber.push_event(item)
            for transcript in out:
                self._emit(transcript, started_at, time.perf_counter() - began)

    def _emit(self, transcript, started_at: float, compute_s: float) -> None:
        payload = json.loads(transcript.to_json())
        if not transcript.final:
            self._partial.publish(String(data=json.dumps(payload, ensure_ascii=False)))
            return
        payload.update(speaker_role=self.params.speaker_role,
                       wall_end=round(started_at + transcript.end, 3),
                       compute_s=round(compute_s, 4),
                       lecture_id=self._lecture[0] if self._lecture else None,
                       segment_id=self._save(transcript, started_at))
        self._final.publish(String(data=json.dumps(payload, ensure_ascii=False)))
        self.health.count('segments')
        self.health.activity()
        self.get_logger().info(f'[{format_clock(transcript.start)}] ({transcript.language} '
                               f'{transcript.confidence:.2f}) {transcript.text}')

    def _save(self, transcript, started_at: float):
        """Append to the record, with any earlier finals that could not be saved; return its id."""
        self._unsaved.append(transcript)
        if self._record is None:
            self._open_record()
        segment_id = None
        while self._record is not None and self._unsaved:
            t = self._unsaved[0]
            try:
                saved = self._record.append(
                    self._lecture[0], t.start, t.end, t.text, t.language, t.confidence,
                    self.params.speaker_role, t.engine, started_at + t.start, started_at + t.end)
                segment_id = saved if t is transcript else segment_id
            except RecordError as exc:
                self.health.error(f'{exc} ({len(self._unsaved)} segments waiting)')
                self.get_logger().error(f'{exc}; {len(self._unsaved)} segments kept in memory')
                break
            except ValueError as exc:  # not recordable (e.g. empty after stripping): skip it
                self.health.error(str(exc))
            self._unsaved.pop(0)
        self.health.set('unsaved_segments', len(self._unsaved))
        return segment_id

    def summary(self) -> str:
        """Report the lecture being recorded."""
        return f'recording lecture {self._lecture[0]}' if self._lecture else 'not recording'

    def close(self) -> None:
        """Stop the worker, then close the record."""
        self._stopping = True
        self._jobs.put(_STOP)
        self._worker.join(timeout=10.0)
        if self._record is not None:
            self._record.close()


def main(args=None):
    """Run the ASR node."""
    raise SystemExit(run(AsrNode, args))


if __name__ == '__main__':
    main()
