# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Sample-rate conversion and frame assembly, without ROS."""

import numpy as np
import pytest
from signals import dominant_hz, rms, tone

from milo_robot.audio.capture import FrameAssembler
from milo_robot.audio.format import level_dbfs, to_mono
from milo_robot.audio.resample import StreamingResampler, resample


@pytest.mark.parametrize('rate', [44100, 48000, 22050, 8000])
def test_tone_keeps_its_pitch_and_level(rate):
    x = tone(1000, 1.0, rate)
    y = resample(x, rate, 16000)
    assert abs(len(y) - 16000) <= 32
    assert dominant_hz(y[2000:14000], 16000) == pytest.approx(1000, abs=5)
    assert rms(y[2000:14000]) == pytest.approx(rms(x), rel=0.05)


def test_a_clip_at_the_same_rate_is_unchanged():
    x = tone(440, 0.1, 16000)
    assert np.array_equal(resample(x, 16000, 16000), x)


def test_chunked_stream_equals_one_pass():
    x = tone(440, 0.5, 44100) + tone(3000, 0.5, 44100, 3000)
    whole = StreamingResampler(44100, 16000).process(x)
    r = StreamingResampler(44100, 16000)
    rng = np.random.default_rng(1)
    pieces, start = [], 0
    while start < len(x):
        size = int(rng.integers(1, 3000))
        pieces.append(r.process(x[start:start + size]))
        start += size
    chunked = np.concatenate(pieces)
    assert len(chunked) == len(whole)
    assert np.max(np.abs(chunked.astype(int) - whole.astype(int))) <= 1


def test_frequencies_above_the_new_nyquist_are_removed():
    x = tone(11000, 1.0, 48000)  # would alias to 5 kHz at 16 kHz
    y = StreamingResampler(48000, 16000).process(x)
    assert rms(y[1000:-1000]) < rms(x) / 30  # at least 30 dB down


def test_same_rate_passes_through():
    x = tone(300, 0.1, 16000)
    r = StreamingResampler(16000, 16000)
    assert np.array_equal(r.process(x), x)
    assert len(r.flush()) == 0


def test_bad_rates_are_refused():
    with pytest.raises(ValueError, match='positive'):
        StreamingResampler(0, 16000)


def test_assembler_downmixes_resamples_and_cuts_exact_frames():
    left, right = tone(500, 1.0, 48000), np.zeros(48000, dtype=np.int16)
    stereo = np.stack([left, right], axis=1).reshape(-1)
    assembler = FrameAssembler(48000, 2, 512)
    frames = []
    for start in range(0, len(stereo), 4000):  # an odd chunk size, as a sound card might give
        frames += list(assembler.feed(stereo[start:start + 4000]))
    frames += list(assembler.finish())
    assert all(len(f) == 512 for f in frames)
    assert len(frames) == int(np.ceil(16000 / 512))
    y = np.concatenate(frames)
    assert dominant_hz(y[1000:15000], 16000) == pytest.approx(500, abs=5)
    assert rms(y[1000:15000]) == pytest.approx(rms(left) / 2, rel=0.05)  # mixed with silence


def test_mono_and_levels():
    assert np.array_equal(to_mono(np.array([2, 4, 6, 8], dtype=np.int16), 2), [3, 7])
    assert level_dbfs(np.zeros(100, dtype=np.int16)) == -96.0
    assert level_dbfs(np.full(100, 32767, dtype=np.int16)) == pytest.approx(0.0, abs=0.01)
    assert level_dbfs(tone(1000, 0.1, 16000, 16384)) == pytest.approx(-9.03, abs=0.1)
