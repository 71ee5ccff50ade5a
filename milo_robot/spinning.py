# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""How Milo spins its rclpy nodes: rclpy's events executor where rclpy has one.

rclpy's Python executors gather every subscription, timer and service of their nodes into a wait
set at each wake-up and walk it in Python. With 31 audio frames a second, that bookkeeping cost
the light group more CPU than its work (docs/architecture.md has the figures). The events executor
(`rclpy.experimental.EventsExecutor`, C++, in Jazzy and later) hands each event to its callback
as it comes. Humble has none: there the single-threaded executor does the same job, slower.

The events executor of Kilted never returns from `spin()`, or from `spin_until_future_complete()`
without a timeout, and runs no timer meanwhile: so Milo always spins in bounded slices.
"""

import threading

SLICE_S = 1.0  # the longest a spin call lasts; a finished future or a shutdown ends it at once


def new_executor(context=None):
    """Return the events executor, or rclpy's single-threaded one where there is none (Humble)."""
    try:
        from rclpy.experimental import EventsExecutor
    except ImportError:
        from rclpy.executors import SingleThreadedExecutor
        return SingleThreadedExecutor(context=context)
    return EventsExecutor(context=context)


def spin_until(executor, future) -> None:
    """Run callbacks until `future` is done or the executor's context shuts down (Ctrl-C)."""
    while not future.done() and executor.context.ok():
        executor.spin_until_future_complete(future, timeout_sec=SLICE_S)


class BackgroundSpin:
    """Spin one node in a daemon thread until `close()`: listeners beside a program's own work."""

    def __init__(self, node, context=None, name: str = 'spin'):
        """Start spinning `node` (created in `context`, or rclpy's default one)."""
        from rclpy.task import Future

        self._stop = Future()
        self._executor = new_executor(context)
        self._executor.add_node(node)
        self._thread = threading.Thread(target=self._run, daemon=True, name=name)
        self._thread.start()

    def _run(self) -> None:
        try:
            spin_until(self._executor, self._stop)
        except Exception:  # noqa: BLE001 - the context was shut down under it: nothing to spin
            pass

    def close(self) -> None:
        """Stop spinning; the node is the caller's to destroy."""
        if not self._stop.done():
            self._stop.set_result(True)
        self._thread.join(timeout=5.0)
        self._executor.shutdown()
