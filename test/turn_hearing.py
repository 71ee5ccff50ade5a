# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The hearing pipeline with a turn-end model, without ROS: shared by the turn-end tests."""

import functools

import numpy as np

from milo_robot.audio.format import SAMPLE_RATE
from milo_robot.hearing.engines import make_vad
from milo_robot.hearing.pipeline import SpeechDetector
from milo_robot.hearing.segmenter import SegmenterSettings
from milo_robot.hearing.turn_end import TurnEnd, load_smart_turn

HANGOVER_S = 0.3
FRAME = 512  # samples a push, as the microphone node sends them


@functools.lru_cache(maxsize=1)
def model():
    """Smart Turn, loaded once for the test session."""
    return load_smart_turn()


def segment_ends(audio: np.ndarray, turn_end: TurnEnd, after_frame=lambda: None) -> list:
    """Return (segment end, time decided) of each segment Silero and `turn_end` give `audio`."""
    detector = SpeechDetector(make_vad('silero'), SegmenterSettings(hangover_s=HANGOVER_S),
                              turn_end=turn_end)
    ends = []
    for i in range(0, len(audio), FRAME):
        ends += [(e.end, (i + FRAME) / SAMPLE_RATE) for e, _ in detector.push(audio[i:i + FRAME], i)
                 if e.kind == 'end']
        after_frame()
    return ends
