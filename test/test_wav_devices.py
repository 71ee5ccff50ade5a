# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The sim-mode devices: the WAV microphone and the WAV speaker, without ROS."""

import wave

import numpy as np
import pytest
from signals import dominant_hz, read_wav, rms, tone, write_wav

from milo_robot.audio.wav_microphone import WavMicrophone
from milo_robot.audio.wav_speaker import WavSpeaker


class FakeClock:
    """A clock that only moves when the code under test sleeps."""

    def __init__(self):
        self.now = 100.0
        self.slept = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds
        self.slept += seconds


def test_microphone_converts_any_wav_to_16k_mono_frames(tmp_path):
    stereo = np.stack([tone(440, 2.0, 44100), tone(440, 2.0, 44100)], axis=1).reshape(-1)
    path = write_wav(tmp_path / 'in.wav', stereo, 44100, channels=2)
    mic = WavMicrophone(path, 512, realtime_factor=0)
    frames = list(mic.frames())
    assert mic.describe().endswith('(44100 Hz, 2 ch)')
    assert all(f.dtype == np.int16 and len(f) == 512 for f in frames)
    assert len(frames) == int(np.ceil(32000 / 512))
    y = np.concatenate(frames)[1000:31000]
    assert dominant_hz(y, 16000) == pytest.approx(440, abs=3)
    assert rms(y) == pytest.approx(8000 / np.sqrt(2), rel=0.05)


@pytest.mark.parametrize('factor', [1.0, 4.0])
def test_microphone_is_paced_like_a_real_capture(tmp_path, factor):
    path = write_wav(tmp_path / 'in.wav', tone(300, 3.0, 16000), 16000)
    clock = FakeClock()
    mic = WavMicrophone(path, 320, realtime_factor=factor, clock=clock, sleep=clock.sleep)
    count = sum(1 for _ in mic.frames())
    # Each frame is released once its last sample would have been captured.
    assert count == 150
    assert clock.slept == pytest.approx(3.0 / factor, abs=1e-6)


def test_as_fast_as_possible_never_sleeps(tmp_path):
    path = write_wav(tmp_path / 'in.wav', tone(300, 1.0, 16000), 16000)
    clock = FakeClock()
    assert len(list(WavMicrophone(path, 512, 0, clock=clock, sleep=clock.sleep).frames())) == 32
    assert clock.slept == 0


def test_looping_starts_again(tmp_path):
    path = write_wav(tmp_path / 'in.wav', tone(300, 0.1, 16000), 16000)
    frames = WavMicrophone(path, 320, realtime_factor=0, loop=True).frames()
    assert len([f for _, f in zip(range(50), frames)]) == 50  # far more than the file holds


def test_microphone_rejects_bad_files_clearly(tmp_path):
    with pytest.raises(FileNotFoundError, match='missing.wav'):
        WavMicrophone(str(tmp_path / 'missing.wav'), 512)
    junk = tmp_path / 'junk.wav'
    junk.write_bytes(b'this is not a wav file at all')
    with pytest.raises(ValueError, match='not a readable PCM WAV'):
        WavMicrophone(str(junk), 512)
    eight_bit = write_wav(tmp_path / 'u8.wav', np.full(100, 128, dtype=np.uint8), 8000, width=1)
    with pytest.raises(ValueError, match='8-bit.*16-bit'):
        WavMicrophone(eight_bit, 512)


def test_speaker_file_is_complete_after_every_write(tmp_path):
    path = tmp_path / 'sub' / 'out.wav'
    speaker = WavSpeaker(str(path), 16000)
    played = []
    for i in range(5):
        chunk = tone(200 + 100 * i, 0.1, 16000)
        speaker.play(chunk)
        played.append(chunk)
        # Read while still open, as after a crash: the header already counts every sample.
        samples, rate = read_wav(path)
        assert rate == 16000
        assert np.array_equal(samples, np.concatenate(played))
    assert speaker.seconds == pytest.approx(0.5)
    speaker.close()
    with wave.open(str(path)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getnframes()) == (1, 2, 8000)
