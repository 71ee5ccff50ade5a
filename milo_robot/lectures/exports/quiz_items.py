# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The lecture's quiz as the exports write it: names, the text around the blank, accepted answers."""

import re
from dataclasses import dataclass
from typing import List, Tuple

from milo_robot.lectures.notes_pack import NotesPack
from milo_robot.lectures.quiz import BLANK, build_quiz
from milo_robot.record.lecture_record import format_clock

EXPORT_LENGTH = 10  # questions in an exported quiz, at most: a teacher picks from them
TEACHER_SAID = {'en': 'The teacher said: “{key}” ({clock}).',
                'fr': 'Le professeur a dit : « {key} » ({clock}).'}
_NUMBER_FIRST = re.compile(r'^(\d+(?:[.,]\d+)?)\s+\S')


@dataclass(frozen=True)
class QuizItem:
    """One question of an exported quiz."""

    name: str  # "03 · 01:20": its number and the lecture time of its key
    before: str  # the key point up to the blank, spaces kept
    after: str  # and after it
    answers: Tuple[str, ...]  # accepted answers: as said, and the number alone for "10 volts"
    feedback: str  # the teacher's sentence, with its time

    @property
    def prompt(self) -> str:
        """The key point with its blank."""
        return f'{self.before}{BLANK}{self.after}'


def accepted(answer: str) -> Tuple[str, ...]:
    """Return the answers a student may give: "10 volts" also as "10", "0,5" also as "0.5"."""
    found = [answer]
    number = _NUMBER_FIRST.match(answer)
    if number:
        found.append(number.group(1))
    for text in list(found):
        if re.fullmatch(r'\d+[.,]\d+', text):
            found.append(text.replace(',', '.') if ',' in text else text.replace('.', ','))
    return tuple(dict.fromkeys(found))


def quiz_items(pack: NotesPack, length: int = EXPORT_LENGTH) -> List[QuizItem]:
    """Return the lecture's quiz questions as export items (none without a summary)."""
    said = TEACHER_SAID[pack.language]
    items = []
    for n, question in enumerate(build_quiz(pack, length), 1):
        before, _, after = question.prompt.partition(BLANK)
        clock = format_clock(question.time_s)
        items.append(QuizItem(f'{n:02d} · {clock}', before, after, accepted(question.answer),
                              said.format(key=question.key, clock=clock)))
    return items
