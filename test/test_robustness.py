# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Faults over real DDS: a speaker that fails mid-answer, and garbage on every input topic."""

import json
import math
import random
import time

import harness
import numpy as np
import pytest
from diagnostic_msgs.msg import DiagnosticArray
from geometry_msgs.msg import Twist
from harness import wait_until
from sensor_msgs.msg import Image, JointState
from signals import read_wav, write_wav
from speech import talk
from std_msgs.msg import ColorRGBA, Float32, String

from milo_robot.diagnostics import ERROR
from milo_robot.interfaces import diagnostics as d
from milo_robot.interfaces import topics as t
from milo_robot.interfaces.audio import frame_to_msg
from milo_robot.interfaces.fields import PayloadError
from milo_robot.interfaces.payloads import SayRequest, SpeechSpoken, Transcript, VadEvent
from milo_robot.record.lecture_record import LectureRecord


def statuses(inbox, name):
    return harness.statuses(inbox, name)


def stamp(seconds):
    from builtin_interfaces.msg import Time
    return Time(sec=int(seconds), nanosec=int((seconds % 1) * 1e9))


def test_a_speaker_failing_mid_answer_is_reported_while_recording_goes_on(tmp_path, probe, processes):
    speech = tmp_path / 'speech.wav'
    unplugged = tmp_path / 'speech.wav.unplugged'
    diagnostics = probe.subscribe(DiagnosticArray, t.DIAGNOSTICS.name)
    spoken = probe.subscribe(String, t.TTS_SPOKEN.name, t.TTS_SPOKEN.qos.profile())
    started = probe.subscribe(String, t.TTS_STARTED.name, t.TTS_STARTED.qos.profile())
    finals = probe.subscribe(String, t.ASR_FINAL.name, t.ASR_FINAL.qos.profile())
    tts = processes.node('tts_node', output='wav', output_wav=str(speech), retry_s=0.2)
    asr = processes.node('asr_node', database=str(tmp_path / 'milo.db'), lecture='new')
    wait_until(lambda: any(s.ready for s in statuses(diagnostics, 'asr')[-1:]),
               'the ASR to be ready', 120)
    probe.wait_for_publisher(t.TTS_SPOKEN.name)
    sayer = probe.publisher(String, t.TTS_SAY.name, t.TTS_SAY.qos.profile())

    long_answer = ('Capacitors store energy in an electric field. The time constant is the resistance '
                   'times the capacitance. After five time constants the capacitor is charged.')
    sayer.publish(SayRequest(long_answer, 'en', 'q1', 'answer', 0).to_msg())
    started.wait_for(1, 'the answer to start')
    unplugged.touch()  # the speaker is pulled out while Milo speaks
    report = SpeechSpoken.from_msg(spoken.wait_for(1, 'the cut answer reported', 60)[0])
    assert report.request_id == 'q1' and report.interrupted

    def faulted():
        last = statuses(diagnostics, 'tts')[-1:]
        return last and last[0].level == ERROR and 'speaker' in last[0].message
    wait_until(faulted, 'the speaker fault on /diagnostics')

    # Meanwhile the class goes on: the ASR records what the teacher says.
    frames = probe.publisher(Image, t.AUDIO_FRAMES.name, t.AUDIO_FRAMES.qos.profile())
    events = probe.publisher(String, t.VAD_EVENTS.name, t.VAD_EVENTS.qos.profile())
    audio, t0 = talk(0.3, 'Today we study capacitors.', 0.3), time.time()
    for i in range(0, len(audio) - 511, 512):
        frames.publish(frame_to_msg(audio[i:i + 512], stamp(t0 + i / 16000), 'microphone'))
        time.sleep(0.004)
    time.sleep(0.2)
    events.publish(VadEvent('start', t0).to_msg())
    events.publish(VadEvent('end', t0, t0 + len(audio) / 16000).to_msg())
    heard = Transcript.from_msg(finals.wait_for(1, 'a segment recorded', 60)[0])
    assert heard.segment_id is not None

    sayer.publish(SayRequest('Still unplugged.', 'en', 'q2', 'answer', 0).to_msg())
    assert SpeechSpoken.from_msg(spoken.wait_for(2, 'the second report', 30)[1]).interrupted
    before = len(read_wav(speech)[0])
    unplugged.unlink()  # plugged back in
    sayer.publish(SayRequest('I can speak again.', 'en', 'q3', 'answer', 0).to_msg())
    resumed = SpeechSpoken.from_msg(spoken.wait_for(3, 'speech after the replug', 60)[2])
    assert (resumed.request_id, resumed.interrupted) == ('q3', False)
    assert len(read_wav(speech)[0]) > before + 22050 * 0.5, 'the speech is in the same file'
    wait_until(lambda: statuses(diagnostics, 'tts')[-1].level != ERROR, 'the fault to clear')
    assert tts.popen.poll() is None and asr.popen.poll() is None
    with LectureRecord(tmp_path / 'milo.db', read_only=True) as record:
        assert len(record.segments()) == 1


def bad_strings(payload_cls) -> list:
    """Garbage for a String topic: not JSON, wrong shapes, and each field given wrong values."""
    samples = {
        'VadEvent': {'event': 'start', 'start': 1.0},
        'Transcript': {'text': 'Milo, what is a volt?', 'language': 'en', 'start': 0.0, 'end': 1.0,
                       'confidence': 0.9, 'final': True},
        'Question': {'request_id': 'z1', 'text': 'What is a volt?'},
        'Cancel': {'request_id': 'z1'},
        'AnswerPart': {'request_id': 'z1', 'index': 0, 'text': 'A volt.'},
        'SayRequest': {'text': 'Hello.'},
        'SpeechStarted': {'request_id': 'z1', 'kind': 'answer', 'part': 0, 'time': 1.0},
        'SpeechSpoken': {'request_id': 'z1', 'kind': 'answer', 'part': 0},
        'RoleChange': {'segment_ids': [1], 'role': 'student'},
        'QuestionEntry': {'request_id': 'z1', 'lecture_id': None, 'asked_at': 1.0, 'heard': 'x',
                          'question': 'x', 'language': 'en', 'mode': 'qa', 'outcome': 'failed'},
        'LectureCommand': {'action': 'set_title', 'title': 'x'},
        'LectureState': {'state': 'none'},
        'Faces': {'stamp': 1.0, 'width': 320, 'height': 240, 'ids': [1], 'boxes': [[1, 2, 3, 4]],
                  'mouth': [0.5]},
    }
    out = ['', 'not json', '[]', '{}', '{"a": ' * 5000, 'x' * 70000]
    if payload_cls.WIRE == 'text':
        return out + ['party', '   ', 'idle\x00']
    good = samples[payload_cls.__name__]
    for field in good:
        for bad in ('NaN', 'Infinity', '-Infinity', '1e400', '1' + '0' * 400, '-1', '"x"', 'true',
                    '[]', '{}', 'null', json.dumps('y' * 5000)):
            out.append(json.dumps(good)[:-1] + f', "{field}": {bad}}}')
    # Garbage only: a variant that happens to be valid (null where null is allowed) is dropped,
    # so that the graph is not also kept busy answering it.
    return [raw for raw in out if not _valid(payload_cls, raw)]


def _valid(payload_cls, raw: str) -> bool:
    try:
        payload_cls.from_json(raw)
        return True
    except PayloadError:
        return False


