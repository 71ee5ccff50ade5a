# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The hearing nodes over real DDS: the sim graph end to end, barge-in, bad input, `milo transcribe`."""

import json
import os
import signal
import time

import numpy as np
import pytest
from builtin_interfaces.msg import Time
from diagnostic_msgs.msg import DiagnosticArray
from harness import latest_status, statuses, wait_until
from rclpy.qos import DurabilityPolicy, QoSProfile
from sensor_msgs.msg import Image
from signals import write_wav
from speech import say, silence, talk
from std_msgs.msg import Bool, String

from milo_robot.bench.wer import normalise as words
from milo_robot.bench.wer import word_error_rate
from milo_robot.diagnostics import ERROR
from milo_robot.interfaces import diagnostics as d
from milo_robot.interfaces.audio import frame_to_msg
from milo_robot.interfaces.payloads import VadEvent
from milo_robot.interfaces.topics import (
    ASR_FINAL,
    ASR_PARTIAL,
    AUDIO_FRAMES,
    DIAGNOSTICS,
    EVENTS_QOS,
    SPEAKER_AUDIO,
    SPEAKER_AUDIO_QOS,
    TTS_SPEAKING,
    VAD_EVENTS,
)
from milo_robot.record.lecture_record import LectureRecord
from milo_robot.thinking.retrieval import TERM_LIST

LATCHED = QoSProfile(depth=1, durability=DurabilityPolicy.TRANSIENT_LOCAL)


def stamp(seconds):
    return Time(sec=int(seconds), nanosec=int(round((seconds % 1) * 1e9)))


def speak_to_the_asr(probe, sentence: str):
    """Send a spoken sentence's frames as the microphone, then the VAD's start event.

    Return (the events publisher, the sentence's start and end times) for the test's own events.
    """
    frames = probe.publisher(Image, AUDIO_FRAMES.name, AUDIO_FRAMES.qos.profile())
    events = probe.publisher(String, VAD_EVENTS.name, QoSProfile(depth=50))
    audio = talk(0.3, sentence, 0.3)
    t0 = time.time()
    for i in range(0, len(audio) - 511, 512):
        frames.publish(frame_to_msg(audio[i:i + 512], stamp(t0 + i / 16000), 'microphone'))
        time.sleep(0.004)
    time.sleep(0.2)
    events.publish(String(data=json.dumps({'event': 'start', 'start': t0, 'barge_in': False})))
    return events, t0, t0 + len(audio) / 16000


def test_sim_graph_transcribes_and_records_the_lecture(tmp_path, processes):
    lecture = talk(0.5, 'Good morning everyone.', 1.0, 'Today we study capacitors.', 1.0)
    wav = write_wav(tmp_path / 'lecture.wav', lecture, 16000)
    db = tmp_path / 'milo.db'
    up = processes.milo('up', '--sim', '--input', wav, '--set', 'microphone.realtime_factor=4',
                        '--set', f'asr.database={db}', '--set', f'audio_monitor.output_wav={tmp_path}/m.wav')
    assert up.wait(timeout=120) == 0, up.output
    assert '[asr] [INFO] segment at 00:0' in up.output and '(en, ' in up.output, up.output
    assert 'morning' not in up.output.lower(), 'no transcript in the logs above debug level'
    with LectureRecord(db, read_only=True) as record:
        rows = record.segments()
        lectures = record.lectures()
    assert len(rows) == 2
    assert word_error_rate('Good morning everyone.', rows[0].text) <= 1 / 3
    # A segment is its own audio only: the next sentence's first word is not in it ("... Today").
    assert 'today' not in words(rows[0].text), rows[0].text
    assert word_error_rate('Today we study capacitors.', rows[1].text) <= 0.25
    assert len(lectures) == 1 and all(r.lecture_id == lectures[0].id for r in rows)
    assert lectures[0].title.lower().startswith('capacitor') and lectures[0].title_source == 'announced'
    assert all(r.speaker_role == 'teacher' and r.language == 'en' and r.engine == 'whisper'
               for r in rows)
    assert rows[0].end_s < rows[1].start_s
    assert rows[1].start_s - rows[0].start_s == pytest.approx(1.0 + len(say('Good morning everyone.'))
                                                              / 16000, abs=0.3)


