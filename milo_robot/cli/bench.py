# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""`milo bench`: run the benchmarks and record them in bench/results.json and BENCHMARKS.md."""

import os
import random

from milo_robot.bench import (
    app,
    body,
    camera,
    conversation,
    foundation,
    hearing,
    lectures,
    soak,
    speaking,
    thinking,
)
from milo_robot.bench.results import record, stamp
from milo_robot.graph import data_root

BENCHMARKS = (foundation.BENCHMARKS + hearing.BENCHMARKS + speaking.BENCHMARKS +
              thinking.BENCHMARKS + lectures.BENCHMARKS + body.BENCHMARKS + conversation.BENCHMARKS +
              camera.BENCHMARKS + app.BENCHMARKS + soak.BENCHMARKS)


def add_parser(commands) -> None:
    """Register the `bench` command."""
    p = commands.add_parser(
        'bench', help='measure speed and memory; record medians in BENCHMARKS.md',
        description='Run the benchmarks (or those whose name contains --only), print each '
        'result, and merge them into bench/results.json and the table of BENCHMARKS.md.')
    p.add_argument('--only', metavar='TEXT', help='run only the benchmarks whose name or group '
                   '(foundation, hearing, speaking, thinking, lectures, body, conversation, camera, '
                   'app, soak) contains TEXT, or only the one named exactly TEXT (qa_heldout, not '
                   'also qa_heldout2); soak takes about 100 minutes')
    p.add_argument('--list', action='store_true', help='list the benchmarks and exit')
    p.set_defaults(run=run)


def select(only) -> list:
    """Return the benchmarks `--only` names: the one named so, else all whose name or group has it."""
    exact = [b for b in BENCHMARKS if b.__name__ == only]
    return exact or [b for b in BENCHMARKS
                     if not only or only in b.__name__ or only in b.__module__.rsplit('.', 1)[-1]]


def run(args) -> int:
    """Run the chosen benchmarks; status 1 if none matched."""
    chosen = select(args.only)
    if args.list or not chosen:
        for b in BENCHMARKS:
            print(f'{b.__name__:<20} {b.__doc__.splitlines()[0]}')
        return 0 if args.list else 1
    # Benchmarks start nodes: keep their DDS traffic on this machine, apart from any running robot.
    os.environ.setdefault('ROS_AUTOMATIC_DISCOVERY_RANGE', 'LOCALHOST')
    os.environ.setdefault('ROS_DOMAIN_ID', str(random.randint(102, 200)))
    measured, results = stamp(data_root()), {}
    for i, bench in enumerate(chosen, 1):
        print(f'[bench {i}/{len(chosen)}] {bench.__name__}: {bench.__doc__.splitlines()[0]}',
              flush=True)
        for key, value in bench().items():
            print(f"    {key} = {value['value']:g} {value['unit']} ({value['statistic']} of "
                  f"{value['runs']})",
                  flush=True)
            results[key] = value
    print(f'recorded in {record(data_root(), results, measured)} and BENCHMARKS.md')
    return 0
