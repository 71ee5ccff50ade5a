# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Test harness: an in-process ROS probe node, child processes in their own groups, and waits.

Waits poll a condition (a matched subscription, a message, a line of output) instead of sleeping
for a fixed time, so tests are as fast as the machine allows and only time out when broken.
"""

import os
import signal
import subprocess
import sys
import threading
import time

import rclpy
from rclpy.context import Context
from rclpy.executors import SingleThreadedExecutor

from milo_robot.interfaces.diagnostics import node_statuses

TIMEOUT_S = 30.0  # generous: DDS discovery alone sometimes takes 3 s on a loaded machine
RESEND_S = 5.0  # a service request unanswered for this long is sent again (see Probe.call)


def wait_until(predicate, what: str, timeout: float = TIMEOUT_S, fail: bool = True):
    """Poll `predicate` until it returns something truthy; fail the test naming `what` if not.

    With `fail=False`, return None at the timeout instead.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    if fail:
        raise AssertionError(f'timed out after {timeout} s waiting for {what}')
    return None


def statuses(inbox, node: str, namespace: str = '/') -> list:
    """Return every NodeStatus of `node` (of the robot in `namespace`) in an inbox of /diagnostics
    messages, oldest first."""
    return [s for m in list(inbox.messages) for s in node_statuses(m, namespace) if s.node == node]


def latest_status(inbox, node: str, namespace: str = '/'):
    """Return the latest NodeStatus of `node` in an inbox of /diagnostics messages, or None."""
    found = statuses(inbox, node, namespace)
    return found[-1] if found else None


class Inbox:
    """Messages received on one subscription, in order."""

    def __init__(self):
        self.messages = []
        self._lock = threading.Lock()

    def add(self, msg):
        with self._lock:
            self.messages.append(msg)

    def wait_for(self, count: int = 1, what: str = 'messages', timeout: float = TIMEOUT_S) -> list:
        wait_until(lambda: len(self.messages) >= count, f'{count} {what}', timeout)
        with self._lock:
            return list(self.messages)

    def matching(self, predicate) -> list:
        with self._lock:
            return [m for m in self.messages if predicate(m)]


class Probe:
    """An rclpy node in its own context, spun in a background thread.

    In `namespace` (a robot's), its relative topic names are that robot's: /room_a/brain/question.
    """

    def __init__(self, namespace: str = ''):
        self.context = Context()
        rclpy.init(context=self.context)
        self.node = rclpy.create_node(f'test_probe_{os.getpid()}', context=self.context,
                                      namespace=namespace or None)
        self.executor = SingleThreadedExecutor(context=self.context)
        self.executor.add_node(self.node)
        self._thread = threading.Thread(target=self._spin, daemon=True)
        self._thread.start()

    def _spin(self):
        try:
            self.executor.spin()
        except Exception:  # the context was shut down under it: the test is over
            pass

    def subscribe(self, msg_type, topic: str, qos=10) -> Inbox:
        inbox = Inbox()
        self.node.create_subscription(msg_type, topic, inbox.add, qos)
        return inbox

    def publisher(self, msg_type, topic: str, qos=10, subscribers: int = 1):
        """Create a publisher and wait until `subscribers` subscriptions are matched."""
        pub = self.node.create_publisher(msg_type, topic, qos)
        wait_until(lambda: pub.get_subscription_count() >= subscribers, f'a subscriber on {topic}')
        return pub

    def publish_until(self, pub, msg, condition, what: str):
        """Publish `msg` every 50 ms until `condition()` holds.

        A matched publisher is not enough for best-effort topics: the subscriber may not have
        matched it yet, and a message sent before that is lost. Sending a harmless message until
        its effect is seen proves the path works both ways.
        """
        def sent_and_seen():
            pub.publish(msg)
            return condition()
        wait_until(sent_and_seen, what)

    def wait_for_publisher(self, topic: str, count: int = 1):
        wait_until(lambda: self.node.count_publishers(topic) >= count, f'a publisher on {topic}')

    def call(self, srv_type, service: str, request):
        """Call a service of another node and return its response.

        A service found is not yet a service that can answer: Fast DDS may match the request
        path before the response path, and a reply sent before that is lost. So a request left
        unanswered for a few seconds is sent again (only idempotent requests are made here).
        """
        client = self.node.create_client(srv_type, service)
        try:
            wait_until(lambda: client.wait_for_service(timeout_sec=0.1), service)

            def answered():
                future = client.call_async(request)
                return wait_until(future.done, 'a reply', RESEND_S, fail=False) and future
            return wait_until(answered, f'the reply of {service}').result()
        finally:
            self.node.destroy_client(client)

    def set_parameter(self, node_name: str, name: str, value):
        """Set a parameter of another node through its service; return the SetParametersResult."""
        from rcl_interfaces.srv import SetParameters
        from rclpy.parameter import Parameter

        request = SetParameters.Request(parameters=[Parameter(name, value=value).to_parameter_msg()])
        return self.call(SetParameters, f'/{node_name}/set_parameters', request).results[0]

    def close(self):
        self.executor.shutdown()
        self.node.destroy_node()
        rclpy.shutdown(context=self.context)
        self._thread.join(timeout=5.0)


class ManagedProcess:
    """A child process in its own process group, its output collected line by line."""

    def __init__(self, argv, env=None):
        self.argv = argv
        self.lines = []
        self._lock = threading.Lock()
        self.popen = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT, text=True, errors='replace',
                                      start_new_session=True, env=env)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.popen.stdout:
            with self._lock:
                self.lines.append(line.rstrip('\n'))

    @property
    def output(self) -> str:
        with self._lock:
            return '\n'.join(self.lines)

    def wait_for_line(self, text: str, timeout: float = TIMEOUT_S, after: int = 0) -> int:
        """Wait for a line containing `text` (from line index `after`); return its index."""
        def find():
            with self._lock:
                for i in range(after, len(self.lines)):
                    if text in self.lines[i]:
                        return i + 1
            return 0
        return wait_until(find, f"'{text}' in the output of {' '.join(self.argv[:4])}...",
                          timeout) - 1

    def wait(self, timeout: float = TIMEOUT_S) -> int:
        """Wait for the process to exit; return its status."""
        try:
            code = self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f'process still running after {timeout} s:\n{self.output}')
        self._reader.join(timeout=5.0)
        return code

    def signal(self, sig=signal.SIGINT):
        self.popen.send_signal(sig)

    def kill(self):
        """Stop the process: Ctrl-C first (so `milo up` stops its nodes), then SIGKILL its group."""
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGINT)
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.popen.wait()


class ProcessGroup:
    """The processes a test started, all killed at the end of the test."""

    def __init__(self):
        self.started = []

    def start(self, argv, env=None) -> ManagedProcess:
        proc = ManagedProcess(argv, env)
        self.started.append(proc)
        return proc

    def node(self, executable: str, *ros_args: str, **params) -> ManagedProcess:
        """Run one Milo node with `-p name:=value` for each keyword."""
        argv = [sys.executable, '-m', f'milo_robot.nodes.{executable}', '--ros-args', *ros_args]
        for name, value in params.items():
            argv += ['-p', f'{name}:={_ros_value(value)}']
        return self.start(argv)

    def milo(self, *args: str, env=None) -> ManagedProcess:
        """Run the `milo` command line."""
        return self.start([sys.executable, '-m', 'milo_robot.cli.main', *args], env)

    def kill_all(self):
        for proc in self.started:
            proc.kill()


def _ros_value(value) -> str:
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return str(value)
