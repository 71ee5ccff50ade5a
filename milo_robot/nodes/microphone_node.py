# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Microphone node: captures from a sound card (or, in sim mode, a WAV file) onto /audio/frames."""

import threading

from rclpy.duration import Duration

from milo_robot.audio.format import SAMPLE_RATE, SUPPORTED_NATIVE_RATES, frame_samples
from milo_robot.audio.pyaudio_devices import DeviceError, PyAudioMicrophone
from milo_robot.audio.wav_microphone import WavMicrophone
from milo_robot.devices import DevicePolicy
from milo_robot.graph import resolve_path
from milo_robot.interfaces import diagnostics as d
from milo_robot.interfaces.audio import NS_PER_SAMPLE, frame_to_msg
from milo_robot.interfaces.diagnostics import node_statuses
from milo_robot.interfaces.topics import AUDIO_FRAMES, DIAGNOSTICS
from milo_robot.nodes.base import MiloNode, run
from milo_robot.parameters import ParamSpec, comma_list

MATCH_SETTLE_S = 0.5
ACKED_WAIT_S = 30.0  # at the end of a sim input, the longest wait for listeners to take every frame

PARAMETERS = (
    ParamSpec('backend', 'pyaudio', 'Capture from a sound card (pyaudio) or a WAV file (wav, sim mode)',
              choices=('pyaudio', 'wav')),
    ParamSpec('device', '', 'pyaudio: input device, "" for the default, an index or part of its name'),
    ParamSpec('native_rate', 16000, 'pyaudio: rate the card is opened at (Hz); frames are 16 kHz',
              choices=SUPPORTED_NATIVE_RATES),
    ParamSpec('channels', 1, 'pyaudio: channels captured, mixed down to mono', min=1, max=8),
    ParamSpec('frame_ms', 32, 'Duration of each published frame (ms)', min=20, max=32),
    ParamSpec('wav_file', '', 'wav: the file to play; a relative path is relative to the repository'),
    ParamSpec('realtime_factor', 1.0, 'wav: playback speed, 1.0 = real time, 0 = as fast as possible',
              min=0.0, max=100.0),
    ParamSpec('loop', False, 'wav: start again at the end of the file'),
    ParamSpec('tail_silence_s', 0.0, 'wav: silence played after the file (not when looping), '
              'so the last sentence ends before the input does', min=0.0, max=10.0),
    ParamSpec('exit_at_end', False, 'wav: exit with status 0 at the end of the file (ends a sim run)'),
    ParamSpec('wait_for_subscribers', 0, 'wav: hold playback until this many nodes subscribe, so a '
              'sim run loses none of the file while the graph starts', min=0, max=16),
    ParamSpec('wait_for_nodes', '', 'wav: hold playback until these nodes (comma-separated) report '
              'ready in their diagnostics, e.g. asr once its model is loaded'),
    ParamSpec('room_file', '', 'wav: a file where the class\'s start is noted, so that a respawned '
              'microphone goes on where the class is instead of playing the file from its start '
              '(sim runs with faults; "" = always from the start); relative to the repository'),
    ParamSpec('retry_s', 2.0, 'First wait before reopening a device that failed (s); it doubles while '
              'the device keeps failing, up to 10 s', min=0.1, max=60.0),
)


