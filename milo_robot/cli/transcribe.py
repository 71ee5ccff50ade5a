# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""`milo transcribe FILE.wav`: the hearing pipeline of the VAD and ASR nodes, on a file."""

import sys

from milo_robot.audio.wav_microphone import WavMicrophone
from milo_robot.hearing.engines import make_recognizer, make_vad
from milo_robot.hearing.pipeline import SegmentTranscriber, SpeechDetector, transcribe_frames
from milo_robot.hearing.segmenter import SegmenterSettings
from milo_robot.hearing.vad import FRAME_SAMPLES
from milo_robot.models import ModelError


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
    p.set_defaults(run=run)


def transcribe(path: str, detector: SpeechDetector, transcriber: SegmentTranscriber):
    """Yield the transcripts of a WAV file, in order; times are seconds from its start."""
    frames = WavMicrophone(path, FRAME_SAMPLES, realtime_factor=0).frames()
    yield from transcribe_frames(frames, detector, transcriber)


def clock(seconds: float) -> str:
    """Format stream seconds as mm:ss.s."""
    minutes, rest = divmod(seconds, 60)
    return f'{int(minutes):02d}:{rest:04.1f}'


def run(args) -> int:
    """Print each transcript as `[mm:ss.s - mm:ss.s] (language, confidence) text`."""
    try:
        engine = make_recognizer(args.engine, args.model, args.language)
        detector = SpeechDetector(make_vad(args.vad), SegmenterSettings())
        for item in transcribe(args.wav, detector, SegmentTranscriber(engine)):
            if item.final or args.partials:
                mark = '' if item.final else '… '
                print(f'[{clock(item.start)} - {clock(item.end)}] '
                      f'({item.language}, {item.confidence:.2f}) {mark}{item.text}', flush=True)
    except (ModelError, FileNotFoundError, ValueError) as exc:
        print(f'milo transcribe: {exc}', file=sys.stderr)
        return 1
    return 0
