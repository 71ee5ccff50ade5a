# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Audio monitor node: listens to /audio/frames, publishes the level, and can echo what it hears.

It is the graph's first listener: it shows that the microphone is alive (level, frame count,
dropped frames), and in sim mode writes what it heard to a WAV file through the sim speaker.
"""

from std_msgs.msg import Float32

from milo_robot.audio.format import SAMPLE_RATE, level_dbfs
from milo_robot.audio.pyaudio_devices import PyAudioSpeaker
from milo_robot.audio.reopening_speaker import ReopeningSpeaker, file_opener
from milo_robot.audio.timeline import Continuity
from milo_robot.audio.wav_speaker import WavSpeaker
from milo_robot.devices import DevicePolicy
from milo_robot.graph import resolve_path
from milo_robot.interfaces import diagnostics as d
from milo_robot.interfaces import topics as t
from milo_robot.nodes.base import MiloNode, run
from milo_robot.parameters import ParamSpec

PARAMETERS = (
    ParamSpec('level_rate_hz', 10.0, 'Rate of /audio/level messages (Hz)', min=1.0, max=50.0),
    ParamSpec('log_period_s', 5.0, 'Log a level line this often (s); 0 = never', min=0.0, max=3600.0,
              live=True),
    ParamSpec('playback', 'none', 'Echo what the microphone hears: none, on a sound card (pyaudio) '
              'or into a WAV file (wav)', choices=('none', 'pyaudio', 'wav')),
    ParamSpec('output_device', '', 'pyaudio playback: output device, "" for the default, an index '
              'or part of its name'),
    ParamSpec('output_wav', 'build/monitor.wav', 'wav playback: the file written; a relative path '
              'is relative to the repository'),
)


class AudioMonitorNode(MiloNode):
    """Check every frame, publish its level, count dropped frames, optionally play it."""

    PARAMETERS = PARAMETERS

    def __init__(self, **options):
        """Open the playback device and subscribe to the audio frames."""
        super().__init__('audio_monitor', **options)
        self._wav_opened = []  # the sim echo files opened, for the closing line
        self._speaker = self._open_speaker()
        self._level_pub = self.publisher(t.AUDIO_LEVEL)
        self._window = []  # levels since the last /audio/level message
        self._heard_s = 0.0
        self._last_level = None
        self._bad_frames = 0
        self._continuity = Continuity()  # frames lost on the way, by their sample indices
        self.health.set(d.FRAMES_LOST, 0)
        self.subscribe(t.AUDIO_FRAMES, self._on_frame)
        self.create_timer(1.0 / self.params.level_rate_hz, self._publish_level)
        self._log_timer = None
        self.on_parameter_changed('log_period_s', self.params.log_period_s)

    def _open_speaker(self):
        """Return the echo output, if any, under the device-failure policy (reopened after a failure)."""
        p = self.params
        if p.playback == 'none':
            return None
        policy = DevicePolicy('playback device', self.health, self.get_logger().error)
        if p.playback == 'wav':
            path = resolve_path(p.output_wav)
            opener = file_opener(lambda append: WavSpeaker(path, SAMPLE_RATE, append))
            self._wav_opened = opener.opened
            return ReopeningSpeaker(opener, SAMPLE_RATE, False, policy)
        return ReopeningSpeaker(lambda: PyAudioSpeaker(p.output_device, SAMPLE_RATE), SAMPLE_RATE,
                                True, policy)

    def reject(self, where: str, problem: str) -> None:
        """Count a bad frame as well as reporting it."""
        super().reject(where, problem)
        self._bad_frames += 1
        self.health.set('bad_frames', self._bad_frames)

    def _on_frame(self, frame) -> None:
        samples = frame.samples
        if self._continuity.arrive(frame.index, len(samples)).gap:
            self.health.set('gaps', self._continuity.gaps)
            self.health.set(d.FRAMES_LOST, self._continuity.frames_lost)
        self._window.append(level_dbfs(samples))
        self._heard_s += len(samples) / SAMPLE_RATE
        self.health.count(d.FRAMES)
        self.health.activity()
        if self._speaker is not None:
            try:
                self._speaker.play(samples)
            except OSError:  # reported by the device policy; listening goes on
                pass

    def _publish_level(self) -> None:
        if self._window:
            self._last_level = max(self._window)
            self._level_pub.publish(Float32(data=self._last_level))
            self._window = []

    def _log_level(self) -> None:
        level = self._last_level
        text = 'no audio yet' if level is None else f'level {level:6.1f} dBFS'
        self.get_logger().info(f'{text}, heard {self._heard_s:.1f} s, {self._bad_frames} bad frames')

    def on_parameter_changed(self, name: str, value) -> None:
        """Apply a new log period."""
        if name == 'log_period_s':
            if self._log_timer is not None:
                self.destroy_timer(self._log_timer)
                self._log_timer = None
            if value > 0:
                self._log_timer = self.create_timer(value, self._log_level)

    def summary(self) -> str:
        """Report how much audio was heard."""
        return f'heard {self._heard_s:.1f} s'

    def close(self) -> None:
        """Finish the playback file or release the sound card."""
        if self._speaker is not None:
            self._speaker.close()
            for wav in self._wav_opened[-1:]:
                print(f'wrote what was heard ({wav.seconds:.1f} s) to {wav.path}', flush=True)


NODE = AudioMonitorNode  # what milo_robot.graph starts, alone or in a group


def main(args=None):
    """Run the audio monitor node."""
    raise SystemExit(run(AudioMonitorNode, args))


if __name__ == '__main__':
    main()
