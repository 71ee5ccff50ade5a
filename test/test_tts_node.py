# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The TTS node over real DDS: speaking state, mouth, spoken text, echo reference, stop, bad input."""

import json

from diagnostic_msgs.msg import DiagnosticArray
from harness import latest_status, wait_until
from rclpy.qos import DurabilityPolicy, QoSProfile
from sensor_msgs.msg import Image
from signals import read_wav
from std_msgs.msg import Bool, Empty, Float32, String

from milo_robot.interfaces import diagnostics as d
from milo_robot.interfaces.audio import msg_to_frame, stamp_seconds
from milo_robot.interfaces.topics import (
    DIAGNOSTICS,
    SPEAKER_AUDIO,
    SPEAKER_AUDIO_QOS,
    TTS_MOUTH,
    TTS_SAY,
    TTS_SPEAKING,
    TTS_SPOKEN,
    TTS_STOP,
    VAD_EVENTS,
)

LATCHED = QoSProfile(depth=1, durability=DurabilityPolicy.TRANSIENT_LOCAL)
RELIABLE = QoSProfile(depth=50)


def facts(diagnostics) -> dict:
    status = latest_status(diagnostics, 'tts')
    return status.values if status else {}


def errors(diagnostics):
    return int(facts(diagnostics).get(d.ERRORS, 0))


def start_tts(tmp_path, probe, processes, **params):
    topics = {
        'speaking': probe.subscribe(Bool, TTS_SPEAKING.name, LATCHED),
        'mouth': probe.subscribe(Float32, TTS_MOUTH.name, 10),
        'spoken': probe.subscribe(String, TTS_SPOKEN.name, RELIABLE),
        'played': probe.subscribe(Image, SPEAKER_AUDIO.name, SPEAKER_AUDIO_QOS.profile()),
        'diagnostics': probe.subscribe(DiagnosticArray, DIAGNOSTICS.name),
    }
    params.setdefault('french_voice', 'espeak-ng')  # Kokoro only where a test is about French
    node = processes.node('tts_node', output='wav', output_wav=str(tmp_path / 'speech.wav'), **params)
    topics['speaking'].wait_for(1, 'the initial speaking state')
    probe.wait_for_publisher(TTS_SPOKEN.name)
    say = probe.publisher(String, TTS_SAY.name, RELIABLE)
    return node, say, topics


def test_speaks_a_request_with_mouth_and_echo_reference(tmp_path, probe, processes):
    node, say, t = start_tts(tmp_path, probe, processes)
    say.publish(String(data=json.dumps({'text': 'Hello. I am Milo, a student robot.',
                                        'language': 'en', 'request_id': 'r1'})))
    spoken = json.loads(t['spoken'].wait_for(1, 'the spoken report')[0].data)
    assert spoken == {'request_id': 'r1', 'kind': 'direct', 'part': 0,
                      'text': 'Hello. I am Milo, a student robot.', 'interrupted': False}
    wait_until(lambda: [m.data for m in t['speaking'].messages][-1] is False, 'speaking false')
    assert [m.data for m in t['speaking'].messages] == [False, True, False]
    seconds = len(read_wav(tmp_path / 'speech.wav')[0]) / 22050
    assert len(t['mouth'].messages) >= 20 * seconds * 0.9  # at least 20 Hz while speaking
    assert max(m.data for m in t['mouth'].messages) > 0.5
    frames = t['played'].wait_for(int(seconds * 16000 / 512) - 2, 'the echo reference')
    stamps = [stamp_seconds(m) for m in frames]
    assert all(len(msg_to_frame(m)) == 512 for m in frames)
    assert all(abs(b - a - 0.032) < 1e-3 for a, b in zip(stamps, stamps[1:]))
    assert node.popen.poll() is None


