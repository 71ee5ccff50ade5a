# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""A lecture in a school's formats: its quiz for Moodle, its notes pack as a zip, its dates.

`export_lecture(record, lecture_id, 'gift' | 'moodle-xml' | 'notes-zip' | 'ical')` returns the
file's bytes, name and media type, and notes for the teacher (announcements whose date could not
be resolved). `milo export` and the teacher's lecture page in the app both call it.
"""

import time
from dataclasses import dataclass, field
from typing import List, Optional

from milo_robot.lectures.exports.gift import category_path, to_gift
from milo_robot.lectures.exports.ical import announced_events, to_ical
from milo_robot.lectures.exports.moodle_xml import to_moodle_xml
from milo_robot.lectures.exports.notes_zip import to_notes_zip
from milo_robot.lectures.exports.quiz_items import quiz_items
from milo_robot.lectures.notes_pack import NotesPack, build_pack, format_date
from milo_robot.record.lecture_record import LectureRecord, format_clock


@dataclass(frozen=True)
class Format:
    """An export format: its file extension, media type and what it is."""

    extension: str
    media_type: str
    description: str


FORMATS = {
    'gift': Format('gift', 'text/plain; charset=utf-8', 'the quiz as GIFT (Moodle: Question bank > Import)'),
    'moodle-xml': Format('xml', 'application/xml', 'the quiz as Moodle XML (Question bank > Import)'),
    'notes-zip': Format('zip', 'application/zip', 'the notes pack, HTML and Markdown, as one zip '
                        '(Moodle: a File resource)'),
    'ical': Format('ics', 'text/calendar; charset=utf-8', 'the announced dates as an iCalendar file'),
}


class ExportError(ValueError):
    """An export that cannot be made (an unknown format, no summary to make a quiz from)."""


@dataclass
class Export:
    """A written export."""

    data: bytes
    filename: str
    media_type: str
    notes: List[str] = field(default_factory=list)  # what the teacher should know about it


def _heading(pack: NotesPack) -> str:
    lecture = pack.lecture
    course = f'{lecture.course} · ' if lecture.course else ''
    when = format_date(lecture.started_at, pack.language)
    if pack.language == 'fr':
        return (f'Quiz de révision de Milo : {course}{lecture.title}, {when}.\n'
                'Les réponses sont les mots du professeur, au moment indiqué du cours.')
    return (f"Milo's revision quiz: {course}{lecture.title}, {when}.\n"
            "The answer keys are the teacher's words, at the time given in the lecture.")


def _quiz(pack: NotesPack, write) -> bytes:
    items = quiz_items(pack)
    if not items:
        raise ExportError(f'lecture {pack.lecture.id} has no quiz: it has no summary yet '
                          f'(milo summarize --lecture-db DB --lecture {pack.lecture.id} --save)'
                          if pack.summary is None else
                          f'lecture {pack.lecture.id} has no quiz: no key point has a fact to ask')
    out = write(items, _heading(pack), category_path(pack.lecture.course, pack.lecture.title))
    return out if isinstance(out, bytes) else out.encode('utf-8')


def export_lecture(record: LectureRecord, lecture_id: int, fmt: str, notes_dir: str = '',
                   now: Optional[float] = None) -> Export:
    """Export a lecture of the record in format `fmt` (a key of FORMATS)."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    pack = build_pack(record, lecture_id, notes_dir)
    notes = []
    if fmt == 'gift':
        data = _quiz(pack, to_gift)
    elif fmt == 'moodle-xml':
        data = _quiz(pack, to_moodle_xml)
    elif fmt == 'notes-zip':
        data = to_notes_zip(pack)
    else:
        events, left_out = announced_events(pack.lecture, record.segments(lecture_id=lecture_id))
        data = to_ical(events, pack.lecture, time.time() if now is None else now)
        notes = [f'left out of the calendar ({item.reason}: "{item.said}"): [{format_clock(item.said_at)}] '
                 f'{item.text}' for item in left_out]
        if not events:
            notes.insert(0, 'no announced date could be resolved: the calendar has no event')
    return Export(data, f'lecture-{lecture_id}.{FORMATS[fmt].extension}', FORMATS[fmt].media_type, notes)
