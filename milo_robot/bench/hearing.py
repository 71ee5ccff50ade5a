# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Benchmarks of hearing: Whisper's accuracy and speed, the final-transcript latency, VAD cost.

Speech comes from the packaged Piper voice (en_US-joe-medium): lecture sentences for accuracy,
3-5 s questions for latency. No French Piper voice is packaged, so French lecture sentences are
spoken by Kokoro (a neural voice, from espeak-ng's phonemes), and by espeak-ng itself for the
record: a robotic voice that Whisper mostly cannot hear, so its figure says more about espeak-ng
than about French. The latency is measured from the VAD's end event to the final
transcript, the work left once the turn is over (the hangover before the end event is a
turn-taking setting, counted in the end-to-end voice-to-voice figure).
"""

import time

import numpy as np

from milo_robot.audio.format import SAMPLE_RATE
from milo_robot.audio.piper_voice import synthesize_16k
from milo_robot.audio.resample import resample
from milo_robot.bench.results import result
from milo_robot.bench.wer import word_errors
from milo_robot.hearing.engines import decode_threads, make_recognizer, make_vad
from milo_robot.hearing.pipeline import SegmentTranscriber, SpeechDetector
from milo_robot.hearing.segmenter import SegmenterSettings
from milo_robot.speaking.kokoro import DEFAULT_STYLE, KokoroEngine
from milo_robot.speaking.normalize import normalize
from milo_robot.speaking.voices import EspeakEngine

COMMAND = 'make bench'

LECTURE = (
    'Today we continue our study of electrical circuits.',
    'The voltage across a resistor equals the current times the resistance.',
    'A capacitor stores energy in the electric field between its two plates.',
    'When we connect two resistors in series, their resistances add up.',
    'In a parallel circuit, every branch sees the same voltage.',
    'The power dissipated in a resistor is the voltage times the current.',
    'An inductor opposes any change in the current that flows through it.',
    'The time constant of this circuit is the resistance times the capacitance.',
    'Alternating current changes direction many times every second.',
    'We measure current with an ammeter placed in series with the load.',
    'Next week we will look at transistors and simple amplifiers.',
    'Please read the second chapter of the course notes before the exam.',
)

LECTURE_FR = (
    "Aujourd'hui nous continuons l'étude des circuits électriques.",
    "La tension aux bornes d'une résistance est égale au courant multiplié par la résistance.",
    "Un condensateur stocke de l'énergie dans le champ électrique entre ses deux armatures.",
    'Quand on branche deux résistances en série, leurs valeurs s\'additionnent.',
    'Dans un circuit en parallèle, chaque branche voit la même tension.',
    'La puissance dissipée dans une résistance est la tension multipliée par le courant.',
    "Une bobine s'oppose à toute variation du courant qui la traverse.",
    'La constante de temps de ce circuit est le produit de la résistance et de la capacité.',
    'Le courant alternatif change de sens plusieurs fois par seconde.',
    "On mesure le courant avec un ampèremètre placé en série avec la charge.",
    'La semaine prochaine, nous verrons les transistors et les amplificateurs simples.',
    "Lisez le deuxième chapitre du polycopié avant l'examen.",
)

QUESTIONS = (
    'What is the difference between voltage and current?',
    'Why does a capacitor block direct current?',
    'Can you explain the time constant again, please?',
    'How do we compute the power in a resistor?',
    'What happens when two resistors are in parallel?',
    'Which instrument do we use to measure the current?',
    'Is the exam going to cover inductors as well?',
    'What does the teacher mean by a series circuit?',
    'Why is the energy stored in the electric field?',
    'How many pages should we read for next week?',
)


def _segments(engine, audio: np.ndarray) -> list:
    """Run the node pipeline on audio; return (final transcript, seconds from end event to it)."""
    detector = SpeechDetector(make_vad('silero'), SegmenterSettings())
    transcriber = SegmentTranscriber(engine)
    out = []
    padded = np.concatenate([np.zeros(8000, np.int16), audio, np.zeros(16000, np.int16)])
    for i in range(0, len(padded) - 511, 512):
        block = padded[i:i + 512]
        transcriber.push_frame(block, i)
        for event, _ in detector.push(block, i):
            started = time.perf_counter()
            finals = [f for f in transcriber.push_event(event) if f.final]
            out += [(f, time.perf_counter() - started) for f in finals]
    return out


def _corpus_wer(engine, sentences, speak) -> tuple:
    """Return (corpus word error rate, real-time factors) of `engine` on the spoken `sentences`."""
    errors = words = 0
    rtfs = []
    engine.forget_lecture()  # each corpus a lecture of its own (the language held, the words before)
    for sentence in sentences:
        audio = speak(sentence)
        started = time.perf_counter()
        text = ' '.join(f.text for f, _ in _segments(engine, audio))
        rtfs.append((time.perf_counter() - started) / (len(audio) / 16000))
        e, n = word_errors(sentence, text)
        errors, words = errors + e, words + n
    return errors / words, rtfs


def at_16k(voice):
    """Return a function that speaks a sentence with `voice`, at 16 kHz."""
    return lambda text: resample(voice.synthesize(normalize(text, voice.language)), voice.rate,
                                 SAMPLE_RATE)


def whisper_accuracy() -> dict:
    """Whisper base through the node pipeline: word error rate on lecture sentences, and RTF."""
    engine = make_recognizer('whisper')
    wer_en, rtfs = _corpus_wer(engine, LECTURE, synthesize_16k)
    wer_fr, _ = _corpus_wer(engine, LECTURE_FR, at_16k(KokoroEngine('fr').load()))
    wer_fr_espeak, _ = _corpus_wer(engine, LECTURE_FR, at_16k(EspeakEngine('fr')))
    note = f'{len(LECTURE)} lecture sentences, language detected among fr/en, beam 5, corpus WER'
    return {'asr_whisper_wer_en': result([wer_en], '', COMMAND, note + ', Piper voice'),
            'asr_whisper_wer_fr': result([wer_fr], '', COMMAND, f'{note}, Kokoro voice '
                                         f'({DEFAULT_STYLE}, neural)'),
            'asr_whisper_wer_fr_espeak': result([wer_fr_espeak], '', COMMAND,
                                                note + ', espeak-ng voice (robotic)'),
            'asr_rtf_whisper': result(rtfs, '', COMMAND, 'the English sentences, Piper voice, int8, '
                                      f'{decode_threads()} thread(s), VAD included')}


def _final_latency(engine_name: str) -> list:
    engine = make_recognizer(engine_name)
    latencies = []
    for question in QUESTIONS:
        latencies += [seconds for _, seconds in _segments(engine, synthesize_16k(question))]
    return latencies


def final_latency() -> dict:
    """Seconds from the VAD end event to the final transcript, for 3-5 s questions."""
    note = f'{len(QUESTIONS)} questions of 3-5 s, Piper voice, through SpeechDetector + SegmentTranscriber'
    return {
        'asr_whisper_final_latency_p50_s': result(_final_latency('whisper'), 's', COMMAND,
                                                  note + '; encoder window cut to the segment'),
        'asr_vosk_final_latency_p50_s': result(_final_latency('vosk'), 's', COMMAND,
                                               note + '; packaged Korean model (only one packaged)'),
    }


def vad_cost() -> dict:
    """Milliseconds of CPU per 32 ms frame for Silero VAD."""
    vad = make_vad('silero')
    audio = np.concatenate([synthesize_16k(s) for s in LECTURE[:3]])
    blocks = [audio[i:i + 512] for i in range(0, len(audio) - 511, 512)]
    costs = []
    for block in blocks * 3:
        started = time.perf_counter()
        vad.probability(block)
        costs.append((time.perf_counter() - started) * 1000)
    return {'vad_frame_cost_ms': result(costs, 'ms', COMMAND,
                                        f'{len(costs)} frames of 512 samples, onnxruntime, 1 thread')}


BENCHMARKS = (whisper_accuracy, final_latency, vad_cost)
