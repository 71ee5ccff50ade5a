# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Where Milo's head looks: the teacher, the person who spoke to it, or a slow scan of the class.

Pure logic, called once per processed frame with the robot state, what the hearing reports and
the face tracks; it returns an absolute head target (pan, tilt in degrees, the body's joint
angles) or None when it has no opinion (the state's expression pose then holds). The tracks'
times and the clock given here must be the same clock.

- idle, listening: the teacher, that is the face tracked longest (the largest among equals,
  kept while it is tracked) or, when `teacher_pan` is set, a face near that direction, else
  that direction itself (a teacher writing on the board shows no face). With no face at all
  and no teacher direction, a slow sinusoidal scan of the class.
- addressed: the face whose mouth moved clearly more than the others' while the VAD heard the
  words, each face's mouth motion taken above its own level while nobody spoke; when none
  stands out, the face nearest to where the head last looked. The guess is kept in `guess`.
- after being addressed, and while thinking and speaking the answer: that person, followed by
  track id (if the track is lost, the face nearest to where they were, or that direction).
  Being addressed ends `engaged_hold_s` after Milo is back to listening.
- thinking: None (the thinking expression looks away on purpose); sleep: None.
"""

import math
import time
from collections import deque
from dataclasses import dataclass
from typing import Callable, Optional

from milo_robot.body.arbiter import clamp
from milo_robot.vision.geometry import DEFAULT_HFOV_DEG, pixel_to_angles

# What each robot state asks of the gaze.
ATTEND, ANSWER, NONE = 'attend', 'answer', 'none'
STATE_RULES = {'idle': ATTEND, 'listening': ATTEND, 'thinking': NONE, 'speaking': ANSWER, 'sleep': NONE}


@dataclass(frozen=True)
class AttentionSettings:
    """The attention's parameters (angles in degrees, times in seconds)."""

    hfov_deg: float = DEFAULT_HFOV_DEG  # the camera's horizontal field of view
    teacher_pan: Optional[float] = None  # the teacher's place (head pan); None: the longest-tracked face
    teacher_window_deg: float = 20.0  # with teacher_pan: a face this close to it is the teacher
    teacher_min_age_s: float = 1.0  # a face is a teacher candidate once tracked this long
    scan_amplitude_deg: float = 30.0  # the scan sweeps this far either side of its centre
    scan_period_s: float = 20.0  # one sweep there and back
    scan_tilt_deg: float = 5.0
    scan_after_s: float = 2.0  # no face for this long before scanning
    speaker_min_motion: float = 0.3  # mouth motion above the face's quiet level to count as speaking
    speaker_margin: float = 1.5  # and this many times the next face's
    quiet_frames: int = 25  # a face's quiet mouth level: its mean over this many frames of silence
    reacquire_deg: float = 10.0  # a lost person is taken to be the face this close to where they were
    engaged_hold_s: float = 3.0
    deadband_deg: float = 2.0  # smaller moves of a followed face are ignored (no servo hunting)

    def __post_init__(self):
        """Refuse values that make no sense, with a message saying which."""
        positive = ('hfov_deg', 'scan_period_s', 'speaker_margin', 'quiet_frames')
        non_negative = ('teacher_window_deg', 'teacher_min_age_s', 'scan_amplitude_deg', 'scan_after_s',
                        'speaker_min_motion', 'reacquire_deg', 'engaged_hold_s', 'deadband_deg')
        bad = [n for n in positive if not getattr(self, n) > 0] + \
              [n for n in non_negative if not getattr(self, n) >= 0]
        if bad or self.hfov_deg >= 180:
            names = ', '.join(bad) or 'hfov_deg'
            raise ValueError(f'attention settings out of range: {names} (hfov_deg in (0, 180), '
                             f'{", ".join(positive[1:])} > 0, the others >= 0)')


@dataclass(frozen=True)
class Gaze:
    """An absolute head target and why."""

    pan: float
    tilt: float
    reason: str  # teacher, teacher direction, scan, addressee, addressee direction, hold
    track_id: Optional[int] = None


@dataclass(frozen=True)
class SpeakerGuess:
    """Who Milo took to be speaking to it when it was addressed."""

    at: float
    method: str  # 'mouth' (a mouth moved clearly more), 'nearest' (face nearest the gaze), 'none' (no face)
    track_id: Optional[int]
    pan: float
    tilt: float
    scores: dict  # track id -> mean mouth motion during the words, above that face's quiet level


class Attention:
    """Decide the head's target from the robot state, the hearing and the face tracks."""

    def __init__(self, settings: AttentionSettings = AttentionSettings(),
                 clock: Callable[[], float] = time.monotonic):
        """Use `settings`; `clock` must be the one the tracks' times come from."""
        self.settings = settings
        self._clock = clock
        self.guess: Optional[SpeakerGuess] = None  # the latest guess, for the node to report
        self._last: Optional[Gaze] = None
        self._teacher: Optional[int] = None
        self._engaged: Optional[Gaze] = None  # the person being answered: their track and direction
        self._engaged_at = float('-inf')
        self._face_seen_at = float('-inf')
        self._scan = None  # (start time, phase) of the scan under way
        self._speech = False
        self._quiet = {}  # track id -> its latest mouth motions while nobody spoke
        self._words = {}  # track id -> (sum, count) of mouth motion during the latest words

    def update(self, state: str, tracks: list, head_pan: float, head_tilt: float, image_size: tuple,
               speech: bool = False, addressed: bool = False) -> Optional[Gaze]:
        """Return where to look now (absolute degrees), or None for no opinion.

        `tracks` are the tracker's tracks in a processed frame of `image_size` (width, height),
        taken with the head at (`head_pan`, `head_tilt`); `speech` is whether the VAD hears speech
        now, `addressed` whether Milo has just been spoken to (once per address).
        """
        if state not in STATE_RULES:
            raise ValueError(f'unknown robot state {state!r}: expected one of {", ".join(STATE_RULES)}')
        now = self._clock()
        where = {t.id: self._direction(t, head_pan, head_tilt, image_size) for t in tracks}
        if tracks:
            self._face_seen_at = now
        if addressed:  # on the words heard so far, before this frame counts as silence
            self._take_guess(tracks, where, head_pan, head_tilt, now)
        self._listen(tracks, speech)
        rule = STATE_RULES[state]
        if rule != ATTEND:
            self._engaged_at = now if self._engaged else self._engaged_at  # answering keeps it
        if self._engaged and rule == ATTEND and now - self._engaged_at > self.settings.engaged_hold_s:
            self._engaged = None
        if state == 'sleep':
            self._engaged = None
        if rule == NONE:
            gaze = None
        elif self._engaged:
            gaze = self._follow_engaged(tracks, where)
        else:
            gaze = self._attend(tracks, where, head_pan, now)
        self._last = gaze if gaze is not None else self._last
        return gaze

    def _direction(self, track, head_pan: float, head_tilt: float, image_size: tuple) -> tuple:
        pan, tilt = pixel_to_angles(track.centre[0], track.centre[1], image_size, self.settings.hfov_deg)
        return head_pan + pan, head_tilt + tilt

    def _listen(self, tracks: list, speech: bool) -> None:
        """Gather each face's mouth motion: its quiet level in silence, its mean during words."""
        if speech and not self._speech:
            self._words = {}  # new words: the guess is about these
        self._speech = speech
        live = {t.id for t in tracks}
        for track in tracks:
            if track.missed:
                continue  # no new detection: its mouth motion did not change
            if speech:
                total, count = self._words.get(track.id, (0.0, 0))
                self._words[track.id] = (total + track.mouth_motion, count + 1)
            else:
                self._quiet.setdefault(track.id, deque(maxlen=self.settings.quiet_frames)).append(
                    track.mouth_motion)
        self._quiet = {i: v for i, v in self._quiet.items() if i in live}

    def _take_guess(self, tracks: list, where: dict, head_pan: float, head_tilt: float, now: float) -> None:
        s = self.settings
        scores = {i: total / count - (sum(self._quiet[i]) / len(self._quiet[i]) if i in self._quiet else 0.0)
                  for i, (total, count) in self._words.items() if i in where}
        ranked = sorted(scores, key=scores.get, reverse=True)
        best = ranked[0] if ranked else None
        second = scores[ranked[1]] if len(ranked) > 1 else 0.0
        looked = (self._last.pan, self._last.tilt) if self._last else (head_pan, head_tilt)
        if best is not None and scores[best] >= s.speaker_min_motion and \
                (second <= 0 or scores[best] >= s.speaker_margin * second):
            method, chosen = 'mouth', best
        elif tracks:
            method, chosen = 'nearest', min(where, key=lambda i: _distance(where[i], looked))
        else:
            method, chosen = 'none', None
        pan, tilt = where[chosen] if chosen is not None else looked
        self.guess = SpeakerGuess(now, method, chosen, pan, tilt, {i: round(v, 3) for i, v in scores.items()})
        self._engaged = Gaze(pan, tilt, 'addressee', chosen)
        self._engaged_at = now

    def _follow_engaged(self, tracks: list, where: dict) -> Gaze:
        person = self._engaged
        if person.track_id not in where:  # lost: the face nearest to where they were, if close enough
            was = (person.pan, person.tilt)
            near = [i for i in where if _distance(where[i], was) <= self.settings.reacquire_deg]
            if not near:
                return self._steady(Gaze(person.pan, person.tilt, 'addressee direction', person.track_id))
            nearest = min(near, key=lambda i: _distance(where[i], was))
            person = Gaze(person.pan, person.tilt, 'addressee', nearest)
        pan, tilt = where[person.track_id]
        self._engaged = Gaze(pan, tilt, 'addressee', person.track_id)
        return self._steady(self._engaged)

    def _attend(self, tracks: list, where: dict, head_pan: float, now: float) -> Optional[Gaze]:
        s = self.settings
        candidates = [t for t in tracks if t.age(now) >= s.teacher_min_age_s]
        if s.teacher_pan is not None:
            candidates = [t for t in candidates
                          if abs(where[t.id][0] - s.teacher_pan) <= s.teacher_window_deg]
        if self._teacher not in {t.id for t in candidates}:  # keep the teacher while tracked
            best = max(candidates, key=lambda t: (round(t.age(now), 1), t.size), default=None)
            self._teacher = best.id if best else None
        if self._teacher is not None:
            self._scan = None
            pan, tilt = where[self._teacher]
            return self._steady(Gaze(pan, tilt, 'teacher', self._teacher))
        if s.teacher_pan is not None:
            self._scan = None
            return Gaze(clamp('pan', s.teacher_pan), clamp('tilt', s.scan_tilt_deg), 'teacher direction')
        if tracks or now - self._face_seen_at < s.scan_after_s:
            self._scan = None  # a scan starts afresh from where the head will be
            return Gaze(self._last.pan, self._last.tilt, 'hold') if self._last else None
        return self._scan_at(head_pan, now)

    def _scan_at(self, head_pan: float, now: float) -> Gaze:
        """Sweep slowly (a sine about pan 0), starting from where the head is (no jump)."""
        s = self.settings
        if self._scan is None:
            start = max(-1.0, min(1.0, head_pan / s.scan_amplitude_deg)) if s.scan_amplitude_deg else 0.0
            self._scan = (now, math.asin(start))
        since, phase = self._scan
        pan = s.scan_amplitude_deg * math.sin(2 * math.pi * (now - since) / s.scan_period_s + phase)
        return Gaze(clamp('pan', pan), clamp('tilt', s.scan_tilt_deg), 'scan')

    def _steady(self, gaze: Gaze) -> Gaze:
        """Keep the previous target when the same face moved less than the deadband; clamp to the joints."""
        last = self._last
        if last and last.track_id == gaze.track_id and last.reason == gaze.reason and \
                abs(last.pan - gaze.pan) < self.settings.deadband_deg and \
                abs(last.tilt - gaze.tilt) < self.settings.deadband_deg:
            return last
        return Gaze(clamp('pan', gaze.pan), clamp('tilt', gaze.tilt), gaze.reason, gaze.track_id)


def _distance(a: tuple, b: tuple) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1])
