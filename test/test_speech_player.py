# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Voices and the speech player, with the packaged Piper voice and espeak-ng (no ROS)."""

import contextlib

import numpy as np
import pytest
from harness import wait_until
from signals import read_wav

from milo_robot.audio.resample import resample
from milo_robot.bench.wer import word_error_rate
from milo_robot.hearing.engines import make_recognizer
from milo_robot.models import ModelError
from milo_robot.speaking.player import (
    PacedWavSink,
    PlayerEvents,
    SpeechPlayer,
    mouth_level,
    trim_lead,
    trim_silence,
)
from milo_robot.speaking.voices import PiperEngine, VoiceBook
from milo_robot.thinking.sources import introductions


class Recorder(PlayerEvents):
    def __init__(self):
        self.states, self.levels, self.said, self.notes = [], [], [], []

    def speaking(self, active):
        self.states.append(active)

    def block(self, samples, level, started):
        self.levels.append(level)

    def spoken(self, request_id, text, interrupted):
        self.said.append((request_id, text, interrupted))

    def note(self, message):
        self.notes.append(message)


@pytest.fixture(scope='module')
def voices():
    return VoiceBook()  # Piper and espeak-ng only: Kokoro has test_kokoro_voice.py


@pytest.fixture(scope='module')
def whisper():
    return make_recognizer('whisper')


def fast_sink(path, rate):
    return PacedWavSink(str(path), rate, realtime=False)  # as fast as it goes


