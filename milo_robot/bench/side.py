# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""One side of `milo bench --against`: list or run benchmarks of the tree on PYTHONPATH.

Run as a file, not as a module, so that it works for any commit, also one older than this
file: `python side.py list OUT.json` writes the tree's benchmarks as ["module.name", ...];
`python side.py run MODULE.NAME OUT.json` runs one and writes its {key: result}. Only the
standard library is imported here; every `milo_robot` import is the measured tree's own.
"""

import importlib
import json
import sys


def _benchmarks() -> list:
    from milo_robot.cli.bench import BENCHMARKS  # the tree's own list, whatever its age
    return [f"{b.__module__.rsplit('.', 1)[-1]}.{b.__name__}" for b in BENCHMARKS]


def main(argv: list) -> int:
    """Write the list of benchmarks, or one benchmark's results, as JSON."""
    if sys.path and sys.path[0].endswith('bench'):
        sys.path.pop(0)  # this file's folder: its neighbours are not top-level modules
    if argv[:1] == ['list'] and len(argv) == 2:
        out, output = argv[1], _benchmarks()
    elif argv[:1] == ['run'] and len(argv) == 3:
        module, _, name = argv[1].partition('.')
        bench = getattr(importlib.import_module(f'milo_robot.bench.{module}'), name)
        out, output = argv[2], bench()
    else:
        print('usage: side.py list OUT.json | run MODULE.NAME OUT.json', file=sys.stderr)
        return 2
    with open(out, 'w', encoding='utf-8') as f:
        json.dump(output, f)
    return 0


if __name__ == '__main__':
    raise SystemExit(main(sys.argv[1:]))