class MicrophoneNode(MiloNode):
    """Publish 16 kHz mono frames from the configured device; reopen it when it fails."""

    PARAMETERS = PARAMETERS

    def __init__(self, **options):
        """Start the capture thread (the executor never waits on the device)."""
        super().__init__('microphone', **options)
        self._publisher = self.publisher(AUDIO_FRAMES)
        self._stop = threading.Event()
        self._state = 'starting'
        self._seconds = 0.0
        self._ready_nodes = set()
        if self.params.wait_for_nodes:
            self.subscribe(DIAGNOSTICS, self._on_diagnostics)
        self._policy = DevicePolicy('microphone', self.health, self.get_logger().error,
                                    self.params.retry_s)
        self.health.set(d.OVERFLOWS, 0)
        self.health.set(d.FRAMES_LOST, 0)
        self._thread = threading.Thread(target=self._capture, name='capture', daemon=True)
        self._thread.start()

    def _open_device(self):
        p = self.params
        size = frame_samples(p.frame_ms)
        if p.backend == 'wav':
            return WavMicrophone(resolve_path(p.wav_file), size, p.realtime_factor, p.loop,
                                 p.tail_silence_s, room=resolve_path(p.room_file))
        return PyAudioMicrophone(p.device, p.native_rate, p.channels, size)

    def _capture(self) -> None:
        while not self._stop.is_set():
            try:
                device = self._open_device()
                self.get_logger().info(f'capturing from {device.describe()}')
                self.health.set('device', device.describe())
                if self.params.backend == 'wav':
                    self._wait_for_listeners()
                self._stream(device)
            except (DeviceError, OSError, ValueError) as exc:
                self._state = 'device error'
                self.health.count('reopen_attempts')
                self._stop.wait(self._policy.failed(exc))
                continue
            if not self._stop.is_set():
                self._end_of_input()
            return

    def _on_diagnostics(self, msg) -> None:
        self._ready_nodes.update(s.node for s in node_statuses(msg, self.get_namespace()) if s.ready)

    def _wait_for_listeners(self) -> None:
        wanted = self.params.wait_for_subscribers
        nodes = set(comma_list(self.params.wait_for_nodes))

        def waiting() -> bool:
            return self._publisher.get_subscription_count() < wanted or not nodes <= self._ready_nodes
        if waiting():
            self._state = f'waiting for {wanted} subscriber(s)' + (
                f" and for {', '.join(sorted(nodes))} to be ready" if nodes else '')
            self.get_logger().info(self._state)
        while waiting() and not self._stop.wait(0.05):
            pass
        if wanted:
            # Matching is not symmetric: the subscriber may match this publisher a moment after
            # this side saw it, and best-effort frames sent before that are lost.
            self._stop.wait(MATCH_SETTLE_S)

    def _stream(self, device) -> None:
        frames = device.frames()
        # The sample clock (interfaces/audio.py): each frame's stamp is its first sample's index,
        # counted from when this capture began. A sim microphone that joined its class late
        # numbers each frame where the first one would have: the clock goes on as if it had
        # never stopped. A sound card's overflow makes the index jump (device.skipped_samples).
        late_s = device.joined_at_s
        sent = round(late_s * SAMPLE_RATE)
        late_ns = round(late_s / (self.params.realtime_factor or 1.0) * 1e9)
        began_ns = self.get_clock().now().nanoseconds - late_ns
        origin = began_ns // NS_PER_SAMPLE
        overflows = 0
        for frame in frames:
            if self._stop.is_set():
                return
            self._policy.worked()
            self._state = 'capturing'
            self._publisher.publish(frame_to_msg(frame, origin + sent + device.skipped_samples, 'microphone'))
            sent += len(frame)
            self.health.count(d.FRAMES)
            self._seconds = sent / SAMPLE_RATE
            self.health.set('seconds', self._seconds)
            if device.overflows != overflows:
                overflows = device.overflows
                self._overflowed(device)
            self.health.activity()

    def _overflowed(self, device) -> None:
        """Report a sound card overflow: audio was lost, and the frames' clock jumped over it."""
        lost_s = device.skipped_samples / SAMPLE_RATE
        self.health.set(d.OVERFLOWS, device.overflows)
        self.health.set(d.FRAMES_LOST, round(device.skipped_samples / frame_samples(self.params.frame_ms)))
        self.health.error(f'sound card overflow: {lost_s:.2f} s of audio lost so far')
        self.get_logger().warning(f'sound card overflow ({device.overflows} so far, {lost_s:.2f} s of '
                                  'audio lost): the capture could not keep up', throttle_duration_sec=5.0)

    def _end_of_input(self) -> None:
        self._state = 'input ended'
        self.get_logger().info(f'end of input after {self._seconds:.1f} s of audio')
        if self.params.exit_at_end:
            # A listener that stalled has frames still to take from this publisher's history:
            # they would go with the process. Wait until every listener has them all.
            if not self._publisher.wait_for_all_acked(Duration(seconds=ACKED_WAIT_S)):
                self.get_logger().warning(f'a listener still misses frames after {ACKED_WAIT_S:g} s; '
                                          'exiting anyway')
            self.publish_diagnostics()
            self.finished.set_result(0)

    def summary(self) -> str:
        """Report the capture state."""
        return self._state

    def close(self) -> None:
        """Stop capturing and release the device."""
        self._stop.set()
        self._thread.join(timeout=5.0)


NODE = MicrophoneNode  # what milo_robot.graph starts, alone or in a group


def main(args=None):
    """Run the microphone node."""
    raise SystemExit(run(MicrophoneNode, args))


if __name__ == '__main__':
    main()
