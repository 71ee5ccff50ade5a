# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""`milo export`: a lecture in a school's formats (GIFT, Moodle XML, a notes zip, iCalendar)."""

import sys
from pathlib import Path

from milo_robot.graph import resolve_path
from milo_robot.lectures.exports import FORMATS, ExportError, export_lecture
from milo_robot.lectures.notes_pack import NotesPackError, resolve_lecture
from milo_robot.private_files import open_private, private_folder
from milo_robot.record.lecture_record import LectureRecord, RecordError


def add_parser(commands) -> None:
    """Register the `export` command."""
    formats = '; '.join(f'{name}: {f.description}' for name, f in FORMATS.items())
    p = commands.add_parser(
        'export', help="write a lecture's quiz, notes pack or announced dates in a school's format",
        description='Export a lecture of the record for the school\'s learning platform and '
        f'calendars. Formats: {formats}. The quiz needs the lecture\'s summary (milo summarize '
        '--save). Dates are resolved against the lecture\'s date; an announcement whose date cannot '
        'be resolved is left out of the calendar and listed on stderr. Prints the written path.')
    p.add_argument('lecture', metavar='LECTURE|latest', help='a lecture id, or latest')
    p.add_argument('--format', required=True, choices=list(FORMATS), help='what to write')
    p.add_argument('--out', default=None, metavar='PATH',
                   help='the file to write, or a folder (default build/exports/lecture-<id>.<ext>); '
                   '- writes to stdout')
    p.add_argument('--database', default=None, help='the lecture record (default records/milo.db; '
                   'the demo writes build/demo/run/milo.db)')
    p.add_argument('--notes', default=None, metavar='DIR',
                   help='the course notes folder, for the notes pack (default data/notes)')
    p.set_defaults(run=run)


def run(args) -> int:
    """Write the export and print its path; status 1 with the reason on stderr when it cannot be made."""
    try:
        # Paths given are the user's (relative to the current folder); defaults are the robot's.
        database = args.database or resolve_path('records/milo.db')
        with LectureRecord(database, read_only=True) as record:
            lecture_id = resolve_lecture(record, args.lecture)
            notes = args.notes or resolve_path('data/notes')
            written = export_lecture(record, lecture_id, args.format, notes)
        for note in written.notes:
            print(f'milo export: {note}', file=sys.stderr)
        if args.out == '-':
            sys.stdout.buffer.write(written.data)
            sys.stdout.flush()
            return 0
        out = Path(args.out or resolve_path('build/exports'))
        if out.is_dir() or args.out is None or str(args.out).endswith(('/', '\\')):
            out = out / written.filename
        # It holds the lecture's words: readable by Milo's user only, and erased with the lecture.
        private_folder(out.parent)
        with open_private(out, 'wb') as f:
            f.write(written.data)
        with LectureRecord(database) as record:
            record.add_notes_pack(lecture_id, [out])
    except (RecordError, NotesPackError, ExportError, OSError) as exc:
        print(f'milo export: {exc}', file=sys.stderr)
        return 1
    print(out)
    return 0
