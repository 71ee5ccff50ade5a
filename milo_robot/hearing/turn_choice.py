# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Whether this board ends turns with the turn-end model or with the plain hangover.

Smart Turn ends a finished question in about a quarter of a second, where the 300 ms hangover
takes 0.37-0.39 s, and holds more pauses mid-question, but only where a call is cheap: its verdict
can only be asked for once the voice stops, so the call's time adds to every turn's end. On a
2-core Intel Xeon a call costs about 70 ms (end of turn 0.21-0.26 s), on a 2-core AMD EPYC about
300 ms (no sooner than the hangover: docs/conversation.md, "Measured: turn taking"). So the model
is used only where one call, timed on this board, takes at most `max_call_ms`. The time is the
call's CPU time on its one thread (what it costs on a free core: other work only adds queueing),
the best of a few calls, measured once per board and model and remembered with Kokoro's timings
(speaking.board_timing), as the model's real-time factor over its 8 s window.
"""

import time
from dataclasses import dataclass
from typing import Optional

import numpy as np

from milo_robot.audio.format import SAMPLE_RATE
from milo_robot.hearing.turn_end import WINDOW_S, SmartTurn, load_smart_turn
from milo_robot.speaking.board_timing import BoardTimings

# The vad node's default: the hangover alone. On the Intel Xeon, where a call passes the bound,
# Smart Turn ended turns sooner and cut off fewer pauses, but made the conversation slower (its
# call at each pause competes with the asr's peek on 2 cores) and did not move the end of turn
# the dialogue acts on (the pause, with speculation): docs/conversation.md.
DEFAULT_MODEL = ''
THRESHOLD = 0.9  # the measured best trade-off: fewer cut-offs than 0.5-0.7 (docs/conversation.md)
MAX_CALL_MS = 100.0  # above, the verdict comes too late for a quarter-second end of turn
TRIES = 3


@dataclass(frozen=True)
class TurnModelChoice:
    """The turn-end model asked for (`name`, "" for none) and the call time it must keep to here.

    `max_call_ms` 0: used whatever a call costs, not timed.
    """

    name: str = 'smart-turn'
    max_call_ms: float = MAX_CALL_MS


def call_s(model: SmartTurn, tries: int = TRIES) -> float:
    """Return the best CPU time of `tries` calls (the window is always 8 s: any audio will do)."""
    audio = (np.random.default_rng(0).standard_normal(3 * SAMPLE_RATE) * 1000).astype(np.int16)
    best = float('inf')
    for _ in range(tries):
        began = time.thread_time()
        model.probability(audio)
        best = min(best, time.thread_time() - began)
    return best


def choose(choice: TurnModelChoice, timings: Optional[BoardTimings] = None) -> tuple:
    """Return (the loaded model, or None for the hangover alone, and why, in words)."""
    from milo_robot.models import ModelError, get_model

    if not choice.name:
        return None, 'none (hangover only: turn_model "")'
    try:
        model = load_smart_turn(choice.name)
    except (ModelError, OSError, RuntimeError) as exc:
        return None, f'none (hangover only: {choice.name} unusable: {exc})'
    if not choice.max_call_ms:
        return model, f'{choice.name} (not timed: turn_max_call_ms 0)'
    timings = timings if timings is not None else BoardTimings()
    digests = get_model(choice.name).sha256
    key = timings.key(choice.name, *sorted(digests.values()), 'threads 1')
    timed = timings.get(key)
    if timed is None:
        seconds, when = call_s(model), 'timed now'
        timings.put(key, seconds / WINDOW_S)
    else:
        seconds, when = timed[0] * WINDOW_S, f'timed {timed[1]}'
    ms = 1000 * seconds
    if ms > choice.max_call_ms:
        return None, (f'none (hangover only: {choice.name} too slow on this board, a call '
                      f'{ms:.0f} ms > {choice.max_call_ms:g} ms, {when})')
    return model, f'{choice.name} (a call {ms:.0f} ms <= {choice.max_call_ms:g} ms, {when})'
