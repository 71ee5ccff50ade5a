# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The one definition of Milo's node graph: which nodes run, and with which parameter files.

Both `launch/milo.launch.py` (full ROS 2 install) and `milo up` (pip-installed ROS 2) read it.
"""

import importlib
import os
from dataclasses import dataclass

PACKAGE = 'milo_robot'


@dataclass(frozen=True)
class NodeSpec:
    """A node of the graph."""

    name: str
    executable: str  # console script installed for `ros2 run`; also the module in milo_robot.nodes
    # In sim mode the run ends when this node exits cleanly (the demo input is used up).
    ends_sim_run: bool = False

    @property
    def module(self) -> str:
        """Return the Python module that runs this node (`python -m ...`)."""
        return f'{PACKAGE}.nodes.{self.executable}'

    def parameters(self) -> tuple:
        """Return the node's ParamSpecs (imports its module)."""
        return importlib.import_module(self.module).PARAMETERS


NODES = (
    NodeSpec('microphone', 'microphone_node', ends_sim_run=True),
    NodeSpec('audio_monitor', 'audio_monitor_node'),
    NodeSpec('vad', 'vad_node'),
    NodeSpec('asr', 'asr_node'),
    NodeSpec('tts', 'tts_node'),
    NodeSpec('brain', 'brain_node'),
    NodeSpec('dialogue', 'dialogue_node'),
    NodeSpec('body', 'body_node'),
)

# A respawned node comes back after this delay (doubled while it keeps dying young).
RESPAWN_DELAY_S = 0.5


def data_root() -> str:
    """Return the folder holding config/, launch/ and data/: the source tree or the share dir."""
    source = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if os.path.isdir(os.path.join(source, 'config')):
        return source
    from ament_index_python.packages import get_package_share_directory
    return get_package_share_directory(PACKAGE)


def param_files(sim: bool) -> list:
    """Return the parameter files for robot or sim mode, later files overriding earlier ones."""
    config = os.path.join(data_root(), 'config')
    names = ['milo.yaml', 'sim.yaml'] if sim else ['milo.yaml']
    return [os.path.join(config, n) for n in names]


def resolve_path(path: str) -> str:
    """Resolve a file parameter: relative paths are relative to the data root (the repository)."""
    if not path or os.path.isabs(path):
        return path
    return os.path.join(data_root(), path)
