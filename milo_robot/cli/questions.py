# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""`milo questions`: the question log for the teacher — what was asked, and what Milo did."""

import csv
import sys
import time

from milo_robot.graph import resolve_path
from milo_robot.record.lecture_record import LectureRecord, RecordError


def add_parser(commands) -> None:
    """Register the `questions` command."""
    p = commands.add_parser(
        'questions', help="print the students' questions and Milo's answers (for the teacher)",
        description='Print the question log kept next to the lecture record: when each question '
        'was asked, in which lecture and language, whether Milo answered, declined or was '
        'interrupted, what it said, its sources and how long it took to start answering.')
    p.add_argument('--database', default='records/milo.db',
                   help='the lecture record (default records/milo.db; the demo writes '
                   'build/demo/run/milo.db)')
    p.add_argument('--lecture', default='latest', metavar='ID|latest|all|none',
                   help='which lecture (default the latest); none: the questions asked while no '
                   'lecture was open (`milo forget --questions` erases them)')
    p.add_argument('--csv', action='store_true', help='write CSV (for a spreadsheet) instead of text')
    p.set_defaults(run=run)


def run(args) -> int:
    """Print the log; status 1 when the record cannot be read."""
    try:
        with LectureRecord(resolve_path(args.database), read_only=True) as record:
            lectures = record.lectures()
            if args.lecture == 'all':
                entries = record.questions()
            elif args.lecture == 'none':
                entries = record.questions_without_lecture()
            elif args.lecture == 'latest':
                entries = record.questions(lectures[-1].id) if lectures else []
            else:
                entries = record.questions(int(args.lecture))
    except (RecordError, ValueError) as exc:
        print(f'milo questions: {exc}', file=sys.stderr)
        return 1
    if args.csv:
        writer = csv.writer(sys.stdout)
        writer.writerow(['asked_at', 'lecture', 'language', 'mode', 'outcome', 'latency_s', 'heard',
                         'question', 'answer', 'spoken', 'sources'])
        for q in entries:
            writer.writerow([time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(q.asked_at)), q.lecture_id,
                             q.language, q.mode, q.outcome, q.latency_s, q.heard, q.question, q.answer,
                             q.spoken, '; '.join(q.sources)])
        return 0
    print('\n'.join(format_log(entries)) or 'no questions logged')
    return 0


def format_log(entries) -> list:
    """Return the lines that show logged questions to a teacher."""
    lines = []
    for q in entries:
        latency = '-' if q.latency_s is None else f'{q.latency_s:.1f} s'
        where = 'no lecture' if q.lecture_id is None else f'lecture {q.lecture_id}'
        lines.append(f"{time.strftime('%H:%M', time.localtime(q.asked_at))}  {where}  "
                     f'{q.outcome:<11} {latency:>6}  ({q.language}, {q.mode}) {q.heard}')
        if q.answer:
            lines.append(f'        Milo: {q.spoken if q.outcome == "interrupted" else q.answer}')
        if q.sources:
            lines.append(f"        sources: {', '.join(q.sources)}")
    return lines
