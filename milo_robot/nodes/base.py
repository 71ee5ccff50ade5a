# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""What every Milo node shares: described and checked parameters, 1 Hz diagnostics, a clean exit."""

import os
import sys
import threading
import time
import traceback
from types import SimpleNamespace

import rclpy
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
from milo_robot.graph import EXIT_CONFIG, EXIT_WORKER_DIED, restart_of
from milo_robot.interfaces import diagnostics as d
from milo_robot.interfaces.fields import PayloadError
from milo_robot.interfaces.topics import DIAGNOSTICS
from milo_robot.parameters import ParameterError
from milo_robot.private_files import restrict_umask
from milo_robot.spinning import new_executor, spin_until

# After a node starts, it reports this often for this long (then at 1 Hz): its first reports are
# the ones the watchdog and the soak's recovery time wait for, and DDS may drop the very first
# while the subscribers are still discovering the new node.
EARLY_REPORT_PERIOD_S = 0.2
EARLY_REPORTS_S = 2.0


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

    def __init__(self, name: str, **options):
        """Declare and check every parameter (ParameterError if one is bad), start diagnostics.

        `options` go to rclpy's Node: a node sharing a process gets its own `cli_args` there.
        """
        super().__init__(name, **options)
        self.health = Health()
        # Respawned (the supervisor says so): said from the first report, since a node back within
        # a second leaves no gap in its reports that would show it died.
        restarts, after = restart_of(os.environ)
        if restarts:
            self.health.set(d.RESTARTS, restarts)
            self.health.set(d.RESTARTED_AFTER, after)
        self.finished = Future()  # done when the node wants to exit; result is the exit status
        self._ready = True  # False while a node prepares (loads a model); reported in diagnostics
        self._specs = {s.name: s for s in self.PARAMETERS}
        self.add_on_set_parameters_callback(self._check_new_values)
        self.params = SimpleNamespace(**{s.name: self._declare(s) for s in self.PARAMETERS})
        self._diagnostics = self.publisher(DIAGNOSTICS)
        self._beats = {}  # worker name -> monotonic time of its last heartbeat
        self.create_timer(1.0, self.publish_diagnostics)
        # A node that (re)starts says so within a fifth of a second, not up to a second later:
        # the watchdog, `milo status` and the soak's recovery time wait for that first report.
        self._early_until = time.monotonic() + EARLY_REPORTS_S
        self._early = self.create_timer(EARLY_REPORT_PERIOD_S, self._report_early)

    @property
    def ready(self) -> bool:
        """Whether the node does its work (False while it loads a model)."""
        return self._ready

    @ready.setter
    def ready(self, value: bool) -> None:
        was, self._ready = self._ready, bool(value)
        if self._ready and not was:
            self.publish_diagnostics()  # back from loading: said now, from the loading thread

    # --- contracts: every topic and service comes from milo_robot.interfaces ----------------------

    def publisher(self, topic):
        """Create the publisher of an interfaces Topic (its type, name and QoS)."""
        return topic.publisher(self)

    def subscribe(self, topic, callback):
        """Subscribe to an interfaces Topic; `callback` gets the checked payload.

        A payload that fails its checks is reported (diagnostics and a throttled warning) and
        dropped; an unexpected error in the callback is reported too, and the node carries on.
        """
        def receive(msg):
            try:
                payload = topic.decode(msg)
            except PayloadError as exc:
                self.reject(topic.name, str(exc))
                return
            self.guarded(topic.name, callback, payload)
        return topic.subscription(self, receive)

    def serve(self, service, handler):
        """Serve an interfaces Service with `handler(request, response)`."""
        def answer(request, response):
            result = self.guarded(service.name, handler, request, response)
            return response if result is None else result
        return self.create_service(service.srv_type(), service.name, answer)

    def reject(self, where: str, problem: str) -> None:
        """Report a bad input: an error in diagnostics and a warning at most every 5 s.

        `where` is the topic or service name (relative, from milo_robot.interfaces): the report
        says it as resolved, /room_a/asr/final in the namespace room_a.
        """
        where = self.resolve_topic_name(where)
        self.health.error(f'{where}: {problem}')
        self.health.count(d.REJECTED)
        # Per input as well: the last error shows only the latest bad input, the counts show them all.
        self.health.count(f'rejected_on {where}')
        self.get_logger().warning(f'rejected on {where}: {problem}', throttle_duration_sec=5.0)

    def guarded(self, where: str, function, *args):
        """Call `function`; an unexpected exception is reported instead of ending the node."""
        try:
            return function(*args)
        except Exception as exc:  # noqa: BLE001 - a bug in one callback must not stop the robot
            where = self.resolve_topic_name(where)
            self.health.error(f'{where}: unexpected {type(exc).__name__}: {exc}')
            self.get_logger().error(f'{where}: unexpected error\n{traceback.format_exc()}',
                                    throttle_duration_sec=5.0)
            return None

    # --- workers: a thread that dies is reported and the node exits, so that it respawns ----------

    def start_worker(self, name: str, target) -> threading.Thread:
        """Start `target` in a daemon thread; if it raises, report it and finish with status 70."""
        def run_guarded():
            try:
                target()
            except Exception as exc:  # noqa: BLE001 - reported, then the node restarts cleanly
                if not self.context.ok():
                    return  # the process is stopping (SIGTERM, Ctrl-C): its publishers went with it
                self.health.fault(f'worker {name} died: {type(exc).__name__}: {exc}')
                self.get_logger().error(f'worker {name} died\n{traceback.format_exc()}')
                self.publish_diagnostics()
                if not self.finished.done():
                    self.finished.set_result(EXIT_WORKER_DIED)
        self.beat(name)
        thread = threading.Thread(target=run_guarded, name=name, daemon=True)
        thread.start()
        return thread

    def beat(self, name: str) -> None:
        """Note that worker `name` is alive (reported as `worker_<name>_s_ago` in diagnostics)."""
        self._beats[name] = time.monotonic()

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

    def _report_early(self) -> None:
        self.publish_diagnostics()
        if time.monotonic() >= self._early_until:
            self._early.cancel()

    def publish_diagnostics(self) -> None:
        """Publish the node's health on /diagnostics."""
        level, message, values = self.health.report(self.summary())
        values.insert(0, (d.READY, 'true' if self.ready else 'false'))
        now = time.monotonic()
        values += [(d.worker_key(name), f'{now - at:.1f}') for name, at in list(self._beats.items())]
        self._diagnostics.publish(d.diagnostic_array(
            self.get_name(), level, message, values, self.get_fully_qualified_name(),
            self.get_clock().now().to_msg(), namespace=self.get_namespace()))

    def close(self) -> None:
        """Release devices and threads before the node is destroyed."""


