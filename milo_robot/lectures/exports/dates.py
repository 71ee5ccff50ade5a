# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The days and times a teacher announces, resolved against the lecture's own date (en, fr).

"The exam is on Tuesday the 14th", "le partiel aura lieu le mardi 14 janvier", "due next Monday
at 8 am", "de 10 heures à midi": each is resolved against the day of the lecture that said it.
What cannot be resolved is returned as such, with the reason, never guessed: "next week" or "au
début du prochain cours" name no day, and a weekday that does not fall on the date said ("Monday
the 14th" when the next 14th is a Tuesday) is a slip of the tongue that only the teacher can
settle.

Conventions (docs/lectures.md): a weekday alone ("Thursday", "next Thursday", "jeudi prochain")
is the first such day after the lecture's day; a date without a year is the first one on or after
the lecture's day; an hour from 1 to 7 without am/pm is in the afternoon (classes are held by day).
"""

import datetime
import re
from dataclasses import dataclass
from typing import List, Optional, Tuple, Union

from milo_robot.lectures.announcements import fold

_WEEKDAY_NAMES = (('monday', 'lundi'), ('tuesday', 'mardi'), ('wednesday', 'mercredi'), ('thursday', 'jeudi'),
                  ('friday', 'vendredi'), ('saturday', 'samedi'), ('sunday', 'dimanche'))
_MONTH_NAMES = (('january', 'janvier'), ('february', 'fevrier'), ('march', 'mars'), ('april', 'avril'),
                ('may', 'mai'), ('june', 'juin'), ('july', 'juillet'), ('august', 'aout'),
                ('september', 'septembre'), ('october', 'octobre'), ('november', 'novembre'),
                ('december', 'decembre'))
WEEKDAY = {name: day for day, names in enumerate(_WEEKDAY_NAMES) for name in names}
MONTH = {name: month for month, names in enumerate(_MONTH_NAMES, 1) for name in names}
_WD = '(?P<wd>' + '|'.join(WEEKDAY) + ')'
_MO = '(?P<mo>' + '|'.join(MONTH) + ')'
_DAY = r'(?P<day>1er|\d{1,2})(?:st|nd|rd|th)?'
_YEAR = r'(?:,? (?P<year>20\d\d))?'
_COUNT = {'one': 1, 'two': 2, 'three': 3, 'four': 4, 'un': 1, 'une': 1, 'deux': 2, 'trois': 3, 'quatre': 4}

# Day mentions, most precise first; matched on folded text (lower case, no accents).
_DATES = [
    ('date', re.compile(rf'\b(?:{_WD}s?,? )?(?:(?:the|le) )?{_DAY}(?: of)? {_MO}\b{_YEAR}')),
    ('date', re.compile(rf'\b(?:{_WD}s?,? )?{_MO} (?:the )?{_DAY}\b{_YEAR}')),
    ('weekday_day', re.compile(rf'\b{_WD},? (?:the )?{_DAY}\b(?! ?(?:h\b|heures?|am|pm|:|%|percent|pour))')),
    ('day', re.compile(r'\b(?:on|by|before|until) the (?P<day>\d{1,2})(?:st|nd|rd|th)\b')),
    ('tomorrow', re.compile(r'\b(?:tomorrow|demain)\b')),
    ('weeks', re.compile(r'\b(?:in|dans) (?P<count>\d|one|two|three|four|un|une|deux|trois|quatre) '
                         r'(?:weeks?|semaines?)\b')),
    ('weekday', re.compile(rf'\b(?:next |this |on |ce |du |le )?{_WD}s?(?: prochain| soir| matin| midi)?\b')),
]
# What names a time but no day: left out, and said so.
_VAGUE = re.compile(
    r"\b(?:next (?:week|lecture|session|class|time|tutorial|lab)|(?:la |cette )?semaine prochaine|"
    r"prochaine? (?:cours|seance|semaine)|this week|cette semaine|(?:end|beginning|start) of (?:the )?"
    r"(?:month|term|semester|year)|(?:fin|debut) (?:du mois|" + '|'.join(MONTH) + r")|(?:in|en) (?:" +
    '|'.join(MONTH) + r"))\b")
_HOUR = r'(?P<{0}h>\d{{1,2}})(?:[:.](?P<{0}m>\d\d))? ?(?P<{0}ap>am|pm|a\.m\.|p\.m\.)?'
_HOUR_FR = r'(?:(?P<{0}h>\d{{1,2}}) ?h(?:eures?)?(?: ?(?P<{0}m>\d\d))?|(?P<{0}noon>midi|minuit))'
_TIMES = [
    re.compile(r'\b(?:from|between) ' + _HOUR.format('a') + r' (?:to|and|until|till) ' + _HOUR.format('b') +
               r'(?!\w)'),
    re.compile(r"\b(?:de|entre) " + _HOUR_FR.format('a') + r" (?:a|et|jusqu'a) " + _HOUR_FR.format('b') +
               r'(?!\w)'),
    re.compile(r'\b(?:at|before|by|until|from) ' + _HOUR.format('a') + r'(?!\w)'),
    re.compile(r'\b' + _HOUR.format('a').replace('?(?P<aap>', '(?P<aap>') + r'(?!\w)'),
    re.compile(r"\b(?:a|avant|vers|des|jusqu'a|pour) " + _HOUR_FR.format('a') + r'(?!\w)'),
    re.compile(r'\b(?:at |before |by )?(?P<anoon>midnight|noon)\b'),
]
LAST_MINUTE = datetime.time(23, 59)


@dataclass(frozen=True)
class When:
    """A day, and the time of day when one was said (`start` None: the whole day)."""

    day: datetime.date
    start: Optional[datetime.time]
    end: Optional[datetime.time]
    said: str  # the words that named it, folded


@dataclass(frozen=True)
class Unresolved:
    """Words that name a time the lecture's date cannot turn into a day, and why."""

    said: str
    reason: str


