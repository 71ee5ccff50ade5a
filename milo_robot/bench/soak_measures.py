# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The soak benchmark's figures, from what was observed: plain functions over plain data (no ROS).

Times are seconds. Segments and questions are placed on the audio timeline of the session WAV
(`audio_s`: seconds into the file); diagnostics, kills and memory samples on the wall clock.
"""

import re
import statistics
from dataclasses import dataclass
from typing import Optional

from milo_robot.conversation.addressing import parse

WARN = 1  # diagnostic_msgs/DiagnosticStatus levels: OK 0, WARN 1, ERROR 2
STALE_REPORT_S = 0.25  # a report this soon after a kill was sent before it (DDS delivers in ms)
MISSING_GAP_S = 1.5  # nodes report at 1 Hz: a gap this long means the node is gone
SEGMENT_SLACK_S = 1.0  # a recorded segment may start or end this far outside the spoken words
MIN_COVERED = 0.5  # share of a turn's speech that recorded segments must cover for it to be found


@dataclass(frozen=True)
class Report:
    """One node's status on /diagnostics, as received."""

    at: float
    node: str
    level: int
    message: str
    ready: bool
    restarts: int = 0  # its process's respawns so far, as the node says (diagnostics RESTARTS)
    frames_lost: int = 0  # audio frames it found missing so far in this run of its process


@dataclass(frozen=True)
class Heard:
    """A recorded segment on the audio timeline."""

    start_s: float
    end_s: float
    text: str


def words(text: str) -> list:
    """Return the lower-case words and numbers of a text (any alphabet, accents kept)."""
    return re.findall(r'\w+', text.lower())


def coverage(expected: str, heard: str) -> float:
    """Return the share of the expected words that appear in what was heard (1.0 for no words)."""
    wanted, got = words(expected), set(words(heard))
    return sum(w in got for w in wanted) / len(wanted) if wanted else 1.0


def overlaps(a: tuple, b: tuple) -> bool:
    """Return whether two (start, end) intervals share any time."""
    return a[0] < b[1] and b[0] < a[1]


def covered(span: tuple, heard: list) -> float:
    """Return the share of a (start, end) span that recorded segments cover (1.0 for an empty span)."""
    start, end = span
    if end <= start:
        return 1.0
    pieces = sorted((max(start, h.start_s), min(end, h.end_s)) for h in heard
                    if overlaps((h.start_s, h.end_s), span))
    total, reached = 0.0, start
    for a, b in pieces:
        total += max(0.0, b - max(a, reached))
        reached = max(reached, b)
    return total / (end - start)


def heard_over(turn: dict, heard: list) -> str:
    """Return the text recorded over a turn's time, SEGMENT_SLACK_S either side."""
    window = (turn['start_s'] - SEGMENT_SLACK_S, turn['speech_end_s'] + SEGMENT_SLACK_S)
    return ' '.join(h.text for h in heard if overlaps((h.start_s, h.end_s), window))


def lost_segments(turns: list, heard: list, excluded: list, min_speech_s: float = 0.0) -> tuple:
    """Return (lost turns, excluded turns): spoken turns the record does not hold.

    A turn (a timeline dict with `start_s`, `speech_end_s` and `text`) is found when recorded
    segments cover MIN_COVERED of its speech. Only time is judged: how well the words were
    recognised is the hearing benchmarks' business (`coverage` says it, for the report). A turn
    that overlaps an `excluded` (start, end) window (nobody was listening), or whose speech is
    shorter than `min_speech_s` (the VAD keeps no shorter segment), is not judged.
    """
    lost, skipped = [], []
    for turn in turns:
        span = (turn['start_s'], turn['speech_end_s'])
        if span[1] - span[0] < min_speech_s or any(overlaps(span, w) for w in excluded):
            skipped.append(turn)
        elif covered(span, heard) < MIN_COVERED:
            lost.append(turn)
    return lost, skipped


