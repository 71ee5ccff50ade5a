# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Erasure that holds: rows deleted, then the file rewritten until the words are off the disk.

Deleting rows is not enough. SQLite keeps a deleted row's bytes in the page it lived on, and in
write-ahead-log (WAL) mode a change first goes to `<record>-wal`: the database file itself is
updated only by a checkpoint, and a checkpoint cannot finish while another connection is in the
middle of a read (that reader may still need the old pages). So an erasure:

1. deletes the rows (every writing connection has `secure_delete` on: it zeroes what it deletes)
   and any notes pack files written for the lecture, and notes in the `erasures` table that the
   file is still to be scrubbed, all in one transaction;
2. rewrites the whole file (VACUUM), which also drops leftovers of edits made before
   `secure_delete` was on;
3. checkpoints the WAL into the file and truncates it, reading the checkpoint's result: while a
   reader holds the file it retries, up to a wait; past that it fails with `ErasureIncomplete`,
   which names the processes still reading (Linux's /proc/locks);
4. only then removes the note. The same command run again, any later erasure, or the next
   retention check finishes an erasure left incomplete.
"""

import json
import os
import sqlite3
import time
from dataclasses import dataclass
from typing import Callable, List, Optional

from milo_robot.record.store import BUSY_TIMEOUT_S, RecordError, RecordFile

ERASE_WAIT_S = 30.0  # how long an erasure waits for readers to finish before it gives up
_RETRY_S = 0.1  # between two tries
# The WAL index (-shm) lock bytes (SQLite's wal.c): 120 is the writer's, 123-127 the readers'.
# A process holding one of them is writing, or inside a read transaction.
_WRITE_LOCK, _READ_LOCKS = 120, range(123, 128)
LOOSE_QUESTIONS = 'questions outside lectures'  # how pending_erasures() names that erasure
_NEVER_REUSED = ('lectures', 'segments')  # see next_id


def next_id(table: str) -> str:
    """Return SQL for the id of a new row of `lectures` or `segments`: above every id ever erased.

    SQLite would give the highest id again once its row is deleted; a reader that still knows
    an erased lecture by its id (the brain's index) would then take the new one for it.
    """
    return (f"(SELECT MAX(COALESCE((SELECT MAX(id) FROM {table}), 0), COALESCE((SELECT last_id "
            f"FROM id_floors WHERE name = '{table}'), 0)) + 1)")


def lecture_erasure(lecture_id: int) -> str:
    """Return how pending_erasures() names the erasure of a lecture: 'lecture 3'."""
    return f'lecture {lecture_id}'


@dataclass(frozen=True)
class Holder:
    """A process that keeps the record in use."""

    pid: int
    command: str
    doing: str  # 'reading', 'writing', or 'open' (it has the file open; what it does is unknown)

    def __str__(self) -> str:
        """Say it as a person reads it: 'pid 42 (python3 -m milo_robot.nodes.brain_node), reading'."""
        own = ', this process' if self.pid == os.getpid() else ''
        return f'pid {self.pid} ({self.command or "?"}{own}), {self.doing}'


class ErasureIncomplete(RecordError):
    """Rows were deleted, but their words may still be on disk: a reader held the file too long.

    Retrying loses nothing: the same command run again, any later erasure, or the retention check
    finishes it. `holders` are the processes named in the message; `result` is what the erasing
    call would have returned.
    """

    def __init__(self, message: str, holders_found: List[Holder], result=None):
        """Keep the message, the holders and the result."""
        super().__init__(message)
        self.holders = holders_found
        self.result = result


def _command(pid: int) -> str:
    try:
        with open(f'/proc/{pid}/cmdline', 'rb') as f:
            words = f.read().split(b'\0')
    except OSError:
        return ''
    # One line, however the command was written (`python -c` with a script, say).
    return ' '.join(b' '.join(words).decode('utf-8', 'replace').split())[:160]


def _lock_holders(shm: str) -> List[Holder]:
    """Return the processes holding the WAL's writer or reader locks, from /proc/locks (Linux)."""
    try:
        inode = os.stat(shm).st_ino
        with open('/proc/locks', encoding='ascii', errors='replace') as f:
            lines = f.readlines()
    except OSError:
        return []
    found = {}
    for line in lines:
        # '12: POSIX  ADVISORY  READ 4242 fe:00:2171809 124 124'; a blocked request has '->' first.
        fields = line.replace('->', ' ').split()
        if len(fields) < 8 or fields[1] != 'POSIX' or not fields[5].endswith(f':{inode}'):
            continue
        try:
            pid, start = int(fields[4]), int(fields[6])
            end = 2 ** 63 if fields[7] == 'EOF' else int(fields[7])
        except ValueError:
            continue
        if start <= _WRITE_LOCK <= end:
            found[pid] = 'writing'
        elif start <= _READ_LOCKS[-1] and end >= _READ_LOCKS[0]:
            found.setdefault(pid, 'reading')
    return [Holder(pid, _command(pid), doing) for pid, doing in sorted(found.items())]


def _openers(path: str) -> List[Holder]:
    """Return the other processes that have the record or its WAL open, from /proc/*/fd (Linux)."""
    targets = {os.path.realpath(path + suffix) for suffix in ('', '-wal', '-shm')}
    try:
        pids = sorted(int(name) for name in os.listdir('/proc') if name.isdigit())
    except OSError:
        return []
    found = []
    for pid in pids:
        if pid == os.getpid():
            continue
        try:
            links = {os.readlink(f'/proc/{pid}/fd/{fd}') for fd in os.listdir(f'/proc/{pid}/fd')}
        except OSError:  # gone, or another user's
            continue
        if links & targets:
            found.append(Holder(pid, _command(pid), 'open'))
    return found


def holders(path) -> List[Holder]:
    """Return the processes that keep an erasure of the record at `path` from finishing.

    Those reading or writing, where Linux's /proc/locks tells; else every other process that has
    the file open. Empty when none can be named (another user's, or not Linux).
    """
    path = os.fspath(path)
    return _lock_holders(path + '-shm') or _openers(path)


def scrub(conn: sqlite3.Connection, path, what: List[str], wait_s: float = ERASE_WAIT_S,
          on_wait: Optional[Callable[[List[Holder]], None]] = None) -> None:
    """Rewrite the record and fold its WAL into it, so that deleted words are gone from both.

    `conn` writes and has no transaction open; `what` says what was erased (for the message).
    Retries while other connections hold the file, up to `wait_s`; `on_wait(holders)` is called
    once, when the first try is refused. ErasureIncomplete past the wait.
    """
    deadline = time.monotonic() + wait_s
    told = False
    try:
        for step in ('VACUUM', 'PRAGMA wal_checkpoint(TRUNCATE)'):
            while True:
                # A refused try waits in SQLite's busy handler: never past the deadline.
                left_ms = max(0, int((deadline - time.monotonic()) * 1000))
                conn.execute(f'PRAGMA busy_timeout = {min(left_ms, int(BUSY_TIMEOUT_S * 1000))}')
                try:
                    row = conn.execute(step).fetchone()
                    # (busy, frames in the WAL, frames copied): done when not busy and all copied.
                    done = row is None or (row[0] == 0 and row[1] == row[2])
                except sqlite3.OperationalError as exc:  # 'database is locked': another writer
                    if 'locked' not in str(exc) and 'busy' not in str(exc):
                        raise
                    done = False
                if done:
                    break
                if time.monotonic() >= deadline:
                    _give_up(path, what, wait_s)
                if not told and on_wait is not None:
                    on_wait(holders(path))
                    told = True
                time.sleep(_RETRY_S)
    finally:
        conn.execute(f'PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}')


def _give_up(path, what: List[str], wait_s: float) -> None:
    found = holders(path)
    named = '; '.join(str(h) for h in found) if found else \
        'no process could be named (one that finished just now, or one of another user)'
    raise ErasureIncomplete(
        f"{' and '.join(what)}: deleted from the record, but the erasure is NOT complete: the words "
        f'may still be on disk, in {path} or its write-ahead log ({os.path.basename(path)}-wal), '
        f'because another connection kept the file in use for {wait_s:g} s. Holding it: {named}. '
        'Erase it again once that has finished (or once Milo is stopped): that completes the '
        'erasure.', found)


def _remove_files(paths: List[str]) -> int:
    removed = 0
    for path in paths:
        try:
            os.unlink(path)
            removed += 1
        except FileNotFoundError:  # moved or deleted by a person already
            pass
        except OSError as exc:
            raise RecordError(f'cannot remove the notes pack {path} ({exc.strerror or exc}): the '
                              'lecture stays in the record; remove that file and erase it again') from exc
    return removed


class ErasingRecord(RecordFile):
    """The record's erasures: one lecture, old lectures, the questions asked outside any lecture."""

    def forget(self, lecture_id: int, *, wait_s: float = ERASE_WAIT_S, on_wait=None) -> dict:
        """Erase a lecture with its segments, questions, summary and notes pack files.

        Return what was deleted: rows per table, and `notes_packs` files. For a lecture whose
        erasure was left incomplete, finish it (and return what it had deleted). ValueError: no
        such lecture. ErasureIncomplete: a reader kept the file past `wait_s` (see `scrub`).
        """
        what = lecture_erasure(lecture_id)
        with self._writing('forget a lecture') as conn:
            if conn.execute('SELECT 1 FROM lectures WHERE id = ?', (lecture_id,)).fetchone():
                counts = self._delete_lecture(conn, lecture_id)
            else:
                row = conn.execute('SELECT counts FROM erasures WHERE what = ? ORDER BY id DESC',
                                   (what,)).fetchone()
                if row is None:
                    raise ValueError(f'no lecture {lecture_id} in {self.path}')
                counts = json.loads(row[0])
        self._finish(wait_s, on_wait, counts)
        return counts

    def forget_older_than(self, days: float, now: Optional[float] = None, *,
                          wait_s: float = ERASE_WAIT_S) -> list:
        """Erase every ended lecture that started more than `days` ago; return their ids.

        Questions asked outside any lecture more than `days` ago go too, and any erasure left
        incomplete earlier is finished. ErasureIncomplete as for `forget` (its result: the ids).
        """
        cutoff = (time.time() if now is None else now) - days * 86400
        with self._writing('apply the retention period') as conn:
            old = [row[0] for row in conn.execute(
                'SELECT id FROM lectures WHERE started_at < ? AND ended_at IS NOT NULL', (cutoff,))]
            for lecture_id in old:
                self._delete_lecture(conn, lecture_id)
            self._delete_loose_questions(conn, cutoff)
        self._finish(wait_s, None, old)
        return old

    def forget_questions_without_lecture(self, *, before: Optional[float] = None,
                                         wait_s: float = ERASE_WAIT_S, on_wait=None) -> int:
        """Erase the questions asked outside any lecture (before wall time `before`, if given).

        Return how many were deleted. ErasureIncomplete as for `forget`.
        """
        with self._writing('forget the questions asked outside lectures') as conn:
            deleted = self._delete_loose_questions(conn, before)
        self._finish(wait_s, on_wait, deleted)
        return deleted

    def pending_erasures(self) -> list:
        """Return the erasures not yet complete on disk, as (what, requested_at), oldest first."""
        with self._reading('read the erasures') as conn:
            return conn.execute('SELECT what, requested_at FROM erasures ORDER BY id').fetchall()

    def finish_erasures(self, *, wait_s: float = ERASE_WAIT_S, on_wait=None) -> list:
        """Scrub the file for every erasure not yet complete; return what they erased.

        ErasureIncomplete when a reader keeps the file in use past `wait_s`.
        """
        if self.read_only:
            raise RecordError(f'cannot finish an erasure: the lecture record {self.path} is open '
                              'read-only')
        with self._lock:
            conn = self._connection()
            try:
                pending = conn.execute('SELECT id, what FROM erasures ORDER BY id').fetchall()
                if pending:
                    scrub(conn, self.path, [what for _, what in pending], wait_s, on_wait)
            except sqlite3.DatabaseError as exc:
                raise RecordError(f'erased, but cannot scrub the lecture record {self.path}: '
                                  f'{exc}; run the same command again') from exc
        if pending:
            with self._writing('close the erasures') as conn:
                conn.execute('DELETE FROM erasures WHERE id <= ?', (pending[-1][0],))
        return [what for _, what in pending]

    def add_notes_pack(self, lecture_id: int, paths, now: Optional[float] = None) -> None:
        """Remember the notes pack files written for a lecture, so that erasing it removes them."""
        with self._writing('remember a notes pack') as conn:
            if conn.execute('SELECT 1 FROM lectures WHERE id = ?', (lecture_id,)).fetchone() is None:
                raise ValueError(f'no lecture {lecture_id} in {self.path}')
            conn.executemany('INSERT OR REPLACE INTO notes_packs (path, lecture_id, written_at) '
                             'VALUES (?, ?, ?)',
                             [(os.path.abspath(p), lecture_id, time.time() if now is None else now)
                              for p in paths])

    def _finish(self, wait_s: float, on_wait, result) -> None:
        try:
            self.finish_erasures(wait_s=wait_s, on_wait=on_wait)
        except ErasureIncomplete as exc:
            exc.result = result
            raise

    @staticmethod
    def _note_pending(conn: sqlite3.Connection, what: str, counts: dict) -> None:
        conn.execute('INSERT INTO erasures (what, counts, requested_at) VALUES (?, ?, ?)',
                     (what, json.dumps(counts), time.time()))

    def _delete_lecture(self, conn: sqlite3.Connection, lecture_id: int) -> dict:
        for table in _NEVER_REUSED:
            conn.execute(f'INSERT INTO id_floors (name, last_id) SELECT ?, COALESCE(MAX(id), 0) FROM '
                         f'{table} WHERE true ON CONFLICT (name) DO UPDATE SET last_id = '
                         'MAX(last_id, excluded.last_id)', (table,))
        counts = {table: conn.execute(f'DELETE FROM {table} WHERE lecture_id = ?',
                                      (lecture_id,)).rowcount
                  for table in ('segments', 'questions', 'summaries', 'sentence_vectors')}
        packs = [row[0] for row in conn.execute('SELECT path FROM notes_packs WHERE lecture_id = ?',
                                                (lecture_id,))]
        conn.execute('DELETE FROM notes_packs WHERE lecture_id = ?', (lecture_id,))
        conn.execute('DELETE FROM lectures WHERE id = ?', (lecture_id,))
        # Last: a file that cannot be removed rolls the whole erasure back, and says so.
        counts['notes_packs'] = _remove_files(packs)
        self._note_pending(conn, lecture_erasure(lecture_id), counts)
        return counts

    def _delete_loose_questions(self, conn: sqlite3.Connection, before: Optional[float]) -> int:
        sql, params = 'DELETE FROM questions WHERE lecture_id IS NULL', ()
        if before is not None:
            sql, params = sql + ' AND asked_at < ?', (before,)
        deleted = conn.execute(sql, params).rowcount
        if deleted:
            self._note_pending(conn, LOOSE_QUESTIONS, {'questions': deleted})
        return deleted
