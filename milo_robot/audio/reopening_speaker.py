# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""A speaker that survives its device: opened on first use, reopened after a failure, with back-off.

The speech player and the audio monitor write to it as to any sink. While the device is missing,
`play` raises OSError at once (no waiting on a dead card), the DevicePolicy reports the fault and
says when to try again, and the first block that plays clears it.
"""

from typing import Callable

import numpy as np

from milo_robot.audio.pyaudio_devices import DeviceError
from milo_robot.devices import DevicePolicy


class ReopeningSpeaker:
    """Wrap `opener()` (which returns a sink with play/drain/close) in the device-failure policy."""

    def __init__(self, opener: Callable[[], object], rate: int, realtime: bool, policy: DevicePolicy,
                 every_use: bool = False):
        """Try the device at once, so a missing one is reported from the start (not an exit).

        `rate` and `realtime` are those of the sinks `opener` makes. `every_use`: try the device
        whenever there is something to play, not only when the back-off says so: right for speech
        (the player gives up the rest of a sentence on a failure, so tries come at most once a
        sentence, and the first sentence after a replug is heard); wrong for a stream of frames.
        """
        self._opener, self.rate, self.realtime, self.policy = opener, rate, realtime, policy
        self.every_use = every_use
        self._sink = None
        try:
            self._ensure_open()
        except OSError:
            pass  # reported by the policy; tried again on the next play

    def _ensure_open(self) -> None:
        if self._sink is not None:
            return
        if not (self.policy.due or self.every_use):
            raise OSError(self.policy.problem or f'{self.policy.what} unavailable')
        try:
            self._sink = self._opener()
        except (OSError, DeviceError, ValueError) as exc:
            self.policy.failed(exc)
            raise OSError(str(exc)) from exc

    def play(self, block: np.ndarray) -> None:
        """Play a block; OSError when the device is missing or fails (reported by the policy)."""
        self._ensure_open()
        try:
            self._sink.play(block)
        except (OSError, RuntimeError, DeviceError) as exc:
            self._drop()
            self.policy.failed(exc)
            raise OSError(str(exc)) from exc
        self.policy.worked()

    def drain(self) -> None:
        """Wait for the device to finish playing (nothing to wait for without one)."""
        if self._sink is not None:
            try:
                self._sink.drain()
            except (OSError, RuntimeError, DeviceError) as exc:
                self._drop()
                self.policy.failed(exc)

    def close(self) -> None:
        """Release the device."""
        self._drop()

    def _drop(self) -> None:
        sink, self._sink = self._sink, None
        if sink is not None:
            try:
                sink.close()
            except (OSError, RuntimeError, DeviceError):
                pass  # already gone


def file_opener(factory: Callable[..., object]) -> Callable[[], object]:
    """Return an opener of a file-backed sink: the first opening creates the file, later ones append.

    A sim device reopened after a failure goes on with the same file, as a sound card would go on
    playing. `factory(append=...)` makes the sink; the opener's `opened` lists the sinks made.
    """
    opened = []

    def open_sink():
        sink = factory(append=bool(opened))
        opened.append(sink)
        return sink
    open_sink.opened = opened
    return open_sink