def _day_number(text: str) -> int:
    return 1 if text == '1er' else int(text)


def _clock(hour: Optional[str], minute: Optional[str], meridiem: Optional[str],
           named: Optional[str]) -> Optional[datetime.time]:
    """Return the time of day said, or None when it is not one (25 h, 8:75)."""
    if named:
        return LAST_MINUTE if named in ('midnight', 'minuit') else datetime.time(12, 0)
    h, m = int(hour), int(minute or 0)
    meridiem = (meridiem or '').replace('.', '')
    if meridiem == 'pm' and h < 12:
        h += 12
    elif meridiem == 'am' and h == 12:
        h = 0
    elif not meridiem and 1 <= h <= 7:
        h += 12  # "from 2 to 5": classes are held by day
    return datetime.time(h, m) if h < 24 and m < 60 else None


def _times(text: str) -> List[Tuple[int, Optional[datetime.time], Optional[datetime.time]]]:
    """Return (position, start, end) of the times of day said in `text` (end None: a moment)."""
    found, taken = [], []
    for pattern in _TIMES:
        for m in pattern.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            groups = m.groupdict()
            start = _clock(groups.get('ah'), groups.get('am'), groups.get('aap'), groups.get('anoon'))
            end = _clock(groups.get('bh'), groups.get('bm'), groups.get('bap'), groups.get('bnoon')) \
                if 'bh' in groups else None
            if start is None:
                continue
            if end is not None and end <= start:
                end = None
            taken.append((m.start(), m.end()))
            found.append((m.start(), start, end))
    return sorted(found, key=lambda t: t[0])


def _next_weekday(after: datetime.date, weekday: int) -> datetime.date:
    return after + datetime.timedelta(days=(weekday - after.weekday() - 1) % 7 + 1)


def _resolve(kind: str, m: re.Match, lecture_day: datetime.date) -> Union[datetime.date, str]:
    """Return the day a mention names, or why it names none."""
    groups = m.groupdict()
    weekday = WEEKDAY.get(groups.get('wd') or '')
    if kind == 'tomorrow':
        return lecture_day + datetime.timedelta(days=1)
    if kind == 'weeks':
        count = groups['count']
        return lecture_day + datetime.timedelta(weeks=int(count) if count.isdigit() else _COUNT[count])
    if kind == 'weekday':
        return _next_weekday(lecture_day, weekday)
    day = _day_number(groups['day'])
    if kind == 'date':
        month, year = MONTH[groups['mo']], groups.get('year')
        candidates = [int(year)] if year else [lecture_day.year, lecture_day.year + 1]
        for y in candidates:
            try:
                date = datetime.date(y, month, day)
            except ValueError:
                return f'there is no {day}/{month}'
            if year or date >= lecture_day:
                break
        if weekday is not None and date.weekday() != weekday:
            return f"{groups['wd']} is not {date.isoformat()} (a {_WEEKDAY_NAMES[date.weekday()][0]})"
        return date
    # A day of the month, with or without its weekday: the next one on or after the lecture (its
    # weekday must match; the one after is taken too, "Friday the 14th" said on the 20th).
    for months_on in range(3):
        year, month = divmod(lecture_day.month - 1 + months_on, 12)
        try:
            date = datetime.date(lecture_day.year + year, month + 1, day)
        except ValueError:
            continue
        if date < lecture_day:
            continue
        if weekday is None or date.weekday() == weekday:
            return date
    return f"{groups['wd']} the {day} is not in the next two months"


def find_dates(text: str, lecture_day: datetime.date) -> List[Union[When, Unresolved]]:
    """Return the days `text` names, resolved against the lecture's day, with their times.

    Each time of day goes with the day said before it (or, when it comes first, after it).
    """
    folded = fold(text)
    mentions, taken = [], []
    for kind, pattern in _DATES:
        for m in pattern.finditer(folded):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            mentions.append((m.start(), m.group(0).strip(), _resolve(kind, m, lecture_day)))
    for m in _VAGUE.finditer(folded):
        if not any(a < m.end() and m.start() < b for a, b in taken):
            taken.append((m.start(), m.end()))
            mentions.append((m.start(), m.group(0), 'no day is named'))
    mentions.sort(key=lambda t: t[0])
    times = [t for t in _times(folded) if not any(a <= t[0] < b for a, b in taken)]
    out = []
    for n, (at, said, day) in enumerate(mentions):
        if isinstance(day, str):
            out.append(Unresolved(said, day))
            continue
        following = mentions[n + 1][0] if n + 1 < len(mentions) else len(folded)
        mine = [t for t in times if at <= t[0] < following] or \
            ([t for t in times if t[0] < at] if n == 0 else [])
        start, end = (mine[0][1], mine[0][2]) if mine else (None, None)
        out.append(When(day, start, end, said))
    return out
