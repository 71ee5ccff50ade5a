# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""TTS node: speaks what arrives on /tts/say, stops at once on /tts/stop or a barge-in."""

import itertools
import threading
import time

from builtin_interfaces.msg import Time
from std_msgs.msg import Bool, Float32

from milo_robot.audio.capture import FrameAssembler
from milo_robot.audio.pyaudio_devices import PyAudioSpeaker
from milo_robot.audio.reopening_speaker import ReopeningSpeaker, file_opener
from milo_robot.conversation.phrases import ACK, APOLOGY, LECTURE_SAID, MODE_SAID
from milo_robot.devices import DevicePolicy
from milo_robot.graph import resolve_path
from milo_robot.interfaces import topics as t
from milo_robot.interfaces.audio import frame_to_msg
from milo_robot.interfaces.payloads import SayRequest, SpeechSpoken, SpeechStarted
from milo_robot.models import ModelError
from milo_robot.nodes.base import MiloNode, run
from milo_robot.parameters import ParamSpec
from milo_robot.speaking.kokoro import DEFAULT_SPEED, STYLES
from milo_robot.speaking.player import PacedWavSink, PlayerEvents, SpeechPlayer
from milo_robot.speaking.voices import KokoroChoice, VoiceBook
from milo_robot.thinking.desk import BUSY
from milo_robot.thinking.replies import DECLINE, EMPTY, INSTRUCTION
from milo_robot.thinking.sources import introductions

PARAMETERS = (
    ParamSpec('voice', '', 'Default Piper voice: "" for the packaged en_US voice, or an .onnx file '
              'relative to models/ (its .onnx.json beside it); every voice under models/ is used '
              'for its language'),
    ParamSpec('language', 'en', 'Language of text that does not say its own'),
    ParamSpec('french_voice', 'kokoro', 'French without a French Piper voice under models/: '
              'kokoro (neural, used when this board is fast enough, else espeak-ng) or espeak-ng',
              choices=('kokoro', 'espeak-ng')),
    ParamSpec('kokoro_style', 'jm_kumo', "Kokoro's speaker style (chosen by measurement: "
              'docs/speaking.md)', choices=STYLES),
    ParamSpec('kokoro_speed', DEFAULT_SPEED, "Kokoro's speaking rate (1.0 = the model's own; "
              'slower is heard better: docs/speaking.md)', min=0.7, max=1.3),
    ParamSpec('kokoro_threads', 2, 'Threads Kokoro synthesises with', min=1, max=8),
    ParamSpec('kokoro_max_rtf', 0.6, 'Kokoro is used only if it synthesises a calibration '
              'sentence in at most this fraction of real time on this board (timed at the first '
              'start, then remembered in ~/.cache/milo_robot); else espeak-ng. 0: always Kokoro, '
              'not timed', min=0.0, max=100.0),
    ParamSpec('output', 'pyaudio', 'Play on a sound card (pyaudio) or into a WAV file (wav, sim mode)',
              choices=('pyaudio', 'wav')),
    ParamSpec('output_device', '', 'pyaudio: output device, "" for the default, an index or part of '
              'its name'),
    ParamSpec('device_rate', 0, 'pyaudio: rate the card is opened at (0 = the voice\'s rate)',
              choices=(0, 16000, 22050, 44100, 48000)),
    ParamSpec('output_wav', 'build/speech.wav', 'wav: the file written, paced like a sound card; '
              'a relative path is relative to the repository'),
    ParamSpec('block_ms', 20, 'Playback block: a stop takes effect within about two blocks (ms)',
              min=5, max=50),
    ParamSpec('stop_on_barge_in', True, 'Stop speaking when the VAD hears a person over Milo'),
    ParamSpec('retry_s', 0.5, 'First pause before reopening an output device that failed; it '
              'doubles while the device keeps failing, up to 10 s', min=0.05, max=10.0),
)


