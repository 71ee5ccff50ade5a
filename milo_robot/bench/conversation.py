# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""End-to-end conversation figures: voice to voice latency, its stages, barge-in, total memory.

The whole graph runs in sim mode on data/bench/conversation.yaml: a short lecture, question time,
twelve questions, then five answers interrupted by a student. Latencies are measured on the audio
timelines (see milo_robot.session.judge).
"""

import os
import statistics
import subprocess
import sys
import threading
import time

import yaml

from milo_robot.bench.results import result
from milo_robot.graph import data_root
from milo_robot.interfaces import topics as t
from milo_robot.session.judge import barge_in_stops, judge
from milo_robot.session.runner import load_timeline, run_session

COMMAND = 'milo bench --only conversation'
SESSION = 'data/bench/conversation.yaml'
STAGES = ('vad_end_of_turn_s', 'asr_final_s', 'model_first_sentence_s', 'tts_first_audio_s',
          'transport_and_orchestration_s')


def _memory_kb(pid: int) -> tuple:
    """Return (RSS, PSS) of a process in kB; PSS shares each shared page among its users."""
    values = {}
    with open(f'/proc/{pid}/smaps_rollup') as f:
        for line in f:
            key, _, rest = line.partition(':')
            if key in ('Rss', 'Pss'):
                values[key] = int(rest.split()[0])
    return values.get('Rss', 0), values.get('Pss', 0)


def _tree(root_pids: list) -> list:
    """Return the processes and all their descendants (the simulator too)."""
    children = {}
    for entry in filter(str.isdigit, os.listdir('/proc')):
        try:
            with open(f'/proc/{entry}/stat') as f:
                ppid = int(f.read().rsplit(')', 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], list(root_pids)
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def _tree_memory_mb(root_pids: list) -> tuple:
    """Return (RSS sum, PSS sum) in MB of processes and all their descendants (the simulator too)."""
    rss = pss = 0
    for pid in _tree(root_pids):
        try:
            r, p = _memory_kb(pid)
        except OSError:
            continue
        rss, pss = rss + r, pss + p
    return rss / 1024, pss / 1024


def tree_cpu_s(root_pids: list) -> float:
    """Return the CPU seconds (user + system) used so far by processes and their descendants.

    A descendant that has exited takes its time out of the tree; the process that reaped it counts
    that time as its children's (cutime, cstime), so those count too: otherwise a window in which
    a short-lived helper process (a phonemiser, a compiler) ends would show the CPU going back.
    """
    ticks = 0
    for pid in _tree(root_pids):
        try:
            with open(f'/proc/{pid}/stat') as f:
                fields = f.read().rsplit(')', 1)[1].split()
            ticks += sum(int(v) for v in fields[11:15])  # utime, stime, cutime, cstime
        except (OSError, ValueError, IndexError):
            continue
    return ticks / os.sysconf('SC_CLK_TCK')


class MemoryWatch:
    """Sum the nodes' memory every second; keep the peaks, and which process held what at the peak."""

    def __init__(self):
        """Nothing measured yet."""
        self.peak_rss = self.peak_pss = 0.0
        self.samples = []  # (rss, pss) each second
        self.at_peak = {}  # process (node or group) -> its PSS in MB when the PSS sum peaked
        self.highest = {}  # process -> its own highest PSS in MB, whenever it came
        self._stop = threading.Event()

    def start(self, children) -> None:
        """Watch the supervisor's children (and theirs) from a thread."""
        def watch():
            while not self._stop.wait(1.0):
                alive = [c for c in children if c.process and c.process.poll() is None]
                if len(alive) == len(children):
                    each = {c.name: _tree_memory_mb([c.process.pid]) for c in alive}
                    rss, pss = (sum(m[i] for m in each.values()) for i in (0, 1))
                    if pss > self.peak_pss:
                        self.at_peak = {name: round(m[1]) for name, m in each.items()}
                    for name, m in each.items():
                        self.highest[name] = max(self.highest.get(name, 0.0), m[1])
                    self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
                    self.samples.append((rss, pss))
        threading.Thread(target=watch, daemon=True).start()

    def breakdown(self) -> str:
        """Return the PSS of each process at the peak, largest first: 'brain 420, asr 300, ...'."""
        return ', '.join(f'{name} {mb}' for name, mb in sorted(self.at_peak.items(), key=lambda i: -i[1]))

    def stop(self) -> None:
        """Stop watching."""
        self._stop.set()


