# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""`milo lectures` and `milo forget`: list lectures, end, rename or file one, erase one."""

import argparse
import sys
import time

from milo_robot.graph import resolve_path
from milo_robot.record.lecture_record import (
    ERASE_WAIT_S,
    LOOSE_QUESTIONS,
    ErasureIncomplete,
    LectureRecord,
    RecordError,
    format_clock,
    lecture_erasure,
)

DEFAULT_DATABASE = 'records/milo.db'
INCOMPLETE = 3  # the exit status of an erasure deleted from the record but not yet from the disk


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
        'forget', help='erase a lecture, or the questions asked outside lectures (asks first)',
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description='Erase one lecture from the record: its transcript, its questions and answers, '
        'its summary and the notes pack files written for it. Or, with --questions, erase the '
        'questions students asked while no lecture was open (see them with `milo questions '
        '--lecture none`). This cannot be undone.',
        epilog='How the words leave the disk: the rows are deleted (SQLite zeroes what it deletes), '
        'then the file is\nrewritten and its write-ahead log folded into it and emptied. Another '
        'program in the middle of\nreading the record (a node, sqlite3) holds the old pages: '
        'forget waits for it (--wait).\n\nExit status: 0 erased; 1 nothing erased (an error, '
        'or no confirmation); 3 deleted from the\nrecord but NOT yet from the disk, because a '
        'reader held the file past --wait: the message names\nit. Run the same command again '
        'once it has finished (or once Milo is stopped) to complete the\nerasure; the next '
        'erasure or retention check also completes it.')
    f.add_argument('lecture', metavar='LECTURE', nargs='?', help='the lecture id, or latest')
    f.add_argument('--questions', action='store_true',
                   help='erase every question asked outside any lecture instead of a lecture')
    f.add_argument('--database', default=DEFAULT_DATABASE, help=f'the record (default {DEFAULT_DATABASE})')
    f.add_argument('--yes', action='store_true', help='do not ask for confirmation')
    f.add_argument('--wait', type=float, default=ERASE_WAIT_S, metavar='SECONDS',
                   help='how long to wait for other programs to finish reading the record '
                   f'(default {ERASE_WAIT_S:g})')
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
            loose = len(record.questions_without_lecture())
            if loose:
                print(f'      {loose} question(s) asked outside any lecture (`milo questions --lecture '
                      'none` shows them, `milo forget --questions` erases them)')
            for what, requested_at in record.pending_erasures():
                when = time.strftime('%Y-%m-%d %H:%M', time.localtime(requested_at))
                again = 'forget --questions' if what == LOOSE_QUESTIONS else f'forget {what.split()[-1]}'
                print(f'      {what}: erased {when}, but NOT yet from the disk (a reader held the '
                      f'record); `milo {again}` completes it')
    except (RecordError, ValueError) as exc:
        print(f'milo lectures: {exc}', file=sys.stderr)
        return 1
    return 0


def _confirm(args, question: str, what: str, expected: str) -> bool:
    """Return whether the person confirmed by typing `expected` (or gave --yes)."""
    if args.yes:
        return True
    if input(f'{question} Type {what} to confirm: ').strip() == expected:
        return True
    print('nothing erased')
    return False


def _waiting(wait_s: float):
    def say(holders) -> None:
        who = '; '.join(str(h) for h in holders) or 'another program'
        print(f'waiting up to {wait_s:g} s for {who} to finish with the record...', flush=True)
    return say


def _pick_lecture(record, choice: str, path):
    """Return the lecture to erase, or None for one whose erasure is to be finished."""
    if choice == 'latest':
        lectures = record.lectures()
        if not lectures:
            raise ValueError('no lectures recorded')
        return lectures[-1]
    lecture = record.lecture(int(choice))
    if lecture is None and lecture_erasure(int(choice)) not in {w for w, _ in record.pending_erasures()}:
        raise ValueError(f'no lecture {choice} in {path}')
    return lecture


def run_forget(args) -> int:
    """Erase a lecture or the questions outside lectures after confirmation; 0, 1, or 3 (incomplete)."""
    if args.questions == (args.lecture is not None):
        print('milo forget: give a LECTURE id (or latest), or --questions', file=sys.stderr)
        return 1
    path = resolve_path(args.database)
    try:
        with LectureRecord(path) as record:
            if args.questions:
                count = len(record.questions_without_lecture())
                print(f'{count} question(s) asked outside any lecture')
                if count and not _confirm(args, 'Erase them?', 'yes', 'yes'):
                    return 1
                count = record.forget_questions_without_lecture(wait_s=args.wait, on_wait=_waiting(args.wait))
                print(f'erased {count} question(s) asked outside any lecture')
                return 0
            lecture = _pick_lecture(record, args.lecture, path)
            if lecture is None:  # erased already, but not yet from the disk
                print(f'finishing the erasure of lecture {args.lecture}')
                lecture_id = int(args.lecture)
            else:
                print(_describe(record, lecture))
                if not _confirm(args, f'Erase lecture {lecture.id} and everything recorded with it?',
                                'the lecture id', str(lecture.id)):
                    return 1
                lecture_id = lecture.id
            counts = record.forget(lecture_id, wait_s=args.wait, on_wait=_waiting(args.wait))
    except ErasureIncomplete as exc:
        print(f'milo forget: {exc}', file=sys.stderr)
        return INCOMPLETE
    except (RecordError, ValueError, EOFError) as exc:
        print(f'milo forget: {exc}', file=sys.stderr)
        return 1
    print(f"erased lecture {lecture_id}: {counts['segments']} segments, {counts['questions']} "
          f"questions, {counts['summaries']} summary, {counts.get('notes_packs', 0)} notes pack "
          'file(s)')
    return 0
