# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""`milo bench`: run the benchmarks and record them in bench/results.json and BENCHMARKS.md."""

import os
import random
import sys

from milo_robot.bench import (
    app,
    app_cpu,
    body,
    camera,
    conversation,
    course_terms,
    foundation,
    hearing,
    hearing_load,
    lectures,
    soak,
    speaking,
    speaking_fr,
    startup,
    thinking,
    turns,
    turns_heard,
    voice_ahead,
    voice_memory,
)
from milo_robot.bench.against import AgainstError, Side, compare, entries, report, worktree_of
from milo_robot.bench.results import record, stamp
from milo_robot.graph import data_root

# Each group is a module with its BENCHMARKS; --list and --only follow this order.
GROUPS = (foundation, hearing, course_terms, hearing_load, speaking, speaking_fr, voice_memory,
          voice_ahead, thinking, lectures, body, conversation, camera, app, app_cpu, startup, soak,
          turns, turns_heard)
BENCHMARKS = tuple(bench for group in GROUPS for bench in group.BENCHMARKS)
_GROUP_NAMES = ', '.join(group.__name__.rsplit('.', 1)[-1] for group in GROUPS)


def add_parser(commands) -> None:
    """Register the `bench` command."""
    p = commands.add_parser(
        'bench', help='measure speed and memory; record medians in BENCHMARKS.md',
        description='Run the benchmarks (or those whose name contains --only), print each '
        'result, and merge them into bench/results.json and the table of BENCHMARKS.md.')
    p.add_argument('--only', metavar='TEXT', help='run only the benchmarks whose name or group '
                   f'({_GROUP_NAMES}) contains TEXT, or only the one named exactly TEXT or GROUP.NAME '
                   '(qa_heldout, not qa_heldout2; conversation.conversation); soak takes about 100 minutes')
    p.add_argument('--list', action='store_true', help='list the benchmarks and exit')
    p.add_argument('--against', metavar='REF', help='also run the chosen benchmarks on the git '
                   'commit REF (a temporary worktree sharing models/ and the built inputs), '
                   'alternating with the working tree, and record each key\'s two medians and '
                   'their ratio REF / working tree')
    p.add_argument('--repeat', type=int, default=1, metavar='N',
                   help='with --against: runs of each side, alternated (default 1)')
    p.set_defaults(run=run)


def _name(bench) -> str:
    """'group.name': what --only matches, and how --against names a benchmark on both sides."""
    return f"{bench.__module__.rsplit('.', 1)[-1]}.{bench.__name__}"


def select(only) -> list:
    """Return the benchmarks `--only` names: the one named so, else all whose group.name has it."""
    exact = [b for b in BENCHMARKS if only in (b.__name__, _name(b))]
    return exact or [b for b in BENCHMARKS if not only or only in _name(b)]


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
    if args.against:
        return _run_against(args, [_name(b) for b in chosen])
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


def _run_against(args, chosen: list) -> int:
    """Compare the working tree with REF; status 1 if REF is unknown or no key was measured."""
    if args.repeat < 1:
        print('milo bench: --repeat must be at least 1', file=sys.stderr)
        return 2
    root = data_root()
    measured = stamp(root)
    command = f'milo bench --against {args.against}' + (f' --only {args.only}' if args.only else '') + \
        (f' --repeat {args.repeat}' if args.repeat > 1 else '')
    try:
        with worktree_of(root, args.against) as other:
            comparison = compare(Side('A', root, measured['commit']), other, chosen, args.repeat)
    except AgainstError as exc:
        print(f'milo bench: {exc}', file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: the temporary worktree is gone already
        print(f'milo bench: interrupted; the worktree of {args.against} was removed', file=sys.stderr)
        return 130
    print('\n'.join(report(comparison)))
    results = entries(comparison, args.against, command)
    if not results:
        return 1
    print(f'recorded in {record(root, results, measured)} and BENCHMARKS.md')
    return 0
