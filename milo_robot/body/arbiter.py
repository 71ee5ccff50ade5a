# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Who moves the head: teleop wins while it is active; autonomous commands hold otherwise."""

from milo_robot.body.protocol import JOINT_LIMITS_DEG

# A velocity command moves the head for this long unless repeated (a key held down repeats).
VELOCITY_HOLD_S = 0.3


def clamp(joint: str, degrees: float) -> float:
    """Clamp an angle to the joint's limits."""
    low, high = JOINT_LIMITS_DEG[joint]
    return max(low, min(high, degrees))


class HeadArbiter:
    """Merge autonomous head targets and teleop (pose or velocity) into one target."""

    def __init__(self, teleop_timeout_s: float = 5.0):
        """Teleop stays in charge until `teleop_timeout_s` after its latest command."""
        self.teleop_timeout_s = teleop_timeout_s
        self._auto = {'pan': 0.0, 'tilt': 0.0}
        self._teleop = None  # head pose while teleop is in charge
        self._teleop_at = float('-inf')
        self._velocity = (0.0, 0.0, float('-inf'))  # pan, tilt deg/s, time

    def autonomous(self, targets: dict) -> None:
        """Set the autonomous targets (expression preset or joint command)."""
        self._auto.update({k: clamp(k, v) for k, v in targets.items() if k in self._auto})

    def teleop_pose(self, targets: dict, now: float) -> None:
        """Teleop sets a head pose."""
        self._take(now)
        self._teleop.update({k: clamp(k, v) for k, v in targets.items() if k in self._teleop})

    def teleop_velocity(self, pan_deg_s: float, tilt_deg_s: float, now: float) -> None:
        """Teleop moves the head at these rates."""
        self._take(now)
        self._velocity = (pan_deg_s, tilt_deg_s, now)

    def _take(self, now: float) -> None:
        if not self.teleop_active(now):
            self._teleop = dict(self._auto)  # start from where the head is meant to be
        self._teleop_at = now

    def teleop_active(self, now: float) -> bool:
        """Return whether teleop is in charge."""
        return now - self._teleop_at < self.teleop_timeout_s

    def targets(self, now: float, dt: float) -> dict:
        """Return the head targets for this tick (integrating a teleop velocity over `dt`)."""
        if not self.teleop_active(now):
            return dict(self._auto)
        pan_rate, tilt_rate, since = self._velocity
        if now - since < VELOCITY_HOLD_S:
            self._teleop['pan'] = clamp('pan', self._teleop['pan'] + pan_rate * dt)
            self._teleop['tilt'] = clamp('tilt', self._teleop['tilt'] + tilt_rate * dt)
        return dict(self._teleop)
