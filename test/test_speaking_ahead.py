# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Milo's French phrases synthesised ahead by Kokoro, and the requests that must not wait for it."""

import threading

import pytest
from harness import wait_until
from test_speech_player import Recorder

from milo_robot.nodes.tts_node import said_ahead
from milo_robot.speaking.kokoro import MAX_TOKENS
from milo_robot.speaking.onnx import Interrupted, Interruptible
from milo_robot.speaking.player import PacedWavSink, SpeechPlayer
from milo_robot.speaking.voices import KokoroChoice, VoiceBook
from milo_robot.thinking.sources import PLACEHOLDER_QUOTE, introductions


@pytest.fixture(scope='module')
def voices():
    voices = VoiceBook(kokoro=KokoroChoice(max_rtf=0.0))  # Kokoro for French, not timed
    voices.for_language('fr')  # chosen and loaded first, as the tts node does before preparing
    return voices


@pytest.mark.timeout(900)  # Kokoro loaded, then two runs: minutes on a busy 2-core machine
def test_a_kokoro_run_in_progress_ends_when_interrupted_and_the_voice_speaks_after(voices):
    kokoro, _ = voices.for_language('fr')
    work, raised = Interruptible(), []
    long_text = 'Le condensateur stocke une charge, puis il la rend au circuit. ' * 20

    def synthesise_ahead():
        try:
            with work.running():
                kokoro.synthesize(long_text)  # MAX_TOKENS phonemes: seconds of work on any board
        except Interrupted as exc:
            raised.append(exc)

    assert len(kokoro.tokens(long_text)) == MAX_TOKENS
    ahead = threading.Thread(target=synthesise_ahead)
    ahead.start()
    wait_until(lambda: work.in_run, "Kokoro's run to begin", timeout=300)
    assert work.interrupt(), 'the work was in progress'
    ahead.join(timeout=300)
    assert not ahead.is_alive() and len(raised) == 1 and 'during the run' in str(raised[0])
    assert not work.interrupt(), 'outside running() there is nothing to interrupt'
    assert len(kokoro.synthesize('Bonjour.')) > 0, 'the session serves the next run'


class Spy:
    """Log each synthesis of a voice: ('start' | 'end' | 'interrupted', language, text)."""

    def __init__(self, log, language, engine, hold=None):
        self.log, self.language, self.engine, self.hold = log, language, engine, hold
        self.real = engine.synthesize
        engine.synthesize = self

    def __call__(self, text):
        self.log.append(('start', self.language, text))
        if self.hold is not None:  # the first call waits until the test has sent its request
            self.hold.wait()
            self.hold = None
        try:
            audio = self.real(text)
        except Interrupted:
            self.log.append(('interrupted', self.language, text))
            raise
        self.log.append(('end', self.language, text))
        return audio

    def restore(self):
        self.engine.synthesize = self.real


@pytest.mark.timeout(900)  # four Kokoro syntheses, which a busy 2-core machine makes slow
def test_an_english_request_goes_before_the_french_being_prepared_and_the_introduction_is_ready(
        tmp_path, voices):
    kokoro, _ = voices.for_language('fr')
    log, events, go = [], Recorder(), threading.Event()
    spies = [Spy(log, 'fr', kokoro, hold=go), Spy(log, 'en', voices.default)]
    player = SpeechPlayer(voices, PacedWavSink(str(tmp_path / 'out.wav'), voices.default.rate,
                                               realtime=False), events=events)
    try:
        intro = introductions('fr')[3]  # "... il y a environ dix minutes :", the seventh soak's
        heads = player.pieces(intro, 'fr')[:-1]
        assert len(heads) == 2
        player.prepare(intro, 'fr', -1)  # as the tts node does: the introduction, not its quote
        wait_until(lambda: log, 'the first introduction to be synthesised ahead', timeout=60)
        player.say('The class begins.', 'en', 'en1')  # while Kokoro works on the introduction
        go.set()
        wait_until(lambda: events.said, 'the English request', timeout=300)
        wait_until(lambda: player.prepared == 2, 'the introduction prepared', timeout=600)
        answer = intro.replace(PLACEHOLDER_QUOTE['fr'], 'Le courant passe.')
        player.say(answer, 'fr', 'fr1')
        wait_until(lambda: len(events.said) == 2, 'the French answer', timeout=300)
    finally:
        for spy in spies:
            spy.restore()
        player.close()
    english = 'The class begins.'
    assert log == [('start', 'fr', heads[0]), ('interrupted', 'fr', heads[0]),  # it yielded
                   ('start', 'en', english), ('end', 'en', english),  # the request, at once
                   ('start', 'fr', heads[0]), ('end', 'fr', heads[0]),  # then again, once idle
                   ('start', 'fr', heads[1]), ('end', 'fr', heads[1]),
                   # the answer's introduction is played as prepared: only its quote is synthesised
                   ('start', 'fr', 'Le courant passe.'), ('end', 'fr', 'Le courant passe.')]
    assert player.ahead_interrupted == 1
    assert events.said == [('en1', english, False),
                           ('fr1', ' '.join(heads + ['Le courant passe.']), False)]


def test_what_is_said_ahead_starts_with_the_acknowledgement_and_the_introductions():
    for language in ('en', 'fr'):
        phrases = said_ahead(language)
        assert phrases[0] == ('Hmm.', 1) and phrases[1:13] == [(t, -1) for t in introductions(language)]
        assert len(set(phrases)) == len(phrases) == 23 and {upto for _, upto in phrases[13:]} == {1}
    assert ("Nous n'avons pas encore vu cela en cours, je préfère ne pas inventer.", 1) in said_ahead('fr')
    assert said_ahead('de') == [], 'no phrases are written in other languages'


def test_a_french_introduction_prepared_is_the_pieces_before_the_quote_of_the_answers_that_use_it():
    voices = VoiceBook(kokoro=KokoroChoice(max_rtf=0.0))  # French by clause; nothing is loaded
    player = SpeechPlayer(voices, PacedWavSink('/dev/null', voices.default.rate, realtime=False))
    try:
        assert voices.by_clause('fr') and not voices.neural_status()
        for text in introductions('fr'):
            prepared = player.pieces(text, 'fr')[:-1]
            for quote in ('Le courant passe.', 'Le condensateur stocke une charge, et la garde.'):
                answer = player.pieces(text.replace(PLACEHOLDER_QUOTE['fr'], quote), 'fr')
                assert answer[:len(prepared)] == prepared, (text, answer)
                assert ' '.join(answer[len(prepared):]).startswith(quote.split(',')[0])
    finally:
        player.close()
