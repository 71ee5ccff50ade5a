# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Every file Milo writes is its user's only: created 0600 in 0700 folders, never widened later."""

import os
import subprocess
import sys

import numpy as np
from lecture_fixture import CIRCUITS, build_record

from milo_robot.audio.wav_speaker import WavSpeaker
from milo_robot.lectures.notes_pack import build_pack, write_pack
from milo_robot.private_files import open_private, private_folder
from milo_robot.record.lecture_record import LectureRecord


def mode(path) -> int:
    return os.stat(path).st_mode & 0o777


def test_folders_are_created_private_and_only_milo_s_own_are_narrowed(tmp_path):
    made = private_folder(tmp_path / 'run' / 'answers')
    assert mode(made) == mode(tmp_path / 'run') == 0o700
    old_run = tmp_path / 'old-run'
    old_run.mkdir()
    os.chmod(old_run, 0o755)  # left by an older version
    private_folder(old_run)
    assert mode(old_run) == 0o755, 'a folder is narrowed only where asked'
    private_folder(old_run, narrow=True)
    assert mode(old_run) == 0o700
    shared = tmp_path / 'shared'
    shared.mkdir()
    os.chmod(shared, 0o1777)  # like /tmp
    private_folder(shared, narrow=True)
    assert mode(shared) == 0o777, 'a folder others share is never narrowed'


def test_a_file_left_readable_is_narrowed_before_it_is_written(tmp_path):
    path = tmp_path / 'nodes.log'
    path.write_text('old')
    os.chmod(path, 0o644)
    with open_private(path, 'w', encoding='utf-8') as f:
        assert mode(path) == 0o600
        f.write('new')
    assert path.read_text() == 'new'


def test_sim_audio_is_private_even_over_an_older_file(tmp_path):
    old = tmp_path / 'speech.wav'
    old.write_bytes(b'')
    os.chmod(old, 0o644)
    for path in (old, tmp_path / 'answers' / 'r1.wav'):
        speaker = WavSpeaker(str(path), 16000)
        speaker.play(np.zeros(160, dtype=np.int16))
        speaker.close()
        assert mode(path) == 0o600
    assert mode(tmp_path / 'answers') == 0o700


def test_notes_packs_are_private_and_go_with_their_lecture(tmp_path):
    db = tmp_path / 'milo.db'
    ids = build_record(db)
    with LectureRecord(db, read_only=True) as record:
        pack = build_pack(record, ids['circuits'])
    paths = write_pack(pack, tmp_path / 'notes-out')
    assert mode(tmp_path / 'notes-out') == 0o700 and all(mode(p) == 0o600 for p in paths)
    with LectureRecord(db) as record:
        record.add_notes_pack(ids['circuits'], paths)
        assert record.forget(ids['circuits'])['notes_packs'] == 2
    assert not any(p.exists() for p in paths)


def test_milo_notes_registers_its_pack_so_that_forget_removes_it(tmp_path):
    db = tmp_path / 'milo.db'
    ids = build_record(db)
    out = tmp_path / 'out'
    run = [sys.executable, '-m', 'milo_robot.cli.main']
    written = subprocess.run(run + ['notes', str(ids['circuits']), '--database', str(db), '--out', str(out)],
                             capture_output=True, text=True, timeout=120)
    assert written.returncode == 0, written.stderr
    html = out / f"lecture-{ids['circuits']}.html"
    assert CIRCUITS[2] in html.read_text(encoding='utf-8') and mode(html) == 0o600
    erased = subprocess.run(run + ['forget', str(ids['circuits']), '--database', str(db), '--yes'],
                            capture_output=True, text=True, timeout=120)
    assert erased.returncode == 0 and '2 notes pack file(s)' in erased.stdout, erased.stderr
    assert not html.exists() and list(out.iterdir()) == []


def test_the_milo_command_makes_whatever_it_writes_private(tmp_path):
    script = ('import os, sys\nfrom milo_robot.cli.main import main\ntry:\n    main(sys.argv[1:])\n'
              'except SystemExit:\n    pass\nprint(oct(os.umask(0)))')
    result = subprocess.run([sys.executable, '-c', script, 'lectures', '--database', str(tmp_path / 'x.db')],
                            capture_output=True, text=True, timeout=60)
    assert result.stdout.strip().splitlines()[-1] == '0o77'
