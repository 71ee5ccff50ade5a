# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""`colcon build` and `colcon test` work on the package, as on a robot with a full ROS 2 install.

Everything colcon writes goes under pytest's tmp_path; the source tree is only read. `colcon test`
runs one fast, ROS-free test file, so that it neither recurses into this test nor takes long.
"""

import os
import re
import subprocess
import sys

import pytest

from milo_robot.graph import NODES, PACKAGE

pytest.importorskip('colcon_core')

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLCON_TEST_FILE = 'test/test_parameters.py'


def colcon(tmp_path, *args):
    """Run colcon with its log under tmp_path; return the completed process."""
    env = {k: v for k, v in os.environ.items() if k != 'PYTEST_ADDOPTS'}
    env.setdefault('ROS_LOG_DIR', str(tmp_path / 'ros_log'))
    cmd = [sys.executable, '-m', 'colcon', '--log-base', str(tmp_path / 'log'), *args]
    return subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300)


def check(proc):
    assert proc.returncode == 0, f'{proc.args}\n{proc.stdout}\n{proc.stderr}'
    return proc.stdout


@pytest.mark.timeout(600)
def test_colcon_build_and_test(tmp_path):
    assert os.path.isfile(os.path.join(ROOT, COLCON_TEST_FILE)), COLCON_TEST_FILE
    build, install = tmp_path / 'build', tmp_path / 'install'
    common = ['--base-paths', ROOT, '--packages-select', PACKAGE,
              '--build-base', str(build), '--install-base', str(install),
              '--event-handlers', 'console_cohesion+']  # the package's output, on failure too
    check(colcon(tmp_path, 'build', *common))

    prefix = install / PACKAGE
    share = prefix / 'share' / PACKAGE
    for spec in NODES:  # `ros2 run milo_robot <executable>` and the launch file need these
        assert os.access(prefix / 'lib' / PACKAGE / spec.executable, os.X_OK), spec.executable
    for path in ('launch/milo.launch.py', 'config/milo.yaml', 'config/sim.yaml', 'package.xml'):
        assert (share / path).is_file(), path
    assert (prefix / 'share/ament_index/resource_index/packages' / PACKAGE).is_file()

    # The installed graph (what the launch file imports) finds its parameter files in share/.
    site = next(prefix.glob('lib/python3*/site-packages'))
    env = dict(os.environ, PYTHONPATH=str(site), AMENT_PREFIX_PATH=str(prefix))
    probe = subprocess.run(
        [sys.executable, '-c', 'import milo_robot.graph as g; print(g.__file__); '
         'print("\\n".join(g.param_files(True)))'],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    lines = check(probe).splitlines()
    assert lines[0].startswith(str(site)), lines[0]
    assert lines[1:] == [str(share / 'config' / n) for n in ('milo.yaml', 'sim.yaml')]

    check(colcon(tmp_path, 'test', *common, '--return-code-on-test-failure',
                 '--pytest-args', COLCON_TEST_FILE))
    out = check(colcon(tmp_path, 'test-result', '--test-result-base', str(build)))
    summary = re.search(
        r'Summary: (\d+) tests?, (\d+) errors?, (\d+) failures?, (\d+) skipped', out)
    assert summary, out
    tests, errors, failures, _ = map(int, summary.groups())
    assert (errors, failures) == (0, 0), out
    assert tests > 0, out
