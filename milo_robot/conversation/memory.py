# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Short conversation memory, so that a follow-up ("and why?") is asked with what it follows."""

import re
import time
from collections import deque
from dataclasses import dataclass

_FOLLOW_UP = re.compile(
    r"^\W*(and|but|so|then|what about|how about|why|why not|how come|really|et|mais|alors|donc|"
    r"pourquoi|et si|comment [çc]a)\b|\b(it|that|this|they|them|those|[çc]a|cela|celui|celle)\b",
    re.I)
FOLLOW_UP_MAX_WORDS = 8  # a long question stands on its own


@dataclass(frozen=True)
class Exchange:
    """A question Milo answered, and when."""

    question: str
    answer: str
    at: float


class ConversationMemory:
    """The last few exchanges, forgotten after a while."""

    def __init__(self, turns: int = 3, max_age_s: float = 120.0, clock=time.monotonic):
        """Keep at most `turns` exchanges, none older than `max_age_s`."""
        self._exchanges = deque(maxlen=turns)
        self._max_age_s = max_age_s
        self._clock = clock

    def remember(self, question: str, answer: str) -> None:
        """Add an answered exchange."""
        self._exchanges.append(Exchange(question, answer, self._clock()))

    def forget(self) -> None:
        """Drop everything (a new mode, a new class)."""
        self._exchanges.clear()

    def recent(self) -> list:
        """Return the exchanges still fresh, oldest first."""
        now = self._clock()
        return [e for e in self._exchanges if now - e.at <= self._max_age_s]

    def with_context(self, question: str) -> tuple:
        """Return (text to answer, whether it is a follow-up): a follow-up carries the last question."""
        recent = self.recent()
        if not recent or len(question.split()) > FOLLOW_UP_MAX_WORDS or \
                not _FOLLOW_UP.search(question):
            return question, False
        return f'{recent[-1].question} {question}', True