def test_stop_and_barge_in_cut_the_speech(tmp_path, probe, processes):
    node, say, t = start_tts(tmp_path, probe, processes)
    stop = probe.publisher(Empty, TTS_STOP.name, 10)
    vad = probe.publisher(String, VAD_EVENTS.name, RELIABLE)
    long_text = 'The capacitor stores energy in its electric field and releases it later. ' * 4
    for request, cut in (('a', lambda: stop.publish(Empty())),
                         ('b', lambda: vad.publish(String(data=json.dumps(
                             {'event': 'start', 'start': 1.0, 'barge_in': True}))))):
        before = len(t['mouth'].messages)
        say.publish(String(data=json.dumps({'text': long_text, 'request_id': request})))
        wait_until(lambda: len(t['mouth'].messages) > before + 40, 'speech under way')
        cut()
        report = json.loads(t['spoken'].wait_for(1 + (request == 'b'), 'a report')[-1].data)
        assert report['request_id'] == request and report['interrupted']
        assert 0 < len(report['text'].split()) < len(long_text.split()) / 2
        wait_until(lambda: t['speaking'].messages[-1].data is False, 'silence')
    node.wait_for_line('stopping: a person talked over Milo')


def test_bad_requests_are_reported_and_the_node_keeps_going(tmp_path, probe, processes):
    node, say, t = start_tts(tmp_path, probe, processes)
    for bad in ('{"text": ', '{"language": "fr"}', '', '🙂', '\x00\x01'):
        say.publish(String(data=bad))
    wait_until(lambda: errors(t['diagnostics']) >= 5, 'five errors reported')
    say.publish(String(data='Still here.'))
    assert json.loads(t['spoken'].wait_for(1, 'a report')[0].data)['text'] == 'Still here.'
    assert node.popen.poll() is None


def test_a_missing_voice_falls_back_to_the_packaged_one(tmp_path, probe, processes):
    node, say, t = start_tts(tmp_path, probe, processes, voice=str(tmp_path / 'fr_FR-none.onnx'))
    node.wait_for_line('speaking with the packaged voice instead')
    say.publish(String(data='Bonjour.'))
    assert json.loads(t['spoken'].wait_for(1, 'a report')[0].data)['text'] == 'Bonjour.'
    wait_until(lambda: errors(t['diagnostics']) >= 1, 'the error in the diagnostics')


def test_french_is_spoken_by_kokoro_and_the_choice_is_reported(tmp_path, probe, processes):
    node, say, t = start_tts(tmp_path, probe, processes, french_voice='kokoro', kokoro_max_rtf=0.0)
    wait_until(lambda: facts(t['diagnostics']).get('voice_fr') == 'kokoro:jm_kumo',
               'Kokoro chosen for French', timeout=300)
    assert facts(t['diagnostics'])['voice_fr_why'] == 'not timed (kokoro_max_rtf 0)'
    say.publish(String(data=json.dumps({'text': 'Bonjour à tous, la tension vaut 12 V.',
                                        'language': 'fr', 'request_id': 'fr1'})))
    spoken = json.loads(t['spoken'].wait_for(1, 'the French report', timeout=300)[0].data)
    assert spoken['text'] == 'Bonjour à tous, la tension vaut douze volts.'
    assert not spoken['interrupted'] and node.popen.poll() is None


def test_a_board_too_slow_for_kokoro_says_so_and_speaks_espeak_ng(tmp_path, probe, processes):
    node, say, t = start_tts(tmp_path, probe, processes, french_voice='kokoro',
                             kokoro_max_rtf=0.001)  # no CPU synthesises 1000 times real time
    wait_until(lambda: facts(t['diagnostics']).get('voice_fr') == 'espeak-ng:fr',
               'the espeak-ng fallback', timeout=300)
    assert facts(t['diagnostics'])['voice_fr_why'].startswith('Kokoro too slow on this board')
    node.wait_for_line('French: Kokoro too slow on this board')
    say.publish(String(data=json.dumps({'text': 'Bonjour.', 'language': 'fr'})))
    assert json.loads(t['spoken'].wait_for(1, 'a report')[0].data)['text'] == 'Bonjour.'
