# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Several light nodes in one process (graph.GROUPS): each keeps its name, parameters and topics.

`python -m milo_robot.nodes.group_node --group light [--overrides JSON] --ros-args --params-file F`.
Parameter files apply to every node by its name; `--overrides` holds each node's own `-p` values
(`{"body": {"port": "sim"}}`), which must not leak to the others as global arguments would.
"""

import argparse
import json
import sys

from milo_robot.graph import GROUPS, NODES, override_args
from milo_robot.nodes.base import run_group


def main(args=None):
    """Run a group of nodes until one finishes (its status is the process's) or Ctrl-C."""
    argv = list(sys.argv[1:] if args is None else args)
    ros = argv[argv.index('--ros-args'):] if '--ros-args' in argv else []
    ours = argv[:len(argv) - len(ros)]
    parser = argparse.ArgumentParser(prog='group_node', description=__doc__.splitlines()[0])
    parser.add_argument('--group', required=True, choices=sorted(GROUPS))
    parser.add_argument('--overrides', default='{}', help='JSON: {node: {parameter: value}}')
    options = parser.parse_args(ours)
    overrides = json.loads(options.overrides)
    specs = {node.name: node for node in NODES}
    members = [(specs[name].node_class(),
                {'cli_args': override_args(overrides.get(name, {}))} if overrides.get(name) else {})
               for name in GROUPS[options.group]]
    raise SystemExit(run_group(members, [sys.argv[0], *ros]))


if __name__ == '__main__':
    main()
