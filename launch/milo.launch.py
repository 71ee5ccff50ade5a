# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Bring up Milo's node graph on a full ROS 2 install: `ros2 launch milo_robot milo.launch.py`.

`sim:=true` adds config/sim.yaml (file-backed devices); the run then ends when a node with
ends_sim_run exits. The node list comes from milo_robot.graph, as for `milo up`.
"""

from launch.actions import DeclareLaunchArgument, OpaqueFunction, Shutdown
from launch.launch_description import LaunchDescription
from launch.substitutions import LaunchConfiguration
from launch_ros.actions import Node

from milo_robot.graph import NODES, PACKAGE, RESPAWN_DELAY_S, param_files


def nodes(context) -> list:
    """Return one Node action per NodeSpec of the graph, for the mode the `sim` argument picks."""
    sim = LaunchConfiguration('sim').perform(context) == 'true'
    files = param_files(sim)
    actions = []
    for spec in NODES:
        ends_run = sim and spec.ends_sim_run
        actions.append(Node(
            package=PACKAGE, executable=spec.executable, name=spec.name, parameters=files,
            output='screen', respawn=not ends_run, respawn_delay=RESPAWN_DELAY_S,
            on_exit=Shutdown() if ends_run else None))
    return actions


def generate_launch_description() -> LaunchDescription:
    """Declare the `sim` argument and the nodes of the graph."""
    return LaunchDescription([
        DeclareLaunchArgument('sim', default_value='false', choices=['true', 'false'],
                              description='use file-backed devices (config/sim.yaml)'),
        OpaqueFunction(function=nodes),
    ])
