# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Bring up Milo's node graph on a full ROS 2 install: `ros2 launch milo_robot milo.launch.py`.

`sim:=true` adds config/sim.yaml (file-backed devices); the run then ends when a node with
ends_sim_run exits. `namespace:=room_a` starts every node in that namespace (its topics are then
/room_a/...), so several robots share a network and a ROS_DOMAIN_ID. The nodes, respawn delay and
exit statuses come from milo_robot.graph, as for `milo up`: a node that exits with the
configuration-error status stops the whole launch, as `milo up` does, instead of being respawned
forever.
"""

from launch.actions import (
    DeclareLaunchArgument,
    EmitEvent,
    OpaqueFunction,
    RegisterEventHandler,
    SetEnvironmentVariable,
    Shutdown,
)
from launch.event_handlers import OnProcessExit
from launch.events import Shutdown as ShutdownEvent
from launch.launch_description import LaunchDescription
from launch.substitutions import LaunchConfiguration
from launch_ros.actions import Node

from milo_robot.graph import (
    EXIT_CONFIG,
    GROUP_EXECUTABLE,
    GROUPED_BY_DEFAULT,
    PACKAGE,
    RESPAWN_DELAY_S,
    dds_environment,
    discovery_range,
    namespace_error,
    param_files,
    processes,
)


def stop_on_config_error(event, _context):
    """Shut the launch down when a node reports a configuration error."""
    if event.returncode == EXIT_CONFIG:
        return EmitEvent(event=ShutdownEvent(
            reason=f'{event.action.name}: configuration error (exit status {EXIT_CONFIG})'))
    return None


def nodes(context) -> list:
    """Return one Node action per process of the graph (a node, or a group of light nodes)."""
    sim = LaunchConfiguration('sim').perform(context) == 'true'
    network = LaunchConfiguration('network').perform(context) == 'true'
    grouped = LaunchConfiguration('grouped').perform(context) == 'true'
    namespace = LaunchConfiguration('namespace').perform(context)
    if namespace_error(namespace):  # before any node starts, in the words `milo up` uses
        raise RuntimeError(namespace_error(namespace))
    files = param_files(sim)
    # Private by default: DDS stays on the robot unless network:=true (docs/privacy.md).
    actions = [SetEnvironmentVariable('ROS_AUTOMATIC_DISCOVERY_RANGE', discovery_range(network))]
    actions += [SetEnvironmentVariable(name, value) for name, value in dds_environment().items()]
    for group, members in processes(grouped):
        ends_run = sim and any(spec.ends_sim_run for spec in members)
        where = dict(executable=GROUP_EXECUTABLE, arguments=['--group', group]) if group else \
            dict(executable=members[0].executable, name=members[0].name)
        nice = min(spec.nice for spec in members)
        node = Node(package=PACKAGE, namespace=namespace.strip('/'), parameters=files,
                    output='screen', respawn=not ends_run,
                    respawn_delay=RESPAWN_DELAY_S, on_exit=Shutdown() if ends_run else None,
                    prefix=f'nice -n {nice}' if nice else None, **where)
        actions += [node, RegisterEventHandler(OnProcessExit(target_action=node,
                                                             on_exit=stop_on_config_error))]
    return actions


def generate_launch_description() -> LaunchDescription:
    """Declare the arguments (`sim`, `network`, `grouped`, `namespace`) and the nodes of the graph."""
    return LaunchDescription([
        DeclareLaunchArgument('sim', default_value='false', choices=['true', 'false'],
                              description='use file-backed devices (config/sim.yaml)'),
        DeclareLaunchArgument('network', default_value='false', choices=['true', 'false'],
                              description='open ROS 2 discovery to the local network (docs/privacy.md)'),
        DeclareLaunchArgument('grouped', default_value=str(GROUPED_BY_DEFAULT).lower(),
                              choices=['true', 'false'],
                              description='run the light nodes in one process (milo_robot.graph.GROUPS)'),
        DeclareLaunchArgument('namespace', default_value='',
                              description='the robot\'s ROS namespace, e.g. room_a: its topics are then '
                              '/room_a/... (default: the root namespace)'),
        OpaqueFunction(function=nodes),
    ])
