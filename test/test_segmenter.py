# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Speech segmentation on the audio's own clock, from block probabilities (no models, no ROS)."""

import numpy as np
import pytest

from milo_robot.hearing.segmenter import Segmenter, SegmenterSettings, SpeechEvent

FRAME = 0.032
BLOCK = 512


def run(probabilities, settings=SegmenterSettings()):
    seg = Segmenter(settings)
    events = []
    for i, p in enumerate(probabilities):
        events += seg.push(p, i * BLOCK, BLOCK)
    return events + seg.flush(len(probabilities) * BLOCK)


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
    assert [e.kind for e in events] == ['start', 'pause', 'end']
    assert events[2].end == pytest.approx(60 * FRAME)


def test_a_pause_comes_once_the_voice_fades_under_pause_release_and_keeps_what_was_heard():
    """Silero's probability fades for ~100 ms after the last word: a pause (a peek) need not wait.

    It need not wait for `release`; while the voice is between the two, the words end with what
    was heard.
    """
    probs = [0.9] * 20 + [0.6] * 3 + [0.1] * 20
    events = run(probs, SegmenterSettings(pre_roll_s=0.0))
    assert [e.kind for e in events] == ['start', 'pause', 'end']
    pause_blocks = int(np.ceil(0.12 / FRAME))  # quiet from block 20, long enough 4 blocks later
    assert events[1].end == pytest.approx(23 * FRAME)  # then silent (under release) since block 23
    assert events[2].end == pytest.approx(23 * FRAME)
    fading = run([0.9] * 20 + [0.6] * 10 + [0.1] * 20, SegmenterSettings(pre_roll_s=0.0))
    # quiet enough from block 20 on: the pause at block 20 + 4, still fading, ends with what was heard
    assert fading[1].kind == 'pause' and fading[1].end == pytest.approx((20 + pause_blocks) * FRAME)
    strict = run(probs, SegmenterSettings(pre_roll_s=0.0, pause_release=0.35))
    assert [e.kind for e in strict] == ['start', 'pause', 'end']


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
        name, language, streaming = 'count', 'en', False

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
        transcriber.push_frame(frame, 1_600_000 + i * BLOCK)  # 100 s on the sample clock
    (final,) = transcriber.push_event(SpeechEvent('end', 100.0, 100.0 + 8 * 0.032))
    assert final.text == f'{8 * 512} samples'
    transcriber.push_event(SpeechEvent('start', 100.0, None))
    (flushed,) = transcriber.flush()
    assert flushed.text == f'{10 * 512} samples' and flushed.end == pytest.approx(100.0 + 10 * 0.032)
    assert transcriber.flush() == []


def test_the_pre_roll_never_reaches_into_the_segment_before():
    settings = SegmenterSettings(pre_roll_s=0.3, hangover_s=0.1, min_speech_s=0.064)
    events = run([0.9] * 20 + [0.1] * 5 + [0.9] * 20 + [0.1] * 10, settings)
    ends = [e for e in events if e.kind == 'end']
    assert len(ends) == 2
    assert ends[1].start == pytest.approx(ends[0].end), 'the second segment starts where the first ended'
    assert ends[1].start > 25 * FRAME - 0.3


def test_durations_follow_the_sample_clock_not_the_blocks_received():
    # Blocks of 20 ms: the hangover is 0.5 s of audio whatever the block size.
    seg, events = Segmenter(SegmenterSettings(pre_roll_s=0.0)), []
    for i in range(100):
        events += seg.push(0.9 if i < 30 else 0.0, i * 320, 320)
    end = [e for e in events if e.kind == 'end'][0]
    assert end.end == pytest.approx(30 * 0.02)
    assert [e for e in events if e.kind == 'start'][0].start == 0.0


class LoudVad:
    """Speech wherever the audio is loud: a stand-in for Silero with a known answer."""

    def probability(self, block):
        return 1.0 if np.abs(block.astype(np.int32)).max() > 1000 else 0.0

    def reset(self):
        pass


def speech_and_silence(*spans):
    """Audio of alternating loud (speech) and silent spans, in seconds; each sample is unique."""
    parts = []
    for i, seconds in enumerate(spans):
        n = int(seconds * 16000)
        parts.append(np.full(n, 5000 if i % 2 else 0, dtype=np.int16) + (np.arange(n) % 7).astype(np.int16))
    return np.concatenate(parts)


def test_lost_frames_are_counted_and_pass_as_silence_on_the_clock():
    from milo_robot.hearing.pipeline import SpeechDetector

    audio = speech_and_silence(0.5, 2.0, 1.0)
    detector = SpeechDetector(LoudVad(), SegmenterSettings(pre_roll_s=0.0, hangover_s=0.3))
    events = []
    start = 48_000_000  # the stream does not start at 0
    for i in range(0, len(audio) - 319, 320):  # 20 ms frames, 1 s of them lost mid-speech
        if not 1.0 <= i / 16000 < 2.0:
            events += [e for e, _ in detector.push(audio[i:i + 320], start + i)]
    events += [e for e, _ in detector.flush()]
    assert detector.frames_lost == 50
    segments = [(e.start - 3000, e.end - 3000) for e in events if e.kind == 'end']
    # The hole ends the first segment where it began; the speech after it is a segment of its own.
    assert segments == [pytest.approx((0.5, 1.0), abs=FRAME), pytest.approx((2.0, 2.5), abs=FRAME)]