def lecture_only_wav() -> str:
    """Synthesise the demo session's lecture alone (once; kept in build/bench)."""
    root = data_root()
    with open(os.path.join(root, 'data', 'demo', 'session.yaml'), encoding='utf-8') as f:
        session = yaml.safe_load(f)
    session['turns'] = [turn for turn in session['turns']
                        if 'teacher' in turn and 'milo' not in turn['teacher'].lower()]
    session.pop('summary_facts', None)
    folder = os.path.join(root, 'build', 'bench')
    os.makedirs(folder, exist_ok=True)
    spec, wav = os.path.join(folder, 'listening.yaml'), os.path.join(folder, 'listening.wav')
    text = yaml.safe_dump(session, allow_unicode=True)
    if not os.path.exists(wav) or not os.path.exists(spec) or open(spec, encoding='utf-8').read() != text:
        with open(spec, 'w', encoding='utf-8') as f:
            f.write(text)
        subprocess.run([sys.executable, os.path.join(root, 'scripts', 'make_demo_audio.py'), spec, wav],
                       check=True)
    return wav


def session_wav() -> str:
    """Synthesise the benchmark session (once; kept in build/bench)."""
    root = data_root()
    wav = os.path.join(root, 'build', 'bench', 'conversation.wav')
    timeline = os.path.splitext(wav)[0] + '.json'
    if not os.path.exists(timeline) or \
            os.path.getmtime(timeline) < os.path.getmtime(os.path.join(root, SESSION)):
        subprocess.run([sys.executable, os.path.join(root, 'scripts', 'make_demo_audio.py'),
                        os.path.join(root, SESSION), wav], check=True)
    return wav


def run_conversation(name: str, sets=(), on_start=None) -> tuple:
    """Run the benchmark session through the graph; return (timeline, observer, answered turns)."""
    wav = session_wav()
    timeline = load_timeline(wav)
    out_dir = os.path.join(data_root(), 'build', 'bench', name)
    status, observer = run_session(wav, out_dir, sets, on_start=on_start)
    if status != 0:
        raise RuntimeError(f'the graph exited with status {status}: see {out_dir}/nodes.log')
    answered = [r for r in judge(observer.observation, timeline)
                if r.case == 'qa' and r.latency_s is not None]
    if len(answered) < 10:
        raise RuntimeError(f'only {len(answered)} of the questions were answered: see {out_dir}')
    return timeline, observer, answered


