# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The one definition of Milo's node graph: nodes, processes, respawn and parameter files.

`launch/milo.launch.py` (full ROS 2 install), `milo up` and the session runner of `milo demo` and
the benchmarks all build the graph from here, and nowhere else. No ROS imports: the supervisor
and the launch file read this module too.
"""

import importlib
import importlib.metadata
import json
import os
import re
import signal
import sys
from dataclasses import dataclass

import yaml

PACKAGE = 'milo_robot'

# Exit statuses every node and both launchers agree on.
EXIT_CONFIG = 78  # a configuration error found at start: respawning would not help, stop the graph
EXIT_WORKER_DIED = 70  # a worker thread died: the node exits to be respawned clean

# A respawned node comes back after this delay (doubled while it keeps dying young).
RESPAWN_DELAY_S = 0.1
# A respawned process is told by its launcher that it is one, and each of its nodes says so on
# /diagnostics (milo_robot.nodes.base): a node back sooner than its reports' period would otherwise
# leave no trace there that it died.
RESTARTS_VARIABLE = 'MILO_RESTARTS'  # how many times the process was respawned
LAST_EXIT_VARIABLE = 'MILO_LAST_EXIT'  # how its previous run ended: exit status, or minus the signal
# A node gets this long to close (save what it heard, release devices) before it is killed;
# longer than any node's own close (asr: 11 s to transcribe what it still holds).
STOP_TIMEOUT_S = 12.0


@dataclass(frozen=True)
class NodeSpec:
    """A node of the graph."""

    name: str
    executable: str  # console script installed for `ros2 run`; also the module in milo_robot.nodes
    # In sim mode the run ends when this node exits cleanly (the demo input is used up).
    ends_sim_run: bool = False
    # CPU priority (nice): hearing first (capture, VAD, and the asr's intake at 0; the asr's
    # decoding at its `decode_nice`, 1), then the model (2), the app and the camera (5: at 10 it
    # could not turn the head to an asker in time when the CPU was busy; docs/architecture.md).
    # The model gives way to hearing only a little: an answer's first words are awaited too.
    nice: int = 0

    @property
    def module(self) -> str:
        """Return the Python module that runs this node (`python -m ...`)."""
        return f'{PACKAGE}.nodes.{self.executable}'

    def parameters(self) -> tuple:
        """Return the node's ParamSpecs (imports its module)."""
        return importlib.import_module(self.module).PARAMETERS

    def node_class(self):
        """Return the node's class (imports its module)."""
        return importlib.import_module(self.module).NODE


NODES = (
    NodeSpec('microphone', 'microphone_node', ends_sim_run=True),
    NodeSpec('audio_monitor', 'audio_monitor_node'),
    NodeSpec('vad', 'vad_node'),
    NodeSpec('asr', 'asr_node'),
    NodeSpec('tts', 'tts_node'),
    NodeSpec('brain', 'brain_node', nice=2),
    NodeSpec('dialogue', 'dialogue_node'),
    NodeSpec('body', 'body_node'),
    NodeSpec('camera', 'camera_node', nice=5),
    NodeSpec('web', 'web_node', nice=5),
)

# Light nodes that can share one process (one Python, one set of DDS libraries): see
# docs/architecture.md for what it saves. Heavy nodes (models) and the microphone, whose clean
# exit ends a sim run, keep a process each. A node that dies takes its group with it: the group
# is respawned as a whole.
GROUPS = {'light': ('audio_monitor', 'vad', 'dialogue', 'body')}
GROUP_EXECUTABLE = 'group_node'
GROUPED_BY_DEFAULT = True

# The parameter shared by every node that reads or writes the lecture record: one path for all.
RECORD_PARAMETER = 'database'

# A ROS namespace (design.ros2.org, "Topic and Service name mapping"): tokens of letters, digits
# and underscores, not starting with a digit, separated by single slashes.
_NAMESPACE = re.compile(r'/?[A-Za-z_][A-Za-z0-9_]*(/[A-Za-z_][A-Za-z0-9_]*)*')
NAMESPACE_MAX = 200  # rmw's limit on a fully qualified name is 255: room left for node and topic


