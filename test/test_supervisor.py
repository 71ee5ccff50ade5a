# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The process supervisor behind `milo up`, with plain child processes (no ROS)."""

import io
import os
import re
import signal
import sys
import threading
import time

from harness import wait_until

from milo_robot.interfaces.diagnostics import WORK_WAITING, NodeStatus, worker_key
from milo_robot.supervisor import DRAIN_S, EXIT_CONFIG, Child, Supervisor
from milo_robot.watchdog import Liveness


def py(code: str) -> list:
    return [sys.executable, '-c', code]


FOREVER = py('import time\nprint("up", flush=True)\nwhile True: time.sleep(1)')


def lines(out: io.StringIO) -> list:
    return out.getvalue().splitlines()


def test_output_is_prefixed_and_a_finishing_child_ends_the_run():
    out = io.StringIO()
    children = [Child('talker', py('print("hello"); print("world")'), ends_run=True),
                Child('other', FOREVER)]
    status = Supervisor(children, out=out).run()
    assert status == 0
    assert '[talker] hello' in lines(out) and '[talker] world' in lines(out)
    assert '[other] up' in lines(out)
    assert '[milo] talker finished; the run is complete' in lines(out)
    assert children[1].process.poll() is not None  # stopped with the run


def test_a_dying_child_is_respawned_and_a_config_error_is_not():
    out = io.StringIO()
    marker = f'/tmp/milo-supervisor-test-{os.getpid()}'
    # Dies once, then (as the marker exists) exits with a configuration error.
    code = (f'import os, sys\nif os.path.exists({marker!r}): sys.exit({EXIT_CONFIG})\n'
            f'open({marker!r}, "w").close()\nsys.exit(3)')
    try:
        status = Supervisor([Child('flaky', py(code)), Child('other', FOREVER)],
                            respawn_delay=0.1, out=out).run()
    finally:
        os.unlink(marker)
    assert status == EXIT_CONFIG
    text = out.getvalue()
    assert '[milo] flaky exited with status 3; restarting in 0.1 s' in text
    assert text.count('started flaky') == 2
    assert '[milo] flaky has a configuration error (see above); stopping' in text


def test_a_respawned_child_is_told_its_restarts_and_how_it_last_ended():
    out = io.StringIO()
    # Says what it was told; its second life ends the run with a configuration error.
    code = ('import os, sys\nrestarts = os.environ.get("MILO_RESTARTS", "none")\n'
            'print("told", restarts, os.environ.get("MILO_LAST_EXIT", "none"), flush=True)\n'
            f'sys.exit({EXIT_CONFIG} if restarts == "1" else 3)')
    assert Supervisor([Child('flaky', py(code))], respawn_delay=0.05, out=out).run() == EXIT_CONFIG
    assert [line for line in lines(out) if 'told' in line] == ['[flaky] told none none',
                                                                '[flaky] told 1 3']


def test_respawn_delay_doubles_while_a_child_keeps_dying_young():
    out = io.StringIO()
    sup = Supervisor([Child('crasher', py('raise SystemExit(1)'))], respawn_delay=0.05, out=out)

    def stop_after_four_starts():
        wait_until(lambda: out.getvalue().count('started crasher') >= 4, 'four starts')
        sup.request_stop()
    stopper = threading.Thread(target=stop_after_four_starts)
    stopper.start()
    assert sup.run() == 0
    stopper.join()
    delays = [float(d) for d in re.findall(r'restarting in ([\d.]+) s', out.getvalue())]
    assert delays[:3] == [0.05, 0.1, 0.2]


def test_without_respawn_a_death_stops_the_run():
    out = io.StringIO()
    status = Supervisor([Child('dies', py('raise SystemExit(4)')), Child('other', FOREVER)],
                        respawn=False, out=out).run()
    assert status == 4
    assert 'dies exited with status 4; respawn is off, stopping' in out.getvalue()


def test_stop_kills_whole_process_groups_even_stubborn_ones():
    out = io.StringIO()
    # Ignores SIGINT and starts a grandchild in its group: both must be gone after the stop.
    stubborn = py('import signal, subprocess, sys, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n'
                  'p = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])\n'
                  'print("grandchild", p.pid, flush=True)\ntime.sleep(60)')
    sup = Supervisor([Child('stubborn', stubborn)], out=out, stop_timeout=0.5)

    def terminate_once_started():
        wait_until(lambda: 'grandchild' in out.getvalue(), 'the grandchild started')
        os.kill(os.getpid(), signal.SIGTERM)  # as a service manager would
    threading.Thread(target=terminate_once_started).start()
    assert sup.run() == 0
    grandchild = int(out.getvalue().split('grandchild ')[1].split()[0])
    assert 'did not stop within 0.5 s; killing' in out.getvalue()
    wait_until(lambda: not os.path.exists(f'/proc/{grandchild}') or
               open(f'/proc/{grandchild}/stat').read().split()[2] == 'Z', 'the grandchild gone')


