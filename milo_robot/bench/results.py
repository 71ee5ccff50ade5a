# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Recording benchmark results in bench/results.json and the table of BENCHMARKS.md."""

import json
import os
import platform
import statistics
import subprocess
import time

TABLE_START = '<!-- results: written by `milo bench`, do not edit by hand -->'
TABLE_END = '<!-- end of results -->'
COMPARISONS_START = '<!-- comparisons: written by `milo bench --against`, do not edit by hand -->'
COMPARISONS_END = '<!-- end of comparisons -->'


def machine() -> str:
    """Describe this machine in one line: CPU model, cores, memory, OS, Python."""
    cpu = platform.processor() or platform.machine()
    try:
        with open('/proc/cpuinfo') as f:
            cpu = next(line.split(':', 1)[1].strip() for line in f if line.startswith('model name'))
    except (OSError, StopIteration):
        pass
    memory_gb = os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30
    return (f'{cpu}, {os.cpu_count()} cores, {memory_gb:.0f} GiB, {platform.system()} '
            f'{platform.release()}, Python {platform.python_version()}')


def commit(root: str) -> str:
    """Return the short commit of the tree measured (with '+' when it has local changes).

    Results waiting to be committed are not a change to what is measured.
    """
    def git(*args):
        return subprocess.run(['git', '-C', root, *args], capture_output=True, text=True).stdout
    head = git('rev-parse', '--short', 'HEAD').strip() or 'unknown'
    changed = git('status', '--porcelain', '--untracked-files=no', '--', '.',
                  ':!bench/results.json', ':!BENCHMARKS.md').strip()
    return head + ('+' if changed else '')


def stamp(root: str) -> dict:
    """Return what a result is measured on: the machine, the commit and the date.

    Taken before measuring: a soak lasts 100 minutes, and the tree may move on meanwhile.
    """
    return {'machine': machine(), 'commit': commit(root), 'date': time.strftime('%Y-%m-%d')}


def result(samples: list, unit: str, command: str, note: str = '', percentile: int = 50) -> dict:
    """Summarise repeated measurements of one key by their median (or another percentile)."""
    ordered = sorted(samples)
    value = statistics.median(ordered) if percentile == 50 else \
        ordered[round(percentile / 100 * (len(ordered) - 1))]
    return {'value': round(value, 4), 'statistic': 'median' if percentile == 50 else f'p{percentile}',
            'unit': unit, 'runs': len(samples), 'min': round(ordered[0], 4),
            'max': round(ordered[-1], 4), 'command': command, 'note': note}


def record(root: str, results: dict, measured: dict | None = None) -> str:
    """Merge `results` into bench/results.json and rewrite the BENCHMARKS.md table; return its path.

    `measured` is the `stamp` taken when the measuring began (now, when not given).
    """
    path = os.path.join(root, 'bench', 'results.json')
    stored = {}
    if os.path.exists(path):
        with open(path) as f:
            stored = json.load(f)
    measured = measured or stamp(root)
    for key, value in results.items():
        stored[key] = {**value, **measured}
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(stored, f, indent=2, sort_keys=True)
        f.write('\n')
    _write_table(os.path.join(root, 'BENCHMARKS.md'), stored)
    return path


def _write_table(path: str, stored: dict) -> None:
    rows = ['| Key | Value | Statistic of runs (min-max) | Command | Machine | Date, commit | Note |',
            '|---|---|---|---|---|---|---|']
    for key in sorted(k for k in stored if 'against' not in stored[k]):
        r = stored[key]
        rows.append(f"| `{key}` | {r['value']:g} {r['unit']} | {r['statistic']} of {r['runs']} "
                    f"({r['min']:g}-{r['max']:g}) "
                    f"| `{r['command']}` | {r['machine']} | {r['date']}, {r['commit']} | {r['note']} |")
    with open(path) as f:
        text = f.read()
    text = _replace_block(text, TABLE_START, TABLE_END, '\n'.join(rows))
    comparisons = _comparison_tables(stored)
    if comparisons and COMPARISONS_START not in text:
        text += f'\n## Comparisons\n\n{COMPARISONS_START}\n{COMPARISONS_END}\n'
    if COMPARISONS_START in text:
        text = _replace_block(text, COMPARISONS_START, COMPARISONS_END, comparisons)
    with open(path, 'w') as f:
        f.write(text)


def _replace_block(text: str, start: str, end: str, body: str) -> str:
    head, _, rest = text.partition(start)
    _, _, tail = rest.partition(end)
    return f'{head}{start}\n' + (body + '\n' if body else '') + f'{end}{tail}'


def _comparison_tables(stored: dict) -> str:
    """One table per `--against` run: both commits, both medians and B/A for each key."""
    runs = {}
    for key in sorted(k for k in stored if 'against' in stored[k]):
        r = stored[key]
        runs.setdefault((r['command'], r['a_commit'], r['b_commit'], r['date']), []).append(r)
    blocks = []
    for (command, a_commit, b_commit, date), rows in sorted(runs.items(), key=lambda i: i[0][3]):
        first = rows[0]
        lines = [f'`{command}` on {date}: A = the working tree at {a_commit}, B = {b_commit} '
                 f"({first['against']}); {first['machine']}. Each side ran {first['runs']} time(s), "
                 'alternated A, B; a value is the median over the runs of each run\'s figure.',
                 '', f'| Key | A ({a_commit}) | B ({b_commit}) | B/A (per run: min-max) |',
                 '|---|---|---|---|']
        for r in rows:
            def shown(value):
                return '-' if value is None else f"{value:g} {r['key_unit']}".strip()
            ratio = '-' if r['value'] is None else f"{r['value']:g} ({r['min']:g}-{r['max']:g})"
            lines.append(f"| `{r['key']}` | {shown(r['a_median'])} | {shown(r['b_median'])} | {ratio} |")
        if first.get('only_in_a'):
            lines += ['', 'Only in A (B has no such benchmark; not run): ' +
                      ', '.join(f'`{name}`' for name in first['only_in_a']) + '.']
        if first.get('failures'):
            lines += ['', 'Failed runs: ' + '; '.join(first['failures']) + '.']
        blocks.append('\n'.join(lines))
    return '\n\n'.join(blocks)
