# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Body node: head servos and status light over the serial link, with teleop arbitration and e-stop.

Callbacks only compute what the body should do; the BodyController's thread does the serial I/O,
so the executor never waits on the port.
"""

import math
import time

from sensor_msgs.msg import JointState
from std_msgs.msg import Bool

from milo_robot.body import protocol
from milo_robot.body.arbiter import HeadArbiter
from milo_robot.body.controller import BodyController, Light
from milo_robot.body.expressions import EXPRESSIONS, jaw_for, light_for
from milo_robot.body.link import LinkDown, SerialLink
from milo_robot.body.simulator import SimulatedBody, SimulatorError
from milo_robot.graph import resolve_path
from milo_robot.interfaces import diagnostics as d
from milo_robot.interfaces import topics as t
from milo_robot.interfaces.payloads import RobotState
from milo_robot.nodes.base import MiloNode, run
from milo_robot.parameters import ParamSpec

PARAMETERS = (
    ParamSpec('port', '/dev/ttyACM0', "Serial port of the body's microcontroller, a pyserial URL, "
              "or 'sim' for the firmware in the simulator"),
    ParamSpec('baud', 115200, 'Serial speed (the firmware uses 115200)', min=9600, max=2000000),
    ParamSpec('rate_hz', 25.0, 'Most joint/light commands sent per second', min=1.0, max=100.0),
    ParamSpec('status_hz', 5.0, 'Status polls per second: the heartbeat that keeps the firmware '
              'out of its safe pose (at least 2.5)', min=2.5, max=50.0),
    ParamSpec('reply_timeout_s', 0.1, 'Wait for each reply before retransmitting', min=0.01,
              max=2.0),
    ParamSpec('retry_s', 0.5, 'Pause between attempts to open the port', min=0.05, max=30.0),
    ParamSpec('teleop_timeout_s', 5.0, 'Teleop keeps control this long after its last command',
              min=0.5, max=120.0, live=True),
    ParamSpec('sim_speed', 1.0, "Simulated time per wall-clock second with port 'sim'", min=0.1,
              max=10.0),
    ParamSpec('latch_file', 'records/estop.latch', 'Where the latched emergency stop is kept, so that '
              'it survives a restart of the node or of the robot ("" = in memory only); relative to '
              'the repository'),
    ParamSpec('sim_eeprom', '', "port 'sim': a file that keeps the simulated board's EEPROM between "
              'runs, like a real board\'s ("" = a new board at each start)'),
)


class BodyNode(MiloNode):
    """Robot state, joint, light, mouth, teleop and e-stop in; joint_states and link health out."""

    PARAMETERS = PARAMETERS

    def __init__(self, **options):
        """Start the link worker (and the simulator with port 'sim')."""
        super().__init__('body', **options)
        self._sim = None
        self._arbiter = HeadArbiter(self.params.teleop_timeout_s)
        self._recording = False  # a lecture is open: the light says so
        self._camera_on = False  # and so it does when the camera is on
        self._auto_light = light_for('idle', self._recording)
        self._teleop_light = None
        self._light = self._auto_light  # the light commanded now
        self._jaw = 0.0
        self._state = 'idle'
        self._garbage_reported = 0
        self._controller = BodyController(self._connect, 1.0 / self.params.rate_hz,
                                          1.0 / self.params.status_hz, self.params.retry_s,
                                          self._on_status, resolve_path(self.params.latch_file))
        self._joint_states = self.publisher(t.JOINT_STATES)
        self._estopped = self.publisher(t.BODY_ESTOPPED)
        # A stop latched before a restart (or a reboot) still holds: say so from the start.
        self._last_estop = self._controller.estopped
        self._estopped.publish(Bool(data=self._last_estop))
        if self._last_estop:
            self.get_logger().warning(f'emergency stop still latched: {self._controller.estop_reason}')
        self.subscribe(t.ROBOT_STATE, self._on_state)
        self.subscribe(t.LECTURE_CURRENT, self._on_lecture)
        self.subscribe(t.CAMERA_ACTIVE, self._on_camera)
        self.subscribe(t.BODY_JOINT_COMMANDS, self._on_joints)
        self.subscribe(t.BODY_LIGHT, self._on_light)
        self.subscribe(t.TTS_MOUTH, self._on_mouth)
        self.subscribe(t.BODY_ESTOP, lambda _: self._estop())
        self.subscribe(t.TELEOP_CMD_VEL, self._on_teleop_velocity)
        self.subscribe(t.TELEOP_EXPRESSION, self._on_teleop_expression)
        self.serve(t.ESTOP_SERVICE, self._on_estop_service)
        self.serve(t.RELEASE_SERVICE, self._on_release_service)
        self._tick_s = 1.0 / self.params.rate_hz
        self.create_timer(self._tick_s, self._tick)
        self._controller.start()
        self._on_state(RobotState('idle'))

    def on_parameter_changed(self, name: str, value) -> None:
        """Apply a new teleop timeout at once."""
        if name == 'teleop_timeout_s':
            self._arbiter.teleop_timeout_s = value

    def _connect(self) -> SerialLink:
        """Open the port; with 'sim', (re)start the simulated firmware first."""
        port = self.params.port
        if port == 'sim':
            if self._sim is None or not self._sim.alive:
                if self._sim is not None:
                    self._sim.stop()  # it died: collect it before starting another
                try:
                    self._sim = SimulatedBody(self.params.sim_speed, history=0,
                                              eeprom=resolve_path(self.params.sim_eeprom))
                except SimulatorError as exc:
                    raise LinkDown(str(exc)) from exc
                self.get_logger().info(f'simulated body on {self._sim.port}')
            port = self._sim.port
        return SerialLink(port, self.params.baud, self.params.reply_timeout_s)

    def _on_state(self, state: RobotState) -> None:
        expression = EXPRESSIONS[state.state]
        self._state = state.state
        self._auto_light = light_for(state.state, self._recording, self._camera_on)
        self._arbiter.autonomous({'pan': expression.pan, 'tilt': expression.tilt})

    def _on_lecture(self, lecture) -> None:
        self._recording = lecture.state == 'open'
        self.health.set('recording', self._recording)
        self._auto_light = light_for(self._state, self._recording, self._camera_on)

    def _on_camera(self, msg) -> None:
        self._camera_on = bool(msg.data)
        self.health.set(d.CAMERA, 'on' if self._camera_on else 'off')
        self._auto_light = light_for(self._state, self._recording, self._camera_on)

    def _on_joints(self, msg) -> None:
        if len(msg.name) != len(msg.position) or not all(math.isfinite(v) for v in msg.position):
            self.reject(t.BODY_JOINT_COMMANDS.name, 'names and finite positions must pair up')
            return
        unknown = [n for n in msg.name if n not in protocol.JOINTS]
        if unknown:
            self.reject(t.BODY_JOINT_COMMANDS.name, f'unknown joints {unknown} '
                        f'(known: {", ".join(protocol.JOINTS)})')
            return
        targets = {n: math.degrees(v) for n, v in zip(msg.name, msg.position)}
        if 'jaw' in targets:
            self._jaw = targets.pop('jaw')
        self._arbiter.autonomous(targets)

    def _on_light(self, msg) -> None:
        values = (msg.r, msg.g, msg.b, msg.a)
        if not all(math.isfinite(v) and 0.0 <= v <= 1.0 for v in values):
            self.reject(t.BODY_LIGHT.name, f'{values}: each value must be within 0..1')
            return
        self._auto_light = Light(tuple(round(255 * c * msg.a) for c in values[:3]))

    def _on_mouth(self, msg) -> None:
        if math.isfinite(msg.data):
            self._jaw = jaw_for(msg.data)

    def _on_teleop_velocity(self, msg) -> None:
        rates = (msg.angular.z, msg.angular.y)
        if not all(math.isfinite(v) for v in rates):
            self.reject(t.TELEOP_CMD_VEL.name, 'velocity not finite')
            return
        self._arbiter.teleop_velocity(math.degrees(rates[0]), math.degrees(rates[1]),
                                      time.monotonic())

    def _on_teleop_expression(self, name) -> None:
        expression = EXPRESSIONS[name.name]
        self._arbiter.teleop_pose({'pan': expression.pan, 'tilt': expression.tilt},
                                  time.monotonic())
        self._teleop_light = expression.light

    def _estop(self) -> None:
        self._controller.estop()
        self.get_logger().warning('emergency stop latched: release with the /body/release service')

    def _on_estop_service(self, _request, response):
        self._estop()
        response.success, response.message = True, 'emergency stop latched'
        return response

    def _on_release_service(self, _request, response):
        response.message = self._controller.release()
        response.success = True
        self.get_logger().info(f'emergency stop release: {response.message}')
        return response

    def _tick(self) -> None:
        now = time.monotonic()
        teleop = self._arbiter.teleop_active(now)
        head = self._arbiter.targets(now, self._tick_s)
        self._controller.set_joints(dict(head, jaw=self._jaw))
        light = self._teleop_light if teleop and self._teleop_light else self._auto_light
        self._controller.set_light(light)
        self._light = light
        if not teleop:
            self._teleop_light = None
        estopped = self._controller.estopped
        if estopped != self._last_estop:
            self._last_estop = estopped
            self._estopped.publish(Bool(data=estopped))

    def _on_status(self, status: protocol.Status) -> None:
        """Publish where the firmware has the joints now (called from the link thread)."""
        msg = JointState(name=list(protocol.JOINTS),
                         position=[math.radians(status.position[j]) for j in protocol.JOINTS])
        msg.header.stamp = self.get_clock().now().to_msg()
        self._joint_states.publish(msg)
        self.health.activity()

    def summary(self) -> str:
        """Say how the link is and who is in charge."""
        report = self._controller.report
        self.health.set(d.LINK, report.state)
        self.health.set('port', report.port or self.params.port)
        self.health.set(d.FIRMWARE, report.firmware or 'unknown')
        self.health.set('robot_state', self._state)
        self.health.set(d.TELEOP, 'active' if self._arbiter.teleop_active(time.monotonic())
                        else 'inactive')
        self.health.set(d.LIGHT, self._light.describe())
        self.health.set('estop', 'latched' if self._controller.estopped else 'released')
        if self._controller.estopped:
            self.health.set('estop_reason', self._controller.estop_reason)
        if self._controller.latch_problem:
            self.health.error(f'emergency stop latch file: {self._controller.latch_problem}')
        for key, value in report.counters.items():
            self.health.set(key, value)
        if report.state == 'connected':
            self.health.clear_fault()
        else:
            self.health.fault(f'body link {report.state}: {report.problem}')
        garbage = report.counters.get('garbage', 0)
        self._garbage_reported = min(self._garbage_reported, garbage)  # a new link counts afresh
        if garbage > self._garbage_reported:
            self.health.error(f'ignored {garbage - self._garbage_reported} undecodable frame(s) '
                              f'from the board ({report.problem})')
            self._garbage_reported = garbage
        return f'link {report.state}' + (' (EMERGENCY STOP)' if self._controller.estopped else '')

    def close(self) -> None:
        """Stop the link worker and the simulator."""
        self._controller.stop()
        if self._sim is not None:
            self._sim.stop()


NODE = BodyNode  # what milo_robot.graph starts, alone or in a group


def main(args=None):
    """Run the body node."""
    raise SystemExit(run(BodyNode, args))


if __name__ == '__main__':
    main()