def test_asr_node_publishes_finals_for_vad_segments(tmp_path, probe, processes):
    finals = probe.subscribe(String, ASR_FINAL.name, QoSProfile(depth=50))
    partials = probe.subscribe(String, ASR_PARTIAL.name, QoSProfile(depth=10))
    diagnostics = probe.subscribe(DiagnosticArray, DIAGNOSTICS.name)
    processes.node('asr_node', database=str(tmp_path / 'milo.db'), speaker_role='student')
    wait_until(lambda: any(s.ready for s in statuses(diagnostics, 'asr')), 'the ASR to be ready')
    probe.wait_for_publisher(ASR_FINAL.name)
    events, t0, end = speak_to_the_asr(probe, 'Milo, what is a capacitor?')
    events.publish(String(data=json.dumps({'event': 'pause', 'start': t0, 'end': end})))
    partial = json.loads(partials.wait_for(1, 'the words so far at the pause')[0].data)
    assert partial['at_pause'] and not partial['final']
    assert word_error_rate('Milo, what is a capacitor?', partial['text']) <= 0.4
    events.publish(String(data=json.dumps({'event': 'end', 'start': t0, 'end': end})))
    final = json.loads(finals.wait_for(1, 'a final transcript')[0].data)
    assert word_error_rate('Milo, what is a capacitor?', final['text']) <= 0.2  # 'Milo' may vary
    assert final['final'] and final['speaker_role'] == 'student' and final['segment_id'] == 1
    assert final['end'] - final['start'] == pytest.approx(end - t0, abs=0.05)
    assert set(final) == {'text', 'start', 'end', 'language', 'confidence', 'final', 'engine',
                          'speaker_role', 'lecture_id', 'segment_id', 'wall_end', 'compute_s', 'at_pause'}
    assert 0 < final['compute_s'] < 60


