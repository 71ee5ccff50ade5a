# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The end of turn with `turn_model: smart-turn`: Smart Turn at the default threshold (0.9), where a
call is cheap enough, timed once per board.

Real model, real voices (those of `milo bench --only turns`: the packaged Piper voice a little
faster, as a student, in English; in French the voice Milo speaks it with on this board, Kokoro
where it is fast enough), the hearing pipeline without ROS. The verdict
is ready `CALL_S` after it is asked for, on the stream's clock (a call within the default bound of
`turn_max_call_ms`), so the tests do not depend on this machine's speed or load.
"""

import functools

import numpy as np
import pytest
from turn_hearing import model, segment_ends

from milo_robot.bench.turns import paused, voices, whole
from milo_robot.hearing.turn_choice import MAX_CALL_MS, THRESHOLD, TurnModelChoice, choose
from milo_robot.hearing.turn_end import Judge, TurnEnd
from milo_robot.speaking.board_timing import BoardTimings

CALL_S = MAX_CALL_MS / 1000  # the slowest call the default accepts


@functools.lru_cache(maxsize=1)
def students() -> dict:
    """The turns benchmark's voices: {language: text -> 16 kHz audio}."""
    return voices()


def hear(audio: np.ndarray) -> list:
    """Return the (segment end, time decided) of each segment, Smart Turn at its default threshold."""
    return segment_ends(audio, TurnEnd(Judge(model(), latency_s=CALL_S), threshold=THRESHOLD))


# Questions of data/bench/turns.yaml the model holds at the pause (a filler, or a word that
# keeps the sentence going: the model hears these as unfinished, well under 0.9), and finished
# ones it hears as finished at once (0.96-0.99 on the first silent frame; others reach 0.9 only
# when judged again, 0.2 s into the silence, and end later).
PAUSED = [
    ('en', 'What is the', 'time constant of an RC circuit?'),
    ('en', 'Can you explain, uh,', 'what a capacitor stores?'),
    ('fr', 'Quelle est la constante de temps, euh,', "d'un circuit RC ?"),
    ('fr', "Que dit la loi d'Ohm, euh,", "sur la tension aux bornes d'une résistance ?"),
]
FINISHED = [
    ('en', 'How do resistors add up in series?'),
    ('fr', "Que dit la loi d'Ohm, euh, sur la tension aux bornes d'une résistance ?"),
]


@pytest.mark.parametrize('language, before, after', PAUSED)
def test_a_pause_mid_question_does_not_end_the_turn(language, before, after):
    audio, pause_start, pause_end = paused(f'{before} | {after}', students()[language], 0.6)
    ends = hear(audio)
    assert len(ends) == 1, ends  # one segment: the question, whole
    assert ends[0][0] > pause_end  # ended after the second part, not in the pause


@pytest.mark.parametrize('language, question', FINISHED)
def test_a_finished_question_ends_the_turn_within_a_quarter_second(language, question):
    audio, speech_end = whole(question, students()[language])
    ends = hear(audio)
    assert len(ends) == 1, ends
    end, decided = ends[0]
    assert abs(end - speech_end) < 0.3  # dated where the voice stopped
    # The model ended it, sooner than the 300 ms hangover would have: the goal's quarter second.
    assert decided - speech_end <= 0.25


def test_the_model_is_used_only_where_a_timed_call_is_cheap_enough(tmp_path):
    timings = BoardTimings(str(tmp_path))
    chosen, why = choose(TurnModelChoice(max_call_ms=60_000), timings)
    assert chosen is not None and 'timed now' in why, why
    # Remembered: the next start reads the time instead of timing the model again.
    again, why = choose(TurnModelChoice(max_call_ms=60_000), BoardTimings(str(tmp_path)))
    assert again is not None and 'timed 20' in why, why
    # A bound no call keeps to: the hangover alone, and why.
    slow, why = choose(TurnModelChoice(max_call_ms=0.001), timings)
    assert slow is None and 'too slow on this board' in why, why
    off, why = choose(TurnModelChoice(name=''), timings)
    assert off is None and 'hangover only' in why
    missing, why = choose(TurnModelChoice(name='no-such-model', max_call_ms=60_000), timings)
    assert missing is None and 'unusable' in why, why
