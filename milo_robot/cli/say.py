# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""`milo say "text"`: speak with the TTS node's code path, on the sound card or into a WAV file."""

import sys
import time

from milo_robot.audio.pyaudio_devices import DeviceError, PyAudioSpeaker
from milo_robot.models import ModelError
from milo_robot.speaking.kokoro import DEFAULT_STYLE, STYLES
from milo_robot.speaking.player import PacedWavSink, PlayerEvents, SpeechPlayer
from milo_robot.speaking.voices import KokoroChoice, VoiceBook


def add_parser(commands) -> None:
    """Register the `say` command."""
    p = commands.add_parser(
        'say', help='speak a text (or write it to a WAV file)',
        description='Normalise the text (numbers, units, symbols), pick the voice of its language '
        'and speak it sentence by sentence, exactly as the TTS node does.')
    p.add_argument('text', help="what to say; '-' reads standard input")
    p.add_argument('--language', default='en', help='language of the text (default en)')
    p.add_argument('--out', metavar='FILE.wav', help='write a WAV file instead of playing')
    p.add_argument('--voice', default='', help='a Piper .onnx voice (default: the packaged one)')
    p.add_argument('--device', default='', help='output device: index or part of its name')
    p.add_argument('--french-voice', choices=('kokoro', 'espeak-ng'), default='kokoro',
                   help='French without a French Piper voice: kokoro (neural, if this machine is '
                   'fast enough; the default) or espeak-ng')
    p.add_argument('--kokoro-style', choices=STYLES, default=DEFAULT_STYLE,
                   help=f"Kokoro's speaker style (default {DEFAULT_STYLE})")
    p.set_defaults(run=run)


class _Printer(PlayerEvents):
    def __init__(self):
        self.done = False

    def spoken(self, request_id, text, interrupted):
        self.done = True

    def note(self, message):
        print(f'milo say: {message}', file=sys.stderr)


def run(args) -> int:
    """Speak and wait until the last sentence has played."""
    text = sys.stdin.read() if args.text == '-' else args.text
    try:
        kokoro = KokoroChoice(style=args.kokoro_style) if args.french_voice == 'kokoro' else None
        voices = VoiceBook(args.voice, kokoro=kokoro)
        rate = voices.default.rate
        sink = PacedWavSink(args.out, rate, realtime=False) if args.out else \
            PyAudioSpeaker(args.device, rate)
        events = _Printer()
        player = SpeechPlayer(voices, sink, events=events)
        count = player.say(text, args.language)
    except (ModelError, DeviceError, ValueError, OSError) as exc:
        print(f'milo say: {exc}', file=sys.stderr)
        return 1
    while not events.done:
        time.sleep(0.02)
    player.close()
    where = f' into {args.out}' if args.out else ''
    print(f'spoke {count} sentence(s){where}')
    return 0