class TtsNode(MiloNode):
    """Bridge topics and the speech player."""

    PARAMETERS = PARAMETERS

    def __init__(self, **options):
        """Load the voices, open the output, and subscribe."""
        super().__init__('tts', **options)
        p = self.params
        kokoro = KokoroChoice(('fr',), p.kokoro_style, p.kokoro_speed, p.kokoro_threads,
                              p.kokoro_max_rtf) if p.french_voice == 'kokoro' else None
        try:
            voices = VoiceBook(p.voice, kokoro=kokoro)
        except ModelError as exc:  # keep talking with the packaged voice, and say why
            self.health.error(f'voice {p.voice!r} unusable ({exc}); using the packaged voice')
            self.get_logger().error(f'{exc}; speaking with the packaged voice instead')
            voices = VoiceBook(kokoro=kokoro)
        self.health.set('voices', ','.join(voices.languages()))
        for problem in voices.problems:
            self.health.error(problem)
            self.get_logger().warning(f'voice skipped: {problem}')
        self._speaking_pub = self.publisher(t.TTS_SPEAKING)
        self._mouth = self.publisher(t.TTS_MOUTH)
        self._spoken = self.publisher(t.TTS_SPOKEN)
        self._started = self.publisher(t.TTS_STARTED)
        self._played = self.publisher(t.SPEAKER_AUDIO)
        # The player speaks opaque keys; each names the request it came from and when it arrived.
        self._keys = itertools.count(1)
        self._requests = {}  # key -> (SayRequest, arrival time)
        self._speaking_pub.publish(Bool(data=False))
        self.player = SpeechPlayer(voices, self._speaker(voices.default.rate), p.block_ms,
                                   _Bridge(self))
        for language in voices.languages():  # Milo's own phrases, ready before any question
            self._prepare(language)
        # Loading and timing Kokoro takes seconds: the node serves meanwhile (French waits).
        self.health.set('voice_fr', 'choosing')
        threading.Thread(target=self._choose_french, args=(voices,), daemon=True,
                         name='french-voice').start()
        self.subscribe(t.TTS_SAY, self._on_say)
        self.subscribe(t.TTS_STOP, lambda _: self._stop('stop command'))
        self.subscribe(t.VAD_EVENTS, self._on_vad)
        self.serve(t.TTS_STOP_SERVICE, self._on_stop_service)

    def _choose_french(self, voices: VoiceBook) -> None:
        """Pick the French voice (Kokoro is loaded and timed), and report which and why."""
        engine, note = voices.for_language('fr')
        self.health.set('voice_fr', engine.name)
        why = voices.neural_status().get('fr')
        if why:
            self.health.set('voice_fr_why', why)
        if why and not note:
            self.get_logger().info(f'French: {engine.name}, {why}')
        elif why:  # Kokoro was wanted
            self.get_logger().warning(f'French: {note}')
        if 'fr' not in voices.languages():
            # Only now that French's voice is loaded: a synthesis ahead that had to wait for the
            # loading would hold the requests behind it. This also makes Kokoro's first synthesis,
            # and the memory its session keeps, happen at start (docs/soak.md).
            self._prepare('fr')

    def _prepare(self, language: str) -> None:
        """Have the player synthesise Milo's own phrases in `language` while it is idle."""
        for text, upto in said_ahead(language):
            self.player.prepare(text, language, upto)

    def _speaker(self, voice_rate: int) -> ReopeningSpeaker:
        """Return the output: opened on first use, reopened after a failure (never a reason to exit)."""
        p = self.params
        policy = DevicePolicy('speaker', self.health, self.get_logger().error, p.retry_s)
        if p.output == 'wav':
            path = resolve_path(p.output_wav)
            return ReopeningSpeaker(file_opener(lambda append: PacedWavSink(path, voice_rate, append=append)),
                                    voice_rate, True, policy, every_use=True)
        return ReopeningSpeaker(lambda: PyAudioSpeaker(p.output_device, voice_rate, p.device_rate),
                                voice_rate, PyAudioSpeaker.realtime, policy, every_use=True)

    def _on_say(self, request: SayRequest) -> None:
        key = str(next(self._keys))
        self._requests[key] = (request, time.time())
        try:
            count = self.player.say(request.text, request.language or self.params.language, key)
        except ValueError as exc:
            self._requests.pop(key, None)
            self.reject(t.TTS_SAY.name, str(exc))
            return
        self.health.count('sentences', count)
        self.health.activity()

    def _on_vad(self, event) -> None:
        if event.barge_in and self.params.stop_on_barge_in:
            self._stop('a person talked over Milo')

    def _on_stop_service(self, _request, response):
        response.success = self.player.busy
        self._stop('stop service')
        response.message = 'stopped' if response.success else 'was not speaking'
        return response

    def _stop(self, why: str) -> None:
        if self.player.busy:
            self.get_logger().info(f'stopping: {why}')
            self.health.count('stops')
        self.player.stop()

    def summary(self) -> str:
        """Say whether Milo is speaking."""
        return 'speaking' if self.player.busy else 'quiet'

    def close(self) -> None:
        """Stop speaking and release the output."""
        self.player.close()


