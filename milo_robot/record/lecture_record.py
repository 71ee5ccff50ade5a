# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The lecture record: what was said in class, kept durably in one SQLite file per robot."""

import json
import math
import sqlite3
import time
from dataclasses import dataclass
from typing import List, Optional, Tuple

from milo_robot.interfaces import payloads
from milo_robot.interfaces.payloads import QuestionEntry

# Re-exported: callers import the record's errors and constants from here.
from milo_robot.record.erase import (  # noqa: F401
    ERASE_WAIT_S,
    LOOSE_QUESTIONS,
    ErasingRecord,
    ErasureIncomplete,
    lecture_erasure,
    next_id,
)
from milo_robot.record.schema import SCHEMA_VERSION  # noqa: F401
from milo_robot.record.store import (  # noqa: F401
    BUSY_TIMEOUT_S,
    FILE_MODE,
    FOLDER_MODE,
    FULL_SUFFIX,
    RecordError,
)

ROLES = payloads.ROLES
OUTCOMES = payloads.OUTCOMES
_LECTURE_COLUMNS = 'id, title, started_at, ended_at, language, course, title_source, languages'
_VECTORS_PER_QUERY = 500  # under SQLite's limit on the parameters of one statement
_QUESTION_COLUMNS = ('request_id, lecture_id, asked_at, heard, question, language, mode, outcome, '
                     'answer, spoken, sources, latency_s, origin')


@dataclass(frozen=True)
class Lecture:
    """One class session; `ended_at` is None while it is still going on."""

    id: int
    title: str
    started_at: float
    ended_at: Optional[float]
    language: str
    course: str = ''
    title_source: str = 'default'  # default, announced, set (by a person) or model
    languages: str = ''  # every language heard, comma-separated

    @property
    def duration_s(self) -> Optional[float]:
        """Seconds from start to end, or None while it goes on."""
        return None if self.ended_at is None else max(0.0, self.ended_at - self.started_at)


@dataclass(frozen=True)
class Segment:
    """One transcribed stretch of speech, timed on the lecture clock and on the wall clock."""

    id: int
    lecture_id: int
    start_s: float
    end_s: float
    wall_start: Optional[float]
    wall_end: Optional[float]
    text: str
    language: str
    confidence: float
    speaker_role: str
    engine: str


def format_clock(seconds: float) -> str:
    """Format a lecture time as 'mm:ss' under an hour and 'h:mm:ss' from an hour (whole seconds, floored)."""
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f'a lecture time must be a finite number of seconds >= 0, not {seconds!r}')
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f'{hours}:{minutes:02d}:{secs:02d}' if hours else f'{minutes:02d}:{secs:02d}'


def default_title(started_at: float) -> str:
    """Return the title given to a lecture started without one, e.g. 'Lecture 2026-11-28 10:12'."""
    return time.strftime('Lecture %Y-%m-%d %H:%M', time.localtime(started_at))


def _segment_words(text: str, confidence: float) -> str:
    """Return a segment's text stripped; raise ValueError for no text or a confidence out of 0..1."""
    text = text.strip()
    if not text:
        raise ValueError('a segment needs some text (it is empty or only whitespace)')
    if not 0 <= confidence <= 1:
        raise ValueError(f'confidence must be between 0 and 1, not {confidence!r}')
    return text


