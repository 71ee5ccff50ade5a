# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""What Milo answers from: the lectures of one course and its notes, the same for voice and app."""

import os
from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class Scope:
    """The lectures of the current course and its notes.

    `lectures` None means every lecture; notes under `excluded_notes` (other courses' folders)
    are left out. Sentences of a lecture other than `current_lecture` are named by their date.
    """

    current_lecture: Optional[int] = None
    lectures: Optional[frozenset] = None
    excluded_notes: tuple = ()

    def allows(self, sentence) -> bool:
        """Whether an answer may use this sentence."""
        if sentence.kind == 'lecture':
            return self.lectures is None or sentence.lecture_id in self.lectures
        return not any(sentence.path.startswith(folder) for folder in self.excluded_notes)


def course_scope(record, notes_dir: str, course: str, current: Optional[int] = None) -> Scope:
    """Return the scope of a course in a lecture record (lecture_record.LectureRecord).

    Its lectures (and `current`, the lecture going on, if it belongs to it), the notes at the top
    of `notes_dir` and in the course's own subfolder, not those of other courses' subfolders.
    """
    lectures = [lecture.id for lecture in record.lectures() if lecture.course == course]
    if current is not None and current not in lectures:
        lectures.append(current)
    others = tuple(os.path.join(notes_dir, name) + os.sep for name in course_folders(notes_dir)
                   if name != course) if course and notes_dir else ()
    return Scope(current, frozenset(lectures), others)


def course_folders(notes_dir: str) -> list:
    """Return the notes folder's subfolders: one per course, by its name."""
    try:
        return sorted(entry.name for entry in os.scandir(notes_dir) if entry.is_dir())
    except OSError:
        return []
