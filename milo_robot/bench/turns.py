# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Turn taking: waiting for a student who pauses mid-question, and ending a finished one soon.

Measured with the VAD's fixed hangover, and with the turn-end model.

data/bench/turns.yaml holds questions with a pause marked in the middle, in English (the packaged
Piper voice, as a student: a little faster) and in French (Milo's own French voice: espeak-ng until a
French voice is installed). Each is heard twice through the hearing pipeline (Silero VAD, real
models, no ROS): with the pause, and spoken whole.

- A **false cut-off** is a pause that ends the turn: the hearing closes the segment inside the
  pause, and the words heard so far (Whisper's greedy transcript, as the asr node peeks at a
  pause) could end a sentence, so the dialogue would take them as the question (its rule for
  "... the", "... la" makes it wait otherwise).
- The **end-of-turn latency** of a finished question runs from the end of its speech (the last
  sample above 2 % of full scale) to the frame on which the hearing ends the segment. With the
  model, that frame is the first one after its verdict, which takes the call's CPU time (its cost
  on a free core; a busy machine adds its queueing), the segment waiting for it up to 0.5 s.

- The dialogue's judgement of the words (issue 23): a cut that the words heard so far do not
  save, when judged by the word rule and the verb rule (`..._rule_...`), or by the word rule and
  SmolLM2-135M (`TurnLM`, `..._lm_...`), with the fixed hangover; the questions heard whole that
  each holds (`turn_whole_held_*`: they would wait `continuation_s` for more words), and the same
  on data/qa_dev's questions, whole and cut after a random word (`turn_qa_dev_*`, text only).

