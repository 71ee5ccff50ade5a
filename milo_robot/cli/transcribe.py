# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""`milo transcribe FILE.wav`: the hearing pipeline of the VAD and ASR nodes, on a file."""

import sys

from milo_robot.audio.wav_microphone import WavMicrophone
from milo_robot.graph import resolve_path
from milo_robot.hearing.asr import (
    DEFAULT_TERM_FIX,
    DEFAULT_VOCABULARY_LANGUAGES,
    DEFAULT_VOCABULARY_MODE,
    VOCABULARY_MODES,
)
from milo_robot.hearing.engines import make_recognizer, make_vad
from milo_robot.hearing.pipeline import SegmentTranscriber, SpeechDetector, transcribe_frames
from milo_robot.hearing.segmenter import SegmenterSettings
from milo_robot.hearing.vad import FRAME_SAMPLES
from milo_robot.hearing.vocabulary import DEFAULT_BUDGET_TOKENS, course_vocabulary
from milo_robot.models import ModelError
from milo_robot.parameters import comma_list
from milo_robot.record.lecture_record import RecordError


def add_parser(commands) -> None:
    """Register the `transcribe` command."""
    p = commands.add_parser(
        'transcribe', help='print the timestamped transcript of a WAV file',
        description='Detect speech in a WAV file (any rate, any channels) and transcribe each '
        'segment, exactly as the VAD and ASR nodes do with live audio.')
    p.add_argument('wav', metavar='FILE.wav')
    p.add_argument('--engine', choices=('whisper', 'vosk'), default='whisper')
    p.add_argument('--language', default='', metavar='xx',
                   help="language code; whisper detects French or English when omitted")
    p.add_argument('--model', default='', help='catalogue name or folder under models/')
    p.add_argument('--vad', choices=('silero', 'webrtc'), default='silero')
    p.add_argument('--partials', action='store_true', help='also print partial results (vosk)')
    p.add_argument('--course', default='', metavar='NAME',
                   help="whisper: hear the course's own terms, from its term list (terms.txt), title "
                   'and notes (--notes-dir) and its lectures in --lecture-db')
    p.add_argument('--notes-dir', default='', metavar='DIR',
                   help="course notes folder, a folder per course (default: the repository's data/notes)")
    p.add_argument('--lecture-db', default='', metavar='DB',
                   help="the lecture record, for the words of the course's lectures (optional)")
    p.add_argument('--vocabulary', choices=VOCABULARY_MODES, default=DEFAULT_VOCABULARY_MODE,
                   help='how whisper is given the course vocabulary: as hotwords, as an initial '
                   'prompt of all its terms or of the rare ones only (or those then the notes\' sentences '
                   'that use them: context_prompt), or off (default: '
                   f'{DEFAULT_VOCABULARY_MODE}; docs/hearing.md)')
    p.add_argument('--vocabulary-languages', default=','.join(DEFAULT_VOCABULARY_LANGUAGES),
                   metavar='LANGS', help='the languages, comma-separated, whose segments are decoded '
                   'with --vocabulary; the others without it (default: %(default)s)')
    p.add_argument('--no-term-fix', dest='term_fix', action='store_false', default=DEFAULT_TERM_FIX,
                   help='whisper: keep heard words that sound like a rare course term as heard '
                   '(by default they are replaced by the term; docs/hearing.md)')
    p.add_argument('--vocabulary-tokens', type=int, default=DEFAULT_BUDGET_TOKENS, metavar='N',
                   help=f'most tokens the vocabulary may take (default {DEFAULT_BUDGET_TOKENS}, '
                   'at most 200)')
    p.set_defaults(run=run)


def transcribe(path: str, detector: SpeechDetector, transcriber: SegmentTranscriber):
    """Yield the transcripts of a WAV file, in order; times are seconds from its start."""
    frames = WavMicrophone(path, FRAME_SAMPLES, realtime_factor=0).frames()
    yield from transcribe_frames(frames, detector, transcriber)


def clock(seconds: float) -> str:
    """Format stream seconds as mm:ss.s."""
    minutes, rest = divmod(seconds, 60)
    return f'{int(minutes):02d}:{rest:04.1f}'


def _give_vocabulary(engine, args) -> None:
    """Gather the course's vocabulary for whisper; say on stderr how many terms it holds."""
    if not 10 <= args.vocabulary_tokens <= 200:
        raise ValueError('--vocabulary-tokens must be between 10 and 200')
    engine.vocabulary_mode, engine.term_fix = args.vocabulary, args.term_fix
    engine.vocabulary_languages = comma_list(args.vocabulary_languages)
    engine.vocabulary = course_vocabulary(
        args.course, args.notes_dir or resolve_path('data/notes'), args.lecture_db,
        budget_tokens=args.vocabulary_tokens, count_tokens=engine.count_tokens)
    counts = ', '.join(f'{len(engine.vocabulary.words(lang))} in {lang}' for lang in ('en', 'fr'))
    print(f'course vocabulary ({args.course or "no course"}, {args.vocabulary} in '
          f'{",".join(engine.vocabulary_languages) or "no language"}, term fix '
          f'{"on" if args.term_fix else "off"}): {counts}', file=sys.stderr)


def run(args) -> int:
    """Print each transcript as `[mm:ss.s - mm:ss.s] (language, confidence) text`."""
    try:
        engine = make_recognizer(args.engine, args.model, args.language)
        if args.engine == 'whisper' and (args.vocabulary != 'off' or args.term_fix):
            _give_vocabulary(engine, args)
        detector = SpeechDetector(make_vad(args.vad), SegmenterSettings())
        for item in transcribe(args.wav, detector, SegmentTranscriber(engine)):
            if item.final or args.partials:
                mark = '' if item.final else '… '
                print(f'[{clock(item.start)} - {clock(item.end)}] '
                      f'({item.language}, {item.confidence:.2f}) {mark}{item.text}', flush=True)
    except (ModelError, OSError, ValueError, RecordError) as exc:
        print(f'milo transcribe: {exc}', file=sys.stderr)
        return 1
    return 0
