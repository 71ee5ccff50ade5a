# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The lecture record: what was said in class, kept durably in one SQLite file per robot."""

import contextlib
import json
import math
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, List, Optional, Tuple

SCHEMA_VERSION = 2  # kept in PRAGMA user_version; 2 added the question log
ROLES = ('teacher', 'student', 'unknown')
BUSY_TIMEOUT_S = 5.0  # a writer and readers share the file; waiting beats failing on a brief lock

_SCHEMA = (
    '''CREATE TABLE IF NOT EXISTS lectures (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        started_at REAL NOT NULL,  -- wall time, unix s
        ended_at REAL,
        language TEXT NOT NULL
    )''',
    '''CREATE TABLE IF NOT EXISTS segments (
        id INTEGER PRIMARY KEY,
        lecture_id INTEGER NOT NULL REFERENCES lectures(id),
        start_s REAL NOT NULL,  -- lecture clock: seconds since the lecture started
        end_s REAL NOT NULL,
        wall_start REAL,  -- wall time, unix s
        wall_end REAL,
        text TEXT NOT NULL,
        language TEXT NOT NULL,
        confidence REAL NOT NULL,
        speaker_role TEXT NOT NULL CHECK (speaker_role IN ('teacher', 'student', 'unknown')),
        engine TEXT NOT NULL
    )''',
    'CREATE INDEX IF NOT EXISTS segments_by_lecture_time ON segments (lecture_id, start_s)',
    '''CREATE TABLE IF NOT EXISTS questions (
        id INTEGER PRIMARY KEY,
        lecture_id INTEGER REFERENCES lectures(id),
        asked_at REAL NOT NULL,  -- wall time, unix s: when the student stopped speaking
        heard TEXT NOT NULL,  -- as transcribed
        question TEXT NOT NULL,  -- as answered (name removed, follow-up context added)
        language TEXT NOT NULL,
        mode TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('answered', 'declined', 'interrupted', 'failed')),
        answer TEXT NOT NULL,  -- what Milo meant to say
        spoken TEXT NOT NULL,  -- what was heard before any interruption
        sources TEXT NOT NULL,  -- JSON list
        latency_s REAL  -- end of the question to Milo's first sound of the answer
    )''',
)
OUTCOMES = ('answered', 'declined', 'interrupted', 'failed')


class RecordError(RuntimeError):
    """The lecture record cannot be opened, read or written (the message names the file)."""


@dataclass(frozen=True)
class Lecture:
    """One class session; `ended_at` is None while it is still going on."""

    id: int
    title: str
    started_at: float
    ended_at: Optional[float]
    language: str


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


@dataclass(frozen=True)
class QuestionEntry:
    """A student's question and what became of it, for the teacher."""

    lecture_id: Optional[int]
    asked_at: float
    heard: str
    question: str
    language: str
    mode: str
    outcome: str  # one of OUTCOMES
    answer: str = ''
    spoken: str = ''
    sources: tuple = ()
    latency_s: Optional[float] = None
    id: Optional[int] = None


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