def conversation() -> dict:
    """Voice-to-voice latency over 12 questions, its stages, barge-in stops, memory of all nodes."""
    memory = MemoryWatch()
    timeline, observer, answered = run_conversation('conversation_run', on_start=memory.start)
    memory.stop()
    latencies = [r.latency_s for r in answered]
    note = f'{len(answered)} questions in qa mode, default models (whisper-base, Qwen2.5-0.5B, Piper)'
    out = {'v2v_latency_p50_s': result(latencies, 's', COMMAND, note),
           'v2v_latency_p95_s': result(latencies, 's', COMMAND, note, percentile=95)}
    first_sounds = [r.reply.first_sound - (observer.observation.audio_t0 + r_end)
                    for r, r_end in ((r, timeline['turns'][r.index]['speech_end_s']) for r in answered)
                    if r.reply and r.reply.first_sound is not None]
    out['v2v_first_sound_p50_s'] = result(first_sounds, 's', COMMAND, 'end of the question to '
                                          "Milo's first sound: the acknowledgement or the answer")
    asked = [payload for _, payload in observer.observation.of(t.BRAIN_QUESTION.name)]
    speculative = {q.request_id for q in asked if q.speculative}
    spoken = {p.request_id for _, p in observer.observation.of(t.TTS_STARTED.name)}
    out['speculation_wasted_ratio'] = result(
        [len(speculative - spoken) / max(len(speculative), 1)], 'ratio', COMMAND,
        f'{len(speculative)} questions asked on a pause; the share cancelled before a word was said')
    for stage in STAGES:
        values = [r.stages[stage] for r in answered if r.stages.get(stage) is not None]
        if values:
            out[f'v2v_stage_{stage[:-2]}_p50_s'] = result(values, 's', COMMAND, 'median over the questions')
    ratios = [r.stages['transport_and_orchestration_s'] / r.stages['total_s'] for r in answered
              if r.stages.get('transport_and_orchestration_s') is not None]
    if ratios:
        out['orchestration_overhead_ratio'] = result(
            ratios, 'ratio', COMMAND, '(total - VAD end of turn - ASR - model first sentence - TTS '
            'first audio) / total, per question; median')
    stops = barge_in_stops(observer.observation, timeline)
    if stops:
        out['barge_in_stop_p50_ms'] = result(stops, 'ms', COMMAND, 'the student\'s voice and Milo\'s '
                                             'overlapping → Milo silent after the sentence cut short '
                                             '(paced speaker)')
    out['total_rss_mb'] = result([memory.peak_rss], 'MB', COMMAND, 'peak sum of RSS over all nodes '
                                 'and the firmware simulator, sampled each second; shared library '
                                 'pages count once per process')
    out['total_pss_mb'] = result([memory.peak_pss], 'MB', COMMAND, 'the same as PSS: each shared page '
                                 'divided among the processes using it (what the board really spends); '
                                 f'at the peak, MB by process: {memory.breakdown()}')
    # The tts's own peak: at the peak of the sum another process may be at its highest instead.
    out['tts_pss_peak_mb'] = result([memory.highest.get('tts', 0.0)], 'MB', COMMAND, 'highest PSS '
                                    'of the tts process alone (Piper, Kokoro, espeak-ng), sampled '
                                    'each second')
    print(f'    (PSS at the peak, MB: {memory.breakdown()})')
    print(f'    (stage medians: {stage_medians(answered)})')
    return out


def stage_medians(answered: list) -> str:
    """Return each stage's median over the answered turns, in seconds: 'vad_end_of_turn_s=0.281, ...'."""
    return ', '.join(
        f'{k}={statistics.median([r.stages[k] for r in answered if r.stages.get(k) is not None]):.3f}'
        for k in STAGES if any(r.stages.get(k) is not None for r in answered))



def grouping() -> dict:
    """Memory of the whole graph at rest: light nodes sharing one process, against one each.

    Each layout runs for 90 s on a looped quiet input (models loaded, nothing said); the sums of
    PSS and RSS over every process, sampled each second over the last 30 s (at rest, after the
    models loaded and the prompt was computed), give the median. Measured in one run, so the
    two compare.
    """
    from milo_robot.graph import parameter_specs, plan, record_overrides
    from milo_robot.supervisor import supervise

    out_dir = os.path.join(data_root(), 'build', 'bench', 'grouping')
    os.makedirs(out_dir, exist_ok=True)
    wav = os.path.join(out_dir, 'quiet.wav')
    subprocess.run([sys.executable, '-c', 'import numpy, sys; from milo_robot.audio.wav_speaker import '
                    'WavSpeaker as W; w = W(sys.argv[1], 16000); w.play(numpy.zeros(16000, "int16")); '
                    'w.close()', wav], check=True)
    peaks = {}
    for grouped in (True, False):
        sets = ['microphone.loop=true', *record_overrides(f'{out_dir}/milo.db', parameter_specs()),
                f'tts.output_wav={out_dir}/speech.wav', f'audio_monitor.output_wav={out_dir}/heard.wav',
                f'body.latch_file={out_dir}/estop.latch']
        launches, errors = plan(True, (), sets, wav, grouped=grouped)
        if errors:
            raise RuntimeError('; '.join(errors))
        memory = MemoryWatch()
        with open(os.path.join(out_dir, f'nodes-{"grouped" if grouped else "separate"}.log'), 'w') as log:
            supervisor = supervise(launches, out=log)
            memory.start(supervisor.children)
            threading.Timer(90.0, supervisor.request_stop).start()
            supervisor.run()
        memory.stop()
        peaks[grouped] = memory
    note = 'at rest in sim mode (models loaded); sum over all processes, last 30 s'

    def last(grouped, column):
        return [sample[column] for sample in peaks[grouped].samples[-30:]]
    return {
        'total_pss_grouped_mb': result(last(True, 1), 'MB', COMMAND, note + '; light nodes in one '
                                       'process (the default)'),
        'total_pss_separate_mb': result(last(False, 1), 'MB', COMMAND, note + '; one process per '
                                        'node (milo up --separate)'),
        'total_rss_grouped_mb': result(last(True, 0), 'MB', COMMAND, note),
        'total_rss_separate_mb': result(last(False, 0), 'MB', COMMAND, note),
    }


