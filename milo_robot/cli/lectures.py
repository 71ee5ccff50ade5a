# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""`milo lectures` and `milo forget`: list lectures, end, rename or file one, erase one."""

import sys
import time

from milo_robot.graph import resolve_path
from milo_robot.record.lecture_record import LectureRecord, RecordError, format_clock

DEFAULT_DATABASE = 'records/milo.db'


def add_parser(commands) -> None:
    """Register `lectures` and `forget`."""
    p = commands.add_parser(
        'lectures', help='list the recorded lectures; end, rename or set the course of one',
        description='List the lectures in the record (id, date, duration, course, title, '
        'languages, segments, questions, summary), or change one. While Milo runs, the asr node '
        'owns the lecture in progress: end it by voice, from the app or with the /lecture/end '
        'service; these commands edit the record file directly.')
    p.add_argument('--database', default=DEFAULT_DATABASE, help=f'the record (default {DEFAULT_DATABASE})')
    action = p.add_mutually_exclusive_group()
    action.add_argument('--end', metavar='ID', type=int, help='end this lecture now')
    action.add_argument('--rename', nargs=2, metavar=('ID', 'TITLE'), help='give a lecture a title')
    action.add_argument('--course', nargs=2, metavar=('ID', 'COURSE'), help='file a lecture under a course')
    p.set_defaults(run=run_lectures)
    f = commands.add_parser(
        'forget', help='erase a lecture with its questions and summary (asks first)',
        description='Erase one lecture from the record: its transcript, its questions and answers, '
        'and its summary. The file is compacted so the words are gone from the disk. This cannot '
        'be undone.')
    f.add_argument('lecture', metavar='LECTURE', help='the lecture id, or latest')
    f.add_argument('--database', default=DEFAULT_DATABASE, help=f'the record (default {DEFAULT_DATABASE})')
    f.add_argument('--yes', action='store_true', help='do not ask for confirmation')
    f.set_defaults(run=run_forget)


def _describe(record, lecture) -> str:
    when = time.strftime('%Y-%m-%d %H:%M', time.localtime(lecture.started_at))
    duration = 'open' if lecture.ended_at is None else format_clock(lecture.duration_s)
    segments = len(record.segments(lecture.id))
    questions = len(record.questions(lecture.id))
    summary = 'summary' if record.summary(lecture.id) else 'no summary'
    return (f'{lecture.id:>4}  {when}  {duration:>8}  {lecture.course or "-":<16} {lecture.title}  '
            f'[{lecture.languages or "?"}; {segments} segments, {questions} questions, {summary}]')


def run_lectures(args) -> int:
    """List, or end / rename / file one lecture; status 1 on an error."""
    path = resolve_path(args.database)
    try:
        if args.end is not None or args.rename or args.course:
            with LectureRecord(path) as record:
                if args.end is not None:
                    record.end_lecture(args.end)
                    print(f'lecture {args.end} ended')
                elif args.rename:
                    record.set_title(int(args.rename[0]), args.rename[1])
                    print(f'lecture {args.rename[0]} renamed')
                else:
                    record.set_course(int(args.course[0]), args.course[1])
                    print(f'lecture {args.course[0]} filed under {args.course[1]!r}')
            return 0
        with LectureRecord(path, read_only=True) as record:
            lectures = record.lectures()
            print('\n'.join(_describe(record, lec) for lec in lectures) or 'no lectures recorded')
    except (RecordError, ValueError) as exc:
        print(f'milo lectures: {exc}', file=sys.stderr)
        return 1
    return 0


def run_forget(args) -> int:
    """Erase a lecture after confirmation; status 1 on an error or a refusal."""
    path = resolve_path(args.database)
    try:
        with LectureRecord(path) as record:
            lectures = record.lectures()
            if args.lecture == 'latest':
                if not lectures:
                    raise ValueError('no lectures recorded')
                lecture = lectures[-1]
            else:
                lecture = record.lecture(int(args.lecture))
                if lecture is None:
                    raise ValueError(f'no lecture {args.lecture} in {path}')
            print(_describe(record, lecture))
            if not args.yes:
                answer = input(f'Erase lecture {lecture.id} and everything recorded with it? '
                               'Type the lecture id to confirm: ').strip()
                if answer != str(lecture.id):
                    print('nothing erased')
                    return 1
            counts = record.forget(lecture.id)
    except (RecordError, ValueError, EOFError) as exc:
        print(f'milo forget: {exc}', file=sys.stderr)
        return 1
    print(f"erased lecture {lecture.id}: {counts['segments']} segments, {counts['questions']} "
          f"questions, {counts['summaries']} summary")
    return 0