class LectureRecord:
    """Lectures and their transcribed segments in one SQLite file: one writer, any number of readers."""

    def __init__(self, path, read_only: bool = False):
        """Open the record at `path`, creating it (and its directory) unless `read_only`."""
        self.path = Path(path)
        self.read_only = read_only
        # Nodes may open the record in one thread and use it from executor threads.
        self._lock = threading.Lock()
        self._conn: Optional[sqlite3.Connection] = None
        try:
            self._conn = self._connect()
        except OSError as exc:
            raise RecordError(f'cannot create the lecture record {self.path}: {exc}') from exc
        except sqlite3.DatabaseError as exc:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            raise RecordError(f'cannot open the lecture record {self.path}: {exc}') from exc

    def _connect(self) -> sqlite3.Connection:
        if self.read_only:
            # mode=ro: a reader never creates the file or writes to it, even by mistake.
            target, uri = self.path.resolve().as_uri() + '?mode=ro', True
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            target, uri = str(self.path), False
        # isolation_level=None: transactions are explicit, so each one commits exactly when we say.
        conn = sqlite3.connect(target, uri=uri, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                               check_same_thread=False)
        self._conn = conn  # so that a failure below still closes it
        conn.execute('PRAGMA foreign_keys = ON')
        if not self.read_only:
            # WAL: readers (the thinking component) never block the writer, nor it them.
            mode = conn.execute('PRAGMA journal_mode = WAL').fetchone()[0]
            if mode.lower() != 'wal':
                raise sqlite3.OperationalError(f'cannot use write-ahead logging (journal mode is {mode})')
            # FULL, not NORMAL: under WAL, NORMAL survives a killed process but may lose the last commits
            # on power loss, and a robot's battery can die mid-lecture. Segments come a few per minute,
            # so one fsync per commit costs nothing that matters.
            conn.execute('PRAGMA synchronous = FULL')
        version = conn.execute('PRAGMA user_version').fetchone()[0]
        if version > SCHEMA_VERSION:
            raise sqlite3.DatabaseError(f'its schema version {version} is newer than this code reads '
                                        f'({SCHEMA_VERSION})')
        if version == 0 and self.read_only:
            raise sqlite3.DatabaseError('it holds no lecture record yet')
        if version < SCHEMA_VERSION and not self.read_only:  # new, or older: add what is missing
            conn.execute('BEGIN IMMEDIATE')
            try:
                for statement in _SCHEMA:
                    conn.execute(statement)
                conn.execute(f'PRAGMA user_version = {SCHEMA_VERSION}')
                conn.execute('COMMIT')
            except BaseException:
                conn.rollback()
                raise
        return conn

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise RecordError(f'the lecture record {self.path} is closed')
        return self._conn

    @contextlib.contextmanager
    def _reading(self, what: str) -> Iterator[sqlite3.Connection]:
        with self._lock:
            conn = self._connection()
            try:
                yield conn
            except sqlite3.DatabaseError as exc:
                raise RecordError(f'cannot {what} from the lecture record {self.path}: {exc}') from exc

    @contextlib.contextmanager
    def _writing(self, what: str) -> Iterator[sqlite3.Connection]:
        """Run one transaction, committed on success and rolled back on any failure."""
        if self.read_only:
            raise RecordError(f'cannot {what}: the lecture record {self.path} is open read-only')
        with self._lock:
            conn = self._connection()
            try:
                # IMMEDIATE: take the write lock up front, so a read-then-write cannot be raced.
                conn.execute('BEGIN IMMEDIATE')
                yield conn
                conn.execute('COMMIT')
            except BaseException as exc:
                # Roll back so the instance stays usable: the caller keeps its data and may retry.
                conn.rollback()
                if not isinstance(exc, sqlite3.DatabaseError):
                    raise
                if 'disk is full' in str(exc):
                    raise RecordError(f'cannot {what}: the disk holding the lecture record {self.path} '
                                      f'is full ({exc}); nothing was written') from exc
                raise RecordError(f'cannot {what} in the lecture record {self.path}: {exc}') from exc

    def start_lecture(self, title: str = '', language: str = '', now: Optional[float] = None) -> int:
        """Start a lecture at wall time `now` (default: the current time) and return its id."""
        with self._writing('start a lecture') as conn:
            return self._insert_lecture(conn, title, language, time.time() if now is None else now)

    @staticmethod
    def _insert_lecture(conn: sqlite3.Connection, title: str, language: str, started_at: float) -> int:
        cursor = conn.execute('INSERT INTO lectures (title, started_at, ended_at, language) '
                              'VALUES (?, ?, NULL, ?)',
                              (title or default_title(started_at), started_at, language))
        return cursor.lastrowid

    def resume_or_start(self, max_age_s: float = 4 * 3600,
                        now: Optional[float] = None) -> Tuple[int, float]:
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
            return self._insert_lecture(conn, '', '', now), now

    def end_lecture(self, lecture_id: int, now: Optional[float] = None) -> None:
        """Mark a lecture ended at wall time `now`; a lecture already ended keeps its first end time."""
        with self._writing('end a lecture') as conn:
            cursor = conn.execute('UPDATE lectures SET ended_at = COALESCE(ended_at, ?) WHERE id = ?',
                                  (time.time() if now is None else now, lecture_id))
            if cursor.rowcount == 0:
                raise ValueError(f'no lecture {lecture_id} in {self.path}')

    def append(self, lecture_id: int, start_s: float, end_s: float, text: str, language: str,
               confidence: float, speaker_role: str = 'unknown', engine: str = '',
               wall_start: Optional[float] = None, wall_end: Optional[float] = None) -> int:
        """Add a segment and commit it at once; return its id.

        Each segment is its own transaction, so a killed process loses at most the one being written.
        Times are on the lecture clock; wall times default to the lecture's start plus those.
        """
        text = text.strip()
        if not text:
            raise ValueError('a segment needs some text (it is empty or only whitespace)')
        if not (math.isfinite(start_s) and math.isfinite(end_s) and 0 <= start_s <= end_s):
            raise ValueError(f'a segment needs 0 <= start_s <= end_s (finite), '
                             f'not start_s={start_s!r}, end_s={end_s!r}')
        if not 0 <= confidence <= 1:
            raise ValueError(f'confidence must be between 0 and 1, not {confidence!r}')
        if speaker_role not in ROLES:
            raise ValueError(f'speaker_role must be one of {", ".join(ROLES)}, not {speaker_role!r}')
        with self._writing('save a segment') as conn:
            lecture = conn.execute('SELECT started_at FROM lectures WHERE id = ?', (lecture_id,)).fetchone()
            if lecture is None:
                raise ValueError(f'no lecture {lecture_id} in {self.path}')
            started_at = lecture[0]
            cursor = conn.execute(
                'INSERT INTO segments (lecture_id, start_s, end_s, wall_start, wall_end, text, language, '
                'confidence, speaker_role, engine) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
                (lecture_id, start_s, end_s,
                 started_at + start_s if wall_start is None else wall_start,
                 started_at + end_s if wall_end is None else wall_end,
                 text, language, confidence, speaker_role, engine))
            return cursor.lastrowid

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
            rows = conn.execute('SELECT id, title, started_at, ended_at, language FROM lectures '
                                'ORDER BY started_at, id').fetchall()
        return [Lecture(*row) for row in rows]

    def lecture(self, lecture_id: int) -> Optional[Lecture]:
        """Return one lecture, or None if there is no such lecture."""
        with self._reading('read a lecture') as conn:
            row = conn.execute('SELECT id, title, started_at, ended_at, language FROM lectures WHERE id = ?',
                               (lecture_id,)).fetchone()
        return None if row is None else Lecture(*row)

    def set_role(self, segment_ids, role: str) -> None:
        """Say who spoke these segments (the dialogue knows a question to Milo is a student's)."""
        if role not in ROLES:
            raise ValueError(f'role must be one of {", ".join(ROLES)}, not {role!r}')
        with self._writing('set a speaker role') as conn:
            conn.executemany('UPDATE segments SET speaker_role = ? WHERE id = ?',
                             [(role, int(i)) for i in segment_ids])

    def log_question(self, q: QuestionEntry) -> int:
        """Add a question to the log and commit it at once; return its id."""
        if q.outcome not in OUTCOMES:
            raise ValueError(f'outcome must be one of {", ".join(OUTCOMES)}, not {q.outcome!r}')
        with self._writing('log a question') as conn:
            cursor = conn.execute(
                'INSERT INTO questions (lecture_id, asked_at, heard, question, language, mode, outcome, '
                'answer, spoken, sources, latency_s) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
                (q.lecture_id, q.asked_at, q.heard, q.question, q.language, q.mode, q.outcome, q.answer,
                 q.spoken, json.dumps(list(q.sources), ensure_ascii=False), q.latency_s))
            return cursor.lastrowid

    def questions(self, lecture_id: Optional[int] = None) -> List[QuestionEntry]:
        """Return the logged questions in the order they were asked, optionally of one lecture."""
        sql = ('SELECT lecture_id, asked_at, heard, question, language, mode, outcome, answer, spoken, '
               'sources, latency_s, id FROM questions')
        params = []
        if lecture_id is not None:
            sql += ' WHERE lecture_id = ?'
            params.append(lecture_id)
        with self._reading('read the question log') as conn:
            rows = conn.execute(sql + ' ORDER BY asked_at, id', params).fetchall()
        return [QuestionEntry(*row[:9], tuple(json.loads(row[9])), *row[10:]) for row in rows]

    def close(self) -> None:
        """Close the file; closing twice is harmless."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> 'LectureRecord':
        """Return the open record."""
        return self

    def __exit__(self, *exc_info) -> None:
        """Close the record."""
        self.close()
