# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""`milo up`: bring up Milo's node graph without `ros2 launch` (pip-installed ROS 2)."""

import os
import sys

from milo_robot.cli.namespace import add_namespace_argument
from milo_robot.graph import NODES, absolute_namespace, plan
from milo_robot.supervisor import supervise
from milo_robot.watchdog import DiagnosticsListener, Liveness


def add_parser(commands) -> None:
    """Register the `up` command."""
    p = commands.add_parser(
        'up', help='start the whole node graph (Ctrl-C stops it)',
        description='Start every node of the graph as its own process, with the parameter files '
        'of config/, prefix their logs with their names, and restart a node that dies. In sim '
        'mode the microphone plays a WAV file and the run ends at the end of it.')
    p.add_argument('--sim', action='store_true', help='use file-backed devices (config/sim.yaml)')
    p.add_argument('--params-file', action='append', default=[], metavar='YAML',
                   help='an extra parameter file, loaded last (repeatable)')
    p.add_argument('--set', action='append', default=[], metavar='NODE.PARAM=VALUE',
                   help='override one parameter, e.g. microphone.realtime_factor=4 (repeatable)')
    p.add_argument('--input', metavar='WAV', help='sim mode: the WAV file the microphone plays')
    p.add_argument('--no-respawn', action='store_true', help='stop everything when a node dies')
    p.add_argument('--separate', action='store_true',
                   help='run every node in a process of its own (default: the light nodes share one)')
    p.add_argument('--network', action='store_true',
                   help='open ROS 2 discovery to the local network (default: the robot only; anyone '
                   'on the network could then hear the audio, read transcripts and make Milo speak: '
                   'see docs/privacy.md)')
    add_namespace_argument(p, 'start the robot\'s nodes in this ROS namespace, so that several robots '
                           'share a network: every topic is then /ROOM/... (default: the root namespace)')
    p.add_argument('--check', action='store_true',
                   help='only check the parameter files and overrides, then exit')
    p.set_defaults(run=run)


def run(args) -> int:
    """Check the configuration, then supervise the nodes until the run ends."""
    launches, errors = plan(args.sim, args.params_file, args.set, args.input or '',
                            grouped=not args.separate, namespace=args.namespace)
    if errors:
        print('milo up: configuration error:', file=sys.stderr)
        for e in errors:
            print(f'  - {e}', file=sys.stderr)
        return 2
    if args.check:
        print('configuration OK')
        return 0
    mode = 'sim' if args.sim else 'robot'
    print(f"milo up ({mode} mode): {', '.join(n.name for n in NODES)}; "
          f"namespace {absolute_namespace(args.namespace)}; "
          f"ROS_DOMAIN_ID={os.environ.get('ROS_DOMAIN_ID', '0')}; DDS "
          f"{'open to the local network' if args.network else 'on this machine only'}", flush=True)
    liveness = Liveness()
    # A stuck node is restarted like a dead one; another robot's nodes are not this one's to judge.
    listener = DiagnosticsListener(liveness, namespace=args.namespace)
    try:
        return supervise(launches, respawn=not args.no_respawn, network=args.network,
                         liveness=liveness).run()
    finally:
        listener.close()
