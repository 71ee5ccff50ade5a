# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""A lecture's revision quiz in GIFT, the text format Moodle imports questions from.

Each question is a missing-word question: the key point with its blank as `{=answer}`, the
answers Moodle accepts, and as feedback the teacher's own sentence with its time (a blank that
opens the sentence makes a short-answer question: the sentence with `_____`, then the answers). GIFT's special
characters (~ = # { } :) and the backslash are escaped wherever the lecture's words go.
"""

import re
from typing import List

from milo_robot.lectures.exports.quiz_items import QuizItem

_SPECIAL = re.compile(r'([\\~=#{}:])')


def escape(text: str) -> str:
    """Return `text` on one line with GIFT's special characters escaped."""
    return _SPECIAL.sub(r'\\\1', ' '.join(str(text).split()))


def category_path(*parts: str) -> str:
    """Return a Moodle question-bank category path (its separator `/` kept out of the names)."""
    names = [' '.join(p.replace('/', '-').split()) for p in parts if p.strip()]
    return '/'.join(['$course$', 'Milo'] + names)


def to_gift(items: List[QuizItem], heading: str, category: str) -> str:
    """Write the quiz: a comment saying what it is, its category, then one question per item."""
    lines = [f'// {line}' for line in heading.splitlines()] + ['', f'$CATEGORY: {category}', '']
    for item in items:
        answers = ' '.join(f'={escape(answer)}#{escape(item.feedback)}' for answer in item.answers)
        if item.before.strip():
            # "smaller {=...}, you keep": the text after the blank keeps its own spacing.
            after = (' ' if item.after[:1].isspace() else '') + escape(item.after)
            lines += [f'::{escape(item.name)}::{escape(item.before)} {{{answers}}}{after}', '']
        else:  # a blank that opens the sentence: a short-answer question, its answers after it
            lines += [f'::{escape(item.name)}::{escape(item.prompt)} {{{answers}}}', '']
    return '\n'.join(lines)