Measured on 2026-12-05 on a shared, busy 2-core AMD EPYC (the latencies count the model's CPU
time per call, which is the figure that matters, not the machine's queueing): hangover 0.9 / 0.8
false cut-offs (en / fr), 0.386 / 0.388 s to the end of a turn; model 0.6 / 0.7 and 0.396 /
0.440 s, at 300 ms of CPU a call. Before the segment waited for its verdict, the model's figures
were the hangover's exactly: every verdict came after the 300 ms hangover had ended the segment.
"""

import os
import random

import numpy as np
import yaml

from milo_robot.audio.format import SAMPLE_RATE
from milo_robot.audio.piper_voice import load_voice, synthesize
from milo_robot.audio.resample import resample
from milo_robot.bench.results import result
from milo_robot.conversation.turn_lm import TurnLM
from milo_robot.conversation.turns import lacks_verb, looks_unfinished
from milo_robot.graph import data_root
from milo_robot.hearing.engines import make_recognizer, make_vad
from milo_robot.hearing.pipeline import SpeechDetector
from milo_robot.hearing.segmenter import SegmenterSettings
from milo_robot.hearing.turn_end import Judge, TurnEnd, load_smart_turn
from milo_robot.speaking.voices import VoiceBook

COMMAND = 'milo bench --only turns'
SESSION = 'data/bench/turns.yaml'
STUDENT_PACE = 0.9  # Piper's length scale for students, as in the benchmark sessions
LOUD = 0.02 * 32768  # what counts as speech when timing the clips
CONTINUATION_S = 0.8  # the dialogue's wait for the rest of an unfinished sentence (continuation_s)


def voices() -> dict:
    """Return {language: text -> 16 kHz int16}: Piper for English, Milo's French voice for French."""
    piper = load_voice()
    french, _ = VoiceBook().for_language('fr')

    def english(text):
        return resample(synthesize(text, piper, length_scale=STUDENT_PACE), piper.config.sample_rate,
                        SAMPLE_RATE)

    def in_french(text):
        return resample(french.synthesize(text), french.rate, SAMPLE_RATE)
    return {'en': english, 'fr': in_french, 'fr_voice': french.name}


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


def turns() -> dict:
    """Measure false cut-offs and end-of-turn latency, hangover only and with the turn-end model.

    Also the dialogue's judgement of the words: the word rule alone, with the verb rule
    (`lacks_verb`), and with the small language model (`TurnLM`), on the words heard before the
    pause and on the question heard whole, and on the questions of data/qa_dev (whole, and cut
    after a random word).
    """
    with open(os.path.join(data_root(), SESSION), encoding='utf-8') as f:
        session = yaml.safe_load(f)
    speak, pause_s = voices(), session['pause_s']
    model = load_smart_turn()
    whisper = make_recognizer('whisper', languages=('fr', 'en'), beam_size=1)
    # Each clip heard alone: a question's start and the whole question are the same words.
    whisper.context = whisper.hold_language = False
    before = rss_mb()
    lm = TurnLM('tiny')
    lm_rss = rss_mb() - before
    texts = {'rule': lambda text: looks_unfinished(text) or lacks_verb(text),
             'lm': lambda text: looks_unfinished(text) or lm.unfinished(text)}
    out, judges = {}, []
    lm_what = f'word rule or SmolLM2-135M end probability < {lm.threshold}'
    for language in ('en', 'fr'):
        questions = session[language]
        cutoffs = {'hangover': [], 'model': []}
        latency = {'hangover': [], 'model': []}
        held = {name: [] for name in texts}
        text_cutoffs = {name: [] for name in texts}
        lm_latency = []
        for question in questions:
            audio, pause_start, pause_end = paused(question, speak[language], pause_s)
            words = whisper.transcribe(audio[:int(pause_start * SAMPLE_RATE)])[0]
            clip, speech_end = whole(question, speak[language])
            heard_whole = whisper.transcribe(clip)[0]
            for name in cutoffs:
                judge = Judge(model) if name == 'model' else None
                found = ends(audio, TurnEnd(judge) if judge else None)
                cut = any(pause_start - 0.1 <= end <= pause_end for end, _ in found)
                cutoffs[name].append(cut and not looks_unfinished(words))
                if name == 'hangover':
                    for text_name, unfinished in texts.items():
                        text_cutoffs[text_name].append(cut and not unfinished(words))
                judge = Judge(model) if name == 'model' else None
                found = ends(clip, TurnEnd(judge) if judge else None)
                decided = [at for end, at in found if end >= speech_end - 0.5]
                if decided:
                    latency[name].append(decided[0] - speech_end)
                if judge:
                    judges.append(judge)
            for text_name, unfinished in texts.items():
                held[text_name].append(unfinished(heard_whole))
            lm.llm.n_tokens = 0  # a fresh judgement: the first of these words costs them all
            spent = lm.compute_s
            lm.unfinished(heard_whole)
            if latency['hangover']:  # a held question waits continuation_s for more words
                lm_latency.append(latency['hangover'][-1] + (lm.compute_s - spent) +
                                  CONTINUATION_S * held['lm'][-1])
            print(f'    {language} | {words!r} | {heard_whole!r} | '
                  f"p_end {lm.end_probability(words):.3f} / {lm.end_probability(heard_whole):.3f}")
        voice = 'Piper en_US-joe-medium' if language == 'en' else speak['fr_voice']
        note = (f'{len(questions)} questions of data/bench/turns.yaml with a {pause_s} s pause, '
                f'{voice}; hearing pipeline and Whisper greedy, no ROS')
        for name, suffix in (('model', ''), ('hangover', '_hangover')):
            what = 'turn-end model (Smart Turn v3)' if name == 'model' else 'fixed 300 ms hangover'
            out[f'turn_false_cutoff{suffix}_ratio_{language}'] = result(
                [sum(cutoffs[name]) / len(questions)], 'ratio', COMMAND,
                f'{what}: pauses that end the turn on words that could end a sentence; {note}')
            out[f'turn_end_latency{suffix}_p50_s_{language}'] = result(
                latency[name], 's', COMMAND, f'{what}: end of a finished question\'s speech to the '
                'frame the segment ends on (model: its CPU time per call counted); ' + note)
        complete, cut = qa_dev_texts(language)
        for name, what in (('lm', lm_what),
                           ('rule', 'word rule or verb rule (lacks_verb)')):
            out[f'turn_false_cutoff_{name}_ratio_{language}'] = result(
                [sum(text_cutoffs[name]) / len(questions)], 'ratio', COMMAND,
                f'fixed 300 ms hangover, the dialogue judging the words by {what}: pauses that end '
                f'the turn on words it takes as finished; {note}')
            out[f'turn_whole_held_{name}_ratio_{language}'] = result(
                [sum(held[name]) / len(questions)], 'ratio', COMMAND,
                f'{what}: questions heard whole (Whisper greedy) that it takes as unfinished, so '
                f'that the dialogue waits {CONTINUATION_S} s for more; {note}')
            unfinished = texts[name]
            out[f'turn_qa_dev_whole_held_{name}_ratio_{language}'] = result(
                [sum(map(unfinished, complete)) / len(complete)], 'ratio', COMMAND,
                f'{what}: the {len(complete)} questions of data/qa_dev/questions.yaml in this '
                'language taken as unfinished (all are whole)')
            out[f'turn_qa_dev_cut_caught_{name}_ratio_{language}'] = result(
                [sum(map(unfinished, cut)) / len(cut)], 'ratio', COMMAND,
                f'{what}: the same questions cut after a random word (seed 23, final punctuation '
                f'taken off; {len(cut)}) taken as unfinished')
        out[f'turn_end_latency_lm_p50_s_{language}'] = result(
            lm_latency, 's', COMMAND, 'fixed 300 ms hangover, then the dialogue\'s judgement of the '
            f'whole question\'s words by {lm_what}: the hangover\'s end of turn, plus the model\'s '
            f'CPU time for the words (a fresh call), plus {CONTINUATION_S} s for a question it holds; {note}')
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
    print('    (latency medians: ' + ', '.join(f'{k}={v["value"]:.3f}' for k, v in out.items()
                                               if 'latency' in k) + ')')
    return out


BENCHMARKS = (turns,)
