# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Run a set of processes like `ros2 launch` does: prefixed logs, respawn, and a clean stop.

Each child runs in its own process group, so stopping it also stops anything it started. Plain
Python with no ROS dependency: `milo up` gives it the node command lines.
"""

import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from typing import Optional, TextIO

from milo_robot.graph import (
    EXIT_CONFIG,
    RESPAWN_DELAY_S,
    STOP_TIMEOUT_S,
    node_environment,
    restart_environment,
)
from milo_robot.priority import set_autogroup_nice

YOUNG_S = 5.0  # a child that dies younger than this is respawned after a doubled delay
MAX_DELAY_S = 10.0
DRAIN_S = 3.0  # after a run-ending child finishes, let the others finish their last work


@dataclass
class Child:
    """A supervised process and its state."""

    name: str
    argv: list
    ends_run: bool = False  # its clean exit ends the whole run
    nice: int = 0  # CPU priority given to the process
    process: Optional[subprocess.Popen] = None
    started_at: float = 0.0
    restart_at: Optional[float] = None
    delay: float = 0.0
    restarts: int = 0  # respawns so far, told to the process with its last exit (graph.restart_environment)
    last_exit: int = 0


def children_of(launches) -> list:
    """Return a Child per graph.Launch."""
    return [Child(launch.name, launch.argv, launch.ends_run, nice=launch.nice) for launch in launches]


def supervise(launches, respawn: bool = True, out: TextIO = sys.stdout, busy=None,
              network: bool = False, max_drain_s: float = 30.0, liveness=None) -> 'Supervisor':
    """Return a Supervisor of the graph's launches, with the nodes' environment.

    With `liveness` (watchdog.Liveness fed from /diagnostics), stuck nodes are restarted too.
    """
    return Supervisor(children_of(launches), respawn=respawn, env=node_environment(network), out=out,
                      busy=busy, max_drain_s=max_drain_s, liveness=liveness,
                      members={launch.name: launch.nodes for launch in launches})


class Supervisor:
    """Start children, prefix their output, respawn those that die, stop all on request."""

    def __init__(self, children: list, respawn_delay: float = RESPAWN_DELAY_S, respawn: bool = True,
                 env: Optional[dict] = None, out: TextIO = sys.stdout,
                 stop_timeout: float = STOP_TIMEOUT_S, busy=None, max_drain_s: float = 30.0,
                 liveness=None, members: Optional[dict] = None):
        """Prepare; nothing starts before `run()`.

        When a run-ending child finishes, the others get DRAIN_S, and more (up to `max_drain_s`)
        while `busy()` says they are still at work (Milo still answering the last question), or
        while a node tells `liveness` it has work waiting (the asr, segments to transcribe).
        """
        self.busy, self.max_drain_s = busy or (lambda: False), max_drain_s
        # `liveness` (watchdog.Liveness) says which nodes are stuck; `members` maps each child to
        # the nodes it runs (a group runs several). A stuck node's process is killed and respawned.
        self.liveness, self.members = liveness, members or {}
        self._checked_at = 0.0
        self._watched = set()  # nodes already said to be watched, to say each once per start
        self.children = children
        self.respawn_delay, self.respawn = respawn_delay, respawn
        self.env, self.out, self.stop_timeout = env, out, stop_timeout
        self._lock = threading.Lock()
        self._stop_requested = threading.Event()
        self._pumps = []

    def log(self, name: str, line: str) -> None:
        """Write one line prefixed with its source's name."""
        with self._lock:
            self.out.write(f'[{name}] {line.rstrip()}\n')
            self.out.flush()

    def request_stop(self, *_signal_args) -> None:
        """Ask `run()` to stop every child and return (safe to call from a signal handler)."""
        self._stop_requested.set()

    def run(self) -> int:
        """Run until stopped (status 0), a run-ending child exits cleanly (0), or a config error."""
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self.request_stop)
        for child in self.children:
            self._start(child)
        status = None
        while status is None and not self._stop_requested.wait(0.05):
            status = self._tend()
        self.log('milo', 'stopping all nodes')
        self._stop_all()
        return status or 0

    def _start(self, child: Child) -> None:
        env = self.env
        if child.restarts:  # its nodes say on /diagnostics that they came back, and after what
            env = {**(env if env is not None else os.environ),
                   **restart_environment(child.restarts, child.last_exit)}
        child.process = subprocess.Popen(
            child.argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            env=env, start_new_session=True, text=True, errors='replace', bufsize=1,
            preexec_fn=lambda: _prepare_child(child.nice))
        child.started_at, child.restart_at = time.monotonic(), None
        self.log('milo', f'started {child.name} (pid {child.process.pid})')
        pump = threading.Thread(target=self._pump, args=(child.name, child.process.stdout),
                                daemon=True)
        pump.start()
        self._pumps.append(pump)

    def _pump(self, name: str, stream) -> None:
        for line in stream:
            self.log(name, line)

    def _kill_stuck(self, now: float) -> None:
        """Kill the process of a node that stopped reporting (it is then respawned as if it died)."""
        if self.liveness is None or now - self._checked_at < 1.0:
            return
        self._checked_at = now
        for name in sorted(self.liveness.watched() - self._watched):
            self.log('milo', f'watching {name} (it reports its health)')
            self._watched.add(name)
        stuck = self.liveness.stale()
        for child in self.children:
            names = self.members.get(child.name, (child.name,))
            why = next((f'{n}: {stuck[n]}' for n in names if n in stuck), None)
            if why and child.process and child.process.poll() is None and child.restart_at is None:
                self.log('milo', f'{child.name} is stuck ({why}); killing it to restart it')
                for name in names:
                    self.liveness.forget(name)
                    self._watched.discard(name)
                _kill_group(child.process.pid, signal.SIGKILL)

    def _tend(self) -> Optional[int]:
        """Handle exited children and due restarts; return a status when the run must end."""
        now = time.monotonic()
        self._kill_stuck(now)
        for child in self.children:
            if child.restart_at is not None:
                if now >= child.restart_at:
                    self._start(child)
                continue
            code = child.process.poll()
            if code is None:
                continue
            _kill_group(child.process.pid, signal.SIGKILL)  # anything it left behind
            if child.ends_run and code == 0:
                self.log('milo', f'{child.name} finished; the run is complete')
                self._stop_requested.wait(DRAIN_S)
                deadline = time.monotonic() + self.max_drain_s
                while self._draining() and time.monotonic() < deadline and \
                        not self._stop_requested.wait(0.2):
                    pass
                return 0
            if code == EXIT_CONFIG:
                self.log('milo', f'{child.name} has a configuration error (see above); stopping')
                return EXIT_CONFIG
            if not self.respawn:
                self.log('milo', f'{child.name} exited with status {code}; respawn is off, stopping')
                return code if code > 0 else 1  # killed by a signal: negative
            young = now - child.started_at < YOUNG_S
            child.delay = min(MAX_DELAY_S, child.delay * 2) if young and child.delay else \
                self.respawn_delay
            child.restart_at = now + child.delay
            child.restarts, child.last_exit = child.restarts + 1, code
            self.log('milo', f'{child.name} exited with status {code}; restarting in '
                     f'{child.delay:g} s')
        return None

    def _draining(self) -> bool:
        return self.busy() or (self.liveness is not None and self.liveness.work_waiting() > 0)

    def _stop_all(self) -> None:
        running = [c for c in self.children if c.process and c.process.poll() is None]
        for child in running:
            _kill_group(child.process.pid, signal.SIGINT)
        deadline = time.monotonic() + self.stop_timeout
        for child in running:
            try:
                child.process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.log('milo', f'{child.name} did not stop within {self.stop_timeout} s; killing')
        for child in self.children:
            if child.process:
                _kill_group(child.process.pid, signal.SIGKILL)
                child.process.wait()
        for pump in self._pumps:
            pump.join(timeout=1.0)


def _prepare_child(nice: int) -> None:
    """In the child, before exec: die with the supervisor, and take its CPU priority."""
    _stop_with_parent()
    if nice:
        os.nice(nice)
        # Each node runs in a session of its own: its session's group must give way too
        # (milo_robot.priority). Without autogroups the process's nice value is enough.
        set_autogroup_nice(nice)


def _stop_with_parent() -> None:
    # In the child, before exec: if the supervisor is killed outright (SIGKILL, crash), Linux sends
    # the node SIGTERM, so no node outlives it. Elsewhere this is a no-op.
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _kill_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass
