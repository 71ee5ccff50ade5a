# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Judge an observed session against its timeline: what Milo did for each turn, and how fast.

Times are on the audio timelines: a student's speech ends at the microphone's first stamp plus the
turn's `speech_end_s` in the input WAV; Milo's answer starts at the wall time its first block was
written to the (paced) speaker.
"""

from dataclasses import dataclass, field
from typing import Optional

from milo_robot.conversation.speculation import words
from milo_robot.evaluation import missing
from milo_robot.interfaces import topics as t
from milo_robot.session.observer import Observation
from milo_robot.thinking.question import detect_language

# Longest a transcript may reach the observer after the question the dialogue asked on it.
DELIVERY_SLACK_S = 0.3


@dataclass
class Reply:
    """What Milo did with one question it heard."""

    request_id: str
    question: str
    asked_at: float
    sentences: list = field(default_factory=list)
    declined: Optional[bool] = None
    sources: list = field(default_factory=list)
    first_audio: Optional[float] = None  # the answer's first sound (not the acknowledgement's)
    first_sound: Optional[float] = None  # the first sound, acknowledgement included
    interrupted: bool = False
    stages: dict = field(default_factory=dict)  # compute times reported by the nodes (s)
    speculative: bool = False  # asked on the words peeked at on a pause


@dataclass
class TurnResult:
    """One student or mode-switch turn, judged."""

    index: int
    case: str
    expect: str
    text: str
    ok: bool
    observed: str
    reply: Optional[Reply] = None
    latency_s: Optional[float] = None  # end of speech → first sound of the answer
    stages: dict = field(default_factory=dict)


def replies(observation: Observation) -> list:
    """Collect each question the dialogue asked with what became of it, in order."""
    found = {}
    for received, question in observation.of(t.BRAIN_QUESTION.name):
        if question.origin == 'voice':  # the app's text questions are no turn of the class's
            found[question.request_id] = Reply(question.request_id, question.text, received,
                                               speculative=question.speculative)
    for _, part in observation.of(t.BRAIN_ANSWER.name):
        reply = found.get(part.request_id)
        if reply is None:
            continue
        if part.final:
            reply.declined, reply.sources = part.declined, list(part.sources)
        else:
            if not reply.sentences:
                reply.stages['model_first_sentence_s'] = part.elapsed_s
            reply.sentences.append(part.text)
    for _, started in observation.of(t.TTS_STARTED.name):
        reply = found.get(started.request_id)
        if reply is None:
            continue
        reply.first_sound = started.time if reply.first_sound is None else min(reply.first_sound,
                                                                               started.time)
        if started.kind == 'answer' and started.part == 0 and reply.first_audio is None:
            reply.first_audio = started.time
            reply.stages['tts_first_audio_s'] = started.since_request_s
    for _, spoken in observation.of(t.TTS_SPOKEN.name):
        reply = found.get(spoken.request_id)
        if reply is not None and spoken.kind == 'answer' and spoken.interrupted:
            reply.interrupted = True
    return list(found.values())


def _first_after(items: list, start: float, end: float):
    return next(((at, p) for at, p in items if start <= at < end), None)


def judge(observation: Observation, timeline: dict) -> list:
    """Return a TurnResult for every turn that expects something of Milo."""
    t0 = observation.audio_t0
    if t0 is None:
        return []
    turns = timeline['turns']
    asked = replies(observation)
    # What a question was heard from: a final transcript, or one peeked at on a pause (the
    # dialogue may ask on it before the end is certain); and the VAD event that let it be heard.
    heard = sorted(observation.of(t.ASR_FINAL.name) +
                   [(at, p) for at, p in observation.of(t.ASR_PARTIAL.name) if p.at_pause],
                   key=lambda item: item[0])
    vad_ends = [(at, e) for at, e in observation.of(t.VAD_EVENTS.name) if e.event in ('end', 'pause')]
    modes = observation.of(t.DIALOGUE_MODE.name)
    lectures = observation.of(t.LECTURE_CURRENT.name)
    results = []
    for i, turn in enumerate(turns):
        if not turn.get('expect'):
            continue
        end = t0 + turn['speech_end_s']
        until = t0 + turns[i + 1]['start_s'] if i + 1 < len(turns) else float('inf')
        mine = [r for r in asked if end - 0.5 <= r.asked_at < until]
        reply = mine[0] if mine else None
        result = TurnResult(i, turn.get('case', ''), turn['expect'], turn['text'], False, '', reply)
        if turn['expect'] == 'lecture_end':
            ended = next((state for at, state in lectures if at >= end - 0.5 and state.state == 'ended'),
                         None)
            result.ok = ended is not None
            result.observed = f'lecture {ended.lecture_id} ended' if ended else 'the lecture goes on'
        elif turn['expect'] == 'mode':
            switched = _first_after(modes, end, until)
            result.ok = switched is not None
            result.observed = f'mode → {switched[1].mode}' if switched else 'mode unchanged'
        elif turn['expect'] == 'silent':
            result.ok = reply is None
            result.observed = 'silent' if reply is None else f'answered {reply.question!r}'
        elif turn['expect'] == 'stop':
            previous = results[-1].reply if results else None
            result.ok = previous is not None and previous.interrupted
            result.observed = 'speech stopped' if result.ok else 'not stopped'
            result.reply = previous
        elif reply is None:
            result.observed = 'no question asked'
        else:
            spoke = reply.first_audio is not None
            declined = bool(reply.declined)
            result.ok = spoke and declined == (turn['expect'] == 'decline')
            result.observed = ('declined' if declined else 'answered') if spoke else 'did not speak'
            # An answer is judged on what it says: every key fact of the turn must be in it.
            said = ' '.join(reply.sentences)
            lacking = missing(said, turn.get('facts') or []) if turn['expect'] == 'answer' else []
            if result.ok and lacking:
                result.ok = False
                result.observed += f" but without {'; '.join(lacking)}"
            # A question asked in French is answered in French (the turn's language, when it says one).
            language = turn.get('language')
            if result.ok and turn['expect'] == 'answer' and language and detect_language(said) != language:
                result.ok = False
                result.observed += f' but in {detect_language(said)}, not {language}'
            if spoke:
                result.latency_s = reply.first_audio - end
                result.stages = _stages(reply, end, heard, vad_ends)
        results.append(result)
    return results


GAZE_AT_ADDRESSEE = ('addressee', 'addressee direction')
GAZE_WINDOW_S = 3.0  # once Milo answers, the head turns to the asker within this


def judge_gaze(observation: Observation, results: list) -> list:
    """Return (turn result, ok) for each answered turn the camera saw faces for.

    Ok when the camera's gaze turned to the person who asked (`addressee`) within GAZE_WINDOW_S
    of the question, or of the answer's first sound: while Milo thinks, the head looks away on
    purpose (docs/camera.md), and how soon the answer starts is judged by the answer's own case.
    Turns with no face in view (or no camera) are not judged.
    """
    faces = observation.of(t.CAMERA_FACES.name)
    judged = []
    for result in results:
        if result.reply is None or result.expect not in ('answer', 'decline'):
            continue
        reply = result.reply
        asked = reply.asked_at
        spoke = next((at for at in (reply.first_audio, reply.first_sound) if at is not None), asked)
        seen = [f for at, f in faces if asked - 0.5 <= at <= max(asked, spoke) + GAZE_WINDOW_S]
        if not any(f.ids for f in seen):
            continue
        judged.append((result, any(f.gaze in GAZE_AT_ADDRESSEE for f in seen)))
    return judged


def judge_summary(summary_text: str, facts: list) -> tuple:
    """Return (ok, what is missing) for a lecture summary against the session's summary facts."""
    lacking = [group for fact in facts for group in missing(summary_text, fact)]
    return not lacking and bool(summary_text.strip()), lacking


