# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Feed the lecture record into the evidence as the lecture goes on. No ROS here.

The asr node records every voice, students' included, and the dialogue marks the segments of a
question to Milo as a student's a moment after they are recorded. So the newest segment is read
again before it becomes evidence, and a question's own segments (their ids come with it) are
never evidence: Milo does not answer a question from the question itself.
"""

from milo_robot.record.lecture_record import LectureRecord, RecordError
from milo_robot.thinking.evidence import Evidence


class LectureFeed:
    """Segments of the record, read as they come, added to an Evidence index."""

    def __init__(self, database: str, evidence: Evidence):
        """Read the lecture record at `database` (read only) into `evidence`."""
        self.database, self.evidence = database, evidence
        self._pending = []  # segments read, not yet evidence (the newest may still be re-marked)
        self._last_id = 0  # the last segment read

    def read(self) -> bool:
        """Read new segments and the roles of the pending ones again; return whether any came."""
        first = self._pending[0].id - 1 if self._pending else self._last_id
        try:
            with LectureRecord(self.database, read_only=True) as record:
                segments = record.segments(since_id=first)
        except RecordError:
            return False  # no lecture recorded yet
        came = any(s.id > self._last_id for s in segments)
        self._pending = [s for s in segments if s.speaker_role != 'student']
        if segments:
            self._last_id = max(self._last_id, segments[-1].id)
        return came

    def lectures(self) -> set:
        """Return the lectures the evidence and the pending segments hold."""
        return {s.lecture_id for s in self.evidence.sentences if s.kind == 'lecture'} | \
            {s.lecture_id for s in self._pending}

    def forget_erased(self) -> set:
        """Forget the lectures erased from the record since (`milo forget`, the app, retention).

        Erased ids are never given again, so a lecture gone from the record is one to forget: its
        sentences would otherwise still be quoted until a restart. Return the lectures forgotten.
        """
        known = self.lectures()
        if not known:
            return set()
        try:
            with LectureRecord(self.database, read_only=True) as record:
                erased = known - {lecture.id for lecture in record.lectures()}
        except RecordError:
            return set()
        if erased:
            self.evidence.forget(erased)
            self._pending = [s for s in self._pending if s.lecture_id not in erased]
        return erased

    def index(self, flush: bool = False, exclude: tuple = ()) -> int:
        """Add the settled segments to the evidence; `flush` adds the newest too (before a question).

        `exclude`: segment ids never to add (the question's own). Return the sentences added.
        """
        left_out = set(exclude)
        pending = [s for s in self._pending if s.id not in left_out]
        ready = pending if flush else pending[:-1]
        self._pending = [] if flush else pending[-1:]
        added = self.evidence.add_segments(ready)
        return added + (self.evidence.flush() if flush else 0)
