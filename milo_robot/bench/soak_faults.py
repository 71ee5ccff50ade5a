# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The soak's faults: which, when in the class, how each is injected, and the evidence it was seen.

Each process of the graph is killed with SIGKILL once, the body's serial link is unplugged for
10 s, the speaker fails for 30 s and the record's disk is full for 10 s (marker files that the
sim devices read: docs/sim_mode.md). None lands while a question to Milo is being answered.
"""

import os
import signal
import threading
import time
from dataclasses import dataclass, field
from typing import Optional

from milo_robot.bench.soak_measures import error_reported, said_restarted, went_missing
from milo_robot.devices import UNPLUGGED_SUFFIX
from milo_robot.interfaces import topics as t
from milo_robot.record.lecture_record import FULL_SUFFIX

QUESTION_MARGIN_S = 5.0  # no fault lands this soon before a question to Milo
SPEAKING_WAIT_S = 60.0  # the speaker fails while Milo speaks: wait this long for him to


@dataclass(frozen=True)
class Fault:
    """A fault to inject once, at a share of the session's duration."""

    name: str
    kind: str  # kill | serial | speaker | disk
    share: float
    process: str = ''  # kill: the graph's process (a node, or a group of nodes)
    hold_s: float = 0.0  # serial, speaker, disk: how long the device stays failed


# Heavy processes first, so that they run long again before the last window of the memory figure;
# none in the first or last 15 % of the class (the memory windows).
FAULTS = (
    Fault('kill brain', 'kill', 0.16, 'brain'),
    Fault('kill asr', 'kill', 0.22, 'asr'),
    Fault('kill light (audio_monitor, vad, dialogue, body)', 'kill', 0.28, 'light'),
    Fault('serial link unplugged', 'serial', 0.34, hold_s=10.0),
    Fault('kill tts', 'kill', 0.40, 'tts'),
    Fault('record disk full', 'disk', 0.46, hold_s=10.0),
    Fault('kill camera', 'kill', 0.52, 'camera'),
    Fault('kill microphone', 'kill', 0.58, 'microphone'),
    Fault('speaker failing', 'speaker', 0.64, hold_s=30.0),
    Fault('kill web', 'kill', 0.70, 'web'),
)


@dataclass
class Injection:
    """A fault as injected: when (wall clock), where in the class (audio s), and the nodes it hit."""

    fault: Fault
    planned_s: float
    nodes: tuple = ()
    at: Optional[float] = None
    until: Optional[float] = None  # a held fault's end (the marker removed)
    audio_s: Optional[float] = None
    details: dict = field(default_factory=dict)


def question_windows(turns: list) -> list:
    """Return (turn, (end of its words, start of the next turn)) for each question to Milo."""
    out = []
    for i, turn in enumerate(turns):
        if turn.get('case') == 'addressed':
            following = turns[i + 1]['start_s'] if i + 1 < len(turns) else turn['speech_end_s'] + 60.0
            out.append((turn, (turn['speech_end_s'], following)))
    return out


def injection_time(fault: Fault, turns: list, duration_s: float) -> float:
    """Return the audio time to inject `fault`: a quiet moment for the class's questions.

    Kills and the unplug land in the middle of a teacher's sentence, the full disk as one ends
    (a segment is written a moment later), the speaker fault as a question to Milo ends (it
    fails while he answers). None lands while a question is being answered.
    """
    planned = fault.share * duration_s
    questions = question_windows(turns)
    if fault.kind == 'speaker':  # a short development run may have no question left: then as planned
        return next((end for _, (end, _) in questions if end >= planned), planned)
    # From a little before a question is asked until the teacher goes on after its answer.
    busy = [(question['start_s'] - QUESTION_MARGIN_S, following) for question, (_, following) in questions]
    for turn in turns:
        if turn['start_s'] < planned or turn['speaker'] != 'teacher':
            continue
        moment = turn['speech_end_s'] - 0.2 if fault.kind == 'disk' else \
            (turn['start_s'] + turn['speech_end_s']) / 2
        if not any(start <= moment < end for start, end in busy):
            return moment
    raise ValueError(f'no moment for {fault.name} after {planned:.0f} s of the session')


