# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""`milo lectures` and `milo forget` on a record file, as a teacher types them."""

import subprocess
import sys

from milo_robot.interfaces.payloads import QuestionEntry
from milo_robot.record.lecture_record import LectureRecord


def milo(*args, stdin=''):
    return subprocess.run([sys.executable, '-m', 'milo_robot.cli.main', *args], capture_output=True,
                          text=True, timeout=60, input=stdin)


def test_list_rename_file_end_and_forget_with_confirmation(tmp_path):
    db = tmp_path / 'milo.db'
    with LectureRecord(db) as record:
        first = record.start_lecture(now=1_800_000_000.0)
        record.append(first, 0.0, 2.0, 'Ohm said so.', 'en', 0.9, 'teacher')
        record.log_question(QuestionEntry('k1', first, 1_800_000_010.0, 'Milo?', 'Why?', 'en', 'qa',
                                          'declined'))
        second = record.start_lecture(now=1_800_090_000.0)
    listed = milo('lectures', '--database', str(db))
    assert listed.returncode == 0 and listed.stdout.count('\n') == 2, listed.stderr
    assert '1 segments, 1 questions' in listed.stdout and 'open' in listed.stdout
    assert milo('lectures', '--database', str(db), '--rename', str(first), 'Loi d’Ohm').returncode == 0
    assert milo('lectures', '--database', str(db), '--course', str(first), 'Circuits').returncode == 0
    assert milo('lectures', '--database', str(db), '--end', str(second)).returncode == 0
    with LectureRecord(db, read_only=True) as record:
        lecture = record.lecture(first)
        assert (lecture.title, lecture.course) == ('Loi d’Ohm', 'Circuits')
        assert record.lecture(second).ended_at is not None
    refused = milo('forget', str(first), '--database', str(db), stdin='no\n')
    assert refused.returncode == 1 and 'nothing erased' in refused.stdout
    erased = milo('forget', str(first), '--database', str(db), stdin=f'{first}\n')
    assert erased.returncode == 0, erased.stderr
    assert 'erased lecture' in erased.stdout and '1 segments, 1 questions' in erased.stdout
    with LectureRecord(db, read_only=True) as record:
        assert [lec.id for lec in record.lectures()] == [second] and record.questions() == []
    missing = milo('forget', '999', '--database', str(db), '--yes')
    assert missing.returncode == 1 and 'no lecture 999' in missing.stderr
