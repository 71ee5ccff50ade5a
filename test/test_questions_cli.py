# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""`milo questions`: the teacher reads the question log."""

import csv
import io
import subprocess
import sys

from milo_robot.record.lecture_record import LectureRecord, QuestionEntry


def milo(*args):
    return subprocess.run([sys.executable, '-m', 'milo_robot.cli.main', *args], capture_output=True,
                          text=True, timeout=60)


def test_the_teacher_reads_the_latest_lecture_s_questions(tmp_path):
    db = tmp_path / 'milo.db'
    with LectureRecord(db) as record:
        old = record.start_lecture(now=1_800_000_000.0)
        record.log_question(QuestionEntry('r1', old, 1_800_000_100.0, 'Milo, old?', 'Old?', 'en', 'qa',
                                          'declined'))
        new = record.start_lecture(now=1_800_090_000.0)
        record.log_question(QuestionEntry('r2', new, 1_800_090_100.0, 'Milo, what is a volt?',
                                          'What is a volt?',
                                          'en', 'lecture', 'answered', 'The unit of voltage.',
                                          'The unit of voltage.', ('notes: circuits.md',), 1.4))
        record.log_question(QuestionEntry('r3', new, 1_800_090_200.0, 'Milo, why?', 'What is a volt? Why?',
                                          'en',
                                          'lecture', 'interrupted', 'Because. More.', 'Because.', (), None))
    text = milo('questions', '--database', str(db))
    assert text.returncode == 0, text.stderr
    assert 'Milo, what is a volt?' in text.stdout and 'answered' in text.stdout and '1.4 s' in text.stdout
    assert 'Milo: Because.' in text.stdout and 'More.' not in text.stdout, 'what was heard, not meant'
    assert 'old?' not in text.stdout
    rows = list(csv.DictReader(io.StringIO(milo('questions', '--database', str(db), '--lecture', 'all',
                                                '--csv').stdout)))
    assert [r['outcome'] for r in rows] == ['declined', 'answered', 'interrupted']
    assert rows[1]['sources'] == 'notes: circuits.md'
    missing = milo('questions', '--database', str(tmp_path / 'none.db'))
    assert missing.returncode == 1 and 'milo questions:' in missing.stderr