class Injector:
    """Inject the faults at their audio times, from a thread, and note when each happened."""

    def __init__(self, injections: list, out_dir: str, realtime_factor: float):
        """`injections` in order of time; markers are made next to the run's files in `out_dir`."""
        self.injections = injections
        self.out_dir, self.realtime_factor = out_dir, realtime_factor
        self.room = os.path.join(out_dir, 'room')
        self.observation = None
        self.children = []
        self._stop = threading.Event()
        self._markers = set()

    def on_event(self, observation, *_event) -> None:
        """Keep the session's observation (run_session's on_event)."""
        self.observation = observation

    def start(self, children) -> None:
        """Start injecting (run_session's on_start: the supervisor's children)."""
        self.children = children
        threading.Thread(target=self._run, daemon=True, name='soak-faults').start()

    def stop(self) -> None:
        """Stop, and put back any device still failed."""
        self._stop.set()
        for marker in list(self._markers):
            self._unmark(marker)

    def audio_s(self) -> Optional[float]:
        """Return where the class is now (s into the session), once the microphone has started."""
        t0 = room_start(self.room)
        return None if t0 is None else (time.time() - t0) * self.realtime_factor

    def _wait_until(self, audio_s: float) -> bool:
        while not self._stop.wait(0.05):
            now = self.audio_s()
            if now is not None and now >= audio_s:
                return True
        return False

    def _speaking(self) -> bool:
        said = self.observation.of(t.TTS_SPEAKING.name) if self.observation is not None else []
        return bool(said) and bool(said[-1][1])

    def _run(self) -> None:
        for injection in self.injections:
            if not self._wait_until(injection.planned_s):
                return
            fault = injection.fault
            if fault.kind == 'speaker':
                deadline = time.time() + SPEAKING_WAIT_S
                while not self._speaking() and time.time() < deadline and not self._stop.wait(0.02):
                    pass
            injection.audio_s = self.audio_s()
            injection.at = time.time()
            # Progress over a 100-minute run: which fault, how far into the class.
            print(f'    {(injection.audio_s or 0) / 60:4.1f} min of class: {fault.name}', flush=True)
            if fault.kind == 'kill':
                child = next(c for c in self.children if c.name == fault.process)
                injection.details['pid'] = child.process.pid
                os.kill(child.process.pid, signal.SIGKILL)
                continue
            marker = self._marker(fault.kind)
            self._mark(marker)
            self._stop.wait(fault.hold_s)
            self._unmark(marker)
            injection.until = time.time()

    def _marker(self, kind: str) -> str:
        return {'serial': os.path.join(self.out_dir, 'body.eeprom') + UNPLUGGED_SUFFIX,
                'speaker': os.path.join(self.out_dir, 'speech.wav') + UNPLUGGED_SUFFIX,
                'disk': os.path.join(self.out_dir, 'milo.db') + FULL_SUFFIX}[kind]

    def _mark(self, marker: str) -> None:
        with open(marker, 'w', encoding='ascii'):
            pass
        self._markers.add(marker)

    def _unmark(self, marker: str) -> None:
        try:
            os.remove(marker)
        except FileNotFoundError:
            pass
        self._markers.discard(marker)


def room_start(path: str) -> Optional[float]:
    """Return the wall time the session WAV began playing (the first frame's stamp), or None yet.

    The microphone notes it in its room file (`room_file`), and a respawned one keeps it.
    """
    try:
        with open(path, encoding='ascii') as f:
            return float(f.read())
    except (OSError, ValueError):
        return None


def fault_evidence(injection: Injection, reports: list, finals: list) -> tuple:
    """Return (reported on /diagnostics within 2 s, when its effect began) for one injection."""
    fault, at = injection.fault, injection.at
    if fault.kind == 'kill':
        return all(went_missing(at, node, reports) or said_restarted(at, node, reports)
                   for node in injection.nodes), at
    if fault.kind == 'serial':
        return error_reported(at, 'body', 'link', reports), at
    if fault.kind == 'speaker':
        return error_reported(at, 'tts', 'speaker', reports), at
    # A full disk shows only when the record is written: the first transcript after the fault is
    # published once its write was tried.
    used = next((received for received in finals if received >= at), at)
    return error_reported(used, 'asr', 'full', reports), used
