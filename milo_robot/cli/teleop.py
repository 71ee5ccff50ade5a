# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""`milo teleop`: drive Milo from a terminal keyboard (head, expressions, phrases, modes, e-stop)."""

import curses

from milo_robot.cli.namespace import add_namespace_argument
from milo_robot.spinning import BackgroundSpin
from milo_robot.teleop.client import TeleopClient
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
    add_namespace_argument(p)
    p.set_defaults(run=run)


def perform(teleop: TeleopClient, action) -> bool:
    """Carry out a key's action; False when it asks to quit."""
    if action.kind == 'head':
        teleop.move(*action.value)
    elif action.kind == 'expression':
        teleop.expression(action.value)
    elif action.kind == 'say':
        teleop.say(*action.value)
    elif action.kind == 'mode':
        teleop.set_mode(action.value)
    elif action.kind == 'estop':
        teleop.estop()
    elif action.kind == 'release':
        teleop.release()
    elif action.kind == 'stop_speech':
        teleop.stop_speech()
    return action.kind != 'quit'


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


def _loop(screen, teleop: TeleopClient) -> None:
    curses.curs_set(0)
    screen.keypad(True)
    screen.timeout(50)
    while True:
        view = teleop.snapshot()
        mode = view['mode']
        _draw(screen, view, mode)
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
        elif not perform(teleop, action):
            return


def run(args) -> int:
    """Run the terminal UI until q or Escape."""
    import rclpy

    rclpy.init()
    teleop = TeleopClient(rclpy.create_node('milo_teleop', namespace=args.namespace or None))
    spinning = BackgroundSpin(teleop.node, name='teleop')
    try:
        curses.wrapper(_loop, teleop)
    except KeyboardInterrupt:
        pass
    finally:
        spinning.close()
        teleop.node.destroy_node()
        rclpy.try_shutdown()
    return 0