class LectureRecord(ErasingRecord):
    """Lectures and their transcribed segments in one SQLite file: one writer, any number of readers."""

    def start_lecture(self, title: str = '', language: str = '', now: Optional[float] = None,
                      course: str = '') -> int:
        """Start a lecture at wall time `now` (default: the current time) and return its id."""
        with self._writing('start a lecture') as conn:
            return self._insert_lecture(conn, title, language, time.time() if now is None else now,
                                        course)

    @staticmethod
    def _insert_lecture(conn: sqlite3.Connection, title: str, language: str, started_at: float,
                        course: str = '') -> int:
        cursor = conn.execute('INSERT INTO lectures (id, title, started_at, ended_at, language, course, '
                              f"title_source) VALUES ({next_id('lectures')}, ?, ?, NULL, ?, ?, ?)",
                              (title or default_title(started_at), started_at, language, course,
                               'set' if title else 'default'))
        return cursor.lastrowid

    def resume_or_start(self, max_age_s: float = 4 * 3600, now: Optional[float] = None,
                        course: str = '') -> Tuple[int, float]:
        """Continue the latest lecture if still open and recent, else start one; return (id, started_at).

        A node restarted mid-lecture thus keeps adding to the same lecture. Only the latest lecture is
        considered: once it has ended, class has moved on, whatever older lecture was left open.
        A lecture that seems to start in the future (the wall clock went back) is not resumed.
        """
        now = time.time() if now is None else now
        with self._writing('resume or start a lecture') as conn:
            latest = conn.execute('SELECT id, started_at, ended_at FROM lectures '
                                  'ORDER BY started_at DESC, id DESC LIMIT 1').fetchone()
            if latest is not None:
                lecture_id, started_at, ended_at = latest
                if ended_at is None and 0 <= now - started_at < max_age_s:
                    return lecture_id, started_at
            return self._insert_lecture(conn, '', '', now, course), now

    def end_lecture(self, lecture_id: int, now: Optional[float] = None) -> None:
        """Mark a lecture ended at wall time `now`; a lecture already ended keeps its first end time."""
        with self._writing('end a lecture') as conn:
            cursor = conn.execute('UPDATE lectures SET ended_at = COALESCE(ended_at, ?) WHERE id = ?',
                                  (time.time() if now is None else now, lecture_id))
            if cursor.rowcount == 0:
                raise ValueError(f'no lecture {lecture_id} in {self.path}')

    def open_lecture(self) -> Optional[Lecture]:
        """Return the latest lecture if it has not ended, else None."""
        with self._reading('read lectures') as conn:
            row = conn.execute(f'SELECT {_LECTURE_COLUMNS} FROM lectures '
                               'ORDER BY started_at DESC, id DESC LIMIT 1').fetchone()
        return Lecture(*row) if row is not None and row[3] is None else None

    def set_course(self, lecture_id: int, course: str) -> None:
        """File a lecture under a course."""
        self._update_lecture(lecture_id, 'set its course', 'course = ?', (course.strip()[:200],))

    def set_title(self, lecture_id: int, title: str, source: str = 'set') -> None:
        """Title a lecture; `source` is announced (heard in class), set (by a person) or model.

        A title a person set is kept over one heard or written by the model.
        """
        title = ' '.join(title.split())[:200]
        if not title:
            raise ValueError('a title needs some text')
        if source not in ('announced', 'set', 'model'):
            raise ValueError(f'title source must be announced, set or model, not {source!r}')
        keep = '' if source == 'set' else " AND title_source <> 'set'"
        self._update_lecture(lecture_id, 'set its title', 'title = ?, title_source = ?',
                             (title, source), keep)

    def _update_lecture(self, lecture_id: int, what: str, assignments: str, values: tuple,
                        condition: str = '') -> None:
        with self._writing(what) as conn:
            if conn.execute('SELECT 1 FROM lectures WHERE id = ?', (lecture_id,)).fetchone() is None:
                raise ValueError(f'no lecture {lecture_id} in {self.path}')
            conn.execute(f'UPDATE lectures SET {assignments} WHERE id = ?{condition}',
                         (*values, lecture_id))

    def courses(self) -> List[str]:
        """Return the courses that have lectures, in alphabetical order ('' for unfiled ones)."""
        with self._reading('read courses') as conn:
            return [row[0] for row in conn.execute('SELECT DISTINCT course FROM lectures ORDER BY course')]

    def append(self, lecture_id: int, start_s: float, end_s: float, text: str, language: str,
               confidence: float, speaker_role: str = 'unknown', engine: str = '',
               wall_start: Optional[float] = None, wall_end: Optional[float] = None) -> int:
        """Add a segment and commit it at once; return its id.

        Each segment is its own transaction, so a killed process loses at most the one being written.
        Times are on the lecture clock; wall times default to the lecture's start plus those.
        """
        text = _segment_words(text, confidence)
        if not (math.isfinite(start_s) and math.isfinite(end_s) and 0 <= start_s <= end_s):
            raise ValueError(f'a segment needs 0 <= start_s <= end_s (finite), '
                             f'not start_s={start_s!r}, end_s={end_s!r}')
        if speaker_role not in ROLES:
            raise ValueError(f'speaker_role must be one of {", ".join(ROLES)}, not {speaker_role!r}')
        with self._writing('save a segment') as conn:
            lecture = conn.execute('SELECT started_at FROM lectures WHERE id = ?',
                                   (lecture_id,)).fetchone()
            if lecture is None:
                raise ValueError(f'no lecture {lecture_id} in {self.path}')
            started_at = lecture[0]
            if language:  # the lecture's languages: every one heard, the first as the main one
                conn.execute("UPDATE lectures SET languages = CASE WHEN languages = '' THEN ? "
                             "WHEN instr(',' || languages || ',', ',' || ? || ',') THEN languages "
                             "ELSE languages || ',' || ? END, language = CASE WHEN language = '' "
                             'THEN ? ELSE language END WHERE id = ?',
                             (language, language, language, language, lecture_id))
            cursor = conn.execute(
                'INSERT INTO segments (id, lecture_id, start_s, end_s, wall_start, wall_end, text, '
                f"language, confidence, speaker_role, engine) VALUES ({next_id('segments')}, "
                '?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
                (lecture_id, start_s, end_s,
                 started_at + start_s if wall_start is None else wall_start,
                 started_at + end_s if wall_end is None else wall_end,
                 text, language, confidence, speaker_role, engine))
            return cursor.lastrowid

    def revise(self, segment_id: int, end_s: float, text: str, confidence: float,
               wall_end: Optional[float] = None) -> None:
        """Replace a segment's words with a longer hearing of it, up to `end_s` (one transaction).

        The asr hears a sentence that a pause cut in two again as one (hearing/pipeline.py,
        `join_gap_s`): the record keeps one segment of the whole sentence, not two fragments.
        Its id stays, so a reader that keeps the newest segment to read again sees the change.
        """
        text = _segment_words(text, confidence)
        with self._writing('revise a segment') as conn:
            row = conn.execute('SELECT s.start_s, l.started_at FROM segments s JOIN lectures l '
                               'ON l.id = s.lecture_id WHERE s.id = ?', (segment_id,)).fetchone()
            if row is None:
                raise ValueError(f'no segment {segment_id} in {self.path}')
            if not (math.isfinite(end_s) and row[0] <= end_s):
                raise ValueError(f'a segment needs start_s <= end_s (finite), not end_s={end_s!r}')
            conn.execute('UPDATE segments SET end_s = ?, wall_end = ?, text = ?, confidence = ? '
                         'WHERE id = ?', (end_s, row[1] + end_s if wall_end is None else wall_end,
                                          text, confidence, segment_id))

    def segments(self, lecture_id: Optional[int] = None, since_id: int = 0,
                 role: Optional[str] = None) -> List[Segment]:
        """Return segments with an id above `since_id`, in id order, optionally of one lecture and role.

        A reader that remembers the last id it saw fetches only what was added since.
        """
        if role is not None and role not in ROLES:
            raise ValueError(f'role must be one of {", ".join(ROLES)}, not {role!r}')
        sql = ('SELECT id, lecture_id, start_s, end_s, wall_start, wall_end, text, language, confidence, '
               'speaker_role, engine FROM segments WHERE id > ?')
        params = [since_id]
        if lecture_id is not None:
            sql += ' AND lecture_id = ?'
            params.append(lecture_id)
        if role is not None:
            sql += ' AND speaker_role = ?'
            params.append(role)
        with self._reading('read segments') as conn:
            return [Segment(*row) for row in conn.execute(sql + ' ORDER BY id', params)]

    def lectures(self) -> List[Lecture]:
        """Return every lecture, oldest first."""
        with self._reading('read lectures') as conn:
            rows = conn.execute(f'SELECT {_LECTURE_COLUMNS} FROM lectures ORDER BY started_at, id').fetchall()
        return [Lecture(*row) for row in rows]

    def lecture(self, lecture_id: int) -> Optional[Lecture]:
        """Return one lecture, or None if there is no such lecture."""
        with self._reading('read a lecture') as conn:
            row = conn.execute(f'SELECT {_LECTURE_COLUMNS} FROM lectures WHERE id = ?',
                               (lecture_id,)).fetchone()
        return None if row is None else Lecture(*row)

    def set_role(self, segment_ids, role: str) -> None:
        """Say who spoke these segments (the dialogue knows a question to Milo is a student's)."""
        if role not in ROLES:
            raise ValueError(f'role must be one of {", ".join(ROLES)}, not {role!r}')
        with self._writing('set a speaker role') as conn:
            conn.executemany('UPDATE segments SET speaker_role = ? WHERE id = ?',
                             [(role, int(i)) for i in segment_ids])

    def log_question(self, q: QuestionEntry) -> Optional[int]:
        """Add a question to the log and commit it at once; return its id (None: already logged).

        Entries are keyed by request id, so an entry delivered twice (a writer restarted and was
        sent the latest entries again) is stored once.
        """
        with self._writing('log a question') as conn:
            cursor = conn.execute(
                f'INSERT OR IGNORE INTO questions ({_QUESTION_COLUMNS}) '
                'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
                (q.request_id, q.lecture_id, q.asked_at, q.heard, q.question, q.language, q.mode,
                 q.outcome, q.answer, q.spoken, json.dumps(list(q.sources), ensure_ascii=False),
                 q.latency_s, q.origin))
            return cursor.lastrowid if cursor.rowcount else None

    def questions(self, lecture_id: Optional[int] = None) -> List[QuestionEntry]:
        """Return the logged questions in the order they were asked, optionally of one lecture."""
        if lecture_id is None:
            return self._questions('', ())
        return self._questions(' WHERE lecture_id = ?', (lecture_id,))

    def questions_without_lecture(self) -> List[QuestionEntry]:
        """Return the questions asked while no lecture was open, in the order they were asked."""
        return self._questions(' WHERE lecture_id IS NULL', ())

    def _questions(self, where: str, params: tuple) -> List[QuestionEntry]:
        with self._reading('read the question log') as conn:
            rows = conn.execute(f'SELECT {_QUESTION_COLUMNS}, id FROM questions{where} '
                                'ORDER BY asked_at, id', params).fetchall()
        # Entries logged before request ids existed are named after their row.
        return [QuestionEntry(row[0] or f'row-{row[-1]}', *row[1:10], tuple(json.loads(row[10])),
                              *row[11:13]) for row in rows]

    def save_summary(self, lecture_id: int, language: str, model: str, body: dict,
                     now: Optional[float] = None) -> None:
        """Store (or replace) a lecture's summary; `body` is JSON-ready (lectures.summary owns it)."""
        with self._writing('save a summary') as conn:
            conn.execute('INSERT OR REPLACE INTO summaries (lecture_id, language, created_at, model, body) '
                         'VALUES (?, ?, ?, ?, ?)',
                         (lecture_id, language, time.time() if now is None else now, model,
                          json.dumps(body, ensure_ascii=False)))

    def summary(self, lecture_id: int) -> Optional[dict]:
        """Return a lecture's stored summary (with language, created_at and model), or None."""
        with self._reading('read a summary') as conn:
            row = conn.execute('SELECT language, created_at, model, body FROM summaries '
                               'WHERE lecture_id = ?', (lecture_id,)).fetchone()
        if row is None:
            return None
        return dict(json.loads(row[3]), language=row[0], created_at=row[1], model=row[2])

    def vectors(self, digests) -> dict:
        """Return {digest: vector (float32 bytes)} of the sentence vectors kept under these digests."""
        digests, found = list(digests), {}
        with self._reading('read sentence vectors') as conn:
            for i in range(0, len(digests), _VECTORS_PER_QUERY):
                chunk = digests[i:i + _VECTORS_PER_QUERY]
                marks = ', '.join('?' * len(chunk))
                found.update(conn.execute(
                    f'SELECT digest, vector FROM sentence_vectors WHERE digest IN ({marks})', chunk))
        return found

    def save_vectors(self, rows) -> None:
        """Keep sentence vectors: rows of (digest, lecture id or None for the notes, float32 bytes).

        A row of a lecture erased meanwhile is left out: erasure must not be undone by a late write.
        """
        with self._writing('keep sentence vectors') as conn:
            conn.executemany('INSERT OR REPLACE INTO sentence_vectors (digest, lecture_id, vector) '
                             'SELECT ?, ?, ? WHERE ? IS NULL OR EXISTS (SELECT 1 FROM lectures '
                             'WHERE id = ?)', [row + (row[1], row[1]) for row in rows])

    def keep_notes_vectors(self, digests) -> int:
        """Delete the course notes' vectors not among `digests` (notes edited since); return how many."""
        keep = set(digests)
        with self._writing('drop old notes vectors') as conn:
            stale = [(d,) for (d,) in conn.execute('SELECT digest FROM sentence_vectors '
                                                   'WHERE lecture_id IS NULL') if d not in keep]
            conn.executemany('DELETE FROM sentence_vectors WHERE digest = ?', stale)
        return len(stale)

    def add_token(self, name: str, role: str, digest: str, now: Optional[float] = None) -> int:
        """Store an app token's digest (never the token) with its role; return its id."""
        with self._writing('add an app token') as conn:
            return conn.execute('INSERT INTO app_tokens (name, role, digest, created_at) '
                                'VALUES (?, ?, ?, ?)',
                                (name, role, digest, time.time() if now is None else now)).lastrowid

    def tokens(self) -> list:
        """Return every app token as (id, name, role, created_at, revoked_at)."""
        with self._reading('read app tokens') as conn:
            return conn.execute('SELECT id, name, role, created_at, revoked_at FROM app_tokens '
                                'ORDER BY id').fetchall()

    def revoke_token(self, token_id: int, now: Optional[float] = None) -> bool:
        """Revoke a token; return whether one was revoked (False: unknown or revoked already)."""
        with self._writing('revoke an app token') as conn:
            return conn.execute('UPDATE app_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
                                (time.time() if now is None else now, token_id)).rowcount > 0

    def token_role(self, digest: str) -> Optional[tuple]:
        """Return (id, name, role) of a valid (not revoked) token digest, or None."""
        with self._reading('check an app token') as conn:
            return conn.execute('SELECT id, name, role FROM app_tokens WHERE digest = ? AND '
                                'revoked_at IS NULL', (digest,)).fetchone()