def test_a_segment_hears_exactly_its_own_audio_even_when_the_end_comes_late():
    from milo_robot.hearing.asr import Transcript
    from milo_robot.hearing.pipeline import SegmentTranscriber

    class Recorder:  # keeps what it hears
        name, language = 'rec', 'en'

        def __init__(self, streaming):
            self.streaming = streaming

        def begin(self, at):
            self.heard = []

        def accept(self, samples):
            self.heard.append(samples.copy())
            return 'words' if self.streaming else None

        def finish(self, at):
            return Transcript('x', 0.0, at, 'en', 1.0, True, 'rec')

    audio = np.arange(16000 * 4, dtype=np.int64).astype(np.int16)
    for streaming in (False, True):
        engine = Recorder(streaming)
        transcriber = SegmentTranscriber(engine, stream_hold_s=0.0)
        transcriber.push_event(SpeechEvent('start', 1.0))
        partials = []
        for i in range(0, len(audio), 512):  # the next sentence arrives before the end event
            partials += transcriber.push_frame(audio[i:i + 512], i)
        (final,) = transcriber.push_event(SpeechEvent('end', 1.0, 2.5))
        assert np.array_equal(np.concatenate(engine.heard), audio[16000:40000]), streaming
        assert bool(partials) == streaming and final.end == 2.5


def test_the_ring_reads_missing_audio_as_silence_and_counts_what_it_let_go():
    from milo_robot.hearing.pipeline import AudioRing

    ring = AudioRing(keep_s=0.1)  # 1600 samples
    frame = np.ones(512, dtype=np.int16)
    assert ring.add(frame, 0).gap == 0
    assert ring.add(frame, 1024).gap == 512  # one frame lost
    assert ring.add(frame, 1024).repeat == 512  # sent twice: kept once
    audio, let_go = ring.read(0, 1536)
    assert let_go == 0 and list(audio[::512]) == [1, 0, 1]
    for index in range(1536, 1536 + 5 * 512, 512):
        ring.add(frame, index)
    audio, let_go = ring.read(0, 4096)
    assert let_go == 4096 - 1600 and len(audio) == 1600 and audio.all()  # keep_s held, no more
    assert ring.continuity.frames_lost == 1 and ring.end == 4096 and ring.start == 4096 - 1600
    # Round and round the buffer, each sample is read back where it was written.
    ramp = np.arange(20_000, dtype=np.int64).astype(np.int16)
    ring = AudioRing(keep_s=0.1)
    for index in range(0, len(ramp), 300):
        ring.add(ramp[index:index + 300], 50_000 + index)
        audio, _ = ring.read(max(50_000, 50_000 + index - 1200), 50_000 + index + 300)
        assert np.array_equal(audio, ramp[max(0, index - 1200):index + 300])


def test_continuity_tells_gaps_repeats_and_a_new_stream():
    from milo_robot.audio.timeline import Continuity

    c = Continuity(max_gap_s=10.0)
    assert c.arrive(1000, 512).gap == 0
    assert c.arrive(1512 + 1024, 512).gap == 1024
    assert c.frames_lost == 2 and c.gaps == 1
    assert c.arrive(1512 + 1024, 512).repeat == 512
    assert c.arrive(16000 * 100, 512).restart  # far ahead: another stream
    assert c.arrive(0, 512).restart  # far back: another stream
    assert c.frames_lost == 2 and c.restarts == 2


def test_a_capture_clock_jumps_to_the_wall_clock_after_an_overflow():
    from milo_robot.audio.timeline import CaptureClock

    now = [0.0]
    clock = CaptureClock(48000, clock=lambda: now[0])
    clock.captured(48000)  # one second delivered
    now[0] = 3.0  # the card dropped two seconds while the process was stalled
    assert clock.overflowed(at_least=1024) == 96000 and clock.position == 144000
    assert clock.overflowed(at_least=1024) == 1024  # never less than what the card says it lost


def test_audio_let_go_before_its_turn_is_counted_not_made_up_as_silence():
    from milo_robot.hearing.asr import Transcript
    from milo_robot.hearing.pipeline import SegmentTranscriber

    class Recorder:
        name, language, streaming = 'rec', 'en', False

        def begin(self, at):
            self.heard = []

        def accept(self, samples):
            self.heard.append(samples.copy())

        def finish(self, at):
            return Transcript('x', 0.0, at, 'en', 1.0, True, 'rec')

    engine = Recorder()
    transcriber = SegmentTranscriber(engine, keep_s=1.0)  # recognition fell 2 s behind
    audio = np.arange(16000 * 3, dtype=np.int64).astype(np.int16)
    for i in range(0, len(audio), 512):
        transcriber.push_frame(audio[i:i + 512], i)
    transcriber.push_event(SpeechEvent('start', 0.5))
    transcriber.push_event(SpeechEvent('end', 0.5, 2.5))
    assert transcriber.dropped_samples == 16000 * 3 - 16000 - 8000  # from 0.5 s to the oldest held
    assert np.array_equal(np.concatenate(engine.heard), audio[len(audio) - 16000:40000])
