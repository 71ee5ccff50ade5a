# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Read the lecture and the course notes: transcript files, notes sections, and passages.

Passages (about 70 words of a lecture or of a notes section, with where they come from) are what
the lecture summaries read; answers read sentences (thinking/evidence.py). `terms` folds the
words of a text for the summaries and the question log.
"""

import os
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Optional

from milo_robot.record.lecture_record import Segment

STOPWORDS = set('''
a an and are as at be by can do does did for from had has have how i if in is it its me my of on
or so that the their them then there these they this to was we were what when where which who why
will with you your about into than also just more most not no yes
le la les un une des du de d l et est sont a au aux ce ces cet cette dans en il elle ils elles je
nous vous on ou où par pas pour qu que qui quoi quel quelle quels quelles se sa son ses sur y
comment pourquoi est-ce ne plus très été être avec leur leurs mais donc car
'''.split())

# A course's term list for speech recognition (hearing/vocabulary.py), beside its notes: a list
# of words, not notes to answer from.
TERM_LIST = 'terms.txt'
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
    """Return [(file, section title, text)] of the Markdown, text and PDF files under `folder`.

    The term lists (TERM_LIST) are left out.
    """
    out = []
    for root, _, files in sorted(os.walk(folder)):
        for name in sorted(n for n in files if n != TERM_LIST):
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
