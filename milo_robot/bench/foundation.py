# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Benchmarks of the foundation: audio conversion cost, frame transport latency, graph memory."""

import contextlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

import numpy as np

from milo_robot.audio.capture import FrameAssembler
from milo_robot.audio.wav_speaker import WavSpeaker
from milo_robot.bench.results import result

COMMAND = 'make bench'


def _tone(seconds: float, rate: int) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (8000 * np.sin(2 * np.pi * 440 * t)).astype(np.int16)


def _write_wav(path: str, samples: np.ndarray, rate: int) -> str:
    speaker = WavSpeaker(path, rate)  # the sim speaker writes a complete WAV file
    speaker.play(samples)
    speaker.close()
    return path


def resample_rtf() -> dict:
    """Real-time factor of turning 44.1 kHz capture into 16 kHz frames (compute / audio time)."""
    audio = _tone(60.0, 44100)
    runs = []
    for _ in range(5):
        assembler = FrameAssembler(44100, 1, 512)
        start = time.perf_counter()
        for i in range(0, len(audio), 1024):  # the chunk size the sound card delivers
            for _frame in assembler.feed(audio[i:i + 1024]):
                pass
        runs.append((time.perf_counter() - start) / 60.0)
    return {'resample_rtf_44k1_to_16k': result(runs, '', COMMAND, '60 s of audio, 1024-sample chunks')}


def _start(argv: list, output=subprocess.DEVNULL) -> subprocess.Popen:
    return subprocess.Popen(argv, stdout=output, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def frame_latency() -> dict:
    """Latency from a frame's last sample being captured to its arrival in another process."""
    import rclpy
    from rclpy.time import Time

    from milo_robot.interfaces.topics import AUDIO_FRAMES

    with tempfile.TemporaryDirectory() as tmp:
        wav = _write_wav(os.path.join(tmp, 'tone.wav'), _tone(10.0, 16000), 16000)
        rclpy.init()
        node = rclpy.create_node('milo_bench_latency')
        latencies = []

        def arrived(msg):
            captured = Time.from_msg(msg.header.stamp).nanoseconds + msg.width * 62_500  # 1/16 kHz
            latencies.append((node.get_clock().now().nanoseconds - captured) / 1e6)

        AUDIO_FRAMES.subscription(node, arrived)
        mic = _start([sys.executable, '-m', 'milo_robot.nodes.microphone_node', '--ros-args',
                      '-p', 'backend:=wav', '-p', f'wav_file:={wav}', '-p', 'exit_at_end:=true',
                      '-p', 'wait_for_subscribers:=1'])
        try:
            while mic.poll() is None:
                rclpy.spin_once(node, timeout_sec=0.1)
        finally:
            _stop(mic)
            node.destroy_node()
            rclpy.shutdown()
    note = f'{len(latencies)} frames of 32 ms, microphone node (wav, real time) to a subscriber'
    return {'audio_frame_latency_p50_ms': result(latencies, 'ms', COMMAND, note),
            'audio_frame_latency_p95_ms': result(latencies, 'ms', COMMAND, note, percentile=95)}


def _rss_mb(pid: int) -> float:
    with open(f'/proc/{pid}/status') as f:
        kb = next(int(line.split()[1]) for line in f if line.startswith('VmRSS:'))
    return kb / 1024


def graph_rss() -> dict:
    """Resident memory of all the graph's nodes, summed, while `milo up --sim` runs."""
    with tempfile.TemporaryDirectory() as tmp:
        wav = _write_wav(os.path.join(tmp, 'tone.wav'), _tone(2.0, 16000), 16000)
        up = _start([sys.executable, '-m', 'milo_robot.cli.main', 'up', '--sim', '--input', wav,
                     '--set', 'microphone.loop=true',
                     '--set', f"audio_monitor.output_wav={os.path.join(tmp, 'heard.wav')}"],
                    output=subprocess.PIPE)
        lines = []
        try:
            for line in up.stdout:
                lines.append(line)
                if 'capturing from' in line:
                    break
            pids = [int(p) for p in re.findall(r'started \S+ \(pid (\d+)\)', ''.join(lines))]
            samples = []
            for _ in range(5):
                time.sleep(1.0)
                samples.append(sum(_rss_mb(p) for p in pids))
        finally:
            _stop(up)
    return {'graph_rss_mb': result(samples, 'MB', COMMAND,
                                   f'{len(pids)} nodes of `milo up --sim`, sampled each second')}


BENCHMARKS = (resample_rtf, frame_latency, graph_rss)
