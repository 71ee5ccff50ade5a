# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""`milo teleop`: drive Milo from a terminal keyboard (head, expressions, phrases, modes, e-stop)."""

import curses
import json
import math
import threading

from milo_robot.teleop.keymap import action_for, help_lines

_CURSES_KEYS = {curses.KEY_LEFT: 'left', curses.KEY_RIGHT: 'right', curses.KEY_UP: 'up',
                curses.KEY_DOWN: 'down', curses.KEY_ENTER: 'enter', 27: 'escape'}


def add_parser(commands) -> None:
    """Register the `teleop` command."""
    p = commands.add_parser(
        'teleop', help='drive Milo from the keyboard (robotics club)',
        description='Keyboard teleoperation: arrows move the head, keys trigger expressions and '
        'canned phrases, enter types a sentence for Milo to say, m switches modes, SPACE is the '
        'emergency stop (R releases it). The screen shows the body link, the joints and the '
        'robot state. Teleop has the head while you drive it, and hands it back after the body '
        "node's teleop_timeout_s.")
    p.set_defaults(run=run)


class TeleopNode:
    """The ROS side of teleop: publishers for commands, latest values for the screen."""

    def __init__(self):
        """Create the node (rclpy must be initialised)."""
        import rclpy
        from diagnostic_msgs.msg import DiagnosticArray
        from geometry_msgs.msg import Twist
        from sensor_msgs.msg import JointState
        from std_msgs.msg import Bool, Empty, String
        from std_srvs.srv import Trigger

        from milo_robot.nodes.vad_node import STATE_QOS

        self._msgs = {'Twist': Twist, 'String': String, 'Empty': Empty, 'Trigger': Trigger}
        self.node = rclpy.create_node('milo_teleop')
        n = self.node
        self.pub = {
            'cmd_vel': n.create_publisher(Twist, '/teleop/cmd_vel', 10),
            'expression': n.create_publisher(String, '/teleop/expression', 10),
            'say': n.create_publisher(String, '/tts/say', 10),
            'mode': n.create_publisher(String, '/dialogue/set_mode', 10),
            'estop': n.create_publisher(Empty, '/body/estop', 10),
            'stop_speech': n.create_publisher(Empty, '/tts/stop', 10),
        }
        self._release = n.create_client(Trigger, '/body/release')
        self.view = {'link': '?', 'firmware': '?', 'teleop': '?', 'joints': {}, 'state': '?',
                     'mode': '?', 'estop': '?', 'note': ''}
        n.create_subscription(DiagnosticArray, '/diagnostics', self._on_diagnostics, 10)
        n.create_subscription(JointState, '/joint_states', self._on_joints, 10)
        n.create_subscription(String, '/robot/state', lambda m: self._show('state', m.data),
                              STATE_QOS)
        n.create_subscription(String, '/dialogue/mode', lambda m: self._show('mode', m.data),
                              STATE_QOS)
        n.create_subscription(Bool, '/body/estopped',
                              lambda m: self._show('estop', 'LATCHED' if m.data else 'released'),
                              STATE_QOS)

    def _show(self, key: str, value) -> None:
        self.view[key] = value

    def _on_diagnostics(self, msg) -> None:
        for status in msg.status:
            if status.name == 'milo/body':
                values = {kv.key: kv.value for kv in status.values}
                self.view.update(link=values.get('link', '?'), firmware=values.get('firmware', '?'),
                                 teleop=values.get('teleop', '?'))

    def _on_joints(self, msg) -> None:
        self.view['joints'] = {n: math.degrees(v) for n, v in zip(msg.name, msg.position)}

    def perform(self, action) -> bool:
        """Publish what an action asks for; False when it asks to quit."""
        String = self._msgs['String']
        if action.kind == 'head':
            twist = self._msgs['Twist']()
            twist.angular.z, twist.angular.y = (math.radians(v) for v in action.value)
            self.pub['cmd_vel'].publish(twist)
        elif action.kind == 'expression':
            self.pub['expression'].publish(String(data=action.value))
        elif action.kind == 'say':
            self.say(*action.value)
        elif action.kind == 'mode':
            self.pub['mode'].publish(String(data=action.value))
            self.view['note'] = f'mode → {action.value}'
        elif action.kind == 'estop':
            self.pub['estop'].publish(self._msgs['Empty']())
            self.view['note'] = 'EMERGENCY STOP sent'
        elif action.kind == 'release':
            if self._release.service_is_ready():
                future = self._release.call_async(self._msgs['Trigger'].Request())
                future.add_done_callback(
                    lambda f: self._show('note', f'release: {f.result().message}'))
            else:
                self.view['note'] = 'release: the body node does not answer'
        elif action.kind == 'stop_speech':
            self.pub['stop_speech'].publish(self._msgs['Empty']())
        return action.kind != 'quit'

    def say(self, text: str, language: str) -> None:
        """Ask the TTS node to say a sentence."""
        self.pub['say'].publish(self._msgs['String'](
            data=json.dumps({'text': text, 'language': language, 'request_id': 'teleop'},
                            ensure_ascii=False)))
        self.view['note'] = f'say: {text}'


def _draw(screen, view: dict, mode_hint: str) -> None:
    screen.erase()
    joints = '  '.join(f'{n} {v:+6.1f}°' for n, v in view['joints'].items()) or 'no joint states'
    lines = ['Milo teleop', '',
             f"body link : {view['link']}   firmware {view['firmware']}   teleop {view['teleop']}",
             f'joints    : {joints}',
             f"robot     : state {view['state']}   mode {mode_hint}   emergency stop "
             f"{view['estop']}",
             f"last      : {view['note']}", ''] + help_lines()
    height, width = screen.getmaxyx()
    for row, line in enumerate(lines[:height - 1]):
        screen.addnstr(row, 0, line, width - 1)
    screen.refresh()


def _read_line(screen) -> str:
    height, _ = screen.getmaxyx()
    screen.addstr(height - 1, 0, 'say> ')
    curses.echo()
    screen.timeout(-1)
    try:
        return screen.getstr(height - 1, 5, 400).decode('utf-8', 'replace').strip()
    finally:
        curses.noecho()
        screen.timeout(50)


def _loop(screen, teleop: TeleopNode) -> None:
    curses.curs_set(0)
    screen.keypad(True)
    screen.timeout(50)
    while True:
        mode = teleop.view['mode']
        _draw(screen, teleop.view, mode)
        code = screen.getch()
        if code == -1:
            continue
        key = _CURSES_KEYS.get(code, chr(code) if 0 <= code < 0x110000 else '')
        action = action_for(key, mode)
        if action is None:
            continue
        if action.kind == 'type':
            text = _read_line(screen)
            if text:
                teleop.say(text, 'fr' if any(c in text for c in 'éèàçùêâôî') else 'en')
        elif not teleop.perform(action):
            return


def run(args) -> int:
    """Run the terminal UI until q or Escape."""
    import rclpy
    from rclpy.executors import SingleThreadedExecutor

    rclpy.init()
    teleop = TeleopNode()
    executor = SingleThreadedExecutor()
    executor.add_node(teleop.node)
    spinner = threading.Thread(target=executor.spin, daemon=True)
    spinner.start()
    try:
        curses.wrapper(_loop, teleop)
    except KeyboardInterrupt:
        pass
    finally:
        executor.shutdown()
        spinner.join(timeout=5.0)
        teleop.node.destroy_node()
        rclpy.try_shutdown()
    return 0
