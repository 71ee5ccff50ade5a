# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""A short revision quiz from a lecture's key points, with the teacher's own words as answer keys.

Each question is a key point with one fact blanked out: a number with its unit when it states one,
else its most specific term that the teacher also said. The answer key is the teacher's sentence
that supports the point, with its time in the transcript, so a student checks against what was
said in class, not against a model's words. No language model is needed.
"""

import re
from dataclasses import dataclass
from typing import List, Optional

from milo_robot.lectures.notes_pack import NotesPack, item_time
from milo_robot.lectures.vocabulary import UNIT_NAMES
from milo_robot.thinking.retrieval import STOPWORDS

BLANK = '_____'
QUIZ_LENGTH = 5
# A number, and the word after it, kept in the blank when it is a unit: '4.7 kΩ', '10 volts', '50 %'.
_NUMBER = re.compile(r'(?<![\w.,])\d+(?:[.,]\d+)?(?:\s?(?P<unit>%|[^\W\d_]+))?')
_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.U)


@dataclass(frozen=True)
class QuizQuestion:
    """A key point with a blank, what fills it, and the teacher's sentence with its time."""

    prompt: str
    answer: str
    key: str  # the teacher's own sentence
    time_s: float
    anchor: str  # the transcript line of `key`, in the lecture's notes pack


def _is_unit(word: Optional[str]) -> bool:
    if not word:
        return False
    singular = word.lower()[:-1] if word.lower().endswith('s') else word.lower()
    return word == '%' or singular in UNIT_NAMES or (len(word) <= 3 and word.lower() not in STOPWORDS)


def _blank(text: str, said: str) -> Optional[tuple]:
    """Return (prompt, answer): the first number of `text`, else its longest word the teacher said."""
    number = _NUMBER.search(text)
    if number:
        unit = number['unit']
        end = number.start('unit') if unit and not _is_unit(unit) else number.end()
        answer = text[number.start():end].rstrip()
        return text[:number.start()] + BLANK + text[number.start() + len(answer):], answer
    said_words = {w.lower() for w in _WORD.findall(said)}
    candidates = [m for m in _WORD.finditer(text)
                  if len(m.group(0)) >= 5 and m.group(0).lower() not in STOPWORDS and
                  m.group(0).lower() in said_words]
    if not candidates:
        return None
    best = max(candidates, key=lambda m: len(m.group(0)))
    return text[:best.start()] + BLANK + text[best.end():], best.group(0)


def build_quiz(pack: NotesPack, length: int = QUIZ_LENGTH) -> List[QuizQuestion]:
    """Return up to `length` questions from the key points (then definitions and formulas)."""
    if pack.summary is None:
        return []
    questions = []
    summary = pack.summary
    for item in summary.key_points + summary.definitions + summary.formulas:
        at = item_time(item)
        line = pack.line_at(at)
        if line is None:  # no time, or no transcript: nothing to check the answer against
            continue
        key = item.quote or line.text
        blanked = _blank(item.text, key)
        if blanked is None:
            continue
        questions.append(QuizQuestion(blanked[0], blanked[1], key, at, line.anchor))
        if len(questions) >= length:
            break
    return questions
