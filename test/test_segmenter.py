# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Speech segmentation from frame probabilities (no models, no ROS)."""

import numpy as np
import pytest

from milo_robot.hearing.segmenter import Segmenter, SegmenterSettings, SpeechEvent

FRAME = 0.032


def run(probabilities, settings=SegmenterSettings()):
    seg = Segmenter(settings)
    events = []
    for i, p in enumerate(probabilities):
        events += seg.push(p, i * FRAME, FRAME)
    return events + seg.flush(len(probabilities) * FRAME)


def test_a_segment_with_pre_roll_and_hangover():
    probs = [0.0] * 20 + [0.9] * 30 + [0.1] * 30
    events = run(probs)
    assert [e.kind for e in events] == ['start', 'pause', 'end']
    assert events[0].start == pytest.approx(20 * FRAME - 0.3)  # pre-roll before the first voiced frame
    # The pause is told as soon as the silence lasts pause_s, the end once it lasts the hangover;
    # both say where the silence began.
    assert [events[1].end, events[2].end] == pytest.approx([50 * FRAME, 50 * FRAME])


def test_short_bursts_are_not_speech():
    assert run([0.0] * 5 + [0.9] * 5 + [0.0] * 40) == []  # 160 ms < 250 ms


def test_brief_dips_do_not_end_speech_but_a_long_pause_does():
    probs = [0.9] * 20 + [0.1] * 10 + [0.9] * 20 + [0.1] * 20  # 320 ms dip, then 640 ms pause
    events = run(probs)
    assert [e.kind for e in events] == ['start', 'pause', 'pause', 'end'], 'one pause per silence'
    assert [e.end for e in events[1:]] == pytest.approx([20 * FRAME, 50 * FRAME, 50 * FRAME])


def test_hysteresis_between_threshold_and_release():
    probs = [0.9] * 20 + [0.4] * 40 + [0.1] * 20  # 0.4: not enough to start, enough to go on
    events = run(probs, SegmenterSettings(pre_roll_s=0.0))
    assert events[1].end == pytest.approx(60 * FRAME)


def test_long_speech_is_split_at_max_segment():
    events = run([0.9] * 200, SegmenterSettings(max_segment_s=2.0, pre_roll_s=0.0))
    kinds = [e.kind for e in events]
    assert kinds == ['start', 'end', 'start', 'end', 'start', 'end', 'start', 'end']
    assert all(e.end - e.start <= 2.0 + 1e-6 for e in events if e.kind == 'end')


def test_flush_closes_an_open_segment():
    events = run([0.9] * 20)
    assert events[-1] == SpeechEvent('end', 0.0, pytest.approx(20 * FRAME))


def test_an_end_whose_start_was_missed_is_still_transcribed_and_flush_saves_the_open_segment():
    """After a respawn, the asr hears the end of a segment it never saw start; at shutdown it
    must not drop the segment it is hearing."""
    from milo_robot.hearing.pipeline import SegmentTranscriber
    from milo_robot.hearing.segmenter import SpeechEvent

    class Engine:  # counts what it is fed, like a recogniser would
        name, language = 'count', 'en'

        def begin(self, at):
            self.samples, self.at = 0, at

        def accept(self, samples):
            self.samples += len(samples)
            return ''

        def finish(self, at):
            from milo_robot.hearing.asr import Transcript
            return Transcript(f'{self.samples} samples', self.at, at, 'en', 1.0, True, 'count')

    frames = [np.zeros(512, dtype=np.int16) for _ in range(10)]
    transcriber = SegmentTranscriber(Engine())
    for i, frame in enumerate(frames):
        transcriber.push_frame(frame, 100.0 + i * 0.032)
    (final,) = transcriber.push_event(SpeechEvent('end', 100.0, 100.0 + 8 * 0.032))
    assert final.text == f'{8 * 512} samples'
    transcriber.push_event(SpeechEvent('start', 100.0, None))
    (flushed,) = transcriber.flush()
    assert flushed.text == f'{10 * 512} samples' and flushed.end == pytest.approx(100.0 + 10 * 0.032)
    assert transcriber.flush() == []
