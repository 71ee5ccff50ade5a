# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""No silent death: a worker that dies is reported and ends its node (status 70), to be respawned;
no silent delay: a node that becomes ready says so at once."""

import threading

import rclpy
from rclpy.context import Context
from std_msgs.msg import String

from milo_robot.diagnostics import ERROR
from milo_robot.graph import EXIT_WORKER_DIED
from milo_robot.interfaces.diagnostics import node_statuses
from milo_robot.nodes.base import MiloNode


class Fragile(MiloNode):
    """A node whose worker fails on its third job, as asr's or brain's once did on a NaN."""

    def __init__(self, context):
        super().__init__('fragile', context=context)
        self.jobs, self.reports = [], []
        self._diagnostics.publish = self.reports.append  # read what it would publish
        self.start_worker('work', self._work)

    def _work(self):
        for n in range(3):
            self.beat('work')
            self.jobs.append(n)
        raise OverflowError('int too large to convert to float')


def test_a_dead_worker_is_reported_and_the_node_exits_to_be_respawned():
    context = Context()
    rclpy.init(context=context)
    try:
        node = Fragile(context)
        done = threading.Event()
        node.finished.add_done_callback(lambda _: done.set())
        assert done.wait(10)
        assert node.finished.result() == EXIT_WORKER_DIED
        assert node.jobs == [0, 1, 2]
        (status,) = node_statuses(node.reports[-1], node.get_namespace())
        assert status.level == ERROR and 'worker work died: OverflowError' in status.message
        assert 'work' in status.worker_ages()
        node.destroy_node()
    finally:
        rclpy.try_shutdown(context=context)


class Publishing(MiloNode):
    """A node whose worker publishes, as the camera's publishes where the head should turn."""

    def __init__(self, context, go: threading.Event):
        super().__init__('publishing', context=context)
        self.reports = []
        self._diagnostics.publish = self.reports.append
        self._out = self.create_publisher(String, 'publishing_out', 1)
        self.worker = self.start_worker('work', lambda: go.wait(5) and self._out.publish(String(data='x')))


def test_a_worker_stopped_by_the_process_stopping_is_not_reported_dead():
    # SIGTERM shuts the context down before the nodes close: the camera's next publish failed
    # and the soak's log ended on two tracebacks of a "dead" worker.
    context, go = Context(), threading.Event()
    rclpy.init(context=context)
    node = Publishing(context, go)
    rclpy.try_shutdown(context=context)
    go.set()
    node.worker.join(5)
    assert not node.worker.is_alive() and not node.finished.done()
    assert not node.health.faulted, node.health.last_error


class Loading(MiloNode):
    """A node that prepares in a thread of its own, as the asr loads Whisper."""

    def __init__(self, context):
        super().__init__('loading', context=context)
        self.reports = []
        self._diagnostics.publish = self.reports.append
        self.ready = False


def test_a_node_says_it_is_ready_the_moment_it_is():
    # Not at its next 1 Hz report: the watchdog and the soak's recovery time wait for this one.
    context = Context()
    rclpy.init(context=context)
    try:
        node = Loading(context)
        assert node.reports == []  # nothing spun yet: no timer has fired
        loader = threading.Thread(target=setattr, args=(node, 'ready', True))
        loader.start()
        loader.join()
        (status,) = node_statuses(node.reports[-1], node.get_namespace())
        assert len(node.reports) == 1 and status.ready
        node.ready = True  # already ready: nothing new to say
        assert len(node.reports) == 1
        node.destroy_node()
    finally:
        rclpy.try_shutdown(context=context)
