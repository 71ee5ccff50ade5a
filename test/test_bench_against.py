# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""`milo bench --against REF` on a tiny benchmark: both sides measured, ratios recorded, no tree left.

The comparison runs in a throwaway copy of this tree (a git repository of its own), so that the
repository's own bench/results.json is never touched.
"""

import json
import os
import shutil
import signal
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _git(cwd, *args) -> str:
    return subprocess.run(['git', '-C', str(cwd), '-c', 'user.name=t', '-c', 'user.email=t@t', *args],
                          check=True, capture_output=True, text=True).stdout


def _edit(path, *changes) -> None:
    """Replace text in a file, failing loudly if the text moved (the tests edit bench.py's groups)."""
    text = path.read_text()
    for old, new in changes:
        assert old in text, f'{path.name} no longer has {old!r}'
        text = text.replace(old, new)
    path.write_text(text)


# A benchmark of a fraction of a second, added to the copy: the test times the tool, not Milo.
TINY = '''"""A tiny benchmark for the test of milo bench --against."""
import time

from milo_robot.bench.results import result


def tiny() -> dict:
    """Sum a million integers, three times."""
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        sum(range(1_000_000))
        runs.append(time.perf_counter() - started)
    return {'tiny_sum_s': result(runs, 's', 'test')}


BENCHMARKS = (tiny,)
'''


@pytest.fixture
def copy(tmp_path):
    """This tree's files (committed and not) and a tiny benchmark in a new repository: REF."""
    tree = tmp_path / 'tree'
    listed = _git(ROOT, 'ls-files', '--cached', '--others', '--exclude-standard', '-z').split('\0')
    for name in filter(None, listed):
        if os.path.isfile(os.path.join(ROOT, name)):
            os.makedirs(tree / os.path.dirname(name), exist_ok=True)
            shutil.copy2(os.path.join(ROOT, name), tree / name)
    (tree / 'milo_robot' / 'bench' / 'tiny.py').write_text(TINY)
    cli = tree / 'milo_robot' / 'cli' / 'bench.py'
    _edit(cli, ('    turns,\n', '    tiny,\n    turns,\n'), ('GROUPS = (', 'GROUPS = (tiny, '))
    _git(tree, 'init', '-q')
    _git(tree, 'add', '-A')
    _git(tree, 'commit', '-qm', 'the commit compared with')
    return tree


def _bench(tree, tmp_path, *args):
    temp = tmp_path / 'temp'  # where the other side's worktree goes: empty again afterwards
    temp.mkdir(exist_ok=True)
    env = dict(os.environ, PYTHONPATH=str(tree), TMPDIR=str(temp))
    proc = subprocess.run([sys.executable, '-m', 'milo_robot.cli.main', 'bench', *args], cwd=tree,
                          env=env, capture_output=True, text=True, timeout=600)
    assert os.listdir(temp) == [], 'the temporary worktree was left behind'
    assert _git(tree, 'worktree', 'list').count('\n') == 1, 'git still lists the temporary worktree'
    return proc


def test_against_records_both_medians_and_their_ratio(copy, tmp_path):
    proc = _bench(copy, tmp_path, '--against', 'HEAD', '--only', 'tiny.tiny', '--repeat', '2')
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count('on A (') == 2 and proc.stdout.count('on B (') == 2  # alternated
    stored = json.loads((copy / 'bench' / 'results.json').read_text())
    entry = stored['against_HEAD_tiny_sum_s']
    assert len(entry['a_values']) == len(entry['b_values']) == entry['runs'] == 2
    assert entry['a_median'] > 0 and entry['b_median'] > 0
    assert entry['value'] == pytest.approx(entry['b_median'] / entry['a_median'], rel=1e-3)
    assert entry['b_commit'] == _git(copy, 'rev-parse', '--short', 'HEAD').strip()
    table = (copy / 'BENCHMARKS.md').read_text().split('<!-- comparisons:')[1]
    assert 'milo bench --against HEAD --only tiny.tiny --repeat 2' in table
    assert '| `tiny_sum_s` |' in table
    # The comparison is not a measurement of its own in the main table.
    main_table = (copy / 'BENCHMARKS.md').read_text().split('<!-- end of results -->')[0]
    assert 'against_HEAD' not in main_table


def test_a_benchmark_the_other_commit_lacks_is_only_in_a(copy, tmp_path):
    bench_cli = copy / 'milo_robot' / 'cli' / 'bench.py'
    _git(copy, 'rm', '-q', 'milo_robot/bench/turns_heard.py')
    _edit(bench_cli, ('    turns_heard,\n', ''), (', turns_heard)', ')'))
    _git(copy, 'commit', '-qam', 'before the turns_heard benchmark')
    _git(copy, 'checkout', '-q', 'HEAD~1', '--', 'milo_robot')  # A: the tree with it again
    proc = _bench(copy, tmp_path, '--against', 'HEAD', '--only', 'turns_heard.turns_heard')
    assert proc.returncode == 1  # nothing to compare: nothing recorded, nothing run
    assert 'only in A (not run: B has no such benchmark): turns_heard.turns_heard' in proc.stdout


def test_an_unknown_commit_is_a_clear_error(copy, tmp_path):
    proc = _bench(copy, tmp_path, '--against', 'no-such-ref', '--only', 'tiny.tiny')
    assert proc.returncode == 1 and 'no-such-ref' in proc.stderr


@pytest.mark.parametrize('how', [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_comparison_removes_its_worktree(copy, tmp_path, how):
    temp = tmp_path / 'temp'
    temp.mkdir()
    env = dict(os.environ, PYTHONPATH=str(copy), TMPDIR=str(temp))
    proc = subprocess.Popen([sys.executable, '-m', 'milo_robot.cli.main', 'bench', '--against', 'HEAD',
                             '--only', 'tiny.tiny', '--repeat', '100'], cwd=copy, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for line in proc.stdout:  # interrupted once B's tree is in use
            if ' on B (' in line:
                break
        assert any(name.startswith('milo-against-') for name in os.listdir(temp))
        proc.send_signal(how)
        proc.wait(timeout=120)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode != 0
    assert not any(name.startswith('milo-against-') for name in os.listdir(temp)), 'worktree left'
    assert _git(copy, 'worktree', 'list').count('\n') == 1
