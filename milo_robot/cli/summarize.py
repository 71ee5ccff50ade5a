# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""`milo summarize`: summarise a whole lecture as Markdown, without ROS: the brain node's code path."""

import sys

from milo_robot.cli.ask import add_model_arguments
from milo_robot.lectures.notes_pack import NotesPackError, resolve_lecture
from milo_robot.lectures.summary import summarize, summarize_record, to_markdown
from milo_robot.models import ModelError
from milo_robot.record.lecture_record import LectureRecord, RecordError
from milo_robot.thinking.llm import load_llm
from milo_robot.thinking.retrieval import text_lecture_segments


def add_parser(commands) -> None:
    """Register the `summarize` command."""
    p = commands.add_parser(
        'summarize', help='summarise a lecture (key points, definitions, formulas, announcements)',
        description='Summarise a lecture transcript (one sentence a line, optionally "[mm:ss] " '
        'first) or a lecture of the record, in its language, and print the summary as Markdown. '
        'Every point keeps its time in the lecture; what the model writes is checked against the '
        "teacher's sentences. Progress goes to stderr.")
    p.add_argument('--lecture', metavar='FILE.txt|ID',
                   help='the transcript file; with --lecture-db, the lecture id or latest (default)')
    p.add_argument('--lecture-db', metavar='DB', help='the lecture record (SQLite)')
    add_model_arguments(p)
    p.add_argument('--extractive', action='store_true',
                   help="no model: the teacher's sentences only (fast; no title written)")
    p.add_argument('--rewrite', action='store_true',
                   help='have the model shorten long key points (each checked; slower, see docs/lectures.md)')
    p.add_argument('--threads', type=int, default=2, help='CPU threads for the model (default 2)')
    p.add_argument('--language', default='', choices=('', 'en', 'fr'),
                   help='en or fr (default: the lecture\'s, or guessed from its words)')
    p.add_argument('--save', action='store_true', help='store the summary in the record (--lecture-db)')
    p.set_defaults(run=run)


def run(args) -> int:
    """Print the summary as Markdown; status 1 (with the reason on stderr) when it cannot be made."""
    if not (args.lecture or args.lecture_db):
        return _fail('give a transcript (--lecture FILE.txt) or the record (--lecture-db DB)')
    if args.save and not args.lecture_db:
        return _fail('--save stores the summary in the record: give --lecture-db')
    if args.rewrite and args.extractive:
        return _fail('--rewrite needs the model: drop --extractive')
    if args.threads < 1:
        return _fail(f'--threads must be at least 1, not {args.threads}')
    try:
        llm = None if args.extractive else load_llm(args.profile, args.model, threads=args.threads)
        options = dict(llm=llm, language=args.language, on_progress=_progress, threads=args.threads,
                       rewrite=args.rewrite)
        if not args.lecture_db:
            print(to_markdown(summarize(text_lecture_segments(args.lecture), **options)), end='')
            return 0
        with LectureRecord(args.lecture_db, read_only=not args.save) as record:
            lecture_id = resolve_lecture(record, args.lecture or 'latest')
            summary = summarize_record(record, lecture_id, **options)
            if args.save:
                record.save_summary(lecture_id, summary.language, summary.model, summary.to_dict())
            print(to_markdown(summary, record.lecture(lecture_id)), end='')
    except (ModelError, RecordError, NotesPackError, OSError, ValueError) as exc:
        return _fail(str(exc))
    return 0


def _progress(progress) -> None:
    print(f'[summary] {progress.describe()}', file=sys.stderr, flush=True)


def _fail(message: str) -> int:
    print(f'milo summarize: {message}', file=sys.stderr)
    return 1
