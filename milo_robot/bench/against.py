# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""`milo bench --against REF`: the same benchmarks on the working tree (A) and on a commit (B).

B runs from a temporary `git worktree` of REF, with its own code (its `milo_robot` first on
PYTHONPATH, in every process the benchmark starts) and the working tree's prepared inputs
(models/, the built firmware, the demo and camera inputs) linked in. The two sides alternate,
A then B, once per repetition, so that a machine busy with other work slows both alike; each
key gets both medians over the repetitions and their ratio B/A. The temporary tree is removed
at the end, also after an error, Ctrl-C or SIGTERM.
"""

import contextlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field

SIDE_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'side.py')
# Inputs that set-up prepares in the working tree, linked into the other tree (build/bench is not:
# each tree synthesises its own benchmark sessions, from its own scripts).
SHARED_BUILD = ('demo', 'camera')
STOP_WAIT_S = 30.0  # a side interrupted gets this long to stop its nodes


class AgainstError(RuntimeError):
    """The comparison cannot run (an unknown commit, a git failure)."""


def git(root: str, *args: str) -> str:
    """Run git in `root`; return its output, or raise AgainstError with git's message."""
    proc = subprocess.run(['git', '-C', root, *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise AgainstError(f"git {' '.join(args)}: {proc.stderr.strip() or proc.stdout.strip()}")
    return proc.stdout.strip()


@dataclass
class Side:
    """A tree whose code is measured: the working tree (A) or the commit's worktree (B)."""

    label: str
    root: str
    commit: str

    def environment(self) -> dict:
        """Return the environment of this side's processes: its own `milo_robot`, nobody else's."""
        return dict(os.environ, PYTHONPATH=self.root)

    def call(self, *args: str) -> object:
        """Run side.py with `args` in this tree; return what it wrote, or raise on a failure.

        The benchmark's own progress lines go to the console as they come.
        """
        fd, out = tempfile.mkstemp(prefix='milo-side-', suffix='.json')
        os.close(fd)
        # A session of its own: stopping it (below) reaches the programs it starts too.
        proc = subprocess.Popen([sys.executable, SIDE_SCRIPT, *args, out], cwd=self.root,
                                env=self.environment(), start_new_session=True)
        try:
            status = proc.wait()
            if status != 0:
                raise RuntimeError(f'{self.label} ({self.commit}) exited with status {status}')
            with open(out, encoding='utf-8') as f:
                return json.load(f)
        finally:
            _stop(proc)
            os.remove(out)


def _stop(proc: subprocess.Popen) -> None:
    """Stop a side still running (we are interrupted), and whatever it started.

    SIGTERM lets a running graph's supervisor stop its nodes (each in a session of its own); then
    the side's whole process group goes (a session being synthesised, for example).
    """
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=STOP_WAIT_S)
        except subprocess.TimeoutExpired:
            pass
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


@contextlib.contextmanager
def worktree_of(root: str, ref: str):
    """Yield a Side for `ref`, checked out in a temporary worktree that is removed afterwards."""
    commit = git(root, 'rev-parse', '--verify', '--short', f'{ref}^{{commit}}')
    folder = tempfile.mkdtemp(prefix='milo-against-')
    tree = os.path.join(folder, 'tree')
    previous, previous_int = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)

    def terminated(signum, frame):
        raise KeyboardInterrupt(f'signal {signum}')
    signal.signal(signal.SIGTERM, terminated)  # a SIGTERM cleans up as Ctrl-C does
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:  # started in the background by a shell
        signal.signal(signal.SIGINT, terminated)
    try:
        git(root, 'worktree', 'add', '--detach', '--quiet', tree, commit)
        _share_inputs(root, tree, commit)
        yield Side('B', tree, commit)
    finally:
        removed = subprocess.run(['git', '-C', root, 'worktree', 'remove', '--force', tree],
                                 capture_output=True).returncode == 0
        shutil.rmtree(folder, ignore_errors=True)
        if not removed:  # git's record of a tree it could not remove: forget it
            subprocess.run(['git', '-C', root, 'worktree', 'prune'], capture_output=True)
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_int)


def _share_inputs(root: str, tree: str, commit: str) -> None:
    """Link the prepared models and inputs into the other tree; build its own firmware if it differs."""
    models = os.path.join(root, 'models')
    os.makedirs(os.path.join(tree, 'models'), exist_ok=True)
    for name in os.listdir(models) if os.path.isdir(models) else ():
        link = os.path.join(tree, 'models', name)
        if not os.path.lexists(link):  # tracked files (README.md) stay the commit's own
            os.symlink(os.path.realpath(os.path.join(models, name)), link)
    os.makedirs(os.path.join(tree, 'build'), exist_ok=True)
    shared = list(SHARED_BUILD)
    same_firmware = subprocess.run(['git', '-C', root, 'diff', '--quiet', commit, '--', 'firmware'],
                                   capture_output=True).returncode == 0
    if same_firmware:
        shared.append('firmware')
    else:  # a few seconds: the body's firmware and its simulator, as that commit has them
        subprocess.run(['make', '-s', '-C', os.path.join(tree, 'firmware')], check=True,
                       stdout=subprocess.DEVNULL)
    for name in shared:
        source = os.path.join(root, 'build', name)
        if os.path.exists(source):
            os.symlink(os.path.realpath(source), os.path.join(tree, 'build', name))


