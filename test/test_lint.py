# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Linters as tests, in the ament style: style, docstrings, licence headers, package.xml."""

import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LICENCE = '# SPDX-License-Identifier: Apache-2.0'
SKIP_DIRS = {'.git', '.venv', 'build', 'install', 'log', '__pycache__', '.pytest_cache',
             '.ruff_cache', 'models'}


def source_files():
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not d.endswith('.egg-info')]
        for name in files:
            if name.endswith(('.py', '.sh')) or name in ('Makefile', 'run'):
                yield os.path.join(folder, name)


def test_ruff_style_and_docstrings():
    """flake8's rules plus pydocstyle on the public API (ruff.toml)."""
    ruff = os.path.join(os.path.dirname(sys.executable), 'ruff')
    proc = subprocess.run([ruff, 'check', '--no-cache', '--output-format', 'concise', ROOT],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_source_file_has_the_licence_header():
    files = list(source_files())
    assert len(files) > 20
    missing = []
    for path in files:
        with open(path, encoding='utf-8') as f:
            head = f.read(400).splitlines()[:4]
        if LICENCE not in head and not (path.endswith('.ci/run') and head[0].startswith('#!')):
            missing.append(os.path.relpath(path, ROOT))
    assert missing == []


def test_package_xml_is_well_formed_format_3():
    proc = subprocess.run(['xmllint', '--noout', os.path.join(ROOT, 'package.xml')],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    root = ET.parse(os.path.join(ROOT, 'package.xml')).getroot()
    assert root.tag == 'package' and root.get('format') == '3'
    assert root.findtext('name') == 'milo_robot'
    assert root.find('export/build_type').text == 'ament_python'
    depends = {e.text for e in root if e.tag.endswith('depend')}
    assert {'rclpy', 'std_msgs', 'sensor_msgs', 'diagnostic_msgs', 'launch_ros',
            'python3-pyaudio', 'python3-numpy', 'python3-yaml'} <= depends


@pytest.mark.parametrize('script', ['scripts/setup.sh', '.ci/run'])
def test_shell_scripts_parse(script):
    assert subprocess.run(['bash', '-n', os.path.join(ROOT, script)]).returncode == 0
