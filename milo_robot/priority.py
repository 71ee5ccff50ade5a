# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""A node's CPU share against the others: its session's autogroup nice value (Linux).

With autogroups (on by default on desktop and board kernels) the CPU is shared fairly between
sessions whatever a process's own nice value, and each node runs in a session of its own
(supervisor.py): its session's group is what gives way. Anyone may set their group's nice value
between 0 and 19, both ways, but the kernel takes at most one change every 100 ms, machine-wide
(the others fail with EAGAIN: try again later).
"""

import os
from typing import Optional

AUTOGROUP = '/proc/self/autogroup'
LOWEST = 19


def set_autogroup_nice(nice: int) -> bool:
    """Set this process's session's CPU share; False where it cannot (no autogroups, or too soon)."""
    try:
        with open(AUTOGROUP, 'w') as group:
            group.write(str(nice))
        return True
    except OSError:
        return False


def autogroup_nice() -> Optional[int]:
    """Return this process's session's nice value, or None without autogroups."""
    try:
        with open(AUTOGROUP) as group:
            return int(group.read().split()[-1])  # '/autogroup-123 nice 5'
    except (OSError, ValueError, IndexError):
        return None


class GiveWay:
    """Lowers this process's CPU share to the lowest while asked to, and gives it back after.

    Only for a process that leads its own session (a node the supervisor started): lowering a
    shared session's share would slow every program of it (the terminal a node runs from).
    """

    def __init__(self):
        """Remember the share to give back: the one this process has now."""
        own_session = os.getsid(0) == os.getpid()
        self.normal = autogroup_nice() if own_session else None
        self.applied = self.normal

    def update(self, give_way: bool) -> bool:
        """Give way (True) or take the normal share back; return whether the wanted share is set.

        False: not yet (the kernel's 100 ms between changes): call again soon.
        """
        if self.normal is None:
            return True  # nothing to manage
        wanted = LOWEST if give_way else self.normal
        if wanted != self.applied and set_autogroup_nice(wanted):
            self.applied = wanted
        return wanted == self.applied