def listening() -> dict:
    """Measure the CPU the graph leaves free while Milo listens to a lecture (5 minutes).

    The whole graph in sim mode on the teacher's part of the demo session (every sentence that
    does not call Milo), looped for 5 minutes in real time, camera on. The graph's own CPU time
    (all its processes, from /proc) in 10 s windows, over the CPU the machine has: what other
    programs on the machine do is not counted against Milo.
    """
    out_dir = os.path.join(data_root(), 'build', 'bench', 'listening')
    wav = lecture_only_wav()
    shares, stop = [], threading.Event()

    def watch(children):
        def run():
            cores = os.cpu_count() or 1
            last = None
            while not stop.wait(10.0):
                pids = [c.process.pid for c in children if c.process and c.process.poll() is None]
                now = (time.monotonic(), tree_cpu_s(pids))
                if last is not None:
                    shares.append(1.0 - (now[1] - last[1]) / ((now[0] - last[0]) * cores))
                last = now
        threading.Thread(target=run, daemon=True).start()
    run_session(wav, out_dir, ['microphone.loop=true', 'dialogue.mode=lecture'], on_start=watch,
                stop_after_s=300.0)
    stop.set()
    kept = shares[3:]  # after the models loaded
    return {'cpu_idle_share_listening': result(kept, 'ratio', COMMAND, 'share of the machine\'s CPU '
                                               'the graph leaves free, 10 s windows over 5 min of '
                                               'lecture, camera on')}



DEMO_RUNS = 5  # `make demo` must pass every time, not once in a while


def demo_repeat() -> dict:
    """Run `milo demo` several times (MILO_DEMO_RUNS, default 5); record the share of runs that pass.

    Each run is the whole demo as `make demo` runs it: the graph in sim mode on the class session,
    every case judged on what Milo said, then the summary and the notes pack.
    """
    runs = int(os.environ.get('MILO_DEMO_RUNS', DEMO_RUNS))
    passed, seconds, failures = 0, [], []
    for n in range(runs):
        started = time.monotonic()
        proc = subprocess.run([sys.executable, '-m', 'milo_robot.cli.main', 'demo', '--out',
                               os.path.join('build', 'bench', 'demo_repeat', str(n))],
                              cwd=data_root(), capture_output=True, text=True)
        seconds.append(time.monotonic() - started)
        failed = [line.split(']', 1)[1].split()[0] for line in proc.stdout.splitlines()
                  if line.strip().startswith('[FAIL]')]
        passed += proc.returncode == 0
        failures += failed or ([] if proc.returncode == 0 else [f'exit {proc.returncode}'])
        verdict = 'passed' if proc.returncode == 0 else 'FAILED ' + ', '.join(failed)
        print(f'    demo run {n + 1}/{runs}: {verdict}', flush=True)
    note = f'{passed} of {runs} runs of `milo demo` passed every case' + \
        (f"; failed: {', '.join(sorted(set(failures)))}" if failures else '')
    command = 'milo bench --only demo_repeat'
    return {'demo_repeat_pass_ratio': result([passed / max(runs, 1)], '', command, note),
            'demo_repeat_run_s': result(seconds, 's', command, note)}


BENCHMARKS = (conversation, grouping, listening, demo_repeat)
