# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""A graph process's start, alone: what a respawn costs before the class's CPU is added.

The soak's recovery time (kill to every node of the process heard ready) mixes three things: the
process's own start (Python, rclpy, its libraries and models), how late the others hear it
(DDS discovery), and the class's CPU. This bench takes the first two apart on a quiet machine:
each process of the sim graph is started alone beside one `/diagnostics` listener, the processes
in turn, STARTS times each, and killed once every node of it has been heard ready.

- `startup_<process>_ready_p50_s`: spawn to every node of the process heard ready.
- `startup_heard_late_max_s`, `startup_heard_late_share`: from a node's first ready report, as
  the node stamped it, to the listener receiving it; the worst, and the share of starts heard
  more than LATE_S late. A report heard late is a discovery that waited for an announcement
  (config/fastdds.xml says why that period is 0.25 s).
"""

import os
import signal
import subprocess
import tempfile
import threading
import time

from milo_robot.bench.results import result

COMMAND = 'milo bench --only startup'
STARTS = 5
LATE_S = 0.05  # a report delivered on this machine takes milliseconds: later, it waited
GIVE_UP_S = 60.0  # a process not ready by then is reported as a failure


class ReadyLog:
    """For each node, when its first ready report arrived and when it was sent (wall clock)."""

    def __init__(self):
        """Hear /diagnostics with Milo's DDS profile (the caller's environment has it)."""
        from milo_robot.watchdog import DiagnosticsListener, Liveness

        self._lock = threading.Lock()
        self._first = {}  # node -> (received, sent)
        self._listener = DiagnosticsListener(Liveness(), self._take, name='milo_bench_startup')

    def _take(self, status) -> None:
        if status.ready:
            with self._lock:
                self._first.setdefault(status.node, (time.time(), status.sent_at))

    def clear(self) -> None:
        """Forget what was heard (a new start begins)."""
        with self._lock:
            self._first.clear()

    def heard(self, nodes) -> dict:
        """Return {node: (received, sent)} for those of `nodes` heard ready so far."""
        with self._lock:
            return {n: self._first[n] for n in nodes if n in self._first}

    def close(self) -> None:
        """Stop listening."""
        self._listener.close()


def start_once(launch, env: dict, log: ReadyLog) -> tuple:
    """Start one process, wait until its nodes are all heard ready, kill it.

    Returns (spawn to all heard ready in s, [each node's delay from sending to hearing in s]).
    """
    log.clear()
    spawned = time.time()
    process = subprocess.Popen(launch.argv, env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        while len(heard := log.heard(launch.nodes)) < len(launch.nodes):
            if process.poll() is not None or time.time() - spawned > GIVE_UP_S:
                raise RuntimeError(f'{launch.name} was not ready within {GIVE_UP_S:g} s '
                                   f'(exit status {process.poll()})')
            time.sleep(0.01)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    return (max(received for received, _ in heard.values()) - spawned,
            [received - sent for received, sent in heard.values()])


def startup() -> dict:
    """Start each process of the sim graph alone: spawn to ready, and how late it is heard."""
    from milo_robot.graph import node_environment, parameter_specs, plan, record_overrides

    with tempfile.TemporaryDirectory(prefix='milo-startup-') as out_dir:
        sets = [*record_overrides(f'{out_dir}/milo.db', parameter_specs()),
                f'tts.output_wav={out_dir}/speech.wav', f'audio_monitor.output_wav={out_dir}/heard.wav',
                f'body.latch_file={out_dir}/estop.latch']
        launches, errors = plan(True, (), sets)
        if errors:
            raise RuntimeError('; '.join(errors))
        env, log = node_environment(), ReadyLog()
        ready, late = {launch.name: [] for launch in launches}, []
        try:
            for n in range(STARTS):
                for launch in launches:
                    took, delays = start_once(launch, env, log)
                    ready[launch.name].append(took)
                    late.append(max(delays))
                    print(f'    start {n + 1}/{STARTS} {launch.name}: ready in {took:.2f} s, heard '
                          f'{max(delays):.2f} s after it was sent', flush=True)
                    time.sleep(1.0)  # the killed participant's traffic dies down
        finally:
            log.close()
    note = (f'{STARTS} starts of each process alone beside one /diagnostics listener, processes in '
            'turn, sim mode')
    out = {f'startup_{name}_ready_p50_s': result(times, 's', COMMAND, note + '; spawn to every node '
                                                  'of the process heard ready')
           for name, times in ready.items()}
    out['startup_heard_late_max_s'] = result([max(late)], 's', COMMAND, note + '; a ready report '
                                             'from the node sending it to the listener hearing it, '
                                             'worst start')
    out['startup_heard_late_share'] = result([sum(d > LATE_S for d in late) / len(late)], 'ratio',
                                             COMMAND, note + f'; starts heard more than {LATE_S:g} s '
                                             'after the report was sent')
    return out


BENCHMARKS = (startup,)
