# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Benchmarks of French speech: which voice a class understands, and whether Kokoro keeps up.

Intelligibility is measured the way a listener would: each voice speaks French lecture sentences
full of numbers, units and acronyms, and Whisper base (Milo's own ears) writes down what it hears.
Both the sentence and the transcript are normalised by the same French rules before the word
error is counted, so that "10 kPa" heard for "dix kilopascals" is right.
"""

import json
import os
import subprocess
import sys
import time

import numpy as np

from milo_robot.audio.format import SAMPLE_RATE
from milo_robot.audio.resample import resample
from milo_robot.bench.results import result
from milo_robot.bench.speaking import first_audio
from milo_robot.bench.wer import sound_errors_fr, word_errors
from milo_robot.graph import data_root
from milo_robot.hearing.engines import make_recognizer
from milo_robot.models import get_model
from milo_robot.speaking.kokoro import DEFAULT_SPEED, DEFAULT_STYLE, RATE, STYLES, WARM_TEXT, KokoroEngine
from milo_robot.speaking.normalize import clauses, cut_head, normalize, sentences
from milo_robot.speaking.onnx import ShrinkingSession
from milo_robot.speaking.phonemes import espeak_phonemes
from milo_robot.speaking.player import LEAD_KEEP_MS, join_cut
from milo_robot.speaking.voices import EspeakEngine, KokoroChoice, VoiceBook

COMMAND = 'make bench'

LECTURE_FR = (
    'La pression dans le réservoir atteint 10 kPa à 25 °C.',
    "Le protocole TCP garantit l'ordre des paquets, contrairement à UDP.",
    'Une résistance de 4,7 kΩ limite le courant à 2 mA.',
    'Le microcontrôleur tourne à 16 MHz et consomme 20 mA sous 5 V.',
    'La carte communique avec le PC par un câble USB.',
    'Le signal audio est échantillonné à 44,1 kHz sur 16 bits.',
    'La lumière parcourt environ 300 000 km/s dans le vide.',
    'Le moteur fournit une puissance de 1,5 kW à 3 000 tr/min.',
    'Un condensateur de 100 µF se charge en 0,5 s.',
    'Le robot pèse 12 kg et avance à 2 m/s.',
    "L'examen aura lieu le 3 juin à 14h30 en salle 204.",
    'Le rendement du transformateur atteint 95 %.',
    'La fréquence du réseau électrique en France est de 50 Hz.',
    'La carte possède 2 Go de RAM et une mémoire flash de 32 Go.',
    'Le CPU exécute les instructions une par une.',
    'Le capteur mesure une température de -5 °C pendant la nuit.',
    'Le protocole HTTP repose sur TCP et sur IP.',
    'La tension de sortie vaut 3,3 V, et on a U = R × I.',
    "Le chapitre 2 présente la loi d'Ohm et les lois de Kirchhoff.",
    "La LED s'allume quand le courant dépasse 10 mA.",
    'Le câble mesure 1,2 m et sa section est de 2,5 mm².',
    'Le GPS donne la position du robot à 5 m près.',
    'Un amplificateur opérationnel a un gain de 100 000 en boucle ouverte.',
    'La NASA a lancé cette sonde en 2021.',
)
FIRST_AUDIO_FR = 'Dans ce circuit, la tension est le courant fois la résistance.'


def roundtrip(voice, whisper, texts=LECTURE_FR, report: str = '') -> tuple:
    """Return (word error by sound, by spelling, real-time factors) of `voice` heard by `whisper`.

    Corpus rates. By sound (`sound_errors_fr`), a homophone written otherwise is what was said.
    `report`: a name under build/bench/french_roundtrip/ for a JSON file of each sentence (what was
    said, the phonemes Kokoro was given, what was heard, the errors), where the words are lost.
    """
    errors = {'sound': [0, 0], 'spelling': [0, 0]}
    rtfs, rows = [], []
    whisper.context = False  # each sentence heard alone: a voice's figure, not its neighbours'
    for text in texts:
        spoken = normalize(text, 'fr')
        started = time.perf_counter()
        audio = voice.synthesize(spoken)
        rtfs.append((time.perf_counter() - started) / max(len(audio) / voice.rate, 1e-3))
        heard = normalize(whisper.transcribe(resample(audio, voice.rate, SAMPLE_RATE))[0], 'fr')
        row = {'text': text, 'spoken': spoken, 'heard': heard}
        if isinstance(voice, KokoroEngine):
            row['phonemes'] = voice.phonemes(spoken, voice.language)
        for way, count in (('sound', sound_errors_fr), ('spelling', word_errors)):
            e, n = count(spoken, heard)
            errors[way] = [errors[way][0] + e, errors[way][1] + n]
            row[way] = [e, n]
        rows.append(row)
    if report:
        folder = os.path.join(data_root(), 'build', 'bench', 'french_roundtrip')
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, f'{report}.json'), 'w', encoding='utf-8') as f:
            json.dump(rows, f, ensure_ascii=False, indent=1)
    return errors['sound'][0] / errors['sound'][1], errors['spelling'][0] / errors['spelling'][1], rtfs


NOTE = (f'{len(LECTURE_FR)} French lecture sentences with numbers, units and acronyms, heard by '
        'Whisper base (language fr, beam 5); both sides normalised by the French rules; corpus WER')


KOKORO = f'Kokoro {DEFAULT_STYLE} at speed {DEFAULT_SPEED}, corrected phonemes'
BY_SOUND = 'words compared by sound (sound_errors_fr)'


def french_voices() -> dict:
    """espeak-ng and Kokoro on French lecture sentences: word error heard, real-time factor."""
    whisper = make_recognizer('whisper', language='fr')
    espeak_sound, espeak_spelling, espeak_rtfs = roundtrip(EspeakEngine('fr'), whisper, report='espeak')
    sound, spelling, rtfs = roundtrip(KokoroEngine('fr').load(), whisper, report='kokoro')
    return {
        'tts_roundtrip_wer_fr_espeak': result([espeak_sound], '', COMMAND, f'{NOTE}, {BY_SOUND}; espeak-ng'),
        'tts_roundtrip_wer_fr_kokoro': result([sound], '', COMMAND, f'{NOTE}, {BY_SOUND}; {KOKORO}'),
        'tts_roundtrip_wer_fr_espeak_spelling': result([espeak_spelling], '', COMMAND,
                                                       f'{NOTE}, words compared as written; espeak-ng'),
        'tts_roundtrip_wer_fr_kokoro_spelling': result([spelling], '', COMMAND,
                                                       f'{NOTE}, words compared as written; {KOKORO}'),
        'tts_rtf_fr_kokoro': result(rtfs, '', COMMAND, f'{KOKORO}, int8, 2 threads, whole sentences'),
        'tts_rtf_fr_espeak': result(espeak_rtfs, '', COMMAND, 'espeak-ng command line'),
    }


def french_voice_steps() -> dict:
    """Kokoro with one of Milo's choices undone or changed: what each choice gives (word error)."""
    whisper = make_recognizer('whisper', language='fr')
    steps = {
        'raw_phonemes': KokoroEngine('fr', phonemes=espeak_phonemes),
        'speed_080': KokoroEngine('fr', speed=0.8),
        'speed_090': KokoroEngine('fr', speed=0.9),
        'speed_100': KokoroEngine('fr', speed=1.0),
    }
    results = {}
    for name, engine in steps.items():
        sound, spelling, _ = roundtrip(engine.load(), whisper)
        results[f'tts_roundtrip_wer_fr_kokoro_{name}'] = result(
            [sound], '', COMMAND, f'{NOTE}, {BY_SOUND} (as written: {spelling:.3f}); {KOKORO}, '
            f'but {name.replace("_", " ")}')
    return results


def french_styles() -> dict:
    """Kokoro's five styles, and their average, on the same sentences: word error by sound."""
    whisper = make_recognizer('whisper', language='fr')
    styles = STYLES + ('+'.join(STYLES),)
    by_style = {style: roundtrip(KokoroEngine('fr', style).load(), whisper)[:2] for style in styles}
    return {f'tts_roundtrip_wer_fr_kokoro_style_{"mix5" if "+" in style else style}': result(
        [sound], '', COMMAND, f'{NOTE}, {BY_SOUND} (as written: {spelling:.3f}); '
        f'Kokoro {style.replace("+", " + ")} at speed {DEFAULT_SPEED}')
        for style, (sound, spelling) in by_style.items()}


def french_first_audio() -> dict:
    """Seconds from an 11-word French sentence in to its first sample out and to its first sound.

    Alternated, the player as Milo runs it (the voice's opening silence trimmed when speech starts
    after silence) and the same player playing Kokoro's opening silence as computed. The silence
    played before the first sound (first sound less first sample out, in each run) is what the
    trim saves; it does not depend on how busy the CPU is, the times to first audio do.
    """
    voices = VoiceBook(kokoro=KokoroChoice(max_rtf=0.0))
    voices.for_language('fr')  # Kokoro loaded before the first run, not during it
    firsts, sounds = {'trimmed': [], 'untrimmed': []}, {'trimmed': [], 'untrimmed': []}
    variants = [('trimmed', LEAD_KEEP_MS), ('untrimmed', None)]
    for _ in range(5):  # alternated, each first in turn: the machine's load weighs on both alike
        for name, keep in variants:
            first, sound = first_audio(voices, FIRST_AUDIO_FR, 'fr', runs=1, lead_keep_ms=keep)
            firsts[name] += first
            sounds[name] += sound
        variants.reverse()
    note = (f'"{FIRST_AUDIO_FR}" (11 words), Kokoro {DEFAULT_STYLE}, paced WAV sink, first clause '
            'alone, 5 runs alternated')
    how = {'trimmed': f'opening silence trimmed to {LEAD_KEEP_MS} ms (Milo)',
           'untrimmed': "Kokoro's opening silence played"}
    results = {}
    for name, tail in (('trimmed', ''), ('untrimmed', '_untrimmed')):
        results[f'tts_first_audio_fr{tail}_p50_s'] = result(
            firsts[name], 's', COMMAND, f'{note}; first block out, {how[name]}')
        silence = [(s - f) * 1000 for s, f in zip(sounds[name], firsts[name])]
        results[f'tts_first_sound_fr{tail}_p50_s'] = result(
            sounds[name], 's', COMMAND, f'{note}; first block with sound, {how[name]}')
        results[f'tts_opening_silence_fr{tail}_ms'] = result(
            silence, 'ms', COMMAND, f'{note}; silence played before the first sound, {how[name]}')
    return results


HEAD_BOUNDS = (0, 4, 6)  # the most words of the first piece (0: the first clause whole, Milo's default)


def french_head_words() -> dict:
    """Cut a long first clause after at most N words, joined as the player joins: cost and words.

    For each bound, on the round-trip sentences: the CPU seconds and the audio of the first piece
    (what the first sound waits for; CPU time, which other work on the machine does not stretch as
    it stretches wall time), and the word error by sound of the sentence as played (the first
    piece with its opening silence, which Whisper needs). Sentences the bound leaves whole are
    synthesised and heard once, for all bounds.
    """
    engine = KokoroEngine('fr').load()
    whisper = make_recognizer('whisper', language='fr')
    whisper.context = False
    memo = {}

    def synthesize(text: str) -> tuple:
        if text not in memo:
            used = time.process_time()
            memo[text] = (engine.synthesize(text), time.process_time() - used)
        return memo[text]

    cpu, audio_s, errors = ({n: [] for n in HEAD_BOUNDS} for _ in range(3))
    heard = {}
    for text in LECTURE_FR:
        spoken = normalize(text, 'fr')
        parts = clauses(sentences(spoken))
        for bound in HEAD_BOUNDS:
            pieces = cut_head(parts[0], bound) + parts[1:] if bound else parts
            head = len(pieces) > len(parts)  # as SpeechPlayer: the cut head is said with a comma
            first, used = synthesize(f'{pieces[0]},' if head else pieces[0])
            cpu[bound].append(used)
            audio_s[bound].append(len(first) / RATE)
            if tuple(pieces) not in heard:
                played = [join_cut(first, RATE, head, False)]  # its opening silence kept
                for index, piece in enumerate(pieces[1:]):
                    played.append(join_cut(synthesize(piece)[0], RATE, False, head and index == 0))
                said = whisper.transcribe(resample(np.concatenate(played), RATE, SAMPLE_RATE))[0]
                heard[tuple(pieces)] = sound_errors_fr(spoken, normalize(said, 'fr'))
            errors[bound].append(heard[tuple(pieces)])
    results = {}
    for bound in HEAD_BOUNDS:
        how = f'first piece at most {bound} words' if bound else 'first clause whole (Milo)'
        note = f'{len(LECTURE_FR)} French lecture sentences, Kokoro {DEFAULT_STYLE}; {how}'
        results[f'tts_first_piece_fr_cpu_s_head{bound}'] = result(
            cpu[bound], 's', COMMAND, f'{note}; CPU seconds of the first piece\'s synthesis')
        results[f'tts_first_piece_fr_audio_s_head{bound}'] = result(
            audio_s[bound], 's', COMMAND, f'{note}; seconds of audio of the first piece')
        wrong, words = (sum(e[i] for e in errors[bound]) for i in (0, 1))
        results[f'tts_roundtrip_wer_fr_kokoro_head{bound}'] = result(
            [wrong / words], '', COMMAND, f'{note}; pieces joined as played, {BY_SOUND}')
    return results


def _session(threads: int = 2, **settings):
    """Open Kokoro's model with Milo's settings (`open_session`) but those named changed."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = settings.get('level', ort.GraphOptimizationLevel.ORT_ENABLE_ALL)
    options.execution_mode = settings.get('mode', ort.ExecutionMode.ORT_SEQUENTIAL)
    if not settings.get('spinning', False):
        options.add_session_config_entry('session.intra_op.allow_spinning', '0')
    if settings.get('denormal_zero', False):
        options.add_session_config_entry('session.set_denormal_as_zero', '1')
    if not settings.get('prepacking', False):
        options.add_session_config_entry('session.disable_prepacking', '1')
    path = os.path.join(get_model('kokoro').check(), 'model.onnx')
    session = ort.InferenceSession(path, sess_options=options, providers=['CPUExecutionProvider'])
    return session if settings.get('raw', False) else ShrinkingSession(session)


SETTINGS_ROUNDS = 2


def kokoro_settings() -> dict:
    """Kokoro's speed under each session setting, against Milo's, alternated clause by clause: ratios.

    The pieces timed are what Milo synthesises: the clauses of three lecture sentences.
    """
    import onnxruntime as ort

    engine = KokoroEngine('fr').load()
    variants = {
        'milo': engine._session,  # open_session(): what the tts node runs
        '1_thread': _session(1),
        'opt_basic': _session(level=ort.GraphOptimizationLevel.ORT_ENABLE_BASIC),
        'parallel': _session(mode=ort.ExecutionMode.ORT_PARALLEL),
        'spinning': _session(spinning=True),
        'denormal_zero': _session(denormal_zero=True),
        'prepacking': _session(prepacking=True),  # Milo's until 2026-12-07 (docs/conversation.md)
        'no_shrink': _session(raw=True),
    }
    texts = clauses(sentences(' '.join(normalize(t, 'fr') for t in LECTURE_FR[:3])))
    times = {name: [] for name in variants}
    cpu = {name: [] for name in variants}  # CPU seconds: what the setting costs the shared cores
    for _ in range(SETTINGS_ROUNDS):
        for text in texts:
            for name, session in variants.items():  # alternated, clause by clause
                engine._session = session
                started, used = time.perf_counter(), time.process_time()
                audio = engine.synthesize(text)
                times[name].append((time.perf_counter() - started) / (len(audio) / engine.rate))
                cpu[name].append(time.process_time() - used)
    note = (f'{len(texts)} clauses x {SETTINGS_ROUNDS}, same clause, alternated; Milo: 2 threads, all '
            'graph optimisations, sequential, arena shrunk after each run, no spinning')
    results = {'tts_kokoro_rtf_settings_milo': result(times['milo'], '', COMMAND,
                                                      f"Kokoro's RTF with Milo's settings; {note}")}
    for name, rtfs in times.items():
        if name != 'milo':
            ratios = [a / b for a, b in zip(rtfs, times['milo'])]
            results[f'tts_kokoro_rtf_ratio_{name}'] = result(
                ratios, '', COMMAND, f'RTF with {name.replace("_", " ")} over RTF with Milo\'s '
                f'settings; {note}')
            results[f'tts_kokoro_cpu_ratio_{name}'] = result(
                [a / b for a, b in zip(cpu[name], cpu['milo'])], '', COMMAND,
                f'CPU time with {name.replace("_", " ")} over CPU time with Milo\'s settings; {note}')
    return results


# A fresh process phonemises the first French clause, with or without the warm-up that
# KokoroEngine.load() does; piper's binding is imported in both, as the tts node's Piper voice has.
FIRST_PHONEMES_ROUNDS = 4
FIRST_PHONEMES = """
import sys, time
from piper import espeakbridge
from milo_robot.speaking.phonemes import kokoro_phonemes
if sys.argv[1] == 'warm':
    kokoro_phonemes(sys.argv[3], 'fr')
started = time.perf_counter()
kokoro_phonemes(sys.argv[2], 'fr')
print((time.perf_counter() - started) * 1000)
"""


def _first_phonemes_ms(variant: str, text: str) -> float:
    """Milliseconds of the first French phonemes of a new process (`variant`: 'cold' or 'warm')."""
    done = subprocess.run([sys.executable, '-c', FIRST_PHONEMES, variant, text, WARM_TEXT],
                          capture_output=True, text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def phonemes_and_style() -> dict:
    """Milliseconds a sentence spends on phonemes (in process, or espeak-ng's command line).

    Also the first French clause of a process, with and without Kokoro's warm-up at load.
    """
    texts = [normalize(t, 'fr') for t in LECTURE_FR]
    in_process, command = [], []
    for text in texts * 2:  # alternated
        started = time.perf_counter()
        espeak_phonemes(text, 'fr')
        in_process.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        subprocess.run(['espeak-ng', '-q', '--ipa', '-v', 'fr', text], capture_output=True, check=True)
        command.append((time.perf_counter() - started) * 1000)
    first = clauses(sentences(normalize(FIRST_AUDIO_FR, 'fr')))[0]
    firsts = {'cold': [], 'warm': []}
    for round_ in range(FIRST_PHONEMES_ROUNDS):  # alternated, each first in turn, a new process each
        for variant in ('cold', 'warm')[::1 if round_ % 2 else -1]:
            firsts[variant].append(_first_phonemes_ms(variant, first))
    folder = get_model('kokoro').check()
    style_read = []
    for _ in range(20):
        started = time.perf_counter()
        with np.load(os.path.join(folder, 'voices_ja.npz')) as styles:
            styles[DEFAULT_STYLE][40]
        style_read.append((time.perf_counter() - started) * 1000)
    return {
        'tts_kokoro_phonemes_ms': result(in_process, 'ms', COMMAND, "espeak-ng through piper's "
                                         'binding, in process (what Milo does)'),
        'tts_kokoro_phonemes_command_ms': result(command, 'ms', COMMAND, '`espeak-ng -q --ipa`, '
                                                 'a process a sentence'),
        'tts_kokoro_first_phonemes_cold_ms': result(
            firsts['cold'], 'ms', COMMAND, f'first French clause of a new process ("{first}"), '
            'espeak-ng and the corrections cold'),
        'tts_kokoro_first_phonemes_warm_ms': result(
            firsts['warm'], 'ms', COMMAND, f'first French clause of a new process ("{first}"), '
            'after the warm-up that Kokoro does at load (what Milo does)'),
        'tts_kokoro_style_read_ms': result(style_read, 'ms', COMMAND, 'reading a style row from '
                                           'the .npz, what keeping the style in memory saves'),
    }


BENCHMARKS = (french_voices, french_voice_steps, french_styles, french_first_audio, french_head_words,
              kokoro_settings, phonemes_and_style)
