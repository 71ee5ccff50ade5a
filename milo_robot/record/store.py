# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The record's SQLite file: created private, opened for reading or writing, brought up to date.

`RecordFile` owns the connection and its transactions; `lecture_record.LectureRecord` builds the
tables' reads and writes on it.
"""

import contextlib
import os
import sqlite3
import threading
from pathlib import Path
from typing import Iterator, Optional

# Private by default: the record holds a class's words. Only Milo's user reads it.
from milo_robot.private_files import FILE_MODE, FOLDER_MODE, open_private, private_folder  # noqa: F401
from milo_robot.record.schema import MIGRATIONS, SCHEMA_VERSION, TABLES

BUSY_TIMEOUT_S = 5.0  # a writer and readers share the file; waiting beats failing on a brief lock
# Sim-only fault hook, like devices.UNPLUGGED_SUFFIX: while `<record>.full` exists, every write fails
# as on a full disk (the soak benchmark checks that nothing heard meanwhile is lost).
FULL_SUFFIX = '.full'


class RecordError(RuntimeError):
    """The lecture record cannot be opened, read or written (the message names the file)."""


def _create_private(path: Path) -> None:
    """Create the record's folder (0700) and file (0600) if missing, so nobody else can read them.

    SQLite gives its -wal and -shm files the database file's permissions.
    """
    private_folder(path.parent)
    open_private(path, 'ab').close()


class RecordFile:
    """One SQLite record file: one writer, any number of readers."""

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
            _create_private(self.path)
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
            # Erasure: every writer zeroes what it deletes (cells, and whole pages it frees), and
            # the copy VACUUM builds stays in memory, not in an unlinked file under /tmp. (Debian's
            # SQLite has secure_delete on by default; other builds may not.)
            if conn.execute('PRAGMA secure_delete = ON').fetchone()[0] != 1:
                raise sqlite3.OperationalError('cannot turn secure_delete on: erased words would stay '
                                               'in the file')
            conn.execute('PRAGMA temp_store = MEMORY')
        version = conn.execute('PRAGMA user_version').fetchone()[0]
        if version > SCHEMA_VERSION:
            raise sqlite3.DatabaseError(f'its schema version {version} is newer than this code reads '
                                        f'({SCHEMA_VERSION})')
        if version == 0 and self.read_only:
            raise sqlite3.DatabaseError('it holds no lecture record yet')
        if version < SCHEMA_VERSION and self.read_only:
            raise sqlite3.DatabaseError(f'its schema version {version} is older than this code reads '
                                        f'({SCHEMA_VERSION}); a writer (the asr node, `milo lectures`) '
                                        'brings it up to date when it opens it')
        if version < SCHEMA_VERSION:  # new, or older: add what is missing
            conn.execute('BEGIN IMMEDIATE')
            try:
                for statement in TABLES:
                    conn.execute(statement)
                for number in sorted(MIGRATIONS):
                    if number > version:
                        for statement in MIGRATIONS[number]:
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

    def data_version(self) -> int:
        """Return a number that changes whenever another connection commits to the file.

        SQLite's `PRAGMA data_version`: a reader keeps what it computed from the record for as long
        as this stays the same (the app's pages), and drops it at the next change, erasures included.
        """
        with self._reading('read the data version') as conn:
            return conn.execute('PRAGMA data_version').fetchone()[0]

    @contextlib.contextmanager
    def _writing(self, what: str) -> Iterator[sqlite3.Connection]:
        """Run one transaction, committed on success and rolled back on any failure."""
        if self.read_only:
            raise RecordError(f'cannot {what}: the lecture record {self.path} is open read-only')
        with self._lock:
            conn = self._connection()
            marker = f'{self.path}{FULL_SUFFIX}'
            if os.path.exists(marker):
                raise RecordError(f'cannot {what} in the lecture record {self.path}: disk is full '
                                  f'(simulated while {marker} exists); nothing was written')
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

    def close(self) -> None:
        """Close the file; closing twice is harmless."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> 'RecordFile':
        """Return the open record."""
        return self

    def __exit__(self, *exc_info) -> None:
        """Close the record."""
        self.close()