@dataclass
class KeyComparison:
    """One key measured on both sides: each repetition's value."""

    unit: str
    statistic: str  # what each repetition's value is: 'median of 12'...
    a: list = field(default_factory=list)
    b: list = field(default_factory=list)
    note: str = ''

    def summary(self) -> dict:
        """Both medians, their ratio B/A, and each repetition's ratio B/A where both sides ran."""
        a = statistics.median(self.a) if self.a else None
        b = statistics.median(self.b) if self.b else None
        pairs = [y / x for x, y in zip(self.a, self.b) if x]
        return {'a_median': a, 'b_median': b, 'ratio': (b / a) if a and b is not None else None,
                'pair_ratios': pairs, 'a_values': self.a, 'b_values': self.b}


@dataclass
class Comparison:
    """What `compare` measured: keys on both sides, and what exists on one side only."""

    a: Side
    b: Side
    repeat: int
    keys: dict = field(default_factory=dict)  # key -> KeyComparison
    only_in_a: list = field(default_factory=list)  # benchmarks (module.name) B lacks
    only_in_b: list = field(default_factory=list)  # keys only B's benchmarks gave
    failures: list = field(default_factory=list)  # 'side: benchmark: why'


def compare(a: Side, b: Side, chosen: list, repeat: int) -> Comparison:
    """Run each chosen benchmark `repeat` times on A then B, alternating; collect every key."""
    result = Comparison(a, b, repeat)
    try:
        on_b = set(b.call('list'))
    except (RuntimeError, ValueError) as exc:  # that commit's benchmarks do not even import
        raise AgainstError(f'cannot list the benchmarks of {b.commit}: {exc}') from exc
    result.only_in_a = [name for name in chosen if name not in on_b]
    both = [name for name in chosen if name in on_b]
    a_keys, b_keys = set(), set()
    for name in both:
        for i in range(1, repeat + 1):
            for side, keys in ((a, a_keys), (b, b_keys)):
                print(f'[against {i}/{repeat}] {name} on {side.label} ({side.commit})', flush=True)
                try:
                    measured = side.call('run', name)
                except RuntimeError as exc:
                    result.failures.append(f'{side.label}: {name}: {exc}')
                    print(f'    failed: {exc}', flush=True)
                    continue
                for key, value in measured.items():
                    keys.add(key)
                    entry = result.keys.setdefault(key, KeyComparison(
                        value['unit'], f"{value['statistic']} of {value['runs']}", note=value['note']))
                    (entry.a if side is a else entry.b).append(value['value'])
                    print(f"    {key} = {value['value']:g} {value['unit']}", flush=True)
    result.only_in_b = sorted(b_keys - a_keys)
    for key in result.only_in_b:
        del result.keys[key]
    return result


def report(comparison: Comparison) -> list:
    """Return the comparison as printable lines: per key A, B, B/A."""
    c = comparison
    lines = [f'A = working tree ({c.a.commit}), B = {c.b.commit}; medians of {c.repeat} '
             f'repetition(s), alternated A, B', f"{'key':<44} {'A':>10} {'B':>10} {'B/A':>7}"]
    for key in sorted(c.keys):
        s = c.keys[key].summary()

        def fmt(value):
            return f'{value:>10.4g}' if value is not None else f"{'-':>10}"
        ratio = f"{s['ratio']:>7.3f}" if s['ratio'] is not None else f"{'-':>7}"
        lines.append(f"{key:<44} {fmt(s['a_median'])} {fmt(s['b_median'])} {ratio} {c.keys[key].unit}")
    if c.only_in_a:
        lines.append('only in A (not run: B has no such benchmark): ' + ', '.join(c.only_in_a))
    if c.only_in_b:
        lines.append('only in B (keys A no longer gives): ' + ', '.join(c.only_in_b))
    lines += [f'failed: {f}' for f in c.failures]
    return lines


def entries(comparison: Comparison, ref: str, command: str) -> dict:
    """Return the comparison as bench/results.json entries, `against_<ref>_<key>` each.

    An entry's `value` is the ratio B/A of the two medians (None when a side has no value).
    """
    c = comparison
    name = ''.join(ch if ch.isalnum() else '_' for ch in ref)
    out = {}
    for key, kc in sorted(c.keys.items()):
        s = kc.summary()
        pairs = s['pair_ratios'] or [s['ratio'] or 0.0]
        out[f'against_{name}_{key}'] = {
            'value': round(s['ratio'], 4) if s['ratio'] is not None else None,
            'statistic': 'B/A of medians', 'unit': 'ratio', 'runs': len(kc.a),
            'min': round(min(pairs), 4), 'max': round(max(pairs), 4),
            'command': command, 'against': ref, 'key': key, 'key_unit': kc.unit,
            'a_commit': c.a.commit, 'b_commit': c.b.commit,
            'a_median': _rounded(s['a_median']), 'b_median': _rounded(s['b_median']),
            'a_values': [_rounded(v) for v in kc.a], 'b_values': [_rounded(v) for v in kc.b],
            'note': f"each value a {kc.statistic}; " + (kc.note or ''),
            'only_in_a': c.only_in_a, 'failures': c.failures,
        }
    return out


def _rounded(value):
    # Significant digits, not decimals: a key measured in hundredths of a second keeps enough
    # precision for its stored medians to give back the ratio recorded beside them.
    return None if value is None else float(f'{value:.6g}')