def test_speaks_every_sentence_and_reports_it(tmp_path, voices, whisper):
    voices.default.steady = True  # the same audio every run, so the transcript check is stable
    events = Recorder()
    player = SpeechPlayer(voices, fast_sink(tmp_path / 'out.wav', voices.default.rate), events=events)
    assert player.say('Good morning. A current of 3 A flows through 4 Ω.', 'en', 'q1') == 2
    wait_until(lambda: events.said, 'the request to be spoken')
    wait_until(lambda: events.states[-1:] == [False], 'the end of speech')
    player.close()
    assert events.said == [('q1', 'Good morning. A current of three amperes flows through four ohms.',
                              False)]
    assert events.states == [True, False]
    audio, rate = read_wav(tmp_path / 'out.wav')
    assert rate == voices.default.rate
    blocks = int(np.ceil(len(audio) / (rate // 50)))
    assert len(events.levels) >= blocks - 2  # a mouth level for every 20 ms block (>= 20 Hz)
    assert max(events.levels) > 0.5 and min(events.levels) < 0.1
    audio16 = resample(audio, rate, 16000)
    assert word_error_rate('Good morning. A current of three amperes flows through four ohms.',
                           whisper.transcribe(audio16)[0]) <= 0.3
    voices.default.steady = False


def test_stop_cuts_within_a_block_and_reports_only_what_was_heard(tmp_path, voices):
    events = Recorder()
    sink = PacedWavSink(str(tmp_path / 'out.wav'), voices.default.rate)  # real time, as a device
    player = SpeechPlayer(voices, sink, events=events)
    text = 'The capacitor stores energy in its electric field. It releases it later. ' * 3
    player.say(text, 'en', 'long')
    wait_until(lambda: len(events.levels) >= 60, 'over a second of speech')
    player.stop()
    wait_until(lambda: events.states[-1:] == [False], 'silence')
    [(request, heard, interrupted)] = events.said
    assert request == 'long' and interrupted
    assert 0 < len(heard.split()) < len(text.split()) / 2
    assert text.startswith(heard.rsplit(' ', 1)[0])  # the first words, in order
    played_s = len(read_wav(tmp_path / 'out.wav')[0]) / voices.default.rate
    assert played_s < 3.0
    # The output is still usable: Milo can speak again at once.
    player.say('Yes?', 'en', 'again')
    wait_until(lambda: len(events.said) == 2, 'the next request')
    assert events.said[1] == ('again', 'Yes?', False)
    player.close()


def test_language_picks_the_voice_with_espeak_and_default_fallbacks(voices, whisper):
    assert voices.for_language('en') == (voices.default, '')
    french, note = voices.for_language('fr')
    assert french.name == 'espeak-ng:fr' and 'using espeak-ng' in note
    speech = french.synthesize('Bonjour à tous, nous parlons des circuits.')
    whisper.forget_lecture()  # Whisper's own detection, not the language an English test left held
    text, language, _ = whisper.transcribe(resample(speech, french.rate, 16000))
    assert language == 'fr'
    fallback, note = voices.for_language('xx')
    assert fallback is voices.default and "no voice for 'xx'" in note


def test_bad_input_is_refused_clearly(tmp_path, voices):
    player = SpeechPlayer(voices, fast_sink(tmp_path / 'o.wav', voices.default.rate))
    for empty in ('', '   ', '🙂 **', '\x00\x07'):
        with pytest.raises(ValueError, match='nothing to say'):
            player.say(empty)
    assert player.say('x' * 10_000 + '. Done.') >= 34  # chunked, not refused
    player.close()
    with pytest.raises(ModelError, match='cannot read'):
        PiperEngine(str(tmp_path / 'missing.onnx'))


def test_mouth_level_scale():
    assert mouth_level(np.zeros(441, dtype=np.int16)) == 0.0
    assert mouth_level(np.full(441, 32767, dtype=np.int16)) == 1.0
    loud = (np.sin(np.arange(441) / 5) * 3000).astype(np.int16)  # about -20 dBFS
    assert 0.6 < mouth_level(loud) < 0.9


@contextlib.contextmanager
def counted_player(path, voices):
    """Yield (player, events, texts synthesised by the default voice); close the player after."""
    events, calls = Recorder(), []
    player = SpeechPlayer(voices, fast_sink(path, voices.default.rate), events=events)
    synthesize = voices.default.synthesize
    voices.default.synthesize = lambda text: calls.append(text) or synthesize(text)
    try:
        yield player, events, calls
    finally:
        voices.default.synthesize = synthesize
        player.close()


def test_a_short_acknowledgement_is_synthesised_once_without_its_silent_tail(tmp_path, voices):
    with counted_player(tmp_path / 'ack.wav', voices) as (player, events, calls):
        for i in range(3):
            player.say('Hmm.', 'en', f'ack{i}')
        wait_until(lambda: len(events.said) == 3, 'three acknowledgements')
    assert calls == ['Hmm.'], 'synthesised once, then replayed'
    heard = read_wav(tmp_path / 'ack.wav')[0]
    # The output ends where the last acknowledgement does (the first one's opening is trimmed, so
    # the three are not the same length).
    assert len(heard) > 200 and np.abs(heard[-200:].astype(int)).max() > 300, 'no silent tail'
    assert trim_silence(np.array([0, 500, 20, 0], dtype=np.int16)).tolist() == [0, 500]


def test_the_opening_silence_is_cut_to_what_is_kept_before_the_first_sound():
    audio = np.array([0, 10, -20, 0, 15, -400, 20, 0], dtype=np.int16)
    assert trim_lead(audio, 2).tolist() == [0, 15, -400, 20, 0]
    assert trim_lead(audio, 10).tolist() == audio.tolist(), 'never more than the clip holds'
    silent = np.zeros(5, dtype=np.int16)
    assert trim_lead(silent, 2).tolist() == silent.tolist(), 'a clip without sound is left whole'


def test_an_introduction_prepared_ahead_is_not_synthesised_when_an_answer_starts_with_it(
        tmp_path, voices):
    prepared = introductions('en')[:3]  # "just now" and two others: a loaded machine synthesises slowly
    with counted_player(tmp_path / 'intro.wav', voices) as (player, events, calls):
        for text in prepared:
            player.prepare(text, 'en')
        wait_until(lambda: len(calls) == len(prepared), 'the introductions synthesised')
        player.say('The teacher said, just now: Resistors in series add up.', 'en', 'a1')
        player.say('The teacher said, just now: Voltage is measured in volts.', 'en', 'a2')
        wait_until(lambda: len(events.said) == 2, 'both answers')
    assert 'The teacher said, just now:' in calls[:len(prepared)]
    assert calls[len(prepared):] == ['Resistors in series add up.', 'Voltage is measured in volts.']
    assert [said for _, said, _ in events.said] == [
        'The teacher said, just now: Resistors in series add up.',
        'The teacher said, just now: Voltage is measured in volts.']


@pytest.mark.parametrize('language', ['en', 'fr'])
def test_each_prepared_introduction_is_the_first_piece_of_the_answers_that_use_it(voices, language):
    player = SpeechPlayer(voices, PacedWavSink('/dev/null', voices.default.rate, realtime=False))
    try:
        for text in introductions(language):
            head = text[:text.rindex(':') + 1]
            answer = text.replace(text[len(head):], ' Le condensateur stocke une charge, et la garde.'
                                  if language == 'fr' else ' A capacitor stores charge, and keeps it.')
            assert player.pieces(text, language)[0] == player.pieces(answer, language)[0]
            assert player.pieces(text, language)[0].rstrip(' :') == head.rstrip(' :')
    finally:
        player.close()
