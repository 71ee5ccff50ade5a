# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The dates a teacher announced in a lecture, as an iCalendar file students add to their calendars.

Every teacher sentence that is an announcement (`announcements.signals`) and names a day gives an
event: the day resolved against the lecture's date (`dates.find_dates`), its time when one was
said, what it is ("Exam", "TP"...) and the teacher's words. A sentence that goes on with the
announcement before it ("It's due next Tuesday") takes that announcement's kind. When the
sentence moves something ("déplacé au vendredi 7"), only the new day is kept. What cannot be
resolved is left out of the file and listed, never guessed.

The file follows RFC 5545 (written here, checked in the tests by the `icalendar` parser): CRLF
lines folded at 75 octets, TEXT values escaped, times in UTC.
"""

import datetime
import re
import time
from dataclasses import dataclass
from typing import Iterable, List, Optional, Tuple

from milo_robot.lectures.announcements import fold, signals, task_label
from milo_robot.lectures.exports.dates import Unresolved, When, find_dates
from milo_robot.lectures.extractive import CONTINUES, FOLLOW_S, split_sentences
from milo_robot.record.lecture_record import Lecture, format_clock

PRODID = '-//Milo robot//Lecture announcements//EN'
TIMED_EVENT = datetime.timedelta(hours=1)  # an exam "at 9" with no end: an hour is shown
_MOVES = re.compile(r'\b(?:moved?|postponed|pushed back|brought forward|instead of|deplacee?s?|'
                    r'reportee?s?|avancee?s?|au lieu de)\b')
_PLACE = re.compile(r"\b(?:room|salle|amphi(?:theatre)?|hall|building|batiment)\s+[A-Z]?-?\d+[A-Z]?\b|"
                    r"\b(?:in|en) (?:the )?(?:salle informatique|sports hall|energy hall)(?: [A-Z]?\d+)?",
                    re.I)


@dataclass(frozen=True)
class Event:
    """An announced date."""

    when: When
    summary: str  # "Exam · Algorithms"
    description: str  # the teacher's words, and where they were said
    location: str
    said_at: float  # lecture time (s) of the sentence


@dataclass(frozen=True)
class LeftOut:
    """An announcement whose date could not be resolved."""

    text: str
    said: str
    reason: str
    said_at: float


def announced_events(lecture: Lecture, segments: Iterable) -> Tuple[List[Event], List[LeftOut]]:
    """Return the events of a lecture's announcements, and the announcements left out."""
    language = 'fr' if (lecture.language or '').startswith('fr') else 'en'
    day = datetime.date.fromtimestamp(lecture.started_at)
    events, left_out = [], []
    context: Optional[Tuple[str, float]] = None  # the kind and time of the last announcement
    for sentence in split_sentences(segments):
        folded = fold(sentence.text)
        shown = signals(sentence.text, folded)
        goes_on = context is not None and sentence.start_s - context[1] <= FOLLOW_S and \
            bool(CONTINUES.match(folded)) and not shown.task
        if not (shown.announces or goes_on):
            continue
        kind = shown.task or (context[0] if goes_on else '')
        context = (kind, sentence.start_s)
        found = find_dates(sentence.text, day)
        days = [f for f in found if isinstance(f, When)]
        if _MOVES.search(folded) and days:
            days = days[-1:]  # "moved from Thursday to Friday the 7th": the new day only
        description = _description(sentence.text, lecture, sentence.start_s, language)
        for when in days:
            events.append(Event(when, _summary(kind, language, lecture), description,
                                _location(sentence.text), sentence.start_s))
        for unresolved in (f for f in found if isinstance(f, Unresolved)):
            if not days:
                left_out.append(LeftOut(sentence.text, unresolved.said, unresolved.reason, sentence.start_s))
    return events, left_out


def _summary(kind: str, language: str, lecture: Lecture) -> str:
    return f'{task_label(kind, language)} · {lecture.course or lecture.title}'


def _description(text: str, lecture: Lecture, at: float, language: str) -> str:
    when = time.strftime('%Y-%m-%d', time.localtime(lecture.started_at))
    where = (f'Annoncé en cours le {when} à {format_clock(at)} ({lecture.title}).' if language == 'fr' else
             f'Announced in class on {when} at {format_clock(at)} ({lecture.title}).')
    return f'{text}\n{where}'


def _location(text: str) -> str:
    found = _PLACE.search(text)
    return found.group(0).strip() if found else ''


def escape_text(value: str) -> str:
    """Escape an iCalendar TEXT value (RFC 5545, 3.3.11)."""
    return (value.replace('\\', '\\\\').replace(';', '\\;').replace(',', '\\,')
            .replace('\r\n', '\\n').replace('\n', '\\n'))


def fold_line(line: str) -> str:
    """Fold a content line at 75 octets, never inside a UTF-8 character (RFC 5545, 3.1)."""
    out, current = [], b''
    for char in line:
        encoded = char.encode('utf-8')
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current)
            current = b''
        current += encoded
    out.append(current)
    return '\r\n '.join(part.decode('utf-8') for part in out)


def _utc(day: datetime.date, clock: datetime.time) -> str:
    local = datetime.datetime.combine(day, clock).timestamp()  # the robot's time zone
    return datetime.datetime.fromtimestamp(local, datetime.timezone.utc).strftime('%Y%m%dT%H%M%SZ')


def to_ical(events: List[Event], lecture: Lecture, now: Optional[float] = None) -> bytes:
    """Write the events as an iCalendar file (UTF-8 bytes, CRLF lines)."""
    stamp = datetime.datetime.fromtimestamp(time.time() if now is None else now,
                                            datetime.timezone.utc).strftime('%Y%m%dT%H%M%SZ')
    lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', f'PRODID:{PRODID}', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH',
             f'X-WR-CALNAME:{escape_text(lecture.course or lecture.title)}']
    for n, event in enumerate(events, 1):
        when = event.when
        lines += ['BEGIN:VEVENT', f'UID:lecture-{lecture.id}-{int(lecture.started_at)}-{n}@milo-robot',
                  f'DTSTAMP:{stamp}']
        if when.start is None:
            lines += [f'DTSTART;VALUE=DATE:{when.day:%Y%m%d}',
                      f'DTEND;VALUE=DATE:{when.day + datetime.timedelta(days=1):%Y%m%d}']
        else:
            start = datetime.datetime.combine(when.day, when.start)
            end = datetime.datetime.combine(when.day, when.end) if when.end else start + TIMED_EVENT
            lines += [f'DTSTART:{_utc(when.day, when.start)}', f'DTEND:{_utc(end.date(), end.time())}']
        lines += [f'SUMMARY:{escape_text(event.summary)}', f'DESCRIPTION:{escape_text(event.description)}']
        if event.location:
            lines.append(f'LOCATION:{escape_text(event.location)}')
        lines.append('END:VEVENT')
    lines.append('END:VCALENDAR')
    return ('\r\n'.join(fold_line(line) for line in lines) + '\r\n').encode('utf-8')