def test_children_die_with_a_killed_supervisor(tmp_path, processes):
    script = tmp_path / 'sup.py'
    script.write_text(
        'import sys\nfrom milo_robot.supervisor import Child, Supervisor\n'
        f'Supervisor([Child("sleeper", {FOREVER!r})]).run()\n')
    proc = processes.start([sys.executable, str(script)])
    proc.wait_for_line('started sleeper')
    pid = int(proc.output.split('(pid ')[1].split(')')[0])
    proc.popen.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while os.path.exists(f'/proc/{pid}') and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not os.path.exists(f'/proc/{pid}'), 'the node outlived its supervisor'


def test_the_run_waits_while_the_others_are_busy_finishing():
    answers_left = [3]  # Milo is still answering: the run must not cut it short

    def busy():
        answers_left[0] -= 1
        return answers_left[0] > 0

    children = [Child('microphone', py('pass'), ends_run=True), Child('tts', FOREVER)]
    assert Supervisor(children, out=io.StringIO(), busy=busy).run() == 0
    assert answers_left[0] == 0, 'asked until no longer busy'


def test_a_niced_child_gives_way_in_its_own_session_too():
    # With autogroups, a niced process in a session of its own would still get a fair share.
    report = py('import os\nprint("nice", os.nice(0), flush=True)\n'
                'if os.path.exists("/proc/self/autogroup"):\n'
                '    print("group", open("/proc/self/autogroup").read().split()[-1], flush=True)\n')
    out = io.StringIO()
    Supervisor([Child('camera', report, ends_run=True, nice=7)], out=out).run()
    assert f'[camera] nice {min(19, os.nice(0) + 7)}' in lines(out)
    if os.path.exists('/proc/self/autogroup'):
        assert '[camera] group 7' in lines(out)


def test_liveness_judges_only_nodes_it_heard_and_forgets_a_restarted_one():
    now = [0.0]
    liveness = Liveness(clock=lambda: now[0])
    liveness.report(NodeStatus('vad', 0, 'ok', {worker_key('frames'): '0.5'}))
    liveness.report(NodeStatus('brain', 0, 'ok', {worker_key('answers'): '200'}))
    assert liveness.watched() == {'vad', 'brain'}
    assert liveness.stale() == {'brain': 'a worker stuck for 200 s'}
    now[0] = 11.0
    assert liveness.stale() == {'vad': 'no diagnostics for 11 s', 'brain': 'no diagnostics for 11 s'}
    liveness.forget('vad')
    assert liveness.watched() == {'brain'} and 'vad' not in liveness.stale()


def test_a_node_that_stops_reporting_is_killed_and_respawned():
    out = io.StringIO()
    now = [0.0]
    liveness = Liveness(clock=lambda: now[0])
    supervisor = Supervisor([Child('group', FOREVER)], respawn_delay=0.1, out=out,
                            liveness=liveness, members={'group': ('vad', 'body')})

    def silence_vad():
        try:
            wait_until(lambda: '[group] up' in lines(out), 'the child')
            liveness.report(NodeStatus('vad', 0, 'ok'))
            wait_until(lambda: '[milo] watching vad (it reports its health)' in lines(out), 'watching')
            now[0] = 11.0  # vad said nothing for 11 s: its whole process goes
            wait_until(lambda: out.getvalue().count('started group') == 2, 'the respawn')
        finally:
            supervisor.request_stop()
    threading.Thread(target=silence_vad).start()
    assert supervisor.run() == 0
    assert '[milo] group is stuck (vad: no diagnostics for 11 s); killing it to restart it' \
        in lines(out)
    assert out.getvalue().count('started group') == 2
    assert liveness.watched() == set()  # judged again once it reports


def test_a_sim_run_ends_once_the_asr_has_transcribed_what_it_heard():
    out = io.StringIO()
    liveness = Liveness()
    liveness.report(NodeStatus('asr', 0, 'ok', {WORK_WAITING: '2'}))  # two VAD events to go
    supervisor = Supervisor([Child('microphone', py('print("done")'), ends_run=True),
                             Child('asr', FOREVER)], out=out, liveness=liveness)

    still_on = []

    def transcribed():
        wait_until(lambda: '[milo] microphone finished; the run is complete' in lines(out), 'the end')
        time.sleep(DRAIN_S + 1.0)  # past the usual drain: the run must still be on for the asr
        still_on.append('[milo] stopping all nodes' not in lines(out))
        liveness.report(NodeStatus('asr', 0, 'ok', {WORK_WAITING: '0'}))
    threading.Thread(target=transcribed).start()
    assert supervisor.run() == 0
    assert still_on == [True] and '[milo] stopping all nodes' in lines(out)
