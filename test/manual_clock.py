# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""A clock that a test moves by hand: the logic under test reads `clock()`, the test sets `now`."""


class Clock:
    """Return `now` when called; a test advances it (`clock.now += 5.0`)."""

    def __init__(self, now: float = 1000.0):
        """Start at `now` (seconds)."""
        self.now = now

    def __call__(self) -> float:
        """Return the time the test set."""
        return self.now
