# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Liveness from /diagnostics: which nodes stopped reporting, or whose worker stopped beating.

A node publishes its health every second from its executor, and each worker thread notes a
heartbeat (`worker_<name>_s_ago`). A node whose reports stop (its executor is stuck) or whose
worker has not beaten for a while (stuck in a call that never returns) is alive to the operating
system but dead to the class: `milo up` kills it, and it is respawned like a node that crashed.
"""

import threading
import time
from typing import Callable, Dict, Optional

from milo_robot.interfaces import diagnostics as d
from milo_robot.spinning import BackgroundSpin

STALE_REPORTS_S = 10.0  # no diagnostics for this long: the node is stuck
STALE_WORKER_S = 120.0  # a worker that has not beaten for this long is stuck (a summary step beats)


class Liveness:
    """When each node last reported, and its workers' last heartbeat (plain data, no ROS)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        """Nothing seen yet."""
        self._clock = clock
        self._lock = threading.Lock()
        self._reported: Dict[str, float] = {}
        self._worker_age: Dict[str, float] = {}
        self._waiting: Dict[str, float] = {}  # work a node must finish before a sim run ends

    def report(self, status: d.NodeStatus) -> None:
        """Take one node's status from /diagnostics."""
        with self._lock:
            self._reported[status.node] = self._clock()
            self._worker_age[status.node] = max(status.worker_ages().values(), default=0.0)
            self._waiting[status.node] = status.number(d.WORK_WAITING)

    def work_waiting(self) -> float:
        """Return the work the nodes said they still have to do (the asr's VAD events)."""
        with self._lock:
            return sum(self._waiting.values())

    def forget(self, node: str) -> None:
        """Forget a node (it is being restarted): it is judged again once it reports."""
        with self._lock:
            self._reported.pop(node, None)
            self._worker_age.pop(node, None)
            self._waiting.pop(node, None)

    def watched(self) -> set:
        """Return the nodes whose reports are being watched (seen since started or forgotten)."""
        with self._lock:
            return set(self._reported)

    def stale(self, reports_s: float = STALE_REPORTS_S, worker_s: float = STALE_WORKER_S) -> dict:
        """Return {node: why} for nodes seen before that are stuck now."""
        now = self._clock()
        with self._lock:
            out = {n: f'no diagnostics for {now - at:.0f} s' for n, at in self._reported.items()
                   if now - at > reports_s}
            out.update({n: f'a worker stuck for {age:.0f} s' for n, age in self._worker_age.items()
                        if age > worker_s and n not in out})
        return out


class DiagnosticsListener:
    """An rclpy node in its own context and thread that feeds a Liveness from /diagnostics."""

    def __init__(self, liveness: Liveness, on_status: Optional[Callable] = None,
                 name: str = 'milo_watchdog', namespace: str = ''):
        """Start listening as ROS node `name`; `on_status(NodeStatus)` also hears each node's status.

        Only the nodes of the robot in `namespace` ('' or '/': the root one) are heard.
        """
        import rclpy
        from rclpy.context import Context

        from milo_robot.interfaces.topics import DIAGNOSTICS

        self._context = Context()
        rclpy.init(context=self._context)
        self.node = rclpy.create_node(name, context=self._context, namespace=namespace or None)

        def take(msg) -> None:
            for status in d.node_statuses(msg, self.node.get_namespace()):
                liveness.report(status)
                if on_status is not None:
                    on_status(status)
        DIAGNOSTICS.subscription(self.node, take)
        self._spin = BackgroundSpin(self.node, self._context, 'watchdog')

    def close(self) -> None:
        """Stop listening."""
        import rclpy

        self._spin.close()
        self.node.destroy_node()
        rclpy.try_shutdown(context=self._context)
