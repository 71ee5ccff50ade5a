# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Turn taking: waiting for a student who pauses mid-question, and ending a finished one soon.

data/bench/turns.yaml holds questions with a pause marked in the middle, in English (the packaged
Piper voice, as a student: a little faster) and in French (the voice Milo speaks French with on
this board, as the tts node chooses it: Kokoro where this board is fast enough, else espeak-ng;
its name and why are in each key's note). Each is heard twice through the hearing pipeline
(Silero VAD, Smart Turn, Whisper greedy; real models, no ROS): with the pause, and spoken whole.

Each combination of how the hearing ends a segment (`AUDIO`: the fixed 300 ms hangover, or Smart
Turn v3.2 at a threshold) and how the dialogue judges the words Whisper heard (`turns.unfinished`:
the word and verb rules, `rule`; then SmolLM2-135M, `lm` at its calibrated 0.02, `lm05` at 0.05)
is scored on the same clips and transcripts, in one run. The turn is over only when both agree:
words taken as unfinished make the dialogue wait `continuation_s` (0.8 s) for the rest, which is a
longer hangover for unfinished words only.

- A **false cut-off** (`turn_false_cutoff_{audio_}{words}_ratio_*`) is a pause that ends the
  turn: the hearing closes the segment inside the pause, and the dialogue takes the words heard
  so far (Whisper's greedy transcript, as the asr node peeks at a pause) as finished.
- The **end of a finished turn** (`turn_end_latency_{audio_}{words}_p50_s_*`) runs from the end
  of the question's speech, spoken whole (the last sample above 2 % of full scale), to the frame
  on which the hearing ends the segment (with the model: the first frame after its verdict, which
  takes the call's CPU time, its cost on a free core; the segment waits for it up to 0.5 s), plus
  SmolLM2's CPU time for the words (a fresh call), plus 0.8 s when the words are taken as
  unfinished. `turn_end_latency_{hangover,smartNN}_p50_s_*`: the segment's end alone.
- **Whole questions held** (`turn_whole_held_{audio_}{words}_ratio_*`): spoken whole, yet
  waiting for more: words taken as unfinished, or a segment the model held (ended 0.6 s or more
  after the speech).
- The keys without a combination name measure this board's defaults, as the vad node decides
  them (`turn_choice`: the hangover by default; with `turn_model: smart-turn`, Smart Turn at 0.9
  where a call is cheap enough here, else the hangover) and the word and verb rules;
  `turn_false_cutoff_hangover_ratio_*`, the hangover with the word rule alone (before the verb
  rule); `turn_qa_dev_*`, the words' judgements on data/qa_dev's questions, whole and cut after a
  random word (text only).

Figures, and what they say: docs/conversation.md (measured turn taking).
"""

import functools
import os
import random

import numpy as np
import yaml

from milo_robot.audio.format import SAMPLE_RATE
from milo_robot.audio.piper_voice import load_voice, synthesize
from milo_robot.audio.resample import resample
from milo_robot.bench.results import result
from milo_robot.conversation.turn_lm import TurnLM
from milo_robot.conversation.turns import looks_unfinished, unfinished
from milo_robot.graph import data_root
from milo_robot.hearing.engines import make_recognizer, make_vad
from milo_robot.hearing.pipeline import SpeechDetector
from milo_robot.hearing.segmenter import SegmenterSettings
from milo_robot.hearing.turn_choice import DEFAULT_MODEL, THRESHOLD, TurnModelChoice, choose
from milo_robot.hearing.turn_end import Judge, TurnEnd, load_smart_turn
from milo_robot.speaking.voices import KokoroChoice, VoiceBook

COMMAND = 'milo bench --only turns'
SESSION = 'data/bench/turns.yaml'
STUDENT_PACE = 0.9  # Piper's length scale for students, as in the benchmark sessions
LOUD = 0.02 * 32768  # what counts as speech when timing the clips
CONTINUATION_S = 0.8  # the dialogue's wait for the rest of an unfinished sentence (continuation_s)
HELD_S = 0.6  # a segment ending this long after the speech was held by the audio model (its wait is 0.5 s)
# How the hearing ends a segment: the fixed 300 ms hangover, or Smart Turn at a threshold.
AUDIO = {'hangover': None, 'smart50': 0.5, 'smart70': 0.7, 'smart90': 0.9}
LM_LOOSE = 0.05  # a looser threshold than TurnLM's calibrated 0.02, tried against the audio model's cut-offs
# What the robot runs by default (the vad node's turn_model and turn_threshold, the dialogue
# node's turn_lm): the combination the headline keys measure. The audio's part is the vad node's
# choice on this board (turn_choice).
DEFAULT_WORDS = 'rule'


def voices() -> dict:
    """Return {language: text -> 16 kHz int16}, and the voices' names.

    English: the packaged Piper voice, as a student. French: the voice Milo speaks French with on
    this board, as the tts node chooses it by default (Kokoro when this board synthesises it fast
    enough, else espeak-ng), so that Whisper hears French as it hears Milo's.
    """
    piper = load_voice()
    book = VoiceBook(kokoro=KokoroChoice())
    french, _ = book.for_language('fr')
    why = book.neural_status().get('fr', '')

    def english(text):
        return resample(synthesize(text, piper, length_scale=STUDENT_PACE), piper.config.sample_rate,
                        SAMPLE_RATE)

    def in_french(text):
        return resample(french.synthesize(text), french.rate, SAMPLE_RATE)
    return {'en': english, 'fr': in_french,
            'names': {'en': 'Piper en_US-joe-medium', 'fr': f'{french.name} ({why})' if why else french.name}}


def trimmed(audio: np.ndarray) -> np.ndarray:
    """Return the clip from its first to its last loud sample."""
    loud = np.flatnonzero(np.abs(audio.astype(np.int32)) > LOUD)
    return audio[loud[0]:loud[-1] + 1] if len(loud) else audio[:0]


def paused(question: str, speak, pause_s: float) -> tuple:
    """Return (audio, pause start, pause end) of `question` with its pause, lead and tail silence."""
    before, after = (part.strip() for part in question.split('|'))
    if before[-1].isalnum():
        before += ','  # the voice keeps the sentence going, as a person who pauses does
    first, second = trimmed(speak(before)), trimmed(speak(after))
    lead = np.zeros(SAMPLE_RATE, dtype=np.int16)
    audio = np.concatenate([lead, first, np.zeros(int(pause_s * SAMPLE_RATE), dtype=np.int16),
                            second, np.zeros(2 * SAMPLE_RATE, dtype=np.int16)])
    start = (len(lead) + len(first)) / SAMPLE_RATE
    return audio, start, start + pause_s


def whole(question: str, speak) -> tuple:
    """Return (audio, end of speech) of `question` spoken in one go."""
    lead = np.zeros(SAMPLE_RATE, dtype=np.int16)
    spoken = trimmed(speak(question.replace('|', ' ').replace('  ', ' ')))
    return (np.concatenate([lead, spoken, np.zeros(2 * SAMPLE_RATE, dtype=np.int16)]),
            (len(lead) + len(spoken)) / SAMPLE_RATE)


def ends(audio: np.ndarray, turn_end) -> list:
    """Run the hearing on `audio`; return (segment end, stream time it was decided) of each segment."""
    detector = SpeechDetector(make_vad('silero'), SegmenterSettings(hangover_s=0.3), turn_end=turn_end)
    found = []
    for i in range(0, len(audio), 512):
        events = detector.push(audio[i:i + 512], i)
        found += [(e.end, (i + 512) / SAMPLE_RATE) for e, _ in events if e.kind == 'end']
    return found


def rss_mb() -> float:
    """Return this process's resident memory (MB)."""
    with open('/proc/self/status') as f:
        return next(int(line.split()[1]) for line in f if line.startswith('VmRSS')) / 1024


def qa_dev_texts(language: str, seed: int = 23) -> tuple:
    """Return (the questions of data/qa_dev in `language`, each cut after a random word)."""
    with open(os.path.join(data_root(), 'data', 'qa_dev', 'questions.yaml'), encoding='utf-8') as f:
        items = yaml.safe_load(f)
    questions = [item['question'].strip() for item in items if item['language'] == language]
    pick = random.Random(seed)
    cut = []
    for question in questions:
        words = question.split()
        if len(words) > 1:
            cut.append(' '.join(words[:pick.randrange(1, len(words))]).rstrip(' ,;:.?!'))
    return questions, cut


def _hears(model, threshold, audio: np.ndarray, judges: list) -> list:
    """Return the segment ends of `audio`, with the hangover (no threshold) or the model."""
    if threshold is None:
        return ends(audio, None)
    judge = Judge(model)
    judges.append(judge)
    return ends(audio, TurnEnd(judge, threshold=threshold))


def _key(audio: str) -> str:
    return '' if audio == 'hangover' else f'{audio}_'


def turns() -> dict:
    """Measure false cut-offs, end of a finished turn and whole questions held, per combination.

    Each combination is a way for the hearing to end a segment (the 300 ms hangover, or Smart
    Turn at a threshold: `AUDIO`) and the dialogue's judgement of the words peeked at the pause
    (`turns.unfinished`: the word and verb rules, `rule`, or with SmolLM2-135M too, `lm`). Both
    must agree that the turn is over: a segment ended in the pause is a false cut-off only when
    the words are taken as finished (otherwise the dialogue waits `continuation_s` for the rest,
    a longer hangover for unfinished words only); a finished question's end of turn is the
    segment's end, plus the model's CPU time for the words (`lm`), plus `continuation_s` when its
    words are taken as unfinished. Also the judgements of the words alone on data/qa_dev.
    """
    with open(os.path.join(data_root(), SESSION), encoding='utf-8') as f:
        session = yaml.safe_load(f)
    speak, pause_s = voices(), session['pause_s']
    chosen, why = choose(TurnModelChoice(DEFAULT_MODEL))  # what this board's vad node runs by default
    default = (next(a for a, t in AUDIO.items() if t == THRESHOLD) if chosen else 'hangover',
               DEFAULT_WORDS)
    model = chosen or load_smart_turn()  # every combination is scored, the default or not
    whisper = make_recognizer('whisper', languages=('fr', 'en'), beam_size=1)
    # Each clip heard alone: a question's start and the whole question are the same words.
    whisper.context = whisper.hold_language = False
    before = rss_mb()
    lm = TurnLM('tiny')
    lm_rss = rss_mb() - before
    answered = lambda utterance: True  # noqa: E731 - question time: every question is Milo's
    p_end = functools.lru_cache(maxsize=None)(lm.end_probability)  # one call for both thresholds
    texts = {'rule': lambda text: unfinished(text, answered),
             'lm': lambda text: unfinished(text, answered, lambda w: p_end(w) < lm.threshold),
             'lm05': lambda text: unfinished(text, answered, lambda w: p_end(w) < LM_LOOSE)}
    what_words = {'rule': 'word and verb rules'}
    for name, threshold in (('lm', lm.threshold), ('lm05', LM_LOOSE)):
        what_words[name] = f'word and verb rules, then SmolLM2-135M (end probability < {threshold})'
    out, judges = {}, []
    for language in ('en', 'fr'):
        questions = session[language]
        note = (f'{len(questions)} questions of data/bench/turns.yaml with a {pause_s} s pause, '
                f"{speak['names'][language]}; hearing pipeline and Whisper greedy, no ROS")
        cut_in_pause = {audio: [] for audio in AUDIO}  # per question: the segment ended in the pause
        end_s = {audio: [] for audio in AUDIO}  # per question heard whole: speech end to segment end
        word_cutoffs = []  # the word rule alone (the dialogue's before the verb rule), hangover
        finished = {name: [] for name in texts}  # the words before the pause taken as finished
        held = {name: [] for name in texts}  # the question heard whole taken as unfinished
        lm_s = []  # the language model's CPU time on the words heard whole (a fresh call)
        for question in questions:
            audio, pause_start, pause_end = paused(question, speak[language], pause_s)
            words = whisper.transcribe(audio[:int(pause_start * SAMPLE_RATE)])[0]
            clip, speech_end = whole(question, speak[language])
            heard_whole = whisper.transcribe(clip)[0]
            for name, threshold in AUDIO.items():
                found = _hears(model, threshold, audio, judges)
                cut_in_pause[name].append(any(pause_start - 0.1 <= end <= pause_end for end, _ in found))
                decided = [at for end, at in _hears(model, threshold, clip, judges)
                           if end >= speech_end - 0.5]
                end_s[name].append(decided[0] - speech_end if decided else float('nan'))
            word_cutoffs.append(cut_in_pause['hangover'][-1] and not looks_unfinished(words))
            for name, judge in texts.items():
                finished[name].append(not judge(words))
                held[name].append(judge(heard_whole))
            lm.llm.n_tokens = 0  # a fresh judgement: the first of these words costs them all
            spent = lm.compute_s
            lm.unfinished(heard_whole)
            lm_s.append(lm.compute_s - spent)
            print(f'    {language} | {words!r} | {heard_whole!r} | p_end {lm.end_probability(words):.3f}'
                  f' / {lm.end_probability(heard_whole):.3f} | cut '
                  + ' '.join(f'{a}:{int(c[-1])}' for a, c in cut_in_pause.items()) + ' | end '
                  + ' '.join(f'{a}:{e[-1]:.2f}' for a, e in end_s.items()))
        count = len(questions)
        out[f'turn_false_cutoff_hangover_ratio_{language}'] = result(
            [sum(word_cutoffs) / count], 'ratio', COMMAND, 'fixed 300 ms hangover, the word rule '
            f'alone (looks_unfinished): pauses that end the turn on words it takes as finished; {note}')
        for audio_name, threshold in AUDIO.items():
            what_audio = ('fixed 300 ms hangover' if threshold is None else
                          f'Smart Turn v3.2 at threshold {threshold}')
            out[f'turn_end_latency_{_key(audio_name) or "hangover_"}p50_s_{language}'] = result(
                end_s[audio_name], 's', COMMAND, f'{what_audio}, no judgement of the words: end of '
                'a finished question\'s speech to the frame the segment ends on (the model\'s CPU '
                f'time per call counted); {note}')
            for words_name in texts:
                combo = f'{what_audio}, and {what_words[words_name]} on Whisper\'s words'
                cutoffs = [c and f for c, f in zip(cut_in_pause[audio_name], finished[words_name])]
                latency = [e + (s if words_name != 'rule' else 0.0) + CONTINUATION_S * h
                           for e, s, h in zip(end_s[audio_name], lm_s, held[words_name])]
                holds = [h or e >= HELD_S for e, h in zip(end_s[audio_name], held[words_name])]
                keys = [_key(audio_name) + words_name + '_']
                if (audio_name, words_name) == default:
                    keys.append('')  # the headline keys: this board's defaults
                for key in keys:
                    if not key:
                        combo = f'this board\'s default ({why}): {combo}'
                    out[f'turn_false_cutoff_{key}ratio_{language}'] = result(
                        [sum(cutoffs) / count], 'ratio', COMMAND, f'{combo}: pauses that end the '
                        f'segment on words taken as finished (a false cut-off); {note}')
                    out[f'turn_end_latency_{key}p50_s_{language}'] = result(
                        latency, 's', COMMAND, f'{combo}: end of a finished question\'s speech to '
                        'the segment\'s end, plus the words\' judgement (SmolLM2: its CPU time, a '
                        f'fresh call), plus {CONTINUATION_S} s when the words are taken as '
                        f'unfinished; {note}')
                    out[f'turn_whole_held_{key}ratio_{language}'] = result(
                        [sum(holds) / count], 'ratio', COMMAND, f'{combo}: questions heard whole '
                        f'that wait for more, words taken as unfinished (the dialogue waits '
                        f'{CONTINUATION_S} s) or a segment ended {HELD_S} s or more after the '
                        f'speech (the model judged it unfinished); {note}')
        complete, cut = qa_dev_texts(language)
        for name, unfinished_words in texts.items():
            out[f'turn_qa_dev_whole_held_{name}_ratio_{language}'] = result(
                [sum(map(unfinished_words, complete)) / len(complete)], 'ratio', COMMAND,
                f'{what_words[name]}: the {len(complete)} questions of data/qa_dev/questions.yaml '
                'in this language taken as unfinished (all are whole)')
            out[f'turn_qa_dev_cut_caught_{name}_ratio_{language}'] = result(
                [sum(map(unfinished_words, cut)) / len(cut)], 'ratio', COMMAND,
                f'{what_words[name]}: the same questions cut after a random word (seed 23, final '
                f'punctuation taken off; {len(cut)}) taken as unfinished')
    calls = sum(j.calls for j in judges)
    out['turn_model_cpu_ms_per_call'] = result(
        [1000 * sum(j.compute_s for j in judges) / max(calls, 1)], 'ms', COMMAND,
        f'Smart Turn v3.2 int8, 1 thread, 8 s window: CPU time per call, over {calls} calls')
    out['turn_lm_cpu_ms_per_call'] = result(
        [1000 * lm.compute_s / max(lm.calls, 1)], 'ms', COMMAND,
        f'SmolLM2-135M-Instruct Q4_1 (llm-tiny), 1 thread: process CPU time per judgement of a '
        f'transcript, over {lm.calls} calls')
    out['turn_lm_rss_mb'] = result([lm_rss], 'MB', COMMAND, 'resident memory added by loading '
                                   'SmolLM2-135M-Instruct Q4_1 (llm-tiny) with a 256-token context')
    for language in ('en', 'fr'):
        print(f'    {language}: ' + ', '.join(
            f'{k[5:-3]}={v["value"]:.3f}' for k, v in out.items()
            if k.endswith(language) and ('cutoff' in k or 'latency' in k or 'whole_held' in k)
            and 'qa_dev' not in k))
    return out


BENCHMARKS = (turns,)
