# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Erasure that holds: the words are gone from the record file and its WAL, read back as bytes.

A real second process holds a read transaction, as any reader (a node, `sqlite3`) can: either it
closes while the erasure waits (the erasure then completes) or it never does (the erasure says
so, names it, and a later try completes it).
"""

import subprocess
import sys

import pytest
from erasure_fixture import KEPT, LOOSE, SECRETS, T0, Reader, build, found_on_disk

from milo_robot.record.lecture_record import ErasureIncomplete, LectureRecord
from milo_robot.thinking.evidence import Evidence
from milo_robot.thinking.feed import LectureFeed
from milo_robot.thinking.words import content_stems


@pytest.fixture
def path(tmp_path):
    return tmp_path / 'records' / 'milo.db'


@pytest.fixture
def ids(path):
    ids = build(path)
    assert found_on_disk(path), 'the check reads the words it looks for'
    return ids


@pytest.fixture
def reader(path, ids):
    process = Reader(path)
    yield process
    process.kill()


def test_every_writer_zeroes_what_it_deletes(path, ids):
    with LectureRecord(path) as record:
        conn = record._connection()
        assert conn.execute('PRAGMA journal_mode').fetchone()[0] == 'wal'
        assert conn.execute('PRAGMA secure_delete').fetchone()[0] == 1
        assert conn.execute('PRAGMA temp_store').fetchone()[0] == 2, "VACUUM's copy stays in memory"


def test_an_erasure_waits_for_a_reader_then_no_word_is_left(path, ids, reader, tmp_path):
    pack = tmp_path / 'notes' / f"lecture-{ids['gone']}.html"
    pack.parent.mkdir()
    pack.write_bytes(b'<p>' + SECRETS[0] + b'</p>')
    waited = []

    def on_wait(holders):  # the erasure found the file in use: the reader finishes now
        waited.append(holders)
        reader.close()

    with LectureRecord(path) as record:
        record.add_notes_pack(ids['gone'], [pack])
        counts = record.forget(ids['gone'], wait_s=120, on_wait=on_wait)
        # Checked while the writer still has the file open: closing it would checkpoint anyway.
        assert found_on_disk(path) == {}
        assert record.pending_erasures() == []
        assert [lec.id for lec in record.lectures()] == [ids['kept']]
    assert counts == {'segments': 40, 'questions': 1, 'summaries': 1, 'sentence_vectors': 0,
                      'notes_packs': 1}
    assert [(h.pid, h.doing) for h in waited[0]] == [(reader.pid, 'reading')]
    assert not pack.exists()
    assert found_on_disk(path, [KEPT]), 'what was kept is still there'


def test_a_reader_that_never_closes_leaves_the_erasure_incomplete_until_a_retry(path, ids, reader):
    with LectureRecord(path) as record:
        with pytest.raises(ErasureIncomplete) as failure:
            record.forget(ids['gone'], wait_s=0.5)
        message = str(failure.value)
        assert f"lecture {ids['gone']}" in message and 'NOT complete' in message
        assert f'pid {reader.pid}' in message and 'reading' in message
        assert failure.value.result['segments'] == 40
        assert found_on_disk(path), 'the words are indeed still on disk'
        assert [what for what, _ in record.pending_erasures()] == [f"lecture {ids['gone']}"]
        assert record.lecture(ids['gone']) is None
        reader.close()
        # The same call again finishes it, and says what the erasure had deleted.
        assert record.forget(ids['gone'], wait_s=5)['segments'] == 40
        assert found_on_disk(path) == {} and record.pending_erasures() == []
        with pytest.raises(ValueError, match='no lecture'):
            record.forget(ids['gone'])


def test_retention_finishes_an_incomplete_erasure_and_takes_loose_questions(path, ids, reader):
    with LectureRecord(path) as record:
        with pytest.raises(ErasureIncomplete) as failure:
            record.forget_older_than(1, now=T0 + 2 * 86400, wait_s=0.3)
        assert failure.value.result == [ids['kept'], ids['gone']]
        assert [what for what, _ in record.pending_erasures()] == [
            f"lecture {ids['kept']}", f"lecture {ids['gone']}", 'questions outside lectures']
        reader.close()
        assert record.forget_older_than(1, now=T0 + 2 * 86400, wait_s=5) == []  # nothing new
        assert found_on_disk(path, SECRETS + (LOOSE, KEPT)) == {}
        assert record.pending_erasures() == [] and record.questions() == []


def test_questions_outside_lectures_are_shown_and_erased(path, ids):
    with LectureRecord(path) as record:
        assert [q.request_id for q in record.questions_without_lecture()] == ['q-loose']
        assert record.forget_older_than(30, now=T0 + 10 * 86400) == [], 'younger than the retention'
        assert record.forget_questions_without_lecture() == 1
        assert record.questions_without_lecture() == []
        assert [q.request_id for q in record.questions()] == ['q-gone'], 'those of lectures stay'
        assert found_on_disk(path, [LOOSE]) == {}
        assert record.forget_questions_without_lecture() == 0


def milo(*args, stdin=''):
    return subprocess.run([sys.executable, '-m', 'milo_robot.cli.main', *args], capture_output=True,
                          text=True, timeout=120, input=stdin)


def test_milo_forget_says_an_erasure_a_reader_blocks_is_incomplete_and_completes_it_later(
        path, ids, reader):
    db = str(path)
    # An idle connection stays open, as a node's would: no process closing the file last
    # checkpoints it on its way out, so what is on disk is what `milo forget` left there.
    with LectureRecord(path, read_only=True):
        blocked = milo('forget', str(ids['gone']), '--database', db, '--yes', '--wait', '0.5')
        assert blocked.returncode == 3, blocked.stderr
        assert 'NOT complete' in blocked.stderr and f'pid {reader.pid}' in blocked.stderr
        assert found_on_disk(path), 'the words are indeed still on disk'
        listed = milo('lectures', '--database', db)
        assert f"lecture {ids['gone']}: erased" in listed.stdout and 'NOT yet from the disk' in listed.stdout
        assert '1 question(s) asked outside any lecture' in listed.stdout
        reader.close()
        again = milo('forget', str(ids['gone']), '--database', db, '--yes')
        assert again.returncode == 0, again.stderr
        assert 'finishing the erasure' in again.stdout and '40 segments, 1 questions' in again.stdout
        assert found_on_disk(path) == {}
        assert 'NOT yet' not in milo('lectures', '--database', db).stdout


def test_milo_forget_questions_waits_for_a_reader_that_finishes(path, ids):
    db = str(path)
    shown = milo('questions', '--database', db, '--lecture', 'none')
    assert 'no lecture' in shown.stdout and LOOSE.decode() in shown.stdout
    refused = milo('forget', '--questions', '--database', db, stdin='no\n')
    assert refused.returncode == 1 and 'nothing erased' in refused.stdout
    reader = Reader(path)
    try:
        with LectureRecord(path, read_only=True):
            erase = subprocess.Popen([sys.executable, '-m', 'milo_robot.cli.main', 'forget', '--questions',
                                      '--database', db, '--wait', '120'], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            erase.stdin.write('yes\n')
            erase.stdin.flush()
            waiting = ''
            while 'waiting up to' not in waiting:  # it says whom it waits for, then waits
                waiting = erase.stdout.readline()
                assert waiting, erase.stderr.read()
            assert f'pid {reader.pid}' in waiting and 'reading' in waiting
            reader.close()
            out, err = erase.communicate(timeout=120)
            assert erase.returncode == 0, err
            assert 'erased 1 question(s)' in out
            assert found_on_disk(path, [LOOSE]) == {}
    finally:
        reader.kill()
    with LectureRecord(path, read_only=True) as record:
        assert record.questions_without_lecture() == [] and len(record.questions()) == 1


def test_milo_forget_help_explains_both_paths_and_the_exit_status():
    text = milo('forget', '--help').stdout
    for words in ('--questions', 'outside', '--wait', 'write-ahead log', 'Exit status', '3 deleted',
                  'again'):
        assert words in text, words
    assert milo('forget', '--database', 'x.db').returncode == 1, 'a lecture or --questions is needed'


def test_an_erased_lecture_s_ids_are_never_given_again(path, ids):
    with LectureRecord(path) as record:
        gone_segments = [s.id for s in record.segments(ids['gone'])]
        record.forget(ids['gone'])
        # The erased lecture was the latest: SQLite alone would give its id to the next one.
        new = record.start_lecture('Next', 'en', T0 + 1000)
        segment = record.append(new, 0.0, 1.0, 'A new class.', 'en', 0.9)
        assert new > ids['gone'] and segment > max(gone_segments)
        record.forget(ids['kept'])
        assert record.start_lecture('After', 'en', T0 + 2000) == new + 1


def test_the_brain_s_evidence_drops_an_erased_lecture_s_sentences(path, ids):
    feed = LectureFeed(str(path), Evidence(None))
    feed.read()
    feed.index(flush=True)
    assert feed.lectures() == {ids['kept'], ids['gone']}
    assert feed.evidence.bm25(content_stems('Josephine')).any(), 'the erased lecture was evidence before'
    with LectureRecord(path) as record:
        record.forget(ids['gone'])
    assert feed.forget_erased() == {ids['gone']}
    assert {s.lecture_id for s in feed.evidence.sentences if s.kind == 'lecture'} == {ids['kept']}
    assert not feed.evidence.has_stem(content_stems('Josephine')[0]), 'its words left the term counts too'
    assert feed.evidence.has_stem(content_stems('Kirchhoff')[0])
    assert feed.forget_erased() == set()
