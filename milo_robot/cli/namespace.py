# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""`--namespace ROOM`: which robot a command starts or talks to, when several share a network."""

import argparse

from milo_robot.graph import namespace_error


def namespace_type(text: str) -> str:
    """Check a namespace given on the command line (argparse type): ROS name rules, before anything starts."""
    problem = namespace_error(text)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return text


def add_namespace_argument(parser, help_text: str = '') -> None:
    """Add `--namespace ROOM` to a command that starts the graph or talks to it."""
    parser.add_argument('--namespace', type=namespace_type, default='', metavar='ROOM',
                        help=help_text or 'talk to the robot started with `milo up --namespace ROOM` '
                        '(default: the one in the root namespace)')
