# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""What every Milo node shares: described and checked parameters, 1 Hz diagnostics, a clean exit."""

import sys
from types import SimpleNamespace

import rclpy
from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus, KeyValue
from rcl_interfaces.msg import (
    FloatingPointRange,
    IntegerRange,
    ParameterDescriptor,
    SetParametersResult,
)
from rclpy.exceptions import InvalidParameterTypeException, InvalidParameterValueException
from rclpy.executors import ExternalShutdownException
from rclpy.node import Node
from rclpy.task import Future

from milo_robot.diagnostics import Health
from milo_robot.parameters import ParameterError

# Exit status of a node whose configuration is wrong: `milo up` does not respawn it.
EXIT_CONFIG = 78


def descriptor(spec) -> ParameterDescriptor:
    """Build the ROS parameter descriptor (description, range, read-only) of a ParamSpec."""
    # Dynamic typing lets the ParamSpec check types too, so a wrong type gets a message naming
    # the parameter and what it allows (rclpy's own says neither).
    d = ParameterDescriptor(description=spec.description, read_only=not spec.live,
                            dynamic_typing=True)
    if spec.choices:
        d.additional_constraints = spec.allowed()
    elif spec.min is not None and spec.type is float:
        d.floating_point_range = [FloatingPointRange(from_value=float(spec.min),
                                                     to_value=float(spec.max), step=0.0)]
    elif spec.min is not None and spec.type is int:
        d.integer_range = [IntegerRange(from_value=int(spec.min), to_value=int(spec.max), step=1)]
    return d


class MiloNode(Node):
    """A node whose parameters come from `PARAMETERS` and whose health is published at 1 Hz."""

    PARAMETERS = ()

    def __init__(self, name: str):
        """Declare and check every parameter (ParameterError if one is bad), start diagnostics."""
        super().__init__(name)
        self.health = Health()
        self.finished = Future()  # done when the node wants to exit; result is the exit status
        self.ready = True  # False while a node prepares (loads a model); reported in diagnostics
        self._specs = {s.name: s for s in self.PARAMETERS}
        self.add_on_set_parameters_callback(self._check_new_values)
        self.params = SimpleNamespace(**{s.name: self._declare(s) for s in self.PARAMETERS})
        self._diagnostics = self.create_publisher(DiagnosticArray, '/diagnostics', 10)
        self.create_timer(1.0, self.publish_diagnostics)

    def _declare(self, spec):
        try:
            return self.declare_parameter(spec.name, spec.default, descriptor(spec)).value
        except (InvalidParameterValueException, InvalidParameterTypeException) as exc:
            raise ParameterError(f"parameter '{spec.name}' rejected ({exc}); expected "
                                 f'{spec.allowed()}') from exc

    def _check_new_values(self, params) -> SetParametersResult:
        for p in params:
            spec = self._specs.get(p.name)
            problem = spec.error(p.value) if spec else None
            if problem:
                self.get_logger().warning(f'rejected: {problem}')
                return SetParametersResult(successful=False, reason=problem)
        if hasattr(self, 'params'):  # past declaration: a live change
            for p in params:
                if p.name in self._specs:
                    setattr(self.params, p.name, p.value)
                    self.on_parameter_changed(p.name, p.value)
        return SetParametersResult(successful=True)

    def on_parameter_changed(self, name: str, value) -> None:
        """Apply a live parameter change (only parameters with `live=True` can change)."""

    def summary(self) -> str:
        """Say in a few words what the node is doing, for the diagnostics message."""
        return 'running'

    def publish_diagnostics(self) -> None:
        """Publish the node's health on /diagnostics."""
        level, message, values = self.health.report(self.summary())
        values.insert(0, ('ready', 'true' if self.ready else 'false'))
        status = DiagnosticStatus(level=bytes([level]), name=f'milo/{self.get_name()}',
                                  message=message, hardware_id=self.get_fully_qualified_name(),
                                  values=[KeyValue(key=k, value=v) for k, v in values])
        msg = DiagnosticArray(status=[status])
        msg.header.stamp = self.get_clock().now().to_msg()
        self._diagnostics.publish(msg)

    def close(self) -> None:
        """Release devices and threads before the node is destroyed."""


def run(node_class, args=None) -> int:
    """Run a node until it finishes or is interrupted; return the process exit status."""
    rclpy.init(args=args)
    node = None
    try:
        node = node_class()
        rclpy.spin_until_future_complete(node, node.finished)
        return node.finished.result() if node.finished.done() else 0
    except ParameterError as exc:
        print(f'configuration error: {exc}', file=sys.stderr)
        return EXIT_CONFIG
    except (KeyboardInterrupt, ExternalShutdownException):
        return 0
    finally:
        if node is not None:
            node.close()
            node.destroy_node()
        rclpy.try_shutdown()