def namespace_error(namespace: str) -> str:
    """Return why `namespace` is not a usable ROS namespace, or '' when it is ('' is the root one)."""
    if not namespace or namespace == '/':
        return ''
    if len(namespace) > NAMESPACE_MAX:
        return f'namespace {namespace!r}: longer than {NAMESPACE_MAX} characters'
    if not _NAMESPACE.fullmatch(namespace):
        return (f'namespace {namespace!r}: not a ROS namespace; use names of letters, digits and '
                f"'_' that do not start with a digit, separated by '/', e.g. room_a or school/b204")
    return ''


def absolute_namespace(namespace: str) -> str:
    """Return a checked namespace as ROS writes it: '/' for the root one, else '/room_a'."""
    return '/' + namespace.strip('/')


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


def parameter_specs() -> dict:
    """Return {node name: its ParamSpecs} for the whole graph."""
    return {node.name: node.parameters() for node in NODES}


def record_overrides(path: str, specs: dict) -> list:
    """Return the `--set` overrides that point every node using the lecture record at `path`."""
    return [f'{name}.{RECORD_PARAMETER}={path}' for name, params in specs.items()
            if any(p.name == RECORD_PARAMETER for p in params)]


@dataclass(frozen=True)
class Launch:
    """How to start one process (a node, or a group of nodes): its command line, what its exit means."""

    name: str
    argv: list
    ends_run: bool
    nodes: tuple = ()  # the names of the nodes it runs
    nice: int = 0


def override_args(values: dict) -> list:
    """Return `--ros-args -p name:=value ...` for parameter overrides (YAML values)."""
    argv = ['--ros-args']
    for name, value in values.items():
        argv += ['-p', f'{name}:={yaml.safe_dump(value, default_flow_style=True).strip()}']
    return argv


def _namespace_args(namespace: str) -> list:
    """Return the remapping that starts a process's nodes in `namespace` (none for the root one)."""
    namespace = absolute_namespace(namespace)
    return ['-r', f'__ns:={namespace}'] if namespace != '/' else []


def node_command(node: NodeSpec, files: list, overrides: dict, namespace: str = '') -> list:
    """Return the command line that runs one node with its parameter files and overrides."""
    argv = [sys.executable, '-m', node.module, '--ros-args', '-r', f'__node:={node.name}',
            *_namespace_args(namespace)]
    for path in files:
        argv += ['--params-file', path]
    return argv + override_args(overrides.get(node.name, {}))[1:]


def group_command(group: str, files: list, overrides: dict, namespace: str = '') -> list:
    """Return the command line that runs a group of nodes in one process."""
    mine = {name: overrides[name] for name in GROUPS[group] if overrides.get(name)}
    argv = [sys.executable, '-m', f'{PACKAGE}.nodes.{GROUP_EXECUTABLE}', '--group', group,
            '--overrides', json.dumps(mine), '--ros-args', *_namespace_args(namespace)]
    for path in files:
        argv += ['--params-file', path]
    return argv


def processes(grouped: bool) -> list:
    """Return what runs in each process: (group name or '', the NodeSpecs in it)."""
    if not grouped:
        return [('', (node,)) for node in NODES]
    in_group = {name: group for group, names in GROUPS.items() for name in names}
    out, seen = [], set()
    for node in NODES:
        group = in_group.get(node.name, '')
        if not group:
            out.append(('', (node,)))
        elif group not in seen:
            seen.add(group)
            out.append((group, tuple(n for n in NODES if in_group.get(n.name) == group)))
    return out


def plan(sim: bool, params_files=(), sets=(), wav: str = '', grouped: bool = GROUPED_BY_DEFAULT,
         namespace: str = '') -> tuple:
    """Check the configuration and return (launches, errors) for the whole graph.

    Parameter files: config/milo.yaml, config/sim.yaml in sim mode, then `params_files`; then
    `sets` (NODE.PARAM=VALUE); `wav` is the sim microphone's input; `grouped` runs the light
    nodes in one process (GROUPS); `namespace` is the robot's ('' the root one: every topic is
    then /<namespace>/...). Nothing starts here.
    """
    from milo_robot.parameters import ParameterError, check_param_files, parse_override

    specs = parameter_specs()
    files = param_files(sim) + [os.path.abspath(f) for f in params_files]
    problem = namespace_error(namespace)
    errors = [problem] if problem else []
    namespace = '' if problem else namespace  # the files are still checked, as for the root one
    errors += check_param_files(files, specs, absolute_namespace(namespace))
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
    launches = []
    for group, members in processes(grouped):
        ends_run = sim and any(n.ends_sim_run for n in members)
        names, nice = tuple(n.name for n in members), min(n.nice for n in members)
        if group:
            launches.append(Launch(group, group_command(group, files, overrides, namespace), ends_run,
                                   names, nice))
        else:
            launches.append(Launch(members[0].name, node_command(members[0], files, overrides, namespace),
                                   ends_run, names, nice))
    return launches, errors


