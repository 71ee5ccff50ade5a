# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Parameter specifications and the checks shared by nodes, `milo up` and the tests.

Every node parameter is a `ParamSpec`: a default (which fixes its type), a description and what is
allowed (a range or choices). The same spec validates a value from a parameter file before anything
starts, a value given at declaration, and a value set at run time, so each path reports the same
message naming the parameter and what it accepts.
"""

from dataclasses import dataclass
from typing import Any, Iterable, Optional

import yaml

_TYPE_NAMES = {bool: 'a boolean (true/false)', int: 'an integer', float: 'a number like 1.0',
               str: 'a string'}


class ParameterError(ValueError):
    """A parameter value, or a parameter file, that cannot be used."""


@dataclass(frozen=True)
class ParamSpec:
    """One declared parameter: its default fixes the type; min/max or choices say what is allowed."""

    name: str
    default: Any
    description: str
    min: Optional[float] = None
    max: Optional[float] = None
    choices: tuple = ()
    live: bool = False  # True when the node applies a new value at run time

    @property
    def type(self) -> type:
        """The Python type every value must have (that of the default)."""
        return type(self.default)

    def allowed(self) -> str:
        """Say in words what values are accepted."""
        if self.choices:
            return 'one of ' + ', '.join(repr(c) for c in self.choices)
        if self.min is not None and self.max is not None:
            return f'{_TYPE_NAMES[self.type]} from {self.min} to {self.max}'
        return _TYPE_NAMES[self.type]

    def error(self, value: Any) -> Optional[str]:
        """Return why `value` is not allowed for this parameter, or None when it is fine."""
        if not _has_type(value, self.type) or (self.choices and value not in self.choices) or (
                self.min is not None and value < self.min) or (
                self.max is not None and value > self.max):
            return f"parameter '{self.name}': {value!r} is not allowed; expected {self.allowed()}"
        return None


def _has_type(value: Any, expected: type) -> bool:
    # ROS parameters are strictly typed: 1 is not a double and true is not an integer.
    return type(value) is expected


def check_value(specs: Iterable[ParamSpec], name: str, value: Any) -> Optional[str]:
    """Check one value against the spec of that name; unknown names are errors too."""
    by_name = {s.name: s for s in specs}
    if name not in by_name:
        return f"unknown parameter '{name}'; known: {', '.join(sorted(by_name))}"
    return by_name[name].error(value)


def comma_list(text: str) -> tuple:
    """Return the items of a comma-separated string parameter ("fr, en" -> ('fr', 'en')), blanks dropped."""
    return tuple(item.strip() for item in text.split(',') if item.strip())


def load_param_file(path: str) -> dict:
    """Read a ROS 2 parameter file into {node pattern: {parameter: value}}, with clear errors."""
    try:
        with open(path, encoding='utf-8') as f:
            data = yaml.safe_load(f)
    except OSError as exc:
        raise ParameterError(f'{path}: cannot read parameter file: {exc.strerror}') from exc
    except yaml.YAMLError as exc:
        raise ParameterError(f'{path}: not valid YAML: {exc}') from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParameterError(f'{path}: expected a mapping of node names to ros__parameters')
    sections = {}
    for pattern, body in data.items():
        if not isinstance(body, dict) or not isinstance(body.get('ros__parameters'), dict):
            raise ParameterError(f"{path}: section '{pattern}' must hold a 'ros__parameters' mapping")
        sections[str(pattern)] = dict(_flatten(body['ros__parameters']))
    return sections


def _flatten(params: dict, prefix: str = ''):
    for key, value in params.items():
        if isinstance(value, dict):
            yield from _flatten(value, f'{prefix}{key}.')
        else:
            yield f'{prefix}{key}', value


def pattern_matches(pattern: str, node_name: str, namespace: str = '/') -> bool:
    """Tell whether a parameter-file section applies to a node in `namespace` ('/' the root one).

    `/**`, `/**/*` and `/**/<node>` apply in any namespace; `/*` and `/<node>` (or `*` and
    `<node>`: rcl adds the slash) only in the root one, `/room_a/*` and `/room_a/<node>` in room_a.
    """
    tokens = namespace.strip('/')
    prefix = f'/{tokens}/' if tokens else '/'
    here = (prefix + '*', prefix + node_name)
    return pattern in ('/**', '/**/*', '/**/' + node_name, *here, *(p[1:] for p in here))


def check_param_files(paths: Iterable[str], nodes: dict, namespace: str = '/') -> list:
    """Check parameter files against {node name: [ParamSpec]} of a graph in `namespace`.

    Return every error found.
    """
    errors = []
    for path in paths:
        try:
            sections = load_param_file(path)
        except ParameterError as exc:
            errors.append(str(exc))
            continue
        for pattern, params in sections.items():
            targets = [n for n in nodes if pattern_matches(pattern, n, namespace)]
            if not targets and any(pattern_matches(pattern, n) for n in nodes):
                errors.append(f"{path}: section '{pattern}' applies in the root namespace only, not "
                              f"to the nodes in {namespace}: write /**/{pattern.lstrip('/')} (any "
                              f'namespace)')
            elif not targets:
                errors.append(f"{path}: section '{pattern}' matches no node; nodes are "
                              f"{', '.join(sorted(nodes))}")
            for name, value in params.items():
                errors.extend(_check_in_targets(path, pattern, targets, nodes, name, value))
    return errors


def _check_in_targets(path, pattern, targets, nodes, name, value):
    owners = [n for n in targets if any(s.name == name for s in nodes[n])]
    if targets and not owners:
        yield (f"{path}: [{pattern}] unknown parameter '{name}' (not declared by "
               f"{', '.join(targets)})")
    for node in owners:
        problem = check_value(nodes[node], name, value)
        if problem:
            yield f'{path}: [{pattern}] {problem}'
            break


def parse_override(text: str, nodes: dict) -> tuple:
    """Parse `node.parameter=value` (value in YAML syntax) and check it; return (node, name, value)."""
    target, sep, raw = text.partition('=')
    node, dot, name = target.partition('.')
    if not sep or not dot:
        raise ParameterError(f"'{text}': expected NODE.PARAMETER=VALUE, e.g. microphone.frame_ms=32")
    if node not in nodes:
        raise ParameterError(f"'{text}': no node '{node}'; nodes are {', '.join(sorted(nodes))}")
    try:
        value = yaml.safe_load(raw) if raw.strip() else ''
    except yaml.YAMLError as exc:
        raise ParameterError(f"'{text}': value is not valid YAML: {exc}") from exc
    spec = next((s for s in nodes[node] if s.name == name), None)
    if spec is not None and spec.type is float and type(value) is int:
        value = float(value)  # on the command line, 4 plainly means 4.0
    problem = check_value(nodes[node], name, value)
    if problem:
        raise ParameterError(f'{node}: {problem}')
    return node, name, value
