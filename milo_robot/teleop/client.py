# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The club's remote control as a ROS client: commands out, the robot's live state in.

`milo teleop` (a terminal) and the app's club page both drive Milo through this class, so both
follow the same arbitration: the body node gives teleop the head while commands come, and the
emergency stop latches until released.
"""

import math
import threading

from milo_robot.interfaces import diagnostics as d
from milo_robot.interfaces import topics as t
from milo_robot.interfaces.payloads import ExpressionName, Mode, SayRequest


class TeleopClient:
    """Publishers for the club's commands, and a `view` of the robot's latest state."""

    def __init__(self, node):
        """Create the publishers, the release client and the state subscriptions on an rclpy node."""
        from geometry_msgs.msg import Twist
        from std_msgs.msg import Empty
        from std_srvs.srv import Trigger

        self.node = node
        self._twist, self._empty, self._trigger = Twist, Empty, Trigger
        self._lock = threading.Lock()
        self.pub = {topic: topic.publisher(node) for topic in (
            t.TELEOP_CMD_VEL, t.TELEOP_EXPRESSION, t.TTS_SAY, t.DIALOGUE_SET_MODE, t.BODY_ESTOP,
            t.TTS_STOP)}
        self._release = t.RELEASE_SERVICE.client(node)
        self.view = {'link': '?', 'firmware': '?', 'teleop': '?', 'joints': {}, 'state': '?',
                     'mode': '?', 'estop': '?', 'speaking': False, 'light': '?', 'note': ''}
        t.DIAGNOSTICS.subscription(node, self._on_diagnostics)
        t.JOINT_STATES.subscription(node, self._on_joints)
        t.ROBOT_STATE.subscription(node, lambda m: self._show('state', m.data))
        t.DIALOGUE_MODE.subscription(node, lambda m: self._show('mode', m.data))
        t.TTS_SPEAKING.subscription(node, lambda m: self._show('speaking', bool(m.data)))
        t.BODY_ESTOPPED.subscription(
            node, lambda m: self._show('estop', 'LATCHED' if m.data else 'released'))

    def snapshot(self) -> dict:
        """Return a copy of the latest state (safe from any thread)."""
        with self._lock:
            return dict(self.view, joints=dict(self.view['joints']))

    def _show(self, key: str, value) -> None:
        with self._lock:
            self.view[key] = value

    def _on_diagnostics(self, msg) -> None:
        for status in d.node_statuses(msg, self.node.get_namespace()):
            if status.node == 'body':
                with self._lock:
                    self.view.update(link=status.get(d.LINK), firmware=status.get(d.FIRMWARE),
                                     teleop=status.get(d.TELEOP), light=status.get(d.LIGHT))

    def _on_joints(self, msg) -> None:
        self._show('joints', {n: math.degrees(v) for n, v in zip(msg.name, msg.position)})

    def move(self, pan_deg_s: float, tilt_deg_s: float) -> None:
        """Turn the head at these rates (degrees per second) for a moment."""
        twist = self._twist()
        twist.angular.z, twist.angular.y = math.radians(pan_deg_s), math.radians(tilt_deg_s)
        self.pub[t.TELEOP_CMD_VEL].publish(twist)

    def expression(self, name: str) -> None:
        """Show an expression (PayloadError if unknown)."""
        self.pub[t.TELEOP_EXPRESSION].publish(ExpressionName(name).to_msg())

    def say(self, text: str, language: str) -> None:
        """Have Milo say a sentence."""
        self.pub[t.TTS_SAY].publish(SayRequest(text, language, 'teleop').to_msg())
        self._show('note', f'say: {text}')

    def set_mode(self, mode: str) -> None:
        """Switch the dialogue's mode (PayloadError if unknown)."""
        self.pub[t.DIALOGUE_SET_MODE].publish(Mode(mode).to_msg())
        self._show('note', f'mode → {mode}')

    def estop(self) -> None:
        """Latch the emergency stop."""
        self.pub[t.BODY_ESTOP].publish(self._empty())
        self._show('note', 'EMERGENCY STOP sent')

    def stop_speech(self) -> None:
        """Stop Milo speaking."""
        self.pub[t.TTS_STOP].publish(self._empty())

    def release(self) -> None:
        """Ask the body node to release the emergency stop; the answer shows in the note."""
        if not self._release.service_is_ready():
            self._show('note', 'release: the body node does not answer')
            return
        future = self._release.call_async(self._trigger.Request())
        future.add_done_callback(lambda f: self._show('note', f'release: {f.result().message}'))
