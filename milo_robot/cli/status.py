# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""`milo status`: a one-screen summary of the running graph, from /diagnostics."""

import time

from milo_robot.cli.namespace import add_namespace_argument
from milo_robot.graph import absolute_namespace
from milo_robot.interfaces.diagnostics import node_statuses, status_name

_LEVELS = {0: 'OK', 1: 'WARN', 2: 'ERROR', 3: 'STALE'}


def add_parser(commands) -> None:
    """Register the `status` command."""
    p = commands.add_parser(
        'status', help='summarise the running nodes and their health',
        description='Listen to /diagnostics for a moment and print each Milo node\'s health.')
    p.add_argument('--wait', type=float, default=5.0, metavar='S',
                   help='how long to listen (default 5 s: discovery can take 3 s, diagnostics '
                   'come at 1 Hz)')
    add_namespace_argument(p)
    p.set_defaults(run=run)


def collect(wait_s: float, namespace: str = '') -> tuple:
    """Listen for `wait_s` seconds; return ({node: its latest NodeStatus}, [ROS node names]).

    Only the robot in `namespace` ('' the root one) is heard; other robots share /diagnostics.
    """
    import rclpy

    from milo_robot.interfaces.topics import DIAGNOSTICS

    rclpy.init()
    node = rclpy.create_node('milo_status', namespace=namespace or None)
    latest = {}

    def keep(msg):
        latest.update((s.node, s) for s in node_statuses(msg, node.get_namespace()))

    DIAGNOSTICS.subscription(node, keep)
    # Discovery sometimes takes about 3 s: listen for the whole time, never stop early.
    deadline = time.monotonic() + wait_s
    try:
        while time.monotonic() < deadline:
            rclpy.spin_once(node, timeout_sec=0.1)
        names = sorted(n for n, ns in node.get_node_names_and_namespaces()
                       if ns == node.get_namespace() and n != 'milo_status')
    finally:
        node.destroy_node()
        rclpy.try_shutdown()
    return latest, names


def format_report(latest: dict, names: list, namespace: str = '') -> str:
    """Format the summary table."""
    if not names and not latest:
        where = f' in the namespace {absolute_namespace(namespace)}' if namespace else ''
        return (f'no ROS nodes found{where} (is `milo up` running, with the same ROS_DOMAIN_ID'
                f"{' and --namespace' if namespace else ''}?)")
    # Status names grow with the namespace (milo/room_a/audio_monitor): the column fits the longest.
    width = max([24] + [len(status_name(n, s.namespace)) + 2 for n, s in latest.items()])
    lines = [f"{'node':<{width}}{'health':<8}message", '-' * 72]
    for name in sorted(latest):
        s = latest[name]
        level = _LEVELS.get(s.level, s.level)
        lines.append(f'{status_name(name, s.namespace):<{width}}{level:<8}{s.message}')
        facts = ', '.join(f'{key}={value}' for key, value in s.values.items())
        lines.append(f"{'':<{width + 8}}{facts}")
    silent = [n for n in names if n not in latest]
    if silent:
        lines.append(f"running without diagnostics: {', '.join(silent)}")
    return '\n'.join(lines)


def run(args) -> int:
    """Print the summary; status 1 when no node answered."""
    latest, names = collect(args.wait, args.namespace)
    print(format_report(latest, names, args.namespace))
    return 0 if latest else 1
