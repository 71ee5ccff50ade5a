# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""launch/milo.launch.py: what can be checked without the `launch` packages installed.

The launch file must compile, take its nodes from milo_robot.graph (never a list of its own), and
every executable it starts must be a console script of setup.py whose module has a `main`.
"""

import ast
import importlib
import os

import pytest

from milo_robot.graph import GROUP_EXECUTABLE, GROUPS, NODES, PACKAGE, processes

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAUNCH_FILE = os.path.join(ROOT, 'launch', 'milo.launch.py')
SETUP_PY = os.path.join(ROOT, 'setup.py')


def parse(path):
    with open(path, encoding='utf-8') as f:
        source = f.read()
    compile(source, path, 'exec')  # a SyntaxError fails the test
    return ast.parse(source, path)


def console_scripts():
    """Evaluate setup.py's console_scripts list without running setup()."""
    tree = parse(SETUP_PY)
    names = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
                and isinstance(stmt.targets[0], ast.Name):
            try:
                names[stmt.targets[0].id] = ast.literal_eval(stmt.value)
            except ValueError:
                pass
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)
             and isinstance(n.func, ast.Name) and n.func.id == 'setup']
    assert len(calls) == 1, 'setup.py must call setup() once'
    entry_points = next(k.value for k in calls[0].keywords if k.arg == 'entry_points')
    value = eval(compile(ast.Expression(entry_points), SETUP_PY, 'eval'), names)
    scripts = {}
    for line in value['console_scripts']:
        name, target = (s.strip() for s in line.split('='))
        scripts[name] = target
    return names, scripts


def literal(node):
    """The value of a literal, or None for an expression (a default taken from the graph)."""
    try:
        return ast.literal_eval(node)
    except ValueError:
        return None


def test_launch_file_compiles():
    parse(LAUNCH_FILE)


def test_launch_file_takes_its_nodes_from_the_graph():
    tree = parse(LAUNCH_FILE)
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
                and n.module == 'milo_robot.graph' for a in n.names}
    assert {'processes', 'param_files', 'RESPAWN_DELAY_S', 'EXIT_CONFIG', 'GROUP_EXECUTABLE'} <= imported
    loops = [n for n in ast.walk(tree) if isinstance(n, ast.For) and isinstance(n.iter, ast.Call)
             and getattr(n.iter.func, 'id', None) == 'processes']
    assert loops, 'the launch file must build one Node per process of milo_robot.graph.processes()'
    calls = {n.func.id for n in ast.walk(tree)
             if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    assert {'param_files', 'Node', 'OnProcessExit'} <= calls
    strings = {n.value for n in ast.walk(tree)
               if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    for spec in NODES:
        for word in (spec.name, spec.executable, spec.module):
            assert word not in strings, \
                f'launch file names {word!r} itself; take it from milo_robot.graph'


def test_launch_file_declares_its_arguments_with_todays_defaults():
    tree = parse(LAUNCH_FILE)
    declared = {}
    for n in ast.walk(tree):
        if isinstance(n, ast.Call) and getattr(n.func, 'id', None) == 'DeclareLaunchArgument':
            keywords = {k.arg: literal(k.value) for k in n.keywords if k.arg == 'default_value'}
            declared[ast.literal_eval(n.args[0])] = keywords.get('default_value')
    assert declared['sim'] == 'false' and declared['network'] == 'false'
    assert declared['namespace'] == '', 'no namespace by default: the root one, as before'
    assert set(declared) == {'sim', 'network', 'grouped', 'namespace'}


def test_launch_file_checks_the_namespace_as_milo_up_does():
    tree = parse(LAUNCH_FILE)
    calls = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    assert 'namespace_error' in calls, 'a bad namespace must be refused before any node starts'


def test_node_executables_are_console_scripts():
    names, scripts = console_scripts()
    assert set(names['NODE_EXECUTABLES']) >= {spec.executable for spec in NODES} | {GROUP_EXECUTABLE}
    assert scripts.get(GROUP_EXECUTABLE) == f'{PACKAGE}.nodes.{GROUP_EXECUTABLE}:main'
    for spec in NODES:
        assert scripts.get(spec.executable) == f'{spec.module}:main', spec.executable


@pytest.mark.parametrize('spec', NODES, ids=[spec.name for spec in NODES])
def test_node_module_has_main(spec):
    assert spec.module == f'{PACKAGE}.nodes.{spec.executable}'
    module = importlib.import_module(spec.module)
    assert callable(getattr(module, 'main', None)), f'{spec.module} has no main()'


@pytest.mark.parametrize('grouped', [True, False])
def test_every_node_runs_in_exactly_one_process(grouped):
    placed = [spec.name for _, members in processes(grouped) for spec in members]
    assert sorted(placed) == sorted(spec.name for spec in NODES)
    groups = [group for group, _ in processes(grouped) if group]
    assert groups == (list(GROUPS) if grouped else [])


def test_the_nodes_get_milos_dds_profile_unless_a_person_set_one(monkeypatch):
    from milo_robot.graph import DDS_PROFILES_VARIABLES, dds_environment

    for name in DDS_PROFILES_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    given = dds_environment()
    assert 'FASTDDS_DEFAULT_PROFILES_FILE' in given
    assert all(os.path.isfile(path) and path.endswith('fastdds.xml') for path in given.values())
    monkeypatch.setenv('FASTDDS_DEFAULT_PROFILES_FILE', '/etc/school/dds.xml')
    assert dds_environment() == {}, "a person's own DDS settings win"


@pytest.mark.parametrize('distro, names', [
    ('humble', {'FASTRTPS_DEFAULT_PROFILES_FILE', 'FASTDDS_DEFAULT_PROFILES_FILE'}),
    ('jazzy', {'FASTRTPS_DEFAULT_PROFILES_FILE', 'FASTDDS_DEFAULT_PROFILES_FILE'}),
    ('kilted', {'FASTDDS_DEFAULT_PROFILES_FILE'})])
def test_the_profile_goes_by_the_name_the_distros_fast_dds_reads(monkeypatch, distro, names):
    from milo_robot.graph import DDS_PROFILES_VARIABLES, dds_environment

    for name in DDS_PROFILES_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv('ROS_DISTRO', distro)
    assert set(dds_environment()) == names


def test_milos_commands_take_the_nodes_dds_profile_too(monkeypatch):
    from milo_robot.cli.main import main
    from milo_robot.graph import DDS_PROFILES_VARIABLES, dds_environment

    for name in DDS_PROFILES_VARIABLES:  # set, then removed: monkeypatch puts back what was there
        monkeypatch.setenv(name, '')
        monkeypatch.delenv(name)
    expected = dds_environment()
    with pytest.raises(SystemExit):
        main(['lectures', '--database', '/nonexistent/milo.db'])
    assert {name: os.environ[name] for name in DDS_PROFILES_VARIABLES if name in os.environ} == expected


def test_fast_dds_reads_the_profile_without_error():
    import subprocess
    import sys

    from milo_robot.graph import dds_environment

    env = dict(os.environ, **dds_environment())
    proc = subprocess.run([sys.executable, '-c', "import rclpy; rclpy.init(); rclpy.create_node('p')"],
                          env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "XMLPARSER" not in proc.stderr + proc.stdout, proc.stderr
    assert 'deprecated' not in proc.stderr + proc.stdout, 'the profile goes by a name Fast DDS warns of'