def test_vad_node_ignores_milos_voice_and_hears_a_person_over_it(probe, processes):
    events = probe.subscribe(String, VAD_EVENTS.name, QoSProfile(depth=50))
    diagnostics = probe.subscribe(DiagnosticArray, DIAGNOSTICS.name)
    processes.node('vad_node')
    frames = probe.publisher(Image, AUDIO_FRAMES.name, AUDIO_FRAMES.qos.profile())
    played = probe.publisher(Image, SPEAKER_AUDIO.name, SPEAKER_AUDIO_QOS.profile())
    speaking = probe.node.create_publisher(Bool, TTS_SPEAKING.name, LATCHED)
    speaking.publish(Bool(data=True))
    wait_until(lambda: any(s.get(d.MILO_SPEAKING) == 'true' for s in statuses(diagnostics, 'vad')),
               'the VAD to know Milo is speaking')

    voice = say('The capacitor stores energy in its electric field, and releases it later.')
    start = 1000.0

    def send(audio, t0, publisher=frames):
        for i in range(0, len(audio) - 511, 512):
            publisher.publish(frame_to_msg(audio[i:i + 512], stamp(t0 + i / 16000), 'microphone'))
            time.sleep(0.004)  # queues hold a few frames: do not outrun the node
    send(voice, start, played)  # what Milo plays: the reference for the echo gate
    delay = int(0.1 * 16000)
    mic = np.zeros(len(voice) + delay + 16000, dtype=np.int16)
    mic[delay:delay + len(voice)] = (0.5 * voice).astype(np.int16)
    person = say('Excuse me Milo, stop please.')
    both = mic.copy()
    both[8000:8000 + len(person)] += (0.7 * person).astype(np.int16)
    def frames_done():
        return int(latest_status(diagnostics, 'vad').number(d.FRAMES))

    send(mic, start)
    # Every frame handled (a few lost on the way would be the silent tail: no harm).
    wait_until(lambda: frames_done() >= len(mic) // 512 - 3, 'the echo to be processed')
    assert events.messages == [], 'Milo heard itself'
    send(both, start)  # the same echo, now with a person talking over it
    first, then = (json.loads(m.data) for m in events.wait_for(2, 'the barge-in and the start')[:2])
    assert first['event'] == 'barge_in' and first['barge_in'] is True  # at once: Milo stops now
    assert then['event'] == 'start' and then['barge_in'] is True  # the segment, for the ASR
    assert first['start'] <= start + 0.5 + 0.2, 'the barge-in begins with the person\'s voice'


def test_asr_node_survives_bad_events_and_a_missing_model(tmp_path, probe, processes):
    diagnostics = probe.subscribe(DiagnosticArray, DIAGNOSTICS.name)
    node = processes.node('asr_node', model=str(tmp_path / 'no-such-model'), retry_s=1.0,
                          database=str(tmp_path / 'db' / 'milo.db'))
    node.wait_for_line('retrying in 1.0 s')
    wait_until(lambda: any(s.level == ERROR for s in statuses(diagnostics, 'asr')), 'an ERROR diagnostic')
    assert 'no recognition' in latest_status(diagnostics, 'asr').message
    assert 'no-such-model' in latest_status(diagnostics, 'asr').message
    bad = probe.publisher(String, VAD_EVENTS.name, QoSProfile(depth=50))
    for text in ('not json', '{"event": "middle", "start": 1}', '{"start": 1}'):
        bad.publish(String(data=text))
    wait_until(lambda: latest_status(diagnostics, 'asr').number(d.ERRORS) >= 3, 'three errors counted')
    assert node.popen.poll() is None


def test_transcribe_prints_timestamped_segments(tmp_path, processes):
    wav = write_wav(tmp_path / 'q.wav', talk(1.0, 'Milo, what is a capacitor?', 1.0), 16000)
    proc = processes.milo('transcribe', wav)
    assert proc.wait(timeout=120) == 0, proc.output
    lines = [line for line in proc.output.splitlines() if line.startswith('[')]
    assert len(lines) == 1
    assert lines[0].startswith('[00:00.') and '(en, 0.' in lines[0]
    assert word_error_rate('Milo, what is a capacitor?', lines[0].split(') ', 1)[1]) <= 0.2
    vosk = processes.milo('transcribe', wav, '--engine', 'vosk', '--partials')
    assert vosk.wait(timeout=120) == 0
    assert '(ko, 0.00) … ' in vosk.output  # partials, then the final
    missing = processes.milo('transcribe', str(tmp_path / 'none.wav'))
    assert missing.wait() == 1 and 'microphone WAV file not found' in missing.output


def test_silence_gives_no_transcript(tmp_path, processes):
    wav = write_wav(tmp_path / 'quiet.wav', silence(3.0), 16000)
    proc = processes.milo('transcribe', wav)
    assert proc.wait(timeout=120) == 0
    assert not [line for line in proc.output.splitlines() if line.startswith('[')]


def test_asr_saves_the_segment_it_was_hearing_when_it_stops(tmp_path, probe, processes):
    diagnostics = probe.subscribe(DiagnosticArray, DIAGNOSTICS.name)
    node = processes.node('asr_node', database=str(tmp_path / 'milo.db'), lecture='new')
    wait_until(lambda: any(s.ready for s in statuses(diagnostics, 'asr')), 'the ASR to be ready')
    frames = probe.publisher(Image, AUDIO_FRAMES.name, AUDIO_FRAMES.qos.profile())
    events = probe.publisher(String, VAD_EVENTS.name, QoSProfile(depth=50))
    audio, t0 = talk(0.3, 'Today we study capacitors.', 0.3), time.time()
    events.publish(String(data=json.dumps({'event': 'start', 'start': t0})))
    for i in range(0, len(audio) - 511, 512):
        frames.publish(frame_to_msg(audio[i:i + 512], stamp(t0 + i / 16000), 'microphone'))
        time.sleep(0.004)
    time.sleep(0.5)  # the words are in; the speaker has not stopped when Milo is shut down
    node.signal(signal.SIGINT)
    assert node.wait(timeout=30) == 0
    with LectureRecord(tmp_path / 'milo.db', read_only=True) as record:
        (segment,) = record.segments()
    assert word_error_rate('Today we study capacitors.', segment.text) <= 0.25


def test_a_vad_stalled_for_2_s_mid_sentence_loses_no_word(tmp_path, probe, processes):
    """The VAD's process stops for 2 s in the middle of a sentence (SIGSTOP, then SIGCONT), as
    when the model and Whisper hold both cores: it catches up, and every word is recorded once."""
    sentence = 'Today we study capacitors and how they store energy in an electric field.'
    wav = write_wav(tmp_path / 'lecture.wav', talk(0.5, 'Good morning everyone.', 1.0, sentence, 1.0), 16000)
    db = tmp_path / 'milo.db'
    events = probe.subscribe(String, VAD_EVENTS.name, EVENTS_QOS.profile())
    diagnostics = probe.subscribe(DiagnosticArray, DIAGNOSTICS.name)
    asr = processes.node('asr_node', database=str(db), lecture='new')
    vad = processes.node('vad_node')
    # The microphone waits for the VAD and the asr, not for this probe: after another test's
    # graph, discovery is slower, and the probe missed the first sentence's start (then never saw
    # two). It must know the VAD's publisher before the audio begins.
    probe.wait_for_publisher(VAD_EVENTS.name)
    mic = processes.node('microphone_node', backend='wav', wav_file=wav, realtime_factor=1.0,
                         tail_silence_s=1.0, exit_at_end=True, wait_for_subscribers=2,
                         wait_for_nodes='vad,asr')
    starts = lambda: [m for m in events.messages if VadEvent.from_msg(m).event == 'start']  # noqa: E731
    wait_until(lambda: len(starts()) == 2, 'the second sentence to start', timeout=120)
    os.killpg(vad.popen.pid, signal.SIGSTOP)
    try:
        time.sleep(2.0)  # the stall itself: the sentence goes on meanwhile
    finally:
        os.killpg(vad.popen.pid, signal.SIGCONT)
    assert mic.wait(timeout=60) == 0
    sent = int(latest_status(diagnostics, 'microphone').number(d.FRAMES))

    def caught_up():  # every frame either heard or known lost, every segment transcribed
        now = [latest_status(diagnostics, node) for node in ('vad', 'asr')]
        return all(s.number(d.FRAMES) + s.number(d.FRAMES_LOST) >= sent for s in now) and \
            now[1].number(d.WORK_WAITING, 1) == 0 and now
    for status in wait_until(caught_up, 'the VAD and the asr to catch up', timeout=120):
        assert status.number(d.FRAMES_LOST, -1) == 0, f'{status.node} lost frames'
    asr.signal(signal.SIGINT)
    assert asr.wait(timeout=30) == 0
    with LectureRecord(db, read_only=True) as record:
        heard = [w for segment in record.segments() for w in words(segment.text)]
    assert [heard.count(w) for w in words(sentence)] == [1] * len(words(sentence)), heard


def test_asr_node_hears_the_course_terms_of_the_teachers_list(tmp_path, probe, processes):
    # Without the course's words, Whisper base hears "Dijkstra" as another name
    # (test_course_vocabulary.py); the networks course's term list names it.
    sentence = "Routers running OSPF compute their shortest paths with Dijkstra's algorithm."
    (tmp_path / 'notes' / 'Networks').mkdir(parents=True)
    (tmp_path / 'notes' / 'Networks' / TERM_LIST).write_text('Dijkstra\nOSPF\n')
    finals = probe.subscribe(String, ASR_FINAL.name, QoSProfile(depth=50))
    diagnostics = probe.subscribe(DiagnosticArray, DIAGNOSTICS.name)
    processes.node('asr_node', database=str(tmp_path / 'milo.db'), notes_dir=str(tmp_path / 'notes'),
                   course='Networks', lecture='new', language='en', vocabulary='hotwords',
                   vocabulary_languages='en')
    wait_until(lambda: (latest_status(diagnostics, 'asr') is not None and
                        int(latest_status(diagnostics, 'asr').values.get(d.VOCABULARY_TERMS, 0)) >= 3),
               "the course's vocabulary: its two terms and its title")
    probe.wait_for_publisher(ASR_FINAL.name)
    events, t0, end = speak_to_the_asr(probe, sentence)
    events.publish(String(data=json.dumps({'event': 'end', 'start': t0, 'end': end})))
    final = json.loads(finals.wait_for(1, 'a final transcript')[0].data)
    assert 'dijkstra' in words(final['text']), final['text']