def discovery_range(network: bool) -> str:
    """Return ROS_AUTOMATIC_DISCOVERY_RANGE for the graph: the robot alone unless `network`.

    Private by default: with LOCALHOST, nobody else on the school network can hear the audio
    topic, read transcripts or make Milo speak. `network` opens DDS to the subnet (docs/privacy.md).
    """
    return 'SUBNET' if network else 'LOCALHOST'


# Fast DDS's discovery tuned for respawns (the file says why). Fast DDS 2 (Humble to Jazzy) reads
# the first name; Fast DDS 3 (Kilted on) reads the second, and warns on every participant a process
# creates while the first is set. Other DDS implementations read neither.
DDS_PROFILES = 'config/fastdds.xml'
DDS_PROFILES_VARIABLES = ('FASTRTPS_DEFAULT_PROFILES_FILE', 'FASTDDS_DEFAULT_PROFILES_FILE')
FAST_DDS_2_DISTROS = ('humble', 'iron', 'jazzy')
FAST_DDS_3_RCLPY = 9  # rclpy's major version from Kilted on (Jazzy's is 7, Humble's 3)


def _fast_dds_2() -> bool:
    """Return whether this ROS 2 may run Fast DDS 2 (True when it cannot be told)."""
    distro = os.environ.get('ROS_DISTRO', '').lower()  # set by a full install's setup.bash
    if distro:
        return distro in FAST_DDS_2_DISTROS
    try:  # the pip wheels set no ROS_DISTRO
        return int(importlib.metadata.version('ros-rclpy').split('.')[0]) < FAST_DDS_3_RCLPY
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return True


def dds_environment() -> dict:
    """Return the variables that give the nodes Milo's DDS profile, unless a person set their own."""
    if any(os.environ.get(name) for name in DDS_PROFILES_VARIABLES):
        return {}
    names = DDS_PROFILES_VARIABLES if _fast_dds_2() else DDS_PROFILES_VARIABLES[1:]
    return dict.fromkeys(names, resolve_path(DDS_PROFILES))


def use_dds_profile() -> None:
    """Give this process's own DDS participants Milo's profile: call it before the first one.

    A listener on /diagnostics (`milo status`, the session's observer, the soak's log) with Fast
    DDS's default announcement period of 3 s finds a respawned node up to 3 s late
    (docs/soak.md, "Recovery after a kill").
    """
    os.environ.update(dds_environment())


def node_environment(network: bool = False) -> dict:
    """Return the environment of the nodes: DDS kept on the robot (unless `network`), unbuffered."""
    env = dict(os.environ, PYTHONUNBUFFERED='1', ROS_AUTOMATIC_DISCOVERY_RANGE=discovery_range(network),
               **dds_environment())
    # The supervisor prefixes each line with the node's name, so the logger need not repeat it.
    env.setdefault('RCUTILS_CONSOLE_OUTPUT_FORMAT', '[{severity}] {message}')
    return env


def restart_environment(restarts: int, last_exit: int) -> dict:
    """Return the variables that tell a respawned process its restart count and its last exit."""
    return {RESTARTS_VARIABLE: str(restarts), LAST_EXIT_VARIABLE: str(last_exit)}


def restart_of(environ) -> tuple:
    """Return (restarts, how the last run ended, in words) from an environment; (0, '') at first."""
    try:
        restarts = int(environ.get(RESTARTS_VARIABLE, 0))
        status = int(environ.get(LAST_EXIT_VARIABLE, 0))
    except ValueError:
        return 0, ''
    return (restarts, describe_exit(status)) if restarts > 0 else (0, '')


def describe_exit(status: int) -> str:
    """Say how a process ended, from its Popen status: 'killed by SIGKILL', 'exit status 70'."""
    if status < 0:
        try:
            return f'killed by {signal.Signals(-status).name}'
        except ValueError:
            return f'killed by signal {-status}'
    return f'exit status {status}'
