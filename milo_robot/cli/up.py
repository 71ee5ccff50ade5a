# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""`milo up`: bring up Milo's node graph without `ros2 launch` (pip-installed ROS 2)."""

import os
import sys

import yaml

from milo_robot.graph import NODES, RESPAWN_DELAY_S, param_files
from milo_robot.parameters import ParameterError, check_param_files, parse_override
from milo_robot.supervisor import Child, Supervisor


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
    p.add_argument('--check', action='store_true',
                   help='only check the parameter files and overrides, then exit')
    p.set_defaults(run=run)


def node_command(node, files: list, overrides: dict) -> list:
    """Return the command line that runs one node with its parameter files and overrides."""
    argv = [sys.executable, '-m', node.module, '--ros-args', '-r', f'__node:={node.name}']
    for path in files:
        argv += ['--params-file', path]
    for name, value in overrides.get(node.name, {}).items():
        argv += ['-p', f'{name}:={yaml.safe_dump(value, default_flow_style=True).strip()}']
    return argv


def build_graph(sim: bool, params_files=(), sets=(), wav: str = '') -> tuple:
    """Return (children to supervise, configuration errors) for the whole graph."""
    specs = {node.name: node.parameters() for node in NODES}
    files = param_files(sim) + [os.path.abspath(f) for f in params_files]
    errors = check_param_files(files, specs)
    overrides = {}
    texts = list(sets)
    if wav:
        if not os.path.isfile(wav):
            errors.append(f'--input {wav}: no such file')
        texts.append(f'microphone.wav_file={os.path.abspath(wav)}')
    for text in texts:
        try:
            node, name, value = parse_override(text, specs)
            overrides.setdefault(node, {})[name] = value
        except ParameterError as exc:
            errors.append(str(exc))
    children = [Child(node.name, node_command(node, files, overrides),
                      ends_run=sim and node.ends_sim_run) for node in NODES]
    return children, errors


def node_environment() -> dict:
    """Return the environment of the nodes: unbuffered, log lines without the node name."""
    env = dict(os.environ, PYTHONUNBUFFERED='1')
    # The supervisor prefixes each line with the node's name, so the logger need not repeat it.
    env.setdefault('RCUTILS_CONSOLE_OUTPUT_FORMAT', '[{severity}] {message}')
    return env


def run(args) -> int:
    """Check the configuration, then supervise the nodes until the run ends."""
    children, errors = build_graph(args.sim, args.params_file, args.set, args.input or '')
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
          f"ROS_DOMAIN_ID={os.environ.get('ROS_DOMAIN_ID', '0')}", flush=True)
    supervisor = Supervisor(children, RESPAWN_DELAY_S, respawn=not args.no_respawn,
                            env=node_environment())
    return supervisor.run()