def run(node_class, args=None) -> int:
    """Run a node until it finishes or is interrupted; return the process exit status."""
    return run_group([(node_class, {})], args)


def run_group(members, args=None) -> int:
    """Run several nodes in one process until one finishes or Ctrl-C; return the exit status.

    `members` are (node class, rclpy Node options) pairs. Each node keeps its name, parameters and
    diagnostics; they share the Python interpreter, the DDS participant's libraries and one
    executor (milo_robot.spinning), which runs one callback at a time: their callbacks are short
    (the VAD's turn-end judge and the body's serial link run in threads of their own).
    """
    restrict_umask()  # ROS logs, the record's WAL, sim audio: Milo's user's only (also under ros2 launch)
    rclpy.init(args=args)
    nodes = []
    executor = new_executor()
    try:
        for node_class, options in members:
            nodes.append(node_class(**options))
            executor.add_node(nodes[-1])
        done = Future()
        for node in nodes:
            node.finished.add_done_callback(lambda f: done.done() or done.set_result(f.result()))
        spin_until(executor, done)
        return done.result() if done.done() else 0
    except ParameterError as exc:
        print(f'configuration error: {exc}', file=sys.stderr)
        return EXIT_CONFIG
    except (KeyboardInterrupt, ExternalShutdownException):
        return 0
    finally:
        for node in nodes:
            node.close()
            node.destroy_node()
        executor.shutdown()
        rclpy.try_shutdown()
