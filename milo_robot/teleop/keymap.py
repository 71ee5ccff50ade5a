# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""What each teleop key does, as plain data (the terminal UI and the tests share it)."""

from dataclasses import dataclass

# Head speed while an arrow key is held (degrees per second).
HEAD_RATE_DEG_S = 60.0

MODES = ('lecture', 'qa', 'sleep')

# Canned phrases: key → (text, language).
PHRASES = {
    'h': ('Hello everyone, I am Milo.', 'en'),
    'b': ('Bonjour à tous, je suis Milo.', 'fr'),
    't': ('Thank you!', 'en'),
    'y': ('Yes.', 'en'),
    'n': ('No.', 'en'),
}

EXPRESSION_KEYS = {'1': 'happy', '2': 'surprised', '3': 'confused', '4': 'idle'}

HEAD_KEYS = {'left': (HEAD_RATE_DEG_S, 0.0), 'right': (-HEAD_RATE_DEG_S, 0.0),
             'up': (0.0, HEAD_RATE_DEG_S), 'down': (0.0, -HEAD_RATE_DEG_S)}


@dataclass(frozen=True)
class Action:
    """What a key asks for: kind, and its argument."""

    kind: str  # head | expression | say | type | mode | estop | release | stop_speech | quit
    value: object = None


def action_for(key: str, mode: str = 'lecture'):
    """Return the Action of a key (arrow keys are named 'left', 'up'...), or None."""
    if key in HEAD_KEYS:
        return Action('head', HEAD_KEYS[key])
    if key == ' ':
        return Action('estop')
    if key == 'R':  # shifted on purpose: releasing the stop must be deliberate
        return Action('release')
    if key in EXPRESSION_KEYS:
        return Action('expression', EXPRESSION_KEYS[key])
    if key in PHRASES:
        return Action('say', PHRASES[key])
    if key == 'm':
        return Action('mode', MODES[(MODES.index(mode) + 1) % len(MODES)] if mode in MODES
                      else MODES[0])
    if key == 's':
        return Action('stop_speech')
    if key in ('\n', 'enter'):
        return Action('type')
    if key in ('q', 'escape'):
        return Action('quit')
    return None


def help_lines() -> list:
    """Return the key legend shown on the teleop screen."""
    return [
        'arrows: move the head   space: EMERGENCY STOP   R: release the stop',
        '1 happy  2 surprised  3 confused  4 idle   m: next mode   s: stop speaking',
        '  '.join(f'{k}: "{text}"' for k, (text, _) in PHRASES.items()),
        'enter: type a sentence for Milo to say   q: quit',
    ]
