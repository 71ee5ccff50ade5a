# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""`milo notes`: write a lecture's notes pack (HTML and Markdown) for the students who missed it."""

import sys

from milo_robot.graph import resolve_path
from milo_robot.lectures.notes_pack import NotesPackError, build_pack, resolve_lecture, write_pack
from milo_robot.record.lecture_record import LectureRecord, RecordError


def add_parser(commands) -> None:
    """Register the `notes` command."""
    p = commands.add_parser(
        'notes', help="write a lecture's notes pack (HTML and Markdown) for absent students",
        description='Write lecture-<id>.html (self-contained: works offline on a phone and prints '
        'well) and lecture-<id>.md: the summary, the key points linked to the transcript, the '
        'timed transcript, the questions and answers, and the course notes the answers used. '
        'The files are readable by your user only; the record remembers them, so that `milo '
        'forget` of the lecture removes them too (copies you make elsewhere are yours to delete).')
    p.add_argument('lecture', metavar='LECTURE|latest', help='a lecture id, or latest')
    p.add_argument('--database', default=None, help='the lecture record (default '
                   'records/milo.db; the demo writes build/demo/run/milo.db)')
    p.add_argument('--out', default='build/notes', help='output folder (default build/notes)')
    p.add_argument('--notes', default=None, metavar='DIR',
                   help='the course notes folder, for the passages answers used (default data/notes)')
    p.set_defaults(run=run)


def run(args) -> int:
    """Write both files and print their paths; status 1 when the lecture cannot be read."""
    try:
        # Paths given are the user's (relative to the current folder); defaults are the robot's.
        database = args.database or resolve_path('records/milo.db')
        with LectureRecord(database, read_only=True) as record:
            pack = build_pack(record, resolve_lecture(record, args.lecture),
                              args.notes or resolve_path('data/notes'))
        paths = write_pack(pack, args.out)
        with LectureRecord(database) as record:  # so that erasing the lecture removes them too
            record.add_notes_pack(pack.lecture.id, paths)
    except (RecordError, NotesPackError, OSError, ValueError) as exc:
        print(f'milo notes: {exc}', file=sys.stderr)
        return 1
    for path in paths:
        print(path)
    return 0
