# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Run the whole graph in sim mode on a spoken session, with an observer watching."""

import json
import os

from milo_robot.cli.up import build_graph, node_environment
from milo_robot.graph import RESPAWN_DELAY_S
from milo_robot.session.observer import SessionObserver
from milo_robot.supervisor import Supervisor


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


def run_session(wav: str, out_dir: str, sets=(), on_event=None, on_start=None):
    """Run the sim graph on `wav`; node logs go to out_dir/nodes.log. Return (status, observer).

    `on_start(children)` is called before the nodes start (a benchmark watches their memory).
    """
    os.makedirs(out_dir, exist_ok=True)
    sets = [
        # The observer is a fourth listener of the microphone: the lecture waits for it too.
        'microphone.wait_for_subscribers=4',
        'microphone.wait_for_nodes=vad,asr,brain,dialogue',
        f'asr.database={out_dir}/milo.db', f'brain.database={out_dir}/milo.db',
        f'dialogue.database={out_dir}/milo.db', f'tts.output_wav={out_dir}/speech.wav',
        f'audio_monitor.output_wav={out_dir}/monitor.wav', *sets]
    children, errors = build_graph(True, (), sets, wav)
    if errors:
        raise SessionError('; '.join(errors))
    observer = SessionObserver(on_event)
    if on_start is not None:
        on_start(children)
    try:
        with open(os.path.join(out_dir, 'nodes.log'), 'w', encoding='utf-8') as log:
            status = Supervisor(children, RESPAWN_DELAY_S, env=node_environment(), out=log,
                                busy=observer.busy).run()
    finally:
        observer.close()
    return status, observer
