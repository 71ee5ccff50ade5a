# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Parameter specs and parameter files, checked before anything starts (no ROS traffic)."""

import pytest

from milo_robot.graph import NODES, absolute_namespace, namespace_error, param_files, plan
from milo_robot.parameters import (
    ParameterError,
    ParamSpec,
    check_param_files,
    load_param_file,
    parse_override,
)

SPECS = {n.name: n.parameters() for n in NODES}


def write(tmp_path, text, name='p.yaml'):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_every_parameter_is_described_with_what_is_allowed():
    for node, specs in SPECS.items():
        assert specs, node
        for spec in specs:
            assert spec.description, f'{node}.{spec.name} has no description'
            assert spec.type in (bool, int, float, str)
            if spec.type in (int, float) and not spec.choices:
                assert spec.min is not None and spec.max is not None, f'{node}.{spec.name}'
            assert spec.error(spec.default) is None, f'{node}.{spec.name} default is not allowed'


def test_spec_errors_name_the_parameter_and_what_is_allowed():
    rate = ParamSpec('rate', 1.0, 'd', min=0.0, max=2.0)
    assert rate.error(1.5) is None
    assert rate.error(2.5) == ("parameter 'rate': 2.5 is not allowed; "
                               'expected a number like 1.0 from 0.0 to 2.0')
    assert 'a number like 1.0' in rate.error(1)  # ROS parameters are strictly typed
    mode = ParamSpec('mode', 'a', 'd', choices=('a', 'b'))
    assert mode.error('c') == "parameter 'mode': 'c' is not allowed; expected one of 'a', 'b'"
    flag = ParamSpec('flag', False, 'd')
    assert 'a boolean' in flag.error('yes')
    count = ParamSpec('count', 3, 'd', min=1, max=8)
    assert 'an integer from 1 to 8' in count.error(True)


def test_the_shipped_config_files_are_valid():
    assert check_param_files(param_files(sim=False), SPECS) == []
    assert check_param_files(param_files(sim=True), SPECS) == []


@pytest.mark.parametrize('text, expected', [
    ('/**/microphone:\n  ros__parameters:\n    frame_ms: 50\n',
     "[/**/microphone] parameter 'frame_ms': 50 is not allowed; expected an integer from 20 to 32"),
    ('microphone:\n  ros__parameters:\n    backend: alsa\n',
     "parameter 'backend': 'alsa' is not allowed; expected one of 'pyaudio', 'wav'"),
    ('/**:\n  ros__parameters:\n    realtime_factor: fast\n',
     "parameter 'realtime_factor': 'fast' is not allowed"),
    ('/**/microphone:\n  ros__parameters:\n    frame_size: 512\n',
     "unknown parameter 'frame_size' (not declared by microphone)"),
    ('/**/speaker:\n  ros__parameters:\n    volume: 3\n', "section '/**/speaker' matches no node"),
    ('/**/microphone:\n  frame_ms: 32\n', "section '/**/microphone' must hold a 'ros__parameters'"),
    ('/**/microphone: [unclosed\n', 'not valid YAML'),
    ('- just\n- a list\n', 'expected a mapping of node names'),
])
def test_bad_files_are_reported_with_file_and_parameter(tmp_path, text, expected):
    path = write(tmp_path, text)
    errors = check_param_files([path], SPECS)
    assert len(errors) == 1, errors
    assert errors[0].startswith(path) and expected in errors[0]


def test_missing_file_is_reported():
    errors = check_param_files(['/nonexistent/milo.yaml'], SPECS)
    assert errors == ['/nonexistent/milo.yaml: cannot read parameter file: No such file or directory']


def test_nested_parameters_are_flattened(tmp_path):
    path = write(tmp_path, '/**:\n  ros__parameters:\n    group:\n      value: 1\n')
    assert load_param_file(path) == {'/**': {'group.value': 1}}


def test_command_line_overrides():
    assert parse_override('microphone.realtime_factor=4', SPECS) == ('microphone', 'realtime_factor', 4.0)
    assert parse_override('microphone.wav_file=/a b.wav', SPECS) == ('microphone', 'wav_file', '/a b.wav')
    assert parse_override('audio_monitor.playback=wav', SPECS) == ('audio_monitor', 'playback', 'wav')
    for text, message in [('microphone.frame_ms=5', 'from 20 to 32'), ('frame_ms=5', 'NODE.PARAMETER'),
                          ('speaker.volume=1', "no node 'speaker'"),
                          ('microphone.nope=1', "unknown parameter 'nope'")]:
        with pytest.raises(ParameterError, match=message):
            parse_override(text, SPECS)


@pytest.mark.parametrize('namespace', ['', '/', 'room_a', '/room_a', 'school/b204', '_lab2'])
def test_a_namespace_puts_every_process_of_the_graph_in_it(namespace):
    assert namespace_error(namespace) == ''
    launches, errors = plan(True, (), namespace=namespace)
    assert errors == []
    expected = absolute_namespace(namespace)
    for launch in launches:
        remaps = [launch.argv[i + 1] for i, arg in enumerate(launch.argv) if arg == '-r']
        namespaces = [r.split(':=', 1)[1] for r in remaps if r.startswith('__ns:=')]
        assert namespaces == ([] if expected == '/' else [expected]), launch.name


@pytest.mark.parametrize('namespace', ['2room', 'room a', 'room-a', 'room_a/', 'room//a', '~room',
                                       'salle_é', 'x' * 201])
def test_a_bad_namespace_is_refused_with_the_rule(namespace):
    _, errors = plan(True, (), namespace=namespace)
    assert len(errors) == 1 and errors[0] == namespace_error(namespace)
    assert 'not a ROS namespace' in errors[0] or 'longer than' in errors[0]


def test_a_section_for_the_root_namespace_only_is_refused_in_another(tmp_path):
    mine = tmp_path / 'room.yaml'
    mine.write_text('asr:\n  ros__parameters: {threads: 1}\n'
                    '/room_a/brain:\n  ros__parameters: {threads: 1}\n'
                    '/**/tts:\n  ros__parameters: {language: fr}\n')
    _, errors = plan(True, (str(mine),), namespace='room_a')
    assert errors == [f"{mine}: section 'asr' applies in the root namespace only, not to the nodes in "
                      '/room_a: write /**/asr (any namespace)']
    _, errors = plan(True, (str(mine),), namespace='room_b')
    assert [e for e in errors if "'/room_a/brain' matches no node" in e] and len(errors) == 2
    _, errors = plan(True, (str(mine),))  # in the root namespace, /room_a/brain is another robot's
    assert len(errors) == 1 and "'/room_a/brain' matches no node" in errors[0]
