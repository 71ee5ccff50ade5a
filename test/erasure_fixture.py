# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""A lecture whose words must vanish, a reader process that holds the record, and a byte check."""

import subprocess
import sys
from pathlib import Path

from milo_robot.interfaces.payloads import QuestionEntry
from milo_robot.record.lecture_record import LectureRecord

T0 = 1_800_000_000.0
# Words said only in the lecture to erase, and asked only outside any lecture.
SECRETS = (b'Josephine failed the midterm', b'bulgur mentioned in the summary', b'Why is Zanzibar')
LOOSE = b'Milo, who holds the keys of the lab'
KEPT = b'Kirchhoff laws are kept'

# A second process, as another program (or `sqlite3`) would read: it opens the record read-only,
# reads inside a transaction and holds it (a snapshot) until told to close.
_READER = '''
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], uri=True, isolation_level=None)
conn.execute('BEGIN')
rows = conn.execute('SELECT text FROM segments').fetchall()
print('holding', len(rows), flush=True)
sys.stdin.readline()
conn.execute('COMMIT')
conn.close()
print('closed', flush=True)
'''


class Reader:
    """A process in a read transaction on the record, until `close()`."""

    def __init__(self, path: Path):
        self.process = subprocess.Popen(
            [sys.executable, '-c', _READER, Path(path).resolve().as_uri() + '?mode=ro'],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        assert line.startswith('holding') and int(line.split()[1]) > 0, line
        self.pid = self.process.pid

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.write('\n')
            self.process.stdin.flush()
            assert self.process.stdout.readline().strip() == 'closed'
            self.process.wait(timeout=30)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)


def build(path: Path) -> dict:
    """A kept lecture, one to erase (segments, a question, a summary) and a question outside both."""
    with LectureRecord(path) as record:
        kept = record.start_lecture('Kept', 'en', T0)
        record.append(kept, 0.0, 2.0, KEPT.decode(), 'en', 0.9, 'teacher')
        record.end_lecture(kept, T0 + 60)
        gone = record.start_lecture('Gone', 'en', T0 + 100)
        for i in range(40):  # enough to fill pages of their own, and overflow one
            record.append(gone, i * 3.0, i * 3.0 + 2, f'{SECRETS[0].decode()} line {i}. ' * (1 + i % 7),
                          'en', 0.9, 'teacher')
        record.log_question(QuestionEntry('q-gone', gone, T0 + 150, SECRETS[2].decode() + '?',
                                          SECRETS[2].decode() + '?', 'en', 'qa', 'answered', 'Because.'))
        record.save_summary(gone, 'en', 'small', {'key_points': [SECRETS[1].decode() * 200]})
        record.end_lecture(gone, T0 + 200)
        record.log_question(QuestionEntry('q-loose', None, T0 + 300, LOOSE.decode() + '?',
                                          LOOSE.decode() + '?', 'en', 'qa', 'declined'))
    return {'kept': kept, 'gone': gone}


def found_on_disk(path: Path, words=SECRETS) -> dict:
    """Return which of `words` each of the record's files (file, -wal, -shm) holds, by its bytes."""
    found = {}
    for suffix in ('', '-wal', '-shm'):
        file = Path(f'{path}{suffix}')
        data = file.read_bytes() if file.exists() else b''
        hits = [w for w in words if w in data]
        if hits:
            found[file.name] = hits
    return found