def _stages(reply: Reply, end: float, heard: list, vad_ends: list) -> dict:
    """Split the latency into what each node computed, and the rest (orchestration).

    `heard`: the final transcripts and those peeked at on a pause; `vad_ends`: the VAD's end and
    pause events. The question came from a final, heard after the VAD's end event, or from a
    peek (asked on a pause, before the end was certain), heard after its pause event.
    """
    # A question asked on a pause came from a peek, one asked otherwise from a final. The observer
    # may receive the transcript after the question asked on it (each topic is delivered on its
    # own): then the one with the question's words, received just after it, is the one.
    kind = 'pause' if reply.speculative else 'end'
    mine = [(at, p) for at, p in heard if p.final != reply.speculative and end - 0.2 <= at]
    said = [(at, p) for at, p in mine if at < reply.asked_at + DELIVERY_SLACK_S and
            words(p.text) == words(reply.question)]
    before = [(at, p) for at, p in mine if at < reply.asked_at + 1e-6]
    transcript = (said or before or [None])[-1]
    vad = _first_after([(at, e) for at, e in vad_ends if e.event == kind], end - 0.2, reply.asked_at)
    stages = {'vad_end_of_turn_s': (vad[0] - end) if vad else None,
              'asr_final_s': transcript[1].compute_s if transcript else None,
              'model_first_sentence_s': reply.stages.get('model_first_sentence_s'),
              'tts_first_audio_s': reply.stages.get('tts_first_audio_s')}
    total = reply.first_audio - end
    known = [v for v in stages.values() if v is not None]
    stages['transport_and_orchestration_s'] = total - sum(known) if len(known) == 4 else None
    stages['total_s'] = total
    return stages


def barge_in_stops(observation: Observation, timeline: dict) -> list:
    """Return, per interruption turn, ms from the two voices overlapping to Milo's silence.

    Milo is silent once the sentence the student talked over was cut short and the TTS reported
    silence: the paced speaker has played its last block by then. The overlap starts with the
    student's voice, or with Milo's when the student began first (an answer slower than the
    session's timing starts over the student).
    """
    t0 = observation.audio_t0
    reports = observation.of(t.TTS_SPEAKING.name)
    cuts = [at for at, spoken in observation.of(t.TTS_SPOKEN.name) if spoken.interrupted]
    stops = []
    for turn in timeline['turns']:
        if turn.get('expect') != 'stop' or t0 is None:
            continue
        onset, voice_end = t0 + turn['start_s'], t0 + turn['speech_end_s']
        # The sentence cut short, then the silence that followed (not an acknowledgement ending).
        cut = next((at for at in cuts if at >= onset - 0.05), None)
        silence = next((at for at, speaking in reports if not speaking and at >= cut), None) \
            if cut is not None else None
        if silence is None:
            continue
        sounding = [at for at, speaking in reports if speaking and at < cut]
        overlap = max(onset, sounding[-1]) if sounding else onset
        if overlap < voice_end and silence - overlap < 3.0:
            stops.append(max(0.0, silence - overlap) * 1000)
    return stops
