# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Entry point of the `milo` command."""

import argparse
import sys

from milo_robot import __version__
from milo_robot.cli import (
    app,
    ask,
    bench,
    demo,
    export,
    lectures,
    models,
    notes,
    questions,
    say,
    status,
    summarize,
    teleop,
    transcribe,
    up,
)
from milo_robot.graph import use_dds_profile
from milo_robot.private_files import restrict_umask


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with one sub-command per capability."""
    parser = argparse.ArgumentParser(
        prog='milo', description='Milo, the offline AI student robot. Run `milo COMMAND --help` '
        'for the options of a command.')
    parser.add_argument('--version', action='version', version=f'milo_robot {__version__}')
    commands = parser.add_subparsers(dest='command', required=True, metavar='COMMAND')
    for module in (up, demo, status, transcribe, ask, summarize, say, teleop, questions, lectures, notes,
                   export, app, models, bench):
        module.add_parser(commands)
    return parser


def main(argv=None) -> None:
    """Parse the command line and run the chosen command."""
    args = build_parser().parse_args(argv)
    restrict_umask()  # whatever a command writes (and the nodes it starts) is Milo's user's only
    use_dds_profile()  # the command's own participants announce themselves as the nodes do
    sys.exit(args.run(args))


if __name__ == '__main__':
    main()
