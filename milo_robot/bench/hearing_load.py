# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Hearing under load: nothing heard is lost when the robot is busy.

The demo class session (data/demo/session.yaml: a lecture with questions Milo answers) runs
through the whole sim graph at real time twice, in one benchmark run: once as it is, and once
with two extra busy-loop processes taking the CPU, as the model, the camera and the app do on the
robot. In both runs the model answers the class's questions meanwhile. The figures compare the
two runs:

- `frames_lost_under_load`: audio frames the microphone, the audio monitor, the VAD and the asr
  report lost (`frames_lost` on /diagnostics) in the loaded run, and the frames of segments the
  asr let go before their turn (`dropped_frames`). Must be 0.
- `segments_lost_under_load`: spoken turns the quiet run's record holds and the loaded run's
  does not (recorded segments cover less than half of the turn's speech). Must be 0.
- `wer_under_load_ratio`: the word error rate of the whole recorded transcript against the
  session's script, loaded over quiet. Lost or cut audio raises it; must stay at most 1.05.

Each run ends once the asr has transcribed everything the VAD found (up to `DRAIN_S` after the
input). A quiet run that misses much of the class (word error rate over `MAX_QUIET_WER`) means
the machine itself cannot keep up in real time: the benchmark says so and records nothing.
"""

import os
import subprocess
import sys
import threading

from milo_robot.bench.results import result
from milo_robot.bench.soak_measures import Heard, lost_segments
from milo_robot.bench.wer import word_errors
from milo_robot.graph import data_root
from milo_robot.interfaces import diagnostics as d
from milo_robot.record.lecture_record import LectureRecord
from milo_robot.session.runner import load_timeline, run_session
from milo_robot.watchdog import DiagnosticsListener, Liveness

COMMAND = 'milo bench --only hearing'
BUSY_PROCESSES = 2
MIN_SPEECH_S = 0.25  # vad.min_speech_ms: shorter speech is no segment, by design
HEARING = ('microphone', 'audio_monitor', 'vad', 'asr')
DRAIN_S = 600.0  # after the input, the longest wait for the asr to transcribe what it holds
MAX_QUIET_WER = 0.3  # Whisper base on the demo's Piper voice: about 0.05 when it keeps up


class FramesLost:
    """The most frames each hearing node said it lost, from /diagnostics."""

    def __init__(self):
        """Start listening."""
        self.lost = {node: 0 for node in HEARING}
        self.lost['asr dropped'] = 0
        self._lock = threading.Lock()
        self._listener = DiagnosticsListener(Liveness(), self._take, 'milo_bench_hearing')

    def _take(self, status: d.NodeStatus) -> None:
        if status.node in HEARING:
            with self._lock:
                self.lost[status.node] = max(self.lost[status.node], int(status.number(d.FRAMES_LOST)))
                if status.node == 'asr':
                    self.lost['asr dropped'] = max(self.lost['asr dropped'],
                                                   int(status.number(d.DROPPED_FRAMES)))

    def close(self) -> dict:
        """Stop listening; return {node: frames lost}."""
        self._listener.close()
        return dict(self.lost)


def demo_wav() -> str:
    """Return the demo session's WAV (made by set-up; synthesised here if missing)."""
    root = data_root()
    wav = os.path.join(root, 'build', 'demo', 'session.wav')
    if not os.path.exists(os.path.splitext(wav)[0] + '.json'):
        subprocess.run([sys.executable, os.path.join(root, 'scripts', 'make_demo_audio.py'),
                        os.path.join(root, 'data', 'demo', 'session.yaml'), wav], check=True)
    return wav


def run_class(name: str, busy: int) -> dict:
    """Run the demo session at real time with `busy` extra busy loops; return what was heard."""
    wav = demo_wav()
    timeline = load_timeline(wav)
    out_dir = os.path.join(data_root(), 'build', 'bench', f'hearing_{name}')
    print(f'    {name}: the {timeline["duration_s"]:.0f} s class at real time, {busy} busy processes',
          flush=True)
    frames = FramesLost()
    hogs = [subprocess.Popen([sys.executable, '-c', 'while True: pass']) for _ in range(busy)]
    try:
        status, observer = run_session(wav, out_dir, ['microphone.realtime_factor=1.0'],
                                       after=lambda: False, after_s=DRAIN_S)
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
        lost = frames.close()
    if status != 0:
        raise RuntimeError(f'the graph exited with status {status}: see {out_dir}/nodes.log')
    t0 = observer.observation.audio_t0
    with LectureRecord(os.path.join(out_dir, 'milo.db'), read_only=True) as record:
        heard = [Heard(s.wall_start - t0, s.wall_end - t0, s.text) for s in record.segments()
                 if s.wall_start is not None]
    turns = timeline['turns']
    missing, _ = lost_segments(turns, heard, [], MIN_SPEECH_S)
    errors, count = word_errors(' '.join(turn['text'] for turn in turns),
                                ' '.join(h.text for h in sorted(heard, key=lambda h: h.start_s)))
    return {'frames_lost': lost, 'missing': {turn['index'] for turn in missing},
            'wer': errors / max(count, 1), 'segments': len(heard), 'turns': len(turns)}


def hearing_under_load() -> dict:
    """Frames and segments lost, and word errors, with two busy processes beside the class."""
    quiet = run_class('quiet', 0)
    if quiet['wer'] > MAX_QUIET_WER:
        raise RuntimeError(f'the quiet run already missed much of the class (WER {quiet["wer"]:.2f}): '
                           'this machine cannot run it in real time now; nothing recorded')
    loaded = run_class('loaded', BUSY_PROCESSES)
    frames_lost = sum(loaded['frames_lost'].values())
    segments_lost = len(loaded['missing'] - quiet['missing'])
    ratio = loaded['wer'] / quiet['wer'] if quiet['wer'] else (1.0 if not loaded['wer'] else float('inf'))
    setup = (f'the demo class ({quiet["turns"]} turns) at real time through the sim graph, the model '
             f'answering its questions, with {BUSY_PROCESSES} extra busy-loop processes against none')
    print(f'    quiet: {quiet["segments"]} segments, WER {quiet["wer"]:.3f}, frames lost '
          f'{quiet["frames_lost"]}; loaded: {loaded["segments"]} segments, WER {loaded["wer"]:.3f}, '
          f'frames lost {loaded["frames_lost"]}', flush=True)
    return {
        'frames_lost_under_load': result([frames_lost], 'frames', COMMAND, setup + '; frames_lost '
                                         'of microphone, audio_monitor, vad and asr, and the asr\'s '
                                         'dropped_frames, summed: ' +
                                         ', '.join(f'{n} {v}' for n, v in loaded['frames_lost'].items())),
        'segments_lost_under_load': result([segments_lost], 'turns', COMMAND, setup + '; turns the '
                                           f'quiet record holds and the loaded one does not (quiet: '
                                           f'{len(quiet["missing"])} turns not found, loaded: '
                                           f'{len(loaded["missing"])})'),
        'wer_under_load_ratio': result([ratio], 'ratio', COMMAND, setup + f'; WER of the whole '
                                       f'transcript, loaded {loaded["wer"]:.3f} / quiet {quiet["wer"]:.3f}'),
    }


BENCHMARKS = (hearing_under_load,)
