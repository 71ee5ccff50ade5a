# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Questions asked on a pause of the voice: answered ahead, then confirmed or dropped.

The asr peeks at the words so far when the voice pauses; the dialogue asks the brain at once, and
holds the answer until one of two things says the pause was the end of the question:

- the VAD ends the segment on that very silence (its end event names the same segment and silence
  stamps as the pause): the voice did not go on, so the peeked words are the whole question. The
  final transcript, a second decoding of the same audio, comes later and only tells the record's
  segment;
- or the final transcript of the same segment says the same words.

Anything else (the student goes on, the transcript differs) drops the answer unsaid. This module
keeps that bookkeeping, free of the dialogue's turns.
"""

import re
from dataclasses import dataclass
from typing import Any, Optional

# Stamps travel as JSON floats: two events about one silence agree to within a millisecond.
_STAMP_TOLERANCE_S = 1e-3
# A final transcript's segment start is the VAD's, rounded by the asr: within 50 ms is the same.
_SEGMENT_TOLERANCE_S = 0.05


@dataclass
class Speculation:
    """A question asked on a pause of the voice, before its segment ended."""

    segment_start: float  # the segment's start on the lecture clock (as its final transcript says)
    words: tuple
    turn: Any  # the dialogue's turn answering it
    pause: Optional[tuple]  # the VAD's (segment start, silence start) stamps of that pause


class Speculations:
    """The VAD's latest pause and end, the question asked on the pause, the final still awaited."""

    def __init__(self):
        """Start with nothing heard: no pause, no end, no question pending."""
        self.pending: Optional[Speculation] = None  # asked on a pause, not yet confirmed
        # Confirmed when the voice ended on its pause: the final transcript, still to come, only
        # tells the record's segment (and is not a new question).
        self.awaiting_final: Optional[Speculation] = None
        self._pause = self._ended = None  # (segment start, silence start) stamps
        self.wasted = 0  # answers asked on a pause and dropped unsaid

    def paused(self, segment: tuple) -> None:
        """Note the VAD's pause event: its words come next, as a peek."""
        self._pause = segment

    def ended(self, segment: tuple) -> bool:
        """Note the VAD's end event; return whether it ends the pending question's pause."""
        self._ended = segment
        return self.pending is not None and same_stamps(segment, self.pending.pause)

    def start(self, turn, segment_start: float, text: str) -> bool:
        """Hold `turn` as asked on the latest pause; return whether the segment already ended there."""
        self.pending = Speculation(segment_start, words(text), turn, self._pause)
        return same_stamps(self._ended, self._pause)

    def take_awaited(self, segment_start: Optional[float]) -> Optional[Speculation]:
        """Return the question whose final transcript this is (confirmed on its end), if any."""
        awaited, self.awaiting_final = self.awaiting_final, None
        return awaited if awaited is not None and same_segment(awaited, segment_start) else None

    def take_pending(self) -> Optional[Speculation]:
        """Return the pending question (a final transcript or the student settles it) and forget it."""
        spec, self.pending = self.pending, None
        return spec


def same_stamps(a: Optional[tuple], b: Optional[tuple]) -> bool:
    """Whether two VAD events name the same segment and silence (stamps in s, sent as JSON)."""
    return a is not None and b is not None and \
        all(abs(x - y) < _STAMP_TOLERANCE_S for x, y in zip(a, b))


def same_segment(spec: Speculation, segment_start: Optional[float]) -> bool:
    """Whether a final transcript is of the segment a question was asked in, on a pause."""
    return segment_start is not None and abs(segment_start - spec.segment_start) < _SEGMENT_TOLERANCE_S


def words(text: str) -> tuple:
    """Return the words of a transcript, lower case, without punctuation."""
    return tuple(re.findall(r"[\w']+", text.lower()))


_FILLERS = {'um', 'uh', 'euh', 'hum', 'er', 'ben', 'bah'}
_CONTRACTIONS = {"what's": 'what is', "it's": 'it is', "that's": 'that is', "how's": 'how is',
                 "where's": 'where is', "who's": 'who is', "c'est": 'ce est', "qu'est": 'que est'}


def same_question(asked: tuple, heard: tuple) -> bool:
    """Whether the final transcript says what the partial one did, word for word.

    Fillers and contractions aside: "what's" is "what is"; a resistor is no transistor.
    """
    def plain(said):
        out = []
        for word in said:
            out += _CONTRACTIONS.get(word, word).split()
        return [w for w in out if w not in _FILLERS]
    return plain(asked) == plain(heard)
