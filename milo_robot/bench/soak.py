# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The soak benchmark: a 90-minute class through the whole graph in sim mode, with faults injected.

The session (data/bench/soak.yaml, milo_robot/bench/soak_session.py) runs through the sim graph as
`milo demo` runs its own (milo_robot.session.runner). At known times, each process of the graph is
killed with SIGKILL once, the body's serial link is unplugged for 10 s, the speaker fails for 30 s
and the record's disk is full for 10 s (milo_robot/bench/soak_faults.py). Meanwhile /diagnostics,
the session's topics and each process's memory are watched; at the end the record is read back. The figures
(milo_robot/bench/soak_measures.py) say what was lost, how fast nodes came back and whether each
fault was reported. See docs/soak.md.

`milo bench --only soak` runs and records the 90-minute soak; `python -m milo_robot.bench.soak
--minutes 10` runs a short one for development and records nothing.
"""

import argparse
import json
import os
import random
import shutil
import statistics
import threading
import time
from dataclasses import asdict

from milo_robot.bench.conversation import _tree_memory_mb
from milo_robot.bench.results import result
from milo_robot.bench.soak_faults import (
    FAULTS,
    Injection,
    Injector,
    fault_evidence,
    injection_time,
    question_windows,
    room_start,
)
from milo_robot.bench.soak_measures import (
    Heard,
    Report,
    coverage,
    first_ready_after,
    frame_losses,
    heard_over,
    lost_segments,
    recovery_s,
    rss_growth,
    unanswered,
)
from milo_robot.bench.soak_session import PLAN, describe, session_wav
from milo_robot.graph import data_root, plan, use_dds_profile
from milo_robot.interfaces import topics as t
from milo_robot.interfaces.diagnostics import DROPPED_FRAMES, FRAMES_LOST, RESTARTS, NodeStatus
from milo_robot.record.lecture_record import LectureRecord
from milo_robot.session.runner import load_timeline, run_session
from milo_robot.watchdog import DiagnosticsListener, Liveness

COMMAND = 'milo bench --only soak'
MINUTES = 90.0
# Measured on the 2-core machine (docs/soak.md): faster input leaves the recognition behind while
# the brain computes its prompt, and answers are spoken in real time anyway.
REALTIME_FACTOR = 1.0
WARM_UP_S = 180.0  # memory is compared from this far into the class (models loaded, prompt computed)
MEMORY_WINDOW_S = 600.0  # the first and last 10 minutes compared
MEMORY_PERIOD_S = 5.0
RECOVERY_S = 10.0  # after a fault is over, questions are not judged for this long
HEARING = ('microphone', 'vad', 'asr')  # a node of these down: nobody records what is said
MIN_SPEECH_S = 0.25  # vad.min_speech_ms: shorter speech ("Oui ?") is no segment, by design


class DiagnosticsLog:
    """Every milo/* status on /diagnostics, with its arrival time; the worst asr backlog drops."""

    def __init__(self):
        """Start listening."""
        self.reports = []
        self.dropped_frames = 0
        self._lock = threading.Lock()
        self._listener = DiagnosticsListener(Liveness(), self._take)

    def _take(self, status: NodeStatus) -> None:
        report = Report(time.time(), status.node, status.level, status.message, status.ready,
                        int(status.number(RESTARTS)), int(status.number(FRAMES_LOST)))
        with self._lock:
            self.reports.append(report)
            if status.node == 'asr':
                self.dropped_frames = max(self.dropped_frames,
                                          int(status.number(DROPPED_FRAMES)))

    def snapshot(self) -> list:
        """Return the reports so far."""
        with self._lock:
            return list(self.reports)

    def close(self) -> None:
        """Stop listening."""
        self._listener.close()


class MemoryLog:
    """Each process's RSS (with its children: the body's simulator) every few seconds."""

    def __init__(self):
        """Nothing sampled yet."""
        self.samples = {}  # process name -> [(wall time, MB)]
        self._stop = threading.Event()

    def start(self, children) -> None:
        """Sample the supervisor's children from a thread."""
        def watch():
            while not self._stop.wait(MEMORY_PERIOD_S):
                for child in children:
                    if child.process is not None and child.process.poll() is None:
                        rss, _ = _tree_memory_mb([child.process.pid])
                        self.samples.setdefault(child.name, []).append((time.time(), rss))
        threading.Thread(target=watch, daemon=True, name='soak-memory').start()

    def stop(self) -> None:
        """Stop sampling."""
        self._stop.set()


def _processes() -> dict:
    """Return {process name: its node names} of the sim graph (as `milo demo` runs it)."""
    launches, errors = plan(True, ())
    if errors:
        raise RuntimeError('; '.join(errors))
    return {launch.name: launch.nodes for launch in launches}


def run_soak(minutes: float = MINUTES, realtime_factor: float = REALTIME_FACTOR, faults: bool = True,
             out_dir: str = '') -> tuple:
    """Run the soak; return (its figures, a report), the report also written to out_dir/soak.json."""
    root = data_root()
    out_dir = out_dir or os.path.join(root, 'build', 'bench', 'soak', 'run')
    shutil.rmtree(out_dir, ignore_errors=True)
    os.makedirs(out_dir)
    with open(os.path.join(out_dir, 'synthesis.log'), 'w', encoding='utf-8') as log:
        wav = session_wav(realtime_factor, 0.0 if minutes >= MINUTES else minutes, log)
    timeline = load_timeline(wav)
    turns, duration_s = timeline['turns'], timeline['duration_s']
    print(f'    session: {describe(timeline)}', flush=True)
    if minutes >= MINUTES > duration_s / 60:
        raise RuntimeError(f'the soak session lasts {duration_s / 60:.1f} min, under {MINUTES:g}: '
                           f'give {PLAN} more lecture')
    processes = _processes()
    unplanned = set(processes) - {f.process for f in FAULTS if f.kind == 'kill'}
    if unplanned:
        raise RuntimeError(f'the soak kills no process named {sorted(unplanned)}: add them to FAULTS')
    injections = [Injection(f, injection_time(f, turns, duration_s), processes.get(f.process, ()))
                  for f in FAULTS] if faults else []
    injections.sort(key=lambda i: i.planned_s)
    injector = Injector(injections, out_dir, realtime_factor)
    memory = MemoryLog()
    diagnostics = DiagnosticsLog()

    def on_start(children):
        memory.start(children)
        injector.start(children)
    # The observer stops listening to the microphone after its first frame, so a respawned one
    # would wait for a fourth subscriber for ever: three (audio monitor, vad, asr) will do, and the
    # session's time 0 is read from the room file rather than from the observer.
    sets = [f'microphone.realtime_factor={realtime_factor}', f'microphone.room_file={injector.room}',
            'microphone.wait_for_subscribers=3', f'body.sim_eeprom={out_dir}/body.eeprom']
    began = time.time()
    try:
        status, observer = run_session(wav, out_dir, sets, on_event=injector.on_event, on_start=on_start)
    finally:
        injector.stop()
        memory.stop()
        diagnostics.close()
    if status != 0:
        raise RuntimeError(f'the graph exited with status {status}: see {out_dir}/nodes.log')
    t0 = room_start(injector.room)
    if t0 is None:
        raise RuntimeError(f'the microphone never started: see {out_dir}/nodes.log')
    figures, report = _figures(observer.observation, t0, timeline, injections, diagnostics, memory,
                               out_dir, realtime_factor)
    report.update(minutes=round(duration_s / 60, 2), wall_min=round((time.time() - began) / 60, 1))
    with open(os.path.join(out_dir, 'soak.json'), 'w', encoding='utf-8') as f:
        json.dump(report, f, indent=1, ensure_ascii=False, default=str)
    return figures, report


def _figures(observation, t0, timeline, injections, diagnostics, memory, out_dir, realtime_factor) -> tuple:
    turns = timeline['turns']

    def audio(wall: float) -> float:
        return (wall - t0) * realtime_factor
    reports = diagnostics.snapshot()
    finals = [received for received, _ in observation.of(t.ASR_FINAL.name)]
    with LectureRecord(os.path.join(out_dir, 'milo.db'), read_only=True) as record:
        heard = [Heard(s.wall_start - t0, s.wall_end - t0, s.text) for s in record.segments()
                 if s.wall_start is not None]
        logged = record.questions()
    done = [injection for injection in injections if injection.at is not None]
    recoveries, deaf, faulty, reported = {}, [], [], {}
    for injection in done:
        fault = injection.fault
        ok, effect = fault_evidence(injection, reports, finals)
        reported[fault.name] = ok
        if fault.kind == 'kill':
            recoveries[fault.name] = recovery_s(injection.at, injection.nodes, reports)
            up = [first_ready_after(injection.at, node, reports, ready=False) for node in injection.nodes]
            injection.details['reporting_again_s'] = None if None in up else round(max(up) - injection.at, 2)
            # Which node of the process held its recovery back.
            ready = {node: first_ready_after(injection.at, node, reports) for node in injection.nodes}
            injection.details['ready_s'] = {node: None if at is None else round(at - injection.at, 2)
                                            for node, at in ready.items()}
            back = injection.at + (recoveries[fault.name] or float('inf'))
            # Deaf until every hearing node of the process is back, the microphone capturing again
            # (a respawned sim microphone first waits for its listeners).
            hearing = [first_ready_after(injection.at, node, reports,
                                         'capturing' if node == 'microphone' else '')
                       for node in injection.nodes if node in HEARING]
            if hearing:
                deaf.append((audio(injection.at), audio(float('inf') if None in hearing else max(hearing))))
        else:
            back = injection.until or time.time()
        faulty.append((audio(min(injection.at, effect)), audio(back + RECOVERY_S)))
    spoken = [turn for turn in turns if turn['speaker'] in ('teacher', 'student')]
    lost, not_judged = lost_segments(spoken, heard, deaf, MIN_SPEECH_S)
    answered_at = [q.asked_at - t0 for q in logged if q.outcome in ('answered', 'declined')]
    missing, excused, misheard = unanswered(question_windows(turns), answered_at, faulty, heard)
    times = [v for v in recoveries.values() if v is not None]
    first = (t0 + WARM_UP_S / realtime_factor, t0 + (WARM_UP_S + MEMORY_WINDOW_S) / realtime_factor)
    end = max(at for series in memory.samples.values() for at, _ in series) if memory.samples else t0
    growth, worst = rss_growth(memory.samples, first, (end - MEMORY_WINDOW_S / realtime_factor, end))
    losses = frame_losses(reports)
    quiet = [loss for loss in losses if not any(begin <= audio(loss[0]) <= until for begin, until in faulty)]
    lags = [received - (t0 + (final.wall_end - t0) / realtime_factor)
            for received, final in observation.of(t.ASR_FINAL.name) if final.wall_end]
    report = {
        'faults': [{**asdict(i), 'fault': i.fault.name, 'reported': reported.get(i.fault.name),
                    'recovery_s': recoveries.get(i.fault.name)} for i in injections],
        'segments': len(spoken), 'segments_recorded': len(heard),
        'segments_lost': [(round(x['start_s'], 1), x['text']) for x in lost],
        'segments_not_judged': [(round(x['start_s'], 1), x['text']) for x in not_judged],
        'segments_too_short': sum(x['speech_end_s'] - x['start_s'] < MIN_SPEECH_S for x in spoken),
        'questions': len(question_windows(turns)),
        'questions_unanswered': [(round(x['speech_end_s'], 1), x['text']) for x in missing],
        'questions_not_judged': [(round(x['speech_end_s'], 1), x['text']) for x in excused],
        'questions_misheard': [(round(x['speech_end_s'], 1), x['text'], heard_over(x, heard))
                               for x in misheard],
        'words_recognised': {language: round(statistics.fmean(
            coverage(x['text'], heard_over(x, heard)) for x in spoken if x.get('language') == language), 2)
            for language in sorted({x.get('language', 'en') for x in spoken})},
        'outcomes': {o: sum(q.outcome == o for q in logged) for o in sorted({q.outcome for q in logged})},
        'rss_growth': {'worst': worst, 'ratio': growth,
                       'per_process_mb': {name: [round(mb) for _, mb in series[::12]]
                                          for name, series in memory.samples.items()}},
        'asr_lag_s': _spread(lags), 'asr_dropped_frames': diagnostics.dropped_frames,
        'frames_lost': {'by_node': _by_node(losses), 'outside_faults_by_node': _by_node(quiet)},
        'realtime_factor': realtime_factor,
    }
    figures = _keys(timeline, lost, not_judged, missing, excused, times, growth, worst, reported, report)
    return figures, report


def _by_node(losses: list) -> dict:
    nodes = sorted({node for _, node, _ in losses})
    return {node: sum(frames for _, n, frames in losses if n == node) for node in nodes}


def _spread(values: list) -> dict:
    if not values:
        return {}
    ordered = sorted(values)
    return {'p50': round(statistics.median(ordered), 2),
            'p95': round(ordered[int(0.95 * (len(ordered) - 1))], 2), 'max': round(ordered[-1], 2)}


def _listed(by_node: dict) -> str:
    return ', '.join(f'{node} {frames}' for node, frames in by_node.items()) or 'none'


def _keys(timeline, lost, not_judged, missing, excused, times, growth, worst, reported, report) -> dict:
    minutes = timeline['duration_s'] / 60
    where = f'sim graph, realtime_factor {report["realtime_factor"]:g}'
    out = {'soak_minutes': result([minutes], 'min', COMMAND, f'class audio fed to the {where}; '
                                  f'{report["questions"]} questions to Milo, English and French')}
    short = report['segments_too_short']
    out['soak_segments_lost'] = result(
        [len(lost)], 'segments', COMMAND, f'of {report["segments"]} spoken; not judged: '
        f'{len(not_judged) - short} spoken while the microphone, vad or asr process was down, {short} '
        f'with less than {MIN_SPEECH_S * 1000:.0f} ms of speech (no VAD segment)')
    misheard = len(report['questions_misheard'])
    out['soak_questions_unanswered'] = result(
        [len(missing)], 'questions', COMMAND, f'of {report["questions"]}; not judged: '
        f'{len(excused)} asked during a fault or {RECOVERY_S:g} s after it, {misheard} '
        'whose transcript missed Milo\'s name (recognition, not robustness)')
    lost, quiet = report['frames_lost']['by_node'], report['frames_lost']['outside_faults_by_node']
    out['soak_frames_lost'] = result(
        [sum(lost.values())], 'frames', COMMAND, 'audio frames the microphone, audio monitor, vad and '
        f'asr reported missing (frames_lost on /diagnostics), summed over the run and its restarts: '
        f'{_listed(lost)}; outside the faults and the {RECOVERY_S:g} s after them: {_listed(quiet)}')
    out['soak_frames_lost_outside_faults'] = result(
        [sum(quiet.values())], 'frames', COMMAND, 'the same, less what was lost while a fault was '
        f'under way or within {RECOVERY_S:g} s of its end')
    if times:
        note = f'{len(times)} kills (SIGKILL) → every node of the process reports ready again'
        out['soak_recovery_p50_s'] = result(times, 's', COMMAND, note)
        out['soak_recovery_max_s'] = result([max(times)], 's', COMMAND, note)
    if growth is not None:
        out['soak_rss_growth_ratio'] = result(
            [growth], 'ratio', COMMAND, f'worst process ({worst}): mean RSS over the last 10 min / over '
            'the first 10 min after 3 min of warm-up')
    if reported:
        out['soak_faults_reported_ratio'] = result(
            [sum(reported.values()) / len(reported)], 'ratio', COMMAND,
            f'{sum(reported.values())} of {len(reported)} faults on /diagnostics within 2 s (an ERROR '
            'or WARN naming them; a kill: the node gone and back, or back saying it restarted)')
    return out


def soak() -> dict:
    """Run a 90-minute class through the sim graph, each fault injected once: losses, recovery, memory."""
    figures, report = run_soak()
    _print(report)
    return figures


def _print(report: dict) -> None:
    for fault in report['faults']:
        print(f"    {fault['fault']}: at {fault['audio_s'] or 0:.0f} s of audio, reported "
              f"{fault['reported']}, recovery {fault['recovery_s']}, {fault['details']}", flush=True)
    for key in ('segments_lost', 'questions_unanswered', 'questions_misheard', 'outcomes', 'words_recognised',
                'asr_lag_s', 'asr_dropped_frames', 'frames_lost'):
        print(f'    {key}: {report[key]}', flush=True)


BENCHMARKS = (soak,)


def main() -> None:
    """Run a soak from the command line (development): print its figures, record nothing."""
    parser = argparse.ArgumentParser(description='Run the soak benchmark without recording it.')
    parser.add_argument('--minutes', type=float, default=10.0, help='length of the class (default 10)')
    parser.add_argument('--realtime-factor', type=float, default=REALTIME_FACTOR)
    parser.add_argument('--no-faults', action='store_true', help='inject nothing (pace measurements)')
    parser.add_argument('--out', default='', help='folder for the run (default build/bench/soak/run)')
    args = parser.parse_args()
    os.environ.setdefault('ROS_AUTOMATIC_DISCOVERY_RANGE', 'LOCALHOST')
    os.environ.setdefault('ROS_DOMAIN_ID', str(random.randint(102, 200)))
    use_dds_profile()  # as `milo bench` does: its listener would otherwise find respawns late
    figures, report = run_soak(args.minutes, args.realtime_factor, not args.no_faults, args.out)
    _print(report)
    for key, value in figures.items():
        print(f"{key} = {value['value']:g} {value['unit']}  ({value['note']})")


if __name__ == '__main__':
    main()
