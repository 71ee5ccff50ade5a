# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""VAD node: speech start/end events from /audio/frames, ignoring Milo's own voice."""

from std_msgs.msg import Bool

from milo_robot.hearing.echo import EchoGate
from milo_robot.hearing.engines import make_vad
from milo_robot.hearing.pipeline import SpeechDetector
from milo_robot.hearing.segmenter import SegmenterSettings
from milo_robot.hearing.turn_choice import DEFAULT_MODEL, MAX_CALL_MS, THRESHOLD, TurnModelChoice, choose
from milo_robot.hearing.turn_end import Judge, TurnEnd
from milo_robot.interfaces import diagnostics as d
from milo_robot.interfaces.audio import AudioFrame
from milo_robot.interfaces.payloads import VadEvent
from milo_robot.interfaces.topics import AUDIO_FRAMES, SPEAKER_AUDIO, TTS_SPEAKING, VAD_EVENTS, VAD_SPEECH
from milo_robot.models import ModelError
from milo_robot.nodes.base import MiloNode, run
from milo_robot.parameters import ParameterError, ParamSpec

PARAMETERS = (
    ParamSpec('engine', 'silero', 'Voice activity detector: silero (ONNX model) or webrtc',
              choices=('silero', 'webrtc')),
    ParamSpec('model', '', 'silero: catalogue name or file under models/ ("" = silero-vad)'),
    ParamSpec('webrtc_aggressiveness', 2, 'webrtc: 0 (lenient) to 3 (strict)', min=0, max=3),
    ParamSpec('threshold', 0.5, 'Speech probability that starts speech', min=0.05, max=0.99),
    ParamSpec('release', 0.35, 'Probability under which a frame counts as silence', min=0.01,
              max=0.99),
    ParamSpec('min_speech_ms', 250, 'Shorter bursts are not speech (ms)', min=32, max=2000),
    ParamSpec('hangover_ms', 300, 'Silence that ends a segment (ms); the dialogue waits longer '
              'when the words so far cannot end a sentence', min=64, max=3000),
    ParamSpec('pause_ms', 120, 'Quiet after which the words so far are peeked at: maybe the whole turn '
              '(ms)', min=32, max=3000),
    ParamSpec('pause_release', 0.8, 'Probability under which a frame is quiet enough for a pause '
              '(a peek only: the segment ends on release)', min=0.01, max=0.99),
    ParamSpec('pre_roll_ms', 300, 'Audio kept before the detected start (ms)', min=0, max=1000),
    ParamSpec('max_segment_s', 30.0, 'Longer segments are split (s)', min=2.0, max=30.0),
    ParamSpec('speaking_threshold', 0.8, 'Threshold while Milo speaks, on the audio left after '
              'removing its own voice: only a confident voice over Milo is a barge-in',
              min=0.05, max=0.99),
    ParamSpec('barge_in_ms', 96, 'Confident voice over Milo that stops it at once (ms), before '
              'the segment start', min=32, max=2000),
    ParamSpec('turn_model', DEFAULT_MODEL, 'Turn-end model that ends a short segment as soon as '
              'the speaker has finished, where a call is cheap enough (turn_max_call_ms) '
              '(catalogue name: smart-turn; "" = the fixed hangover only)'),
    ParamSpec('turn_max_call_ms', MAX_CALL_MS, 'The turn-end model is used only where one call, '
              'timed once on this board and remembered, takes at most this (ms); slower, the '
              'hangover alone (0: always used, not timed)', min=0.0, max=5000.0),
    ParamSpec('turn_threshold', THRESHOLD, 'Turn-end probability from which a turn counts as finished',
              min=0.05, max=0.99),
    ParamSpec('turn_hold_ms', 1000, 'Silence that ends a segment the turn-end model judged '
              'unfinished (ms)', min=100, max=5000),
    ParamSpec('turn_wait_ms', 500, 'Silence a segment waits for the turn-end model\'s first '
              'verdict, past the hangover (ms; less than hangover_ms: the hangover ends it, and the '
              'model acts only where a call costs less than the hangover)', min=0, max=5000),
    ParamSpec('echo_max_delay_ms', 300, 'Longest delay of Milo\'s voice from speaker to '
              'microphone that the echo gate searches (ms)', min=10, max=1000),
)


