# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""TTS node: speaks what arrives on /tts/say, stops at once on /tts/stop or a barge-in."""

import json
import time

from builtin_interfaces.msg import Time
from rclpy.qos import QoSProfile
from sensor_msgs.msg import Image
from std_msgs.msg import Bool, Empty, Float32, String
from std_srvs.srv import Trigger

from milo_robot.audio.capture import FrameAssembler
from milo_robot.audio.pyaudio_devices import DeviceError, PyAudioSpeaker
from milo_robot.graph import resolve_path
from milo_robot.models import ModelError
from milo_robot.nodes.audio_msgs import frame_to_msg
from milo_robot.nodes.base import MiloNode, run
from milo_robot.nodes.vad_node import EVENTS_QOS, SPEAKER_AUDIO_QOS, STATE_QOS
from milo_robot.parameters import ParameterError, ParamSpec
from milo_robot.speaking.player import PacedWavSink, PlayerEvents, SpeechPlayer
from milo_robot.speaking.voices import VoiceBook

PARAMETERS = (
    ParamSpec('voice', '', 'Default Piper voice: "" for the packaged en_US voice, or an .onnx file '
              'relative to models/ (its .onnx.json beside it); every voice under models/ is used '
              'for its language'),
    ParamSpec('language', 'en', 'Language of text that does not say its own'),
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
)


class TtsNode(MiloNode):
    """Bridge topics and the speech player."""

    PARAMETERS = PARAMETERS

    def __init__(self):
        """Load the voices, open the output, and subscribe."""
        super().__init__('tts')
        p = self.params
        try:
            voices = VoiceBook(p.voice)
        except ModelError as exc:  # keep talking with the packaged voice, and say why
            self.health.error(f'voice {p.voice!r} unusable ({exc}); using the packaged voice')
            self.get_logger().error(f'{exc}; speaking with the packaged voice instead')
            voices = VoiceBook()
        self.health.set('voices', ','.join(voices.languages()))
        for problem in voices.problems:
            self.health.error(problem)
            self.get_logger().warning(f'voice skipped: {problem}')
        self._speaking_pub = self.create_publisher(Bool, '/tts/speaking', STATE_QOS)
        self._mouth = self.create_publisher(Float32, '/tts/mouth', 10)
        self._spoken = self.create_publisher(String, '/tts/spoken', EVENTS_QOS)
        self._started = self.create_publisher(String, '/tts/started', EVENTS_QOS)
        self._received = {}  # request id → when its text arrived, for /tts/started
        self._played = self.create_publisher(Image, '/speaker/audio', SPEAKER_AUDIO_QOS)
        self._speaking_pub.publish(Bool(data=False))
        self.player = SpeechPlayer(voices, self._open_sink(voices.default.rate), p.block_ms,
                                   _Bridge(self))
        self.create_subscription(String, '/tts/say', self._on_say, QoSProfile(depth=50))
        self.create_subscription(Empty, '/tts/stop', lambda _: self._stop('stop command'), 10)
        self.create_subscription(String, '/vad/events', self._on_vad, EVENTS_QOS)
        self.create_service(Trigger, '/tts/stop', self._on_stop_service)

    def _open_sink(self, voice_rate: int):
        p = self.params
        if p.output == 'wav':
            return PacedWavSink(resolve_path(p.output_wav), voice_rate)
        try:
            return PyAudioSpeaker(p.output_device, voice_rate, p.device_rate)
        except DeviceError as exc:
            raise ParameterError(f'output device unusable: {exc}') from exc

    def _on_say(self, msg: String) -> None:
        text, language, request_id = msg.data, self.params.language, ''
        if msg.data.lstrip().startswith('{'):
            try:
                data = json.loads(msg.data)
                text = str(data['text'])
                language = str(data.get('language') or language)
                request_id = str(data.get('request_id', ''))
            except (ValueError, KeyError, TypeError) as exc:
                self._reject(f'bad /tts/say message {msg.data[:60]!r}: {exc}')
                return
        self._received[request_id] = time.time()
        try:
            count = self.player.say(text, language, request_id)
        except ValueError as exc:
            self._received.pop(request_id, None)
            self._reject(str(exc))
            return
        self.health.count('sentences', count)
        self.health.activity()

    def _on_vad(self, msg: String) -> None:
        try:
            barge_in = json.loads(msg.data).get('barge_in') is True
        except (ValueError, AttributeError):
            return  # the ASR node reports malformed VAD events; here only barge-in matters
        if barge_in and self.params.stop_on_barge_in:
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

    def _reject(self, problem: str) -> None:
        self.health.error(problem)
        self.get_logger().warning(f'not spoken: {problem}')

    def summary(self) -> str:
        """Say whether Milo is speaking."""
        return 'speaking' if self.player.busy else 'quiet'

    def close(self) -> None:
        """Stop speaking and release the output."""
        self.player.close()


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

    def started(self, request_id: str, at: float) -> None:
        received = self.node._received.pop(request_id, at)
        self.node._started.publish(String(data=json.dumps(
            {'request_id': request_id, 'time': round(at, 4), 'since_request_s': round(at - received, 4)})))

    def spoken(self, request_id: str, text: str, interrupted: bool) -> None:
        self.node._received.pop(request_id, None)  # never started: stopped before its first sound
        self.node._spoken.publish(String(data=json.dumps(
            {'request_id': request_id, 'text': text, 'interrupted': interrupted},
            ensure_ascii=False)))
        if interrupted:
            self.node.get_logger().info(f'interrupted after: {text!r}')

    def note(self, message: str) -> None:
        if message not in self._noted:  # a fallback voice is worth one line, not one a sentence
            self._noted.add(message)
            self.node.get_logger().info(message)


def _time_msg(seconds: float) -> Time:
    return Time(sec=int(seconds), nanosec=int(round((seconds % 1) * 1e9)) % 1_000_000_000)


def main(args=None):
    """Run the TTS node."""
    raise SystemExit(run(TtsNode, args))


if __name__ == '__main__':
    main()
