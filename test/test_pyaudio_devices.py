# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The real PyAudio microphone and speaker code, on ALSA file-backed devices (no sound card here).

ALSA reads its configuration when PortAudio starts, so each check runs in a child process with
ALSA_CONFIG_PATH pointing at an asoundrc of the test's own (see docs/sim_mode.md).
"""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from signals import dominant_hz, read_wav, rms, tone

from milo_robot.audio.pyaudio_devices import DeviceError, find_device

ASOUNDRC = '''
pcm.milo_test_mic {{
    type file
    slave.pcm "null"
    file "/dev/null"
    infile "{raw}"
    format "raw"
}}
pcm.milo_test_speaker {{
    type plug
    slave.pcm {{
        type file
        slave.pcm "null"
        file "{out}"
        format "wav"
    }}
}}
'''


def run_with_alsa(tmp_path, code: str) -> str:
    rc = tmp_path / 'asoundrc'
    rc.write_text(ASOUNDRC.format(raw=tmp_path / 'mic.raw', out=tmp_path / 'speaker.wav'))
    env = dict(os.environ, ALSA_CONFIG_PATH=f'/usr/share/alsa/alsa.conf:{rc}')
    proc = subprocess.run([sys.executable, '-c', textwrap.dedent(code)], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


@pytest.mark.parametrize('native_rate', [48000, 44100])
def test_microphone_captures_and_converts_to_16k(tmp_path, native_rate):
    (tmp_path / 'mic.raw').write_bytes(tone(440, 1.0, native_rate).astype('<i2').tobytes())
    run_with_alsa(tmp_path, f'''
        import itertools, numpy as np
        from milo_robot.audio.pyaudio_devices import PyAudioMicrophone
        mic = PyAudioMicrophone('milo_test_mic', {native_rate}, 1, 512)
        frames = list(itertools.islice(mic.frames(), 25))  # 0.8 s: within the file
        np.save('frames.npy', np.stack(frames))
        print('overflows', mic.overflows)
    ''')
    frames = np.load(tmp_path / 'frames.npy')
    assert frames.shape == (25, 512) and frames.dtype == np.int16
    y = frames.reshape(-1)[1000:12000]
    assert dominant_hz(y, 16000) == pytest.approx(440, abs=3)
    assert rms(y) == pytest.approx(8000 / np.sqrt(2), rel=0.05)


def test_speaker_plays_resampled_to_the_device_rate(tmp_path):
    np.save(tmp_path / 'say.npy', tone(660, 0.5, 16000))
    run_with_alsa(tmp_path, '''
        import numpy as np
        from milo_robot.audio.pyaudio_devices import PyAudioSpeaker
        speaker = PyAudioSpeaker('milo_test_speaker', 16000, device_rate=44100)
        speaker.play(np.load('say.npy'))
        speaker.close()
    ''')
    played, rate = read_wav(tmp_path / 'speaker.wav')
    assert rate == 44100
    assert abs(len(played) - 0.5 * 44100) < 100
    assert dominant_hz(played[2000:-2000], 44100) == pytest.approx(660, abs=3)


def test_devices_are_found_by_name_or_index_with_a_clear_error(tmp_path):
    (tmp_path / 'mic.raw').write_bytes(bytes(3200))  # ALSA lists the device only if it opens
    out = run_with_alsa(tmp_path, '''
        import pyaudio
        from milo_robot.audio.pyaudio_devices import find_device, DeviceError
        pa = pyaudio.PyAudio()
        index = find_device(pa, 'TEST_MIC', 'input')
        print('by-name', index)
        print('by-index', find_device(pa, str(index), 'input'))
        print('default', find_device(pa, '', 'input'))
        try:
            find_device(pa, 'no such card', 'input')
        except DeviceError as exc:
            print('error', exc)
    ''')
    lines = dict(line.split(' ', 1) for line in out.splitlines())
    assert lines['by-name'] == lines['by-index'] and lines['default'] == 'None'
    assert "no input device matches 'no such card'. Devices:" in lines['error']
    assert 'milo_test_mic' in lines['error']


def test_find_device_needs_no_sound_card_to_report_an_empty_list():
    class NoCards:
        def get_device_count(self):
            return 0

    with pytest.raises(DeviceError, match="no output device matches 'usb'. Devices: none"):
        find_device(NoCards(), 'usb', 'output')


def test_an_overflow_is_counted_and_the_frames_after_it_keep_their_true_times(monkeypatch):
    # No sound card here can overflow: a stand-in PortAudio delivers a ramp (each sample its own
    # number), and drops a second of it while the capture thread is stalled.
    now = [0.0]

    class Overflowed(OSError):
        errno = -9981  # paInputOverflowed

    class Stream:
        def __init__(self):
            self.position = 0  # samples the card has captured
            self.overflowed = False

        def read(self, count, exception_on_overflow):
            if self.position == 4096 and not self.overflowed:
                # The reader came back a second late: the card dropped that second, and the read
                # that reports it loses its block too (PyAudio discards it).
                self.overflowed, self.position = True, self.position + 16000 + count
                now[0] = self.position / 16000
                raise Overflowed()
            block = np.arange(self.position, self.position + count) % 30000
            self.position += count
            now[0] = self.position / 16000
            return block.astype('<i2').tobytes()

        def close(self):
            pass

    class PyAudio:
        def open(self, **kwargs):
            return Stream()

        def terminate(self):
            pass

    fake = type(sys)('pyaudio')
    fake.paInt16, fake.paInputOverflowed, fake.PyAudio = 8, Overflowed.errno, PyAudio
    monkeypatch.setitem(sys.modules, 'pyaudio', fake)
    from milo_robot.audio.pyaudio_devices import PyAudioMicrophone

    mic = PyAudioMicrophone('', 16000, 1, 512, clock=lambda: now[0])
    frames, positions = mic.frames(), []
    for _ in range(14):
        frame = next(frames)
        positions.append((len(positions) * 512 + mic.skipped_samples, int(frame[0])))
    assert mic.overflows == 1
    # The first 8 frames from sample 0; after the overflow the index jumps past the lost second,
    # and each frame's first sample is the one the card captured at that index.
    assert positions[:8] == [(i * 512, i * 512) for i in range(8)]
    assert mic.skipped_samples == 16000 + 1024  # the second dropped, and the block the read lost
    assert all(index == sample for index, sample in positions[8:])