def unanswered(questions: list, answered_at: list, excluded: list, heard: list) -> tuple:
    """Return (unanswered, not judged, misheard) questions.

    Each question is a (timeline turn, (start, end)) pair: the time from the end of its words to
    the next turn, when its answer is due. `answered_at` holds the audio times at which the
    question log says a question was answered or declined. A question whose time overlaps an
    `excluded` window (a fault, and its recovery) is not judged; one that is not answered and whose
    recorded words do not call Milo by name was misheard (a recognition miss, not a lost question).
    """
    missing, skipped, misheard = [], [], []
    for turn, window in questions:
        if any(overlaps((turn['start_s'], window[1]), w) for w in excluded):
            skipped.append(turn)
        elif any(window[0] - SEGMENT_SLACK_S <= at < window[1] for at in answered_at):
            continue
        elif not parse(heard_over(turn, heard)).addressed:
            misheard.append(turn)
        else:
            missing.append(turn)
    return missing, skipped, misheard


def first_ready_after(at: float, node: str, reports: list, message: str = '',
                      ready: bool = True) -> Optional[float]:
    """Return when `node` first reported ready after `at` (a kill), or None.

    With `message`, the report must also say that (the microphone: 'capturing' again); with
    `ready` false, any report will do (the process is back, maybe still loading).
    """
    return next((r.at for r in reports if r.node == node and r.at > at + STALE_REPORT_S
                 and (r.ready or not ready) and (not message or r.message == message)), None)


def recovery_s(at: float, nodes: tuple, reports: list) -> Optional[float]:
    """Return the seconds from a kill at `at` until every one of `nodes` is ready again (None: never)."""
    back = [first_ready_after(at, node, reports) for node in nodes]
    return None if None in back or not back else max(back) - at


def went_missing(at: float, node: str, reports: list, within_s: float = 2.0) -> bool:
    """Return whether `node`'s reports stopped within `within_s` of `at` and came back later."""
    before = [r.at for r in reports if r.node == node and r.at <= at + STALE_REPORT_S]
    after = [r.at for r in reports if r.node == node and r.at > at + STALE_REPORT_S]
    if not before or not after:
        return False
    last, back = before[-1], after[0]
    return back - last >= MISSING_GAP_S and last + MISSING_GAP_S <= at + within_s


def said_restarted(at: float, node: str, reports: list, within_s: float = 2.0) -> bool:
    """Return whether `node`'s first report after `at` (a kill) says its process restarted once more.

    A node respawned sooner than MISSING_GAP_S leaves no gap in its reports (`went_missing`); it
    counts its restarts from its first report on, so one more than before the kill is the report.
    It must come within `within_s`: a node back later went missing anyway.
    """
    before = [r.restarts for r in reports if r.node == node and r.at <= at + STALE_REPORT_S]
    back = next((r for r in reports if r.node == node and r.at > at + STALE_REPORT_S), None)
    return back is not None and back.at <= at + within_s and back.restarts > (before[-1] if before else 0)


def error_reported(at: float, node: str, needle: str, reports: list, within_s: float = 2.0) -> bool:
    """Return whether `node` reported a WARN or ERROR mentioning `needle` within `within_s` of `at`."""
    return any(r.node == node and at <= r.at <= at + within_s and r.level >= WARN and
               needle.lower() in r.message.lower() for r in reports)


def frame_losses(reports: list) -> list:
    """Return (when, node, frames) for each rise of a node's `frames_lost` count over the run.

    A respawned process counts from 0 again, so the count is followed per node and per restart:
    a node that lost 3 frames, was killed, then lost 2 more has lost 5.
    """
    last, losses = {}, []
    for r in reports:
        key = (r.node, r.restarts)
        if r.frames_lost > last.get(key, 0):
            losses.append((r.at, r.node, r.frames_lost - last.get(key, 0)))
            last[key] = r.frames_lost
    return losses


def mean_between(samples: list, start: float, end: float) -> Optional[float]:
    """Return the mean value of (time, value) samples taken in [start, end), or None."""
    values = [v for t, v in samples if start <= t < end]
    return statistics.fmean(values) if values else None


def rss_growth(samples: dict, first: tuple, last: tuple) -> tuple:
    """Return (worst ratio, its process): mean RSS over `last` over the mean over `first`.

    `samples` maps each process to its (time, MB) samples; windows are (start, end).
    """
    ratios = {}
    for name, series in samples.items():
        early, late = mean_between(series, *first), mean_between(series, *last)
        if early and late is not None:
            ratios[name] = late / early
    if not ratios:
        return None, ''
    worst = max(ratios, key=ratios.get)
    return ratios[worst], worst
