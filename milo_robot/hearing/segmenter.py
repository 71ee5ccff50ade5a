# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Turn per-block speech probabilities into speech segments: start and end events with times.

The segmenter works on the audio's own clock: each block comes with the index of its first
sample, and every duration (minimum speech, hangover, pre-roll, maximum length) is counted in
samples between indices, never in blocks received. Event times are those indices in seconds.
"""

from dataclasses import dataclass
from typing import Optional

from milo_robot.audio.format import SAMPLE_RATE


@dataclass(frozen=True)
class SpeechEvent:
    """A segment starting (`end` is None) or ending; times in seconds on the stream's clock."""

    # 'start', 'end', 'pause' (the voice stopped: maybe the end; `end` is when) or 'barge_in'
    # (voice over Milo, before any 'start')
    kind: str
    start: float
    end: Optional[float] = None


@dataclass(frozen=True)
class SegmenterSettings:
    """Thresholds and durations of the segmenter (the VAD node's parameters)."""

    threshold: float = 0.5  # probability that starts speech
    release: float = 0.35  # probability under which a frame counts as silence
    min_speech_s: float = 0.25  # shorter bursts (a cough, a door) are not speech
    hangover_s: float = 0.5  # silence that ends a segment
    pre_roll_s: float = 0.3  # audio kept before the detected start (soft first syllables)
    max_segment_s: float = 30.0  # a longer segment is split (Whisper's window is 30 s)
    pause_s: float = 0.12  # quiet that reports a pause: the words so far may be the whole turn
    # Probability under which a block is quiet enough for a pause. Silero's probability takes about
    # 100 ms after the last word to fall under `release`; a pause only starts a peek (the segment's
    # end still waits for `release`), so it may come sooner: on the conversation bench's questions
    # the pause came 0.210 s after the voice stopped (median) against 0.260 with `release` and 0.15 s.
    pause_release: float = 0.8


def _samples(seconds: float) -> int:
    return int(round(seconds * SAMPLE_RATE))


class Segmenter:
    """Hysteresis over block probabilities, with minimum speech, hangover and pre-roll.

    Segments never overlap: the pre-roll reaches back at most to the end of the segment before,
    so no word is in two segments.
    """

    def __init__(self, settings: SegmenterSettings = SegmenterSettings()):
        """Start in silence."""
        self.settings = settings
        s = settings
        self._min_speech, self._hangover = _samples(s.min_speech_s), _samples(s.hangover_s)
        self._pre_roll, self._max = _samples(s.pre_roll_s), _samples(s.max_segment_s)
        self._pause = _samples(s.pause_s)
        self.in_speech = False
        self._start = 0  # index where the open segment starts
        self._candidate: Optional[int] = None  # first voiced sample, before speech is certain
        self._silent_from: Optional[int] = None  # where the silence under way began
        self._quiet_from: Optional[int] = None  # where the voice fell under `pause_release`
        self._paused = False  # a pause was reported for the silence under way
        self._floor: Optional[int] = None  # the earliest sample a segment may start at
        self._held: Optional[int] = None  # this segment's own hangover, set by a turn-end judge
        self._heard = 0  # index just after the last block pushed

    @property
    def segment_start(self) -> float:
        """Start of the segment under way (pre-roll included), in seconds."""
        return self._start / SAMPLE_RATE

    @property
    def silence_s(self) -> float:
        """Silence heard since the voice last stopped, inside a segment, in seconds."""
        return 0.0 if self._silent_from is None else (self._heard - self._silent_from) / SAMPLE_RATE

    def hold(self, hangover_s: Optional[float]) -> None:
        """Give the segment under way its own hangover (None: the settings' one)."""
        self._held = None if hangover_s is None else _samples(hangover_s)

    def close(self) -> list:
        """End the segment under way where its silence began (a turn-end judge says it is over)."""
        if not self.in_speech:
            return []
        return self._close(self._heard if self._silent_from is None else self._silent_from)

    def push(self, probability: float, start: int, samples: int) -> list:
        """Add one block's probability (`samples` long, from index `start`); return its events."""
        s = self.settings
        end = self._heard = start + samples
        if self._floor is None:
            self._floor = start  # nothing was heard before the first block
        if not self.in_speech:
            if probability < s.threshold:
                self._candidate = None
                return []
            if self._candidate is None:
                self._candidate = start
            if end - self._candidate < self._min_speech:
                return []
            self.in_speech, self._silent_from, self._quiet_from, self._paused = True, None, None, False
            self._start = max(self._candidate - self._pre_roll, self._floor)
            self._candidate = None
            return [SpeechEvent('start', self._start / SAMPLE_RATE)]
        if probability < s.release:
            self._silent_from = start if self._silent_from is None else self._silent_from
        else:
            self._silent_from = None
        if probability < s.pause_release:
            self._quiet_from = start if self._quiet_from is None else self._quiet_from
        else:
            self._quiet_from, self._paused = None, False
        silence = 0 if self._silent_from is None else end - self._silent_from
        if silence and silence >= (self._hangover if self._held is None else self._held):
            return self._close(self._silent_from)
        quiet = 0 if self._quiet_from is None else end - self._quiet_from
        if quiet and quiet >= self._pause and not self._paused:
            self._paused = True  # once per quiet: the turn may be over, the hangover will say
            # The words so far end where the silence began, or, while the voice fades between
            # the two thresholds, with the audio heard: a peek never cuts a soft last syllable.
            until = self._silent_from if self._silent_from is not None else end
            return [SpeechEvent('pause', self._start / SAMPLE_RATE, until / SAMPLE_RATE)]
        if end + samples - self._start > self._max:  # the next block would not fit
            events = self._close(end)
            self.in_speech, self._start, self._silent_from, self._quiet_from = True, end, None, None
            return events + [SpeechEvent('start', end / SAMPLE_RATE)]
        return []

    def flush(self, now: int) -> list:
        """End a segment still open when the stream stops at index `now`."""
        if not self.in_speech:
            return []
        return self._close(now if self._silent_from is None else self._silent_from)

    def restart(self, heard_until: int, at: int) -> list:
        """Start again at index `at` (a new stream): end what was open at `heard_until`."""
        events = self.flush(heard_until)
        self._candidate, self._silent_from, self._quiet_from, self._floor = None, None, None, at
        return events

    def _close(self, end: int) -> list:
        self.in_speech, self._paused, self._held = False, False, None
        self._floor = end  # the next segment's pre-roll stops here
        return [SpeechEvent('end', self._start / SAMPLE_RATE, end / SAMPLE_RATE)]
