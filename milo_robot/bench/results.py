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
    for key in sorted(stored):
        r = stored[key]
        rows.append(f"| `{key}` | {r['value']:g} {r['unit']} | {r['statistic']} of {r['runs']} "
                    f"({r['min']:g}-{r['max']:g}) "
                    f"| `{r['command']}` | {r['machine']} | {r['date']}, {r['commit']} | {r['note']} |")
    with open(path) as f:
        text = f.read()
    head, _, rest = text.partition(TABLE_START)
    _, _, tail = rest.partition(TABLE_END)
    with open(path, 'w') as f:
        f.write(f'{head}{TABLE_START}\n' + '\n'.join(rows) + f'\n{TABLE_END}{tail}')