class VadNode(MiloNode):
    """Publish /vad/events and /vad/speech from the audio frames."""

    PARAMETERS = PARAMETERS

    def __init__(self, **options):
        """Load the detector (a missing model is a configuration error) and subscribe."""
        super().__init__('vad', **options)
        p = self.params
        if p.release > p.threshold:
            raise ParameterError(f"parameter 'release' ({p.release}) must not exceed "
                                 f"'threshold' ({p.threshold})")
        if p.pause_release < p.release:
            raise ParameterError(f"parameter 'pause_release' ({p.pause_release}) must not be under "
                                 f"'release' ({p.release}): a pause comes before the end")
        try:
            vad = make_vad(p.engine, p.model, p.webrtc_aggressiveness)
        except (ModelError, ValueError) as exc:
            raise ParameterError(f'VAD model unusable: {exc}') from exc
        settings = SegmenterSettings(p.threshold, p.release, p.min_speech_ms / 1000,
                                     p.hangover_ms / 1000, p.pre_roll_ms / 1000, p.max_segment_s,
                                     p.pause_ms / 1000, p.pause_release)
        # The model only where a call is cheap enough on this board; else the hangover alone.
        model, why = choose(TurnModelChoice(p.turn_model, p.turn_max_call_ms))
        turn_end = None if model is None else TurnEnd(
            Judge(model, background=True), p.turn_threshold, p.turn_hold_ms / 1000,
            wait_s=p.turn_wait_ms / 1000)
        self.detector = SpeechDetector(vad, settings, p.speaking_threshold,
                                       EchoGate(p.echo_max_delay_ms / 1000), p.barge_in_ms / 1000,
                                       turn_end)
        self.health.set('model', p.engine)
        self.health.set(d.FRAMES_LOST, 0)
        self.health.set('turn_model', why)
        self._events = self.publisher(VAD_EVENTS)
        self._speech = self.publisher(VAD_SPEECH)
        self._speech.publish(Bool(data=False))
        self.subscribe(AUDIO_FRAMES, self._on_frame)
        self.subscribe(SPEAKER_AUDIO, self._on_played)
        self.subscribe(TTS_SPEAKING, self._on_speaking)

    def _on_speaking(self, msg: Bool) -> None:
        self.detector.milo_speaking = msg.data
        self.health.set(d.MILO_SPEAKING, msg.data)

    def _on_played(self, frame: AudioFrame) -> None:
        self.detector.echo.add_reference(frame.samples, frame.stamp)

    def _on_frame(self, frame: AudioFrame) -> None:
        self.health.activity()
        self.health.count(d.FRAMES)
        lost = self.detector.frames_lost
        for event, barge_in in self.detector.push(frame.samples, frame.index):
            self._publish(event, barge_in)
        if self.detector.frames_lost != lost:
            self.health.set(d.FRAMES_LOST, self.detector.frames_lost)
            self.health.error(f'{self.detector.frames_lost} audio frames lost so far: the missing '
                              'time counts as silence')

    def _publish(self, event, barge_in: bool) -> None:
        # Times stay exact sample indices (in seconds): the asr cuts the segment's audio by them.
        self._events.publish(VadEvent(event.kind, event.start, event.end, barge_in).to_msg())
        if event.kind == 'barge_in':
            self.health.count('barge_ins')
            self.get_logger().info('someone is talking over Milo (barge-in)')
            return
        if event.kind == 'pause':  # not the end yet: the hangover (or the turn-end model) decides
            self.health.count('pauses')
            return
        turn = self.detector.turn_end
        if event.kind == 'end' and turn is not None:
            self.health.set('turn_judgements', turn.judge.calls)
            self.health.set('turn_ended_early', turn.ended_early)
            if turn.judge.calls:
                self.health.set('turn_ms_per_call', round(1000 * turn.judge.compute_s / turn.judge.calls))
        self._speech.publish(Bool(data=event.kind == 'start'))
        self.health.count('segments' if event.kind == 'end' else 'starts')

    def summary(self) -> str:
        """Say whether speech is going on."""
        return 'speech' if self.detector.segmenter.in_speech else 'listening'


NODE = VadNode  # what milo_robot.graph starts, alone or in a group


def main(args=None):
    """Run the VAD node."""
    raise SystemExit(run(VadNode, args))


if __name__ == '__main__':
    main()