def said_ahead(language: str) -> list:
    """Return what Milo says in `language` whatever the lecture, most urgent first: (text, upto).

    `upto` is which of its pieces are synthesised ahead (`SpeechPlayer.prepare`): the
    acknowledgement said at once when asked; the introductions of quotes whole (a French one is
    two or three pieces, said before the quote); the first piece (what the listener waits for)
    of the brain's fixed replies, then of the dialogue's apology and announcements.
    """
    if language not in ('en', 'fr'):
        return []
    fixed = (DECLINE, INSTRUCTION, EMPTY, BUSY, APOLOGY, *LECTURE_SAID.values(), *MODE_SAID.values())
    return [(ACK[language], 1), *((text, -1) for text in introductions(language)),
            *((said[language], 1) for said in fixed)]


class _Bridge(PlayerEvents):
    """Turn the player's reports into topics."""

    def __init__(self, node: TtsNode):
        self.node = node
        self._frames = None
        self._stream_start = 0.0
        self._sent = 0
        self._noted = set()

    def speaking(self, active: bool) -> None:
        self.node._speaking_pub.publish(Bool(data=active))
        if not active:
            self.node._mouth.publish(Float32(data=0.0))  # close the mouth, also after a stop
        self._frames = None  # the next sound starts a new reference stream

    def block(self, samples, level: float, started: float) -> None:
        self.node._mouth.publish(Float32(data=level))
        if self._frames is None:
            self._frames = FrameAssembler(self.node.player.sink.rate, 1, 512)
            self._stream_start, self._sent = started, 0
        for frame in self._frames.feed(samples):
            t = self._stream_start + self._sent / 16000
            self.node._played.publish(frame_to_msg(frame, _time_msg(t), 'speaker'))
            self._sent += len(frame)

    def started(self, key: str, at: float) -> None:
        request, received = self.node._requests.get(key, (None, at))
        if request is not None:
            self.node._started.publish(SpeechStarted(
                request.request_id, request.kind, request.part, round(at, 4),
                round(max(0.0, at - received), 4)).to_msg())

    def spoken(self, key: str, text: str, interrupted: bool) -> None:
        request, _ = self.node._requests.pop(key, (None, 0.0))
        if request is None:
            return
        self.node._spoken.publish(SpeechSpoken(request.request_id, request.kind, request.part,
                                               text[:4000], interrupted).to_msg())
        if interrupted:
            self.node.get_logger().info(f'interrupted after {len(text.split())} words')

    def note(self, message: str) -> None:
        if message not in self._noted:  # a fallback voice is worth one line, not one a sentence
            self._noted.add(message)
            self.node.get_logger().info(message)


def _time_msg(seconds: float) -> Time:
    return Time(sec=int(seconds), nanosec=int(round((seconds % 1) * 1e9)) % 1_000_000_000)


NODE = TtsNode  # what milo_robot.graph starts, alone or in a group


def main(args=None):
    """Run the TTS node."""
    raise SystemExit(run(TtsNode, args))


if __name__ == '__main__':
    main()
