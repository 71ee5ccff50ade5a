# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""What a lecture summary holds: one shape for the summarizer, the record, the notes pack and the app.

The summarizer writes it, the record stores it, and the notes pack, the app and the quiz read it.
Every item keeps the lecture time(s) it comes from, so a reader can jump to the transcript, and
the teacher's own sentence, which is the answer key of a quiz question. Stored as JSON in the
record's `summaries` table (`LectureRecord.save_summary(..., body=summary.to_dict())`).
"""

from dataclasses import asdict, dataclass, field
from typing import List, Optional


@dataclass
class Item:
    """A key point, definition, formula or announcement, with where it comes from."""

    text: str  # as written in the summary (the model's words, or the teacher's when quoted)
    times: List[float] = field(default_factory=list)  # lecture clock (s) of its sources
    quote: str = ''  # the teacher's own sentence that supports it
    quote_time: Optional[float] = None
    quoted: bool = False  # the text is the teacher's sentence: the model's failed the faithfulness check


@dataclass
class QA:
    """A question a student asked during the lecture, and what Milo answered."""

    question: str
    answer: str
    outcome: str
    sources: List[str] = field(default_factory=list)
    asked_at: Optional[float] = None  # wall time


@dataclass
class Summary:
    """A lecture's summary, in the lecture's language."""

    language: str
    title: str = ''
    overview: str = ''
    key_points: List[Item] = field(default_factory=list)  # 5 to 10 (up to 20 for a long lecture)
    definitions: List[Item] = field(default_factory=list)
    formulas: List[Item] = field(default_factory=list)
    announcements: List[Item] = field(default_factory=list)  # homework, labs, exams
    questions: List[QA] = field(default_factory=list)
    dropped: List[str] = field(default_factory=list)  # points the faithfulness check removed
    model: str = ''
    compute_s: float = 0.0

    def to_dict(self) -> dict:
        """Return JSON-ready data."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> 'Summary':
        """Rebuild from `to_dict` output (extra keys, such as the record's created_at, are ignored)."""
        items = {k: [Item(**i) for i in data.get(k, [])]
                 for k in ('key_points', 'definitions', 'formulas', 'announcements')}
        return cls(language=data.get('language', ''), title=data.get('title', ''),
                   overview=data.get('overview', ''), questions=[QA(**q) for q in data.get('questions', [])],
                   dropped=list(data.get('dropped', [])), model=data.get('model', ''),
                   compute_s=float(data.get('compute_s', 0.0)), **items)

    def items(self) -> List[Item]:
        """Return every item, key points first."""
        return self.key_points + self.definitions + self.formulas + self.announcements
