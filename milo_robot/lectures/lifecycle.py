# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""When a lecture starts and ends, which course it belongs to, and the title the teacher announces.

The rules are plain logic fed with times: the asr node (the record's writer) asks them what to do
when speech comes, on each tick, and on commands, and carries out the answer in the record.
"""

import datetime
import re
from dataclasses import dataclass
from typing import Callable, Optional

import yaml

DAYS = ('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun')


@dataclass(frozen=True)
class Slot:
    """A weekly timetable slot: a course on one day between two times."""

    day: int  # 0 = Monday
    start: datetime.time
    end: datetime.time
    course: str


class TimetableError(ValueError):
    """A timetable file that cannot be used (the message says where and why)."""


class Timetable:
    """A week of courses, from a YAML list of {day, start, end, course}; says the course at a time."""

    def __init__(self, slots=()):
        """Hold these slots (see `load`)."""
        self.slots = tuple(slots)

    @classmethod
    def load(cls, path: str) -> 'Timetable':
        """Read a timetable file; '' gives an empty timetable."""
        if not path:
            return cls()
        try:
            with open(path, encoding='utf-8') as f:
                entries = yaml.safe_load(f) or []
        except (OSError, yaml.YAMLError) as exc:
            raise TimetableError(f'timetable {path}: {exc}') from exc
        if not isinstance(entries, list):
            raise TimetableError(f'timetable {path}: expected a list of slots')
        slots = []
        for i, entry in enumerate(entries):
            try:
                day = DAYS.index(str(entry['day']).strip().lower()[:3])
                start, end = (datetime.time.fromisoformat(str(entry[k])) for k in ('start', 'end'))
                course = str(entry['course']).strip()
            except (KeyError, ValueError, TypeError) as exc:
                raise TimetableError(f'timetable {path}: slot {i + 1} needs day (mon..sun), start and '
                                     f'end (HH:MM) and course ({exc})') from exc
            if not course or end <= start:
                raise TimetableError(f'timetable {path}: slot {i + 1} needs a course and start < end')
            slots.append(Slot(day, start, end, course))
        return cls(slots)

    def course_at(self, when: datetime.datetime) -> str:
        """Return the course taught at `when` (local time), or ''."""
        for slot in self.slots:
            if slot.day == when.weekday() and slot.start <= when.time() < slot.end:
                return slot.course
        return ''


_ANNOUNCED = re.compile(
    r"\b(?:today|this (?:morning|afternoon|session)),? (?:we(?:'re| are)? (?:going to |will )?"
    r"(?:study|talk about|look at|cover|discuss|learn about|start)|"
    r"the (?:topic|subject) is|our topic is)\s+(?P<en>.+)|"
    r"\b(?:aujourd'hui|ce matin|cet après-midi),? (?:nous (?:allons )?(?:étudions|étudier|parlons|"
    r"parler|voyons|voir|abordons|aborder|commençons|commencer)|on (?:va )?(?:étudie|étudier|parle|"
    r"parler|voit|voir|aborde|aborder)|le (?:sujet|thème) (?:est|c'est))\s+(?P<fr>.+)", re.I)


# "Parler de" puts its article after "de": "du protocole" is "le protocole" as a title, and
# "parler de thermodynamique" is titled "Thermodynamique".
_ARTICLE = re.compile(r"^(du|des|de la|de l'|de l’|de|d'|d’)(?:\s+|(?<=['’]))", re.I)
_ARTICLES = {'du': 'le ', 'des': 'les ', 'de la': 'la ', "de l'": "l'", 'de l’': 'l’', 'de': '', "d'": '',
             'd’': ''}


def announced_title(text: str) -> Optional[str]:
    """Return the title in a sentence like "Today we study X" / "Aujourd'hui nous étudions X"."""
    match = _ANNOUNCED.search(text)
    if not match:
        return None
    title = (match.group('en') or match.group('fr')).strip(' .!?,;:')
    if match.group('fr'):  # "nous parlons du protocole TCP": the title is "Le protocole TCP"
        title = _ARTICLE.sub(lambda m: _ARTICLES[m.group(1).lower()], title, count=1)
    words = title.split()
    if not 1 <= len(words) <= 16:
        return None
    return title[:1].upper() + title[1:]


@dataclass(frozen=True)
class LifecycleSettings:
    """When lectures start and end by themselves."""

    end_after_silence_s: float = 1200.0  # a lecture ends after this long without speech
    auto_start: bool = True  # speech with no lecture open starts one
    title_window_s: float = 600.0  # a title announced this early in the lecture is its title


class LectureLifecycle:
    """Decide, from speech times and commands, when the open lecture ends and a new one starts."""

    def __init__(self, settings: LifecycleSettings, clock: Callable[[], float]):
        """`clock` gives the wall time (unix s)."""
        self.settings, self.clock = settings, clock
        self.open_since: Optional[float] = None  # start of the open lecture, if any
        self.last_speech: Optional[float] = None
        self.titled = False

    def opened(self, started_at: float, titled: bool = False) -> None:
        """Note that a lecture is open (started now, or resumed after a restart)."""
        self.open_since, self.titled = started_at, titled
        self.last_speech = max(self.last_speech or started_at, started_at)

    def closed(self) -> None:
        """Note that the open lecture ended."""
        self.open_since = None

    def speech(self) -> bool:
        """Note that someone speaks; return True when that should start a new lecture."""
        now = self.clock()
        self.last_speech = now
        return self.open_since is None and self.settings.auto_start

    def silence_ends_it(self) -> bool:
        """Return True when the open lecture has been silent long enough to end."""
        if self.open_since is None:
            return False
        quiet_since = max(self.last_speech or self.open_since, self.open_since)
        return self.clock() - quiet_since >= self.settings.end_after_silence_s

    def title_from(self, text: str, at: float) -> Optional[str]:
        """Return the title announced in a teacher's sentence early in the lecture, once."""
        if self.titled or self.open_since is None or at - self.open_since > self.settings.title_window_s:
            return None
        title = announced_title(text)
        self.titled = title is not None
        return title
