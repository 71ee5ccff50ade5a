# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Run the whole graph in sim mode on a spoken session, with an observer watching."""

import json
import os
import socket
import threading

from milo_robot.graph import parameter_specs, plan, record_overrides
from milo_robot.private_files import open_private, private_folder
from milo_robot.session.observer import SessionObserver
from milo_robot.supervisor import supervise
from milo_robot.watchdog import DiagnosticsListener, Liveness


class SessionError(RuntimeError):
    """The session cannot run (bad configuration, missing input)."""


def load_timeline(wav: str) -> dict:
    """Return the timeline written next to a session WAV by scripts/make_demo_audio.py."""
    path = os.path.splitext(wav)[0] + '.json'
    try:
        with open(path, encoding='utf-8') as f:
            return json.load(f)
    except (OSError, ValueError) as exc:
        raise SessionError(f'no timeline for {wav} ({exc}); make it with '
                           f'scripts/make_demo_audio.py SESSION.yaml {wav}') from exc


def free_port() -> int:
    """Return a TCP port free on 127.0.0.1 now: a session's app never collides with the robot's."""
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def fresh_record(database: str) -> None:
    """Remove the record an earlier session left in its output folder: each run starts empty.

    A session is a class of its own: its answers must come from its own lecture, not from
    yesterday's run of the same script. Only a session's output folder is touched.
    """
    for path in (database, database + '-wal', database + '-shm'):
        try:
            os.remove(path)
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise SessionError(f'cannot start a fresh record: {exc}') from exc


def run_session(wav: str, out_dir: str, sets=(), on_event=None, on_start=None, after=None,
                after_s: float = 30.0, stop_after_s: float = 0.0, namespace: str = ''):
    """Run the sim graph on `wav`; node logs go to out_dir/nodes.log. Return (status, observer).

    The graph, the observer and the watchdog run in `namespace` ('' the root one).
    `on_start(children)` is called before the nodes start (a benchmark watches their memory).
    Once the input ends, the graph runs on while Milo answers, and while `after()` says there is
    more to wait for (the summary of the lecture that just ended), up to `after_s`.
    `stop_after_s` stops the run after that long (a looped input).
    """
    # The run folder holds a class's record, audio and logs: Milo's user's only, even when an older
    # run left it wider.
    private_folder(out_dir, narrow=True)
    fresh_record(os.path.join(out_dir, 'milo.db'))
    sets = [
        # The observer is a fourth listener of the microphone: the lecture waits for it too.
        'microphone.wait_for_subscribers=4',
        'microphone.wait_for_nodes=vad,asr,brain,dialogue',
        *record_overrides(f'{out_dir}/milo.db', parameter_specs()),
        f'tts.output_wav={out_dir}/speech.wav', f'audio_monitor.output_wav={out_dir}/monitor.wav',
        f'body.latch_file={out_dir}/estop.latch', f'web.port={free_port()}',
        *sets]
    launches, errors = plan(True, (), sets, wav, namespace=namespace)
    if errors:
        raise SessionError('; '.join(errors))
    observer = SessionObserver(on_event, namespace)
    # The run goes on while the asr still has segments to transcribe: the record is complete.
    hearing = Liveness()
    listener = DiagnosticsListener(hearing, on_status=observer.take_status, name='milo_session_hearing',
                                   namespace=namespace)
    try:
        with open_private(os.path.join(out_dir, 'nodes.log'), 'w', encoding='utf-8') as log:
            def busy() -> bool:
                return observer.busy() or hearing.work_waiting() > 0 or (after is not None and after())
            supervisor = supervise(launches, out=log, busy=busy, max_drain_s=max(30.0, after_s))
            if on_start is not None:
                on_start(supervisor.children)
            if stop_after_s:  # a looped input never ends by itself
                threading.Timer(stop_after_s, supervisor.request_stop).start()
            status = supervisor.run()
    finally:
        listener.close()
        observer.close()
    return status, observer
