# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Turn per-frame speech probabilities into speech segments: start and end events with times."""

from dataclasses import dataclass
from typing import Optional


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
    pause_s: float = 0.15  # silence that reports a pause: the words so far may be the whole turn


class Segmenter:
    """Hysteresis over frame probabilities, with minimum speech, hangover and pre-roll."""

    def __init__(self, settings: SegmenterSettings = SegmenterSettings()):
        """Start in silence."""
        self.settings = settings
        self.in_speech = False
        self._start = 0.0
        self._candidate: Optional[float] = None
        self._voiced = 0.0
        self._silence = 0.0
        self._paused = False  # a pause was reported for the silence under way
        self._hangover: Optional[float] = None  # this segment's own, set by a turn-end judge
        self._frame_end = 0.0

    @property
    def segment_start(self) -> float:
        """Start of the segment under way (pre-roll included)."""
        return self._start

    @property
    def silence_s(self) -> float:
        """Silence heard since the voice last stopped, inside a segment."""
        return self._silence

    def hold(self, hangover_s: Optional[float]) -> None:
        """Give the segment under way its own hangover (None: the settings' one)."""
        self._hangover = hangover_s

    def close(self) -> list:
        """End the segment under way where its silence began (a turn-end judge says it is over)."""
        return self._close(self._frame_end - self._silence) if self.in_speech else []

    def push(self, probability: float, frame_start: float, frame_s: float) -> list:
        """Add one frame's probability; return the events it causes (often none)."""
        s = self.settings
        frame_end = self._frame_end = frame_start + frame_s
        if not self.in_speech:
            if probability < s.threshold:
                self._candidate, self._voiced = None, 0.0
                return []
            if self._candidate is None:
                self._candidate = frame_start
            self._voiced += frame_s
            if self._voiced + 1e-9 < s.min_speech_s:
                return []
            self.in_speech, self._silence = True, 0.0
            self._start = max(0.0, self._candidate - s.pre_roll_s)
            self._candidate, self._voiced = None, 0.0
            return [SpeechEvent('start', self._start)]
        self._silence = self._silence + frame_s if probability < s.release else 0.0
        if not self._silence:
            self._paused = False
        if self._silence + 1e-9 >= (s.hangover_s if self._hangover is None else self._hangover):
            return self._close(frame_end - self._silence)
        if self._silence + 1e-9 >= s.pause_s and not self._paused:
            self._paused = True  # once per silence: the turn may be over, the hangover will say
            return [SpeechEvent('pause', self._start, frame_end - self._silence)]
        if frame_end + frame_s - self._start > s.max_segment_s + 1e-9:  # the next frame won't fit
            events = self._close(frame_end)
            self.in_speech, self._start, self._silence = True, frame_end, 0.0
            return events + [SpeechEvent('start', frame_end)]
        return []

    def flush(self, now: float) -> list:
        """End a segment still open when the stream stops."""
        return self._close(now - self._silence) if self.in_speech else []

    def _close(self, end: float) -> list:
        self.in_speech, self._paused, self._hangover = False, False, None
        return [SpeechEvent('end', self._start, end)]
