# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Benchmark of the course's vocabulary in recognition: word error with it and without it.

Lecture sentences of three courses, rich in their terms (units, laws, proper names, acronyms:
farad, Kirchhoff, ssthresh, Bernoulli, Venturi), are spoken by the project's own voices (Piper in
English, Kokoro in French) and transcribed by Whisper base, language detected as the asr node
does, once with each course's vocabulary (gathered by `hearing.vocabulary.gather` from the
course's notes and term list in data/bench/course_terms/notes) and once without, in one run on
the same audio. Sentences without such terms (the hearing benchmark's lecture) check that the
vocabulary costs nothing where the class says nothing rare. Both the sentence and the transcript
are normalised by the same rules before the word error is counted.
"""

import hashlib
import os
import time

import numpy as np

from milo_robot.audio.piper_voice import synthesize_16k
from milo_robot.bench.hearing import LECTURE, LECTURE_FR, at_16k
from milo_robot.bench.results import result
from milo_robot.bench.wer import normalise, word_errors
from milo_robot.graph import data_root
from milo_robot.hearing.asr import (
    DEFAULT_CONTEXT,
    DEFAULT_TERM_FIX,
    DEFAULT_VOCABULARY_LANGUAGES,
    DEFAULT_VOCABULARY_MODE,
    VOCABULARY_MODES,
)
from milo_robot.hearing.engines import make_recognizer
from milo_robot.hearing.vocabulary import LANGUAGES, gather
from milo_robot.speaking.kokoro import KokoroEngine
from milo_robot.speaking.normalize import normalize

COMMAND = 'milo bench --only course_terms'
NOTES = os.path.join('data', 'bench', 'course_terms', 'notes')
CIRCUITS, NETWORKS, FLUIDS = 'Electrical circuits', 'Computer networks', 'Fluid mechanics'
ALONE = 'alone_'  # a mode's name so prefixed: decoded without the sentence before
UNHELD = 'unheld_'  # ...without it and in the language detected, sure or not
EXTRA = (('off', False), (DEFAULT_VOCABULARY_MODE, True))  # (mode, fixed) measured so too

# (course, sentence): what a teacher of each course says, with its terms.
SENTENCES_EN = (
    (CIRCUITS, 'The unit of capacitance is the farad.'),
    (CIRCUITS, "Kirchhoff's current law says that the currents entering a node add up to zero."),
    (CIRCUITS, "By Kirchhoff's voltage law, the voltages around a loop sum to zero."),
    (CIRCUITS, 'A Thévenin equivalent replaces the network by one source and one resistor.'),
    (CIRCUITS, 'The Norton equivalent uses a current source in parallel with a resistor.'),
    (CIRCUITS, 'The inductance of this coil is measured in henrys.'),
    (NETWORKS, 'When a loss is detected, TCP halves the congestion window and sets ssthresh to that '
     'value.'),
    (NETWORKS, 'Below ssthresh, the congestion window grows exponentially during slow start.'),
    (NETWORKS, "Nagle's algorithm delays small segments until the previous ones are acknowledged."),
    (NETWORKS, "Routers running OSPF compute their shortest paths with Dijkstra's algorithm."),
    (NETWORKS, 'TCP Reno adds fast retransmit and fast recovery to the older Tahoe version.'),
    (NETWORKS, 'The sender never has more bytes in flight than its cwnd allows.'),
    (FLUIDS, "Bernoulli's equation relates the pressure, the speed and the height of a flowing fluid."),
    (FLUIDS, 'In a Venturi tube, the fluid speeds up in the throat and its pressure drops.'),
    (FLUIDS, 'A Reynolds number above four thousand means that the flow is turbulent.'),
    (FLUIDS, "Poiseuille's law gives the flow rate of a viscous fluid in a narrow pipe."),
    (FLUIDS, 'A Pitot tube measures the speed of the aircraft from the stagnation pressure.'),
    (FLUIDS, 'The viscosity of water is about one millipascal second.'),
)
SENTENCES_FR = (
    (CIRCUITS, "L'unité de capacité est le farad."),
    (CIRCUITS, 'La loi des nœuds de Kirchhoff dit que la somme des courants entrant dans un nœud est nulle.'),
    (CIRCUITS, "D'après la loi des mailles de Kirchhoff, la somme des tensions d'une maille est nulle."),
    (CIRCUITS, 'Le théorème de Thévenin remplace le réseau par une source et une résistance.'),
    (CIRCUITS, "L'équivalent de Norton utilise une source de courant en parallèle avec une résistance."),
    (CIRCUITS, "L'inductance de cette bobine se mesure en henrys."),
    (NETWORKS, 'Après une perte, TCP divise la fenêtre de congestion par deux et fixe ssthresh à cette '
     'valeur.'),
    (NETWORKS, 'Tant que la fenêtre reste sous ssthresh, elle double à chaque aller-retour.'),
    (NETWORKS, "L'algorithme de Nagle retarde l'envoi des petits segments."),
    (NETWORKS, "Les routeurs OSPF calculent les plus courts chemins avec l'algorithme de Dijkstra."),
    (NETWORKS, 'TCP Reno ajoute la retransmission rapide à la version Tahoe.'),
    (NETWORKS, "L'émetteur n'envoie jamais plus d'octets que sa fenêtre cwnd ne le permet."),
    (FLUIDS, "L'équation de Bernoulli relie la pression, la vitesse et l'altitude du fluide."),
    (FLUIDS, 'Dans un tube de Venturi, le fluide accélère dans le col et sa pression diminue.'),
    (FLUIDS, "Au-delà d'un nombre de Reynolds de quatre mille, l'écoulement est turbulent."),
    (FLUIDS, "La loi de Poiseuille donne le débit d'un fluide visqueux dans un tube étroit."),
    (FLUIDS, "Un tube de Pitot mesure la vitesse de l'avion à partir de la pression d'arrêt."),
    (FLUIDS, "La viscosité dynamique de l'eau vaut environ un millipascal seconde."),
)


# (course, sentence): more sentences without rare terms (no name, acronym nor unit), from the
# two other courses, each heard with its own course's vocabulary: with the hearing benchmark's 24
# circuits sentences alone, one word more or less was 3 % of the plain ratio. Written before any
# of them was decoded (session terms7).
PLAIN_EN = (
    (NETWORKS, 'A router forwards each packet towards its destination.'),
    (NETWORKS, 'When the network is busy, some packets are lost and must be sent again.'),
    (NETWORKS, 'The receiver tells the sender how much data it can still accept.'),
    (NETWORKS, 'Every computer on the local network has its own address.'),
    (NETWORKS, 'Opening a connection takes a short exchange of messages.'),
    (NETWORKS, 'Next time we will see how the web works on top of these protocols.'),
    (FLUIDS, 'Water flows faster where the pipe becomes narrower.'),
    (FLUIDS, 'The pressure at the bottom of a lake grows with its depth.'),
    (FLUIDS, 'A thick fluid like honey resists motion much more than water.'),
    (FLUIDS, 'In a calm river, the layers of water slide smoothly over one another.'),
    (FLUIDS, 'The flow rate is the volume of fluid that passes each second.'),
    (FLUIDS, 'For the lab, bring a ruler and a stopwatch.'),
)
PLAIN_FR = (
    (NETWORKS, 'Un routeur fait suivre chaque paquet vers sa destination.'),
    (NETWORKS, 'Quand le réseau est chargé, certains paquets se perdent et doivent être renvoyés.'),
    (NETWORKS, "Le récepteur indique à l'émetteur combien de données il peut encore accepter."),
    (NETWORKS, 'Chaque ordinateur du réseau local possède sa propre adresse.'),
    (NETWORKS, "L'ouverture d'une connexion demande un court échange de messages."),
    (NETWORKS, 'La prochaine fois, nous verrons comment le web fonctionne au-dessus de ces protocoles.'),
    (FLUIDS, "L'eau coule plus vite là où le tuyau se rétrécit."),
    (FLUIDS, "La pression au fond d'un lac augmente avec la profondeur."),
    (FLUIDS, "Un fluide épais comme le miel résiste bien plus au mouvement que l'eau."),
    (FLUIDS, "Dans une rivière calme, les couches d'eau glissent doucement les unes sur les autres."),
    (FLUIDS, 'Le débit est le volume de fluide qui passe chaque seconde.'),
    (FLUIDS, 'Pour le TP, apportez une règle et un chronomètre.'),
)


def hear(engine, spoken, vocabularies, modes) -> dict:
    """Return {(mode, fixed): (words wrong, words said, seconds of decoding)} of `engine` on the `spoken`.

    The `spoken` are one lecture: the engine forgets what it heard before them. Each (course,
    sentence, language, audio) is encoded once (its language detected as the asr does, an unsure
    detection decoded in the last language heard surely), then decoded with its course's
    vocabulary in every mode in turn, one sentence at a time, each mode after its own transcript
    of the sentence before (the engine's context): the modes share the machine's load alike; a
    mode's seconds are the encoder's and its own decoding's. Each transcript is counted as
    decoded and after the term fix pass (hearing.term_fix), which needs no decoding.
    ('ceiling', False) counts the transcripts decoded without vocabulary as if every word of the
    course's vocabulary in the sentence had been heard right: the best a fix after decoding can do.
    For 'off' unfixed and the default mode fixed, two more: ALONE + mode, decoded without the
    sentence before; UNHELD + mode, without it and in the language as detected, sure or not (the
    asr until both were built).
    """
    errors = {(m, fixed): 0 for m in modes for fixed in (False, True)}
    errors.update({key: 0 for key in [('ceiling', False)] + [(p + m, f) for p in (ALONE, UNHELD)
                                                             for m, f in EXTRA]})
    seconds = {m: 0.0 for m in modes}
    words = 0
    engine.term_fix = False  # decoded as heard; the pass is applied below
    engine.forget_lecture()
    contexts = {}  # each mode's transcript of the sentence before (engine._context)
    for course, sentence, language, audio in spoken:
        engine.vocabulary = vocabularies.get(course)
        reference = normalize(sentence, language)
        started = time.perf_counter()
        encoded = engine._encode(audio)
        encoding = time.perf_counter() - started
        held, detected = encoded[1], engine.detected[0]

        def decode(mode, language=held, context=True):
            engine.vocabulary_mode, engine.context = mode, context
            engine._context = contexts.get(mode) if context else None
            heard, _ = engine._decode(encoded[0], language, encoded[2], beam_size=engine.beam_size)
            if context:
                contexts[mode] = engine._context
            return heard

        def count(key, heard, heard_in=held):
            text = engine.fix_terms(heard, heard_in) if key[1] else heard
            wrong, said = word_errors(reference, normalize(text, language))
            errors[key] += wrong
            return said
        for mode in modes:
            started = time.perf_counter()
            heard = decode(mode)
            seconds[mode] += encoding + time.perf_counter() - started
            for fixed in (False, True):
                said = count((mode, fixed), heard)
            if mode == 'off':
                terms = engine.vocabulary.words(language) if engine.vocabulary else ()
                spared = frozenset(w for term in terms for w in normalise(normalize(term, language)))
                errors['ceiling', False] += word_errors(reference, normalize(heard, language), spared)[0]
        for mode, fixed in EXTRA:
            started = time.perf_counter()
            alone = decode(mode, context=False)
            seconds[ALONE + mode] = seconds.get(ALONE + mode, 0.0) + encoding + time.perf_counter() - started
            count((ALONE + mode, fixed), alone)
            unheld = alone if detected == held else decode(mode, detected, context=False)
            count((UNHELD + mode, fixed), unheld, detected)
        words += said
    engine.context = DEFAULT_CONTEXT
    return {(mode, fixed): (wrong, words, seconds.get(mode, 0.0)) for (mode, fixed), wrong in errors.items()}


def rate(measured: dict, *keys) -> float:
    """Return the word error of `keys` ((mode, fixed)) over the parts of `measured` they name, pooled.

    `measured` is a list of hear()'s answers; `keys` one key for all, or one for each part.
    """
    keys = keys * len(measured) if len(keys) == 1 else keys
    return sum(m[k][0] for m, k in zip(measured, keys)) / max(1, sum(m[k][1] for m, k in zip(measured, keys)))


def spoken_cached(voice: str, load, sentences) -> list:
    """Return the audio of each sentence said by the voice `load()` gives, synthesised once into build/bench/.

    The cache file's name carries a digest of the voice's name and the sentences: Kokoro takes
    minutes on a busy board, and the sentences are the same from one run to the next.
    """
    digest = hashlib.sha256('\n'.join((voice,) + tuple(sentences)).encode()).hexdigest()[:12]
    folder = os.path.join(data_root(), 'build', 'bench', 'course_terms')
    path = os.path.join(folder, f'{voice}-{digest}.npz')
    if os.path.exists(path):
        with np.load(path) as cached:
            return [cached[str(i)] for i in range(len(sentences))]
    print(f'    synthesising {len(sentences)} sentences ({voice}) into {path}', flush=True)
    speak = load()
    audio = [speak(sentence) for sentence in sentences]
    os.makedirs(folder, exist_ok=True)
    np.savez(path, **{str(i): a for i, a in enumerate(audio)})
    return audio


def used_keys(language: str) -> tuple:
    """Return the (mode, fixed) key of what the asr node does by default on a segment in `language`."""
    mode = DEFAULT_VOCABULARY_MODE if language in DEFAULT_VOCABULARY_LANGUAGES else 'off'
    return mode, DEFAULT_TERM_FIX


def peek_times(engine, spoken, vocabularies, mode: str, repeats: int = 3) -> tuple:
    """Return (encoder seconds, decoding seconds without vocabulary, with it in `mode`) of the peek.

    The peek's narrow beam (WhisperEngine.PEEK_BEAM) on each sentence's encoder output, the two
    decodings alternated `repeats` times (A B, B A, ...), so that both share the machine's load
    alike; the encoder, the same for both, is timed once a sentence.
    """
    encode = plain = given = 0.0
    beam = min(engine.PEEK_BEAM, engine.beam_size)
    engine.context = False  # a peek is decoded without the sentence before
    for course, _, language, audio in spoken:
        engine.vocabulary = vocabularies.get(course)
        started = time.perf_counter()
        encoded = engine._encode(audio)
        encode += time.perf_counter() - started
        for repeat in range(repeats):
            for with_it in ((False, True) if repeat % 2 == 0 else (True, False)):
                engine.vocabulary_mode = mode if with_it else 'off'
                started = time.perf_counter()
                engine._decode(*encoded, beam_size=beam)
                taken = time.perf_counter() - started
                if with_it:
                    given += taken
                else:
                    plain += taken
    engine.context = DEFAULT_CONTEXT
    return encode, plain, given


def course_terms() -> dict:
    """Whisper's word error on sentences rich in course terms, with the course's vocabulary and without."""
    engine = make_recognizer('whisper')
    notes = os.path.join(data_root(), NOTES)
    vocabularies = {course: gather(course, notes, count_tokens=engine.count_tokens)
                    for course in (CIRCUITS, NETWORKS, FLUIDS)}
    voices = {'en': ('piper-joe', lambda: synthesize_16k),
              'fr': ('kokoro-fr', lambda: at_16k(KokoroEngine('fr').load()))}

    def say(language, sentences):
        return zip(sentences, spoken_cached(*voices[language], sentences))
    spoken = {language: [(courses[s], s, language, a) for s, a in say(language, list(courses))]
              for language, courses in (('en', dict(map(reversed, SENTENCES_EN))),
                                        ('fr', dict(map(reversed, SENTENCES_FR))))}
    plain_sentences = [(course, s, language, a) for language, lecture, more in (
        ('en', LECTURE, PLAIN_EN), ('fr', LECTURE_FR, PLAIN_FR)) for course, (s, a) in
        [(CIRCUITS, p) for p in say(language, lecture)] +
        list(zip([c for c, _ in more], say(language, [s for _, s in more])))]
    # Each mode is measured in both languages; the default gives the decoder its vocabulary on
    # the segments of DEFAULT_VOCABULARY_LANGUAGES only, as the combined keys below count it.
    engine.vocabulary_languages = LANGUAGES
    used = {language: used_keys(language) for language in LANGUAGES}
    forms = [m for m in VOCABULARY_MODES if m != 'off']
    describe = {(m, f): (f'the vocabulary as {m}' if m != 'off' else 'the decoder without vocabulary') +
                (', then the term fix pass' if f else '') for m in VOCABULARY_MODES for f in (False, True)}
    describe.update({(ALONE + m, f): describe[m, f] + '; without the sentence before'
                     for m in VOCABULARY_MODES for f in (False, True)})
    describe.update({(UNHELD + m, f): describe[m, f] + '; without the sentence before, in the language '
                     'detected even when unsure' for m in VOCABULARY_MODES for f in (False, True)})
    default = ('as the asr node does by default: ' +
               '; '.join(f'{language}: {describe[used[language]]}' for language in LANGUAGES))
    # Keys that give the vocabulary to the decoder in French only (fix pass on in both languages).
    fr_only = {'prompt_fix_fr_only': 'prompt', 'rareprompt_fr_only': 'rare_prompt'}
    out, time_ratios, measured_by = {}, [], {}
    for language, sentences in spoken.items():
        measured = measured_by[language] = hear(engine, sentences, vocabularies, ('off', *forms))
        time_ratios += [measured[m, False][2] / measured['off', False][2] for m in forms]
        note = (f'{len(sentences)} sentences of 3 courses, {"Piper" if language == "en" else "Kokoro"} '
                'voice, Whisper base, language detected, beam 5, corpus WER')
        out[f'asr_wer_course_terms_{language}'] = result(
            [rate([measured], used[language])], '', COMMAND, f'{note}; {default}')
        out[f'asr_wer_course_terms_novocab_{language}'] = result(
            [rate([measured], ('off', False))], '', COMMAND, f'{note}; no vocabulary, no fix pass')
        out[f'asr_wer_course_terms_ceiling_{language}'] = result(
            [rate([measured], ('ceiling', False))], '', COMMAND,
            f'{note}; no vocabulary, each word of the course\'s vocabulary said in the sentence counted as '
            'heard right: the least word error any fix after decoding can reach')
        for mode, fixed in measured:
            if (mode, fixed) not in (('off', False), ('ceiling', False)):
                key = f'asr_wer_course_terms_{mode}{"_fix" if fixed else ""}_{language}'
                out[key] = result([rate([measured], (mode, fixed))], '', COMMAND,
                                  f'{note}; {describe[mode, fixed]}')
        for name, mode in fr_only.items():
            if name != 'prompt_fix_fr_only':  # its French is prompt_fix_fr, its English off_fix_en
                keys = (mode if language == 'fr' else 'off', True)
                out[f'asr_wer_course_terms_{name}_{language}'] = result(
                    [rate([measured], keys)], '', COMMAND,
                    f'{note}; {describe[keys]} (the vocabulary as {mode} in French only)')
    # The plain sentences of each language and course apart, each a lecture of its own (the asr
    # forgets the sentence before when the course changes), so that a mode can be judged for one
    # language.
    parts = [(language, course) for language in LANGUAGES for course in (CIRCUITS, NETWORKS, FLUIDS)]
    plain = [hear(engine, [p for p in plain_sentences if p[2] == language and p[0] == course],
                  vocabularies, ('off', *forms)) for language, course in parts]
    without = rate(plain, ('off', False))
    words = sum(p['off', False][1] for p in plain)

    def plain_ratio(key, keys, described):
        wer = rate(plain, *keys)
        out[key] = result([wer / without if without else 1.0 + wer], '', COMMAND,
                          f'{len(plain_sentences)} lecture sentences ({words} words) without rare terms '
                          f'(en Piper, fr Kokoro; 12 a language of the circuits course, 6 of the '
                          f'networks and 6 of the fluids course, each with its course\'s vocabulary: '
                          f'{described}) '
                          f'against without: WER {wer:.4f} / {without:.4f}')
    plain_ratio('asr_wer_plain_ratio', [used[language] for language, _ in parts], default)
    for mode, fixed in plain[0]:
        if (mode, fixed) not in (('off', False), ('ceiling', False)):
            plain_ratio(f'asr_wer_plain_ratio_{mode}{"_fix" if fixed else ""}', [(mode, fixed)],
                        describe[mode, fixed])
    # The decoder given the vocabulary in French only (the language it helps most), fix pass on.
    for name, mode in fr_only.items():
        plain_ratio(f'asr_wer_plain_ratio_{name}', [(mode if language == 'fr' else 'off', True)
                                                    for language, _ in parts],
                    f'in English decoded without it; in French as {mode}; then the term fix pass')
    time_ratios += [sum(p[m, False][2] for p in plain) / sum(p['off', False][2] for p in plain)
                    for m in forms]
    out['asr_vocabulary_time_ratio'] = result(
        time_ratios, '', COMMAND, 'seconds of Whisper decoding (beam 5, encoder included) with the '
        f'vocabulary (as {" and as ".join(forms)}) against without, the same sentences alternated: '
        'term sentences en, fr, plain')
    every_part = [measured_by[language] for language in LANGUAGES] + plain
    every = spoken['en'] + spoken['fr'] + plain_sentences
    final, alone = (sum(p[key, False][2] for p in every_part)
                    for key in (DEFAULT_VOCABULARY_MODE, ALONE + 'off'))
    out['asr_final_decode_time_ratio'] = result(
        [final / alone], '', COMMAND, f'seconds of Whisper decoding of the {len(every)} sentences (beam 5, '
        f'encoder included), as the asr node decodes a final by default (the {DEFAULT_VOCABULARY_MODE} '
        f'vocabulary and the sentence before) against with neither, alternated: '
        f'{final:.2f} s / {alone:.2f} s')
    # The question-time peek (narrow beam), on every sentence, the rare-terms prompt as by default.
    engine.vocabulary_languages = DEFAULT_VOCABULARY_LANGUAGES
    repeats = 2
    encode, plain_s, given_s = peek_times(engine, every, vocabularies, 'rare_prompt', repeats)
    engine.vocabulary_mode = DEFAULT_VOCABULARY_MODE
    out['asr_peek_decode_time_ratio_rare_prompt'] = result(
        [given_s / plain_s], '', COMMAND,
        f'{len(every)} sentences (en Piper, fr Kokoro), the peek\'s beam {engine.PEEK_BEAM} on each '
        'one\'s encoder output, with the rare-terms prompt (in the languages of '
        f'{",".join(DEFAULT_VOCABULARY_LANGUAGES)}, as detected) against without, alternated '
        f'{repeats} times: decoding only {given_s:.2f} s / {plain_s:.2f} s; a whole peek (the encoder '
        f'timed once a sentence, {encode:.2f} s in all) {(encode + given_s / repeats):.2f} s / '
        f'{(encode + plain_s / repeats):.2f} s = '
        f'{(encode + given_s / repeats) / (encode + plain_s / repeats):.3f}')
    return out


BENCHMARKS = (course_terms,)