def bad_messages(topic) -> list:
    """Garbage for any input topic of the graph."""
    if topic.msg == 'std_msgs/msg/String':
        return [String(data=s) for s in bad_strings(topic.payload)]
    if topic.msg == 'sensor_msgs/msg/Image':
        return [Image(height=2, width=512, encoding='16SC1', step=1024, data=bytes(2048)),
                Image(height=1, width=512, encoding='8UC1', step=512, data=bytes(512)),
                Image(height=1, width=10**6, encoding='16SC1', step=4, data=bytes(4))]
    if topic.msg == 'std_msgs/msg/Float32':
        return [Float32(data=v) for v in (math.nan, math.inf, -math.inf, 3.4e38)]
    if topic.msg == 'std_msgs/msg/ColorRGBA':
        return [ColorRGBA(r=math.nan), ColorRGBA(g=math.inf), ColorRGBA(b=-5.0, a=2.0)]
    if topic.msg == 'sensor_msgs/msg/JointState':
        return [JointState(name=['pan'], position=[math.nan]),
                JointState(name=['neck'], position=[0.1]), JointState(name=['pan', 'tilt'], position=[0.1])]
    if topic.msg == 'geometry_msgs/msg/Twist':
        twist = Twist()
        twist.angular.z = math.inf
        return [twist]
    return []


def test_every_node_survives_garbage_on_every_input_topic(tmp_path, probe, processes):
    wav = write_wav(tmp_path / 'quiet.wav', np.zeros(16000, dtype=np.int16), 16000)
    up = processes.milo('up', '--sim', '--input', wav, '--set', 'microphone.loop=true',
                        '--set', f'asr.database={tmp_path}/milo.db',
                        '--set', f'brain.database={tmp_path}/milo.db',
                        '--set', f'tts.output_wav={tmp_path}/speech.wav',
                        '--set', f'audio_monitor.output_wav={tmp_path}/heard.wav',
                        '--set', f'body.latch_file={tmp_path}/estop.latch', '--set', 'brain.profile=tiny')
    diagnostics = probe.subscribe(DiagnosticArray, t.DIAGNOSTICS.name)
    nodes = ('microphone', 'audio_monitor', 'vad', 'asr', 'tts', 'brain', 'dialogue', 'body')
    if not wait_until(lambda: all(statuses(diagnostics, n) for n in nodes), 'every node', 120, fail=False):
        silent = [n for n in nodes if not statuses(diagnostics, n)]
        pytest.fail(f'no diagnostics in 120 s from {silent}; milo up said:\n{up.output[-3000:]}')
    inputs = [topic for topic in t.TOPICS if topic.subscribers and topic.name != t.DIAGNOSTICS.name]
    rng = random.Random(0)
    for topic in inputs:
        pub = topic.publisher(probe.node)
        # A message sent before a subscriber has matched is not delivered: wait for the nodes.
        listeners = len(set(topic.subscribers) & set(nodes))
        wait_until(lambda: pub.get_subscription_count() >= listeners, f'the subscribers of {topic.name}')
        messages = bad_messages(topic)
        rng.shuffle(messages)
        # Frames are best effort: sent a few times, spaced, so that every subscriber gets some.
        repeat = 5 if topic.msg == 'sensor_msgs/msg/Image' else 1
        for msg in messages * repeat:
            pub.publish(msg)
            if repeat > 1:
                time.sleep(0.02)
        time.sleep(0.05)
    time.sleep(2.0)
    assert 'exited with status' not in up.output, up.output
    rejected = {n: max((int(s.number(d.REJECTED)) for s in statuses(diagnostics, n)), default=0)
                for n in nodes}
    for name in ('vad', 'asr', 'tts', 'brain', 'dialogue', 'body', 'audio_monitor'):
        assert rejected[name] > 0, f'{name} reported nothing: {rejected}'

    # ...and keeps working: a real question still goes through the dialogue to the brain.
    answers = probe.subscribe(String, t.BRAIN_ANSWER.name, t.BRAIN_ANSWER.qos.profile())
    finals = t.ASR_FINAL.publisher(probe.node)
    wait_until(lambda: finals.get_subscription_count() >= 2, 'dialogue and brain on /asr/final')
    probe.wait_for_publisher(t.BRAIN_ANSWER.name)
    finals.publish(Transcript('Milo, who are you?', 'en', 0.0, 1.0, 0.9, True,
                              wall_end=time.time()).to_msg())
    wait_until(lambda: any('Milo' in m.data for m in answers.messages), 'an answer after the garbage', 60)
    assert 'exited with status' not in up.output, up.output
