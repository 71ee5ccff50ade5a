# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Expression presets: what the light and the head show for each robot state or teleop key."""

from dataclasses import dataclass

from milo_robot.body.controller import Light


@dataclass(frozen=True)
class Expression:
    """A light and a head pose (degrees)."""

    light: Light
    pan: float = 0.0
    tilt: float = 0.0


# One per name in interfaces.payloads.EXPRESSION_NAMES: a robot state shows its own.
EXPRESSIONS = {
    'idle': Expression(Light((40, 40, 120), 'breathe', 2.5)),  # periods: 2.55 s at most
    'listening': Expression(Light((0, 160, 60)), tilt=5.0),
    'thinking': Expression(Light((120, 40, 200), 'breathe', 1.0), pan=12.0, tilt=12.0),
    'speaking': Expression(Light((0, 140, 200))),
    'sleep': Expression(Light((10, 10, 40), 'breathe', 2.5), tilt=-25.0),
    # Extra expressions the club triggers from teleop.
    'happy': Expression(Light((255, 180, 0)), tilt=8.0),
    'surprised': Expression(Light((255, 255, 255), 'blink', 0.3), tilt=15.0),
    'confused': Expression(Light((200, 0, 200), 'blink', 1.0), pan=-15.0, tilt=-8.0),
}

# While no lecture is being recorded, Milo at rest shows this dim white instead of its colours: a
# coloured light means Milo is recording the class (docs/privacy.md).
NOT_RECORDING = Light((24, 24, 24))
AT_REST = ('idle', 'listening')


# While the camera is on, the light at rest blinks slowly (a short dip every CAMERA_ON_PERIOD_S).
CAMERA_ON_PERIOD_S = 2.0


def light_for(state: str, recording: bool, camera_on: bool = False) -> Light:
    """Return the light of a robot state, as it says whether Milo records and sees.

    At rest, dim white when no lecture is recorded, and a slow blink while the camera is on.
    """
    light = NOT_RECORDING if not recording and state in AT_REST else EXPRESSIONS[state].light
    if camera_on and state in AT_REST:
        return Light(light.rgb, 'blink', CAMERA_ON_PERIOD_S)
    return light


# How far the jaw opens at full mouth level (degrees; the firmware allows 0-40).
JAW_OPEN_DEG = 30.0


def jaw_for(mouth_level: float) -> float:
    """Return the jaw angle for a TTS mouth level (0 closed .. 1 loud)."""
    return round(max(0.0, min(1.0, mouth_level)) * JAW_OPEN_DEG, 1)
