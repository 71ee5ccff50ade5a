# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The dialogue manager: modes, addressing, turn-taking, acknowledgements, barge-in, the question log.

Plain Python: the dialogue node feeds it what it hears (transcripts, VAD, answers, speech reports)
and carries out what it asks for through an `Outputs` object, so all of it is testable without ROS.
"""

import itertools
import secrets
import time
from dataclasses import replace
from typing import Callable, Optional

from milo_robot.conversation.addressing import parse, starts_with_name
from milo_robot.conversation.memory import ConversationMemory
from milo_robot.conversation.outputs import Outputs
from milo_robot.conversation.phrases import ACK, APOLOGY, LECTURE_SAID, MODE_SAID
from milo_robot.conversation.speculation import Speculation, Speculations, same_question, same_segment, words
from milo_robot.conversation.turn_state import LastFinal, Pending, Turn
from milo_robot.conversation.turns import answerable, unfinished
from milo_robot.interfaces.payloads import MODES, QuestionEntry

CALLED_S = 8.0  # after "Milo?" alone, the next sentence is for Milo if it comes within this
SPECULATION_TTL_S = 10.0  # a speculative answer whose final transcript never comes is dropped


class Dialogue:
    """Decide what Milo says, and when."""

    def __init__(self, out: Outputs, mode: str = 'lecture', continuation_s: float = 0.8,
                 ack_after_s: float = 1.0, resume_window_s: float = 1.0,
                 memory: Optional[ConversationMemory] = None, clock=time.time,
                 turn_timeout_s: float = 20.0, words_judge: Optional[Callable[[str], bool]] = None):
        """`continuation_s`: how long to wait for the rest of an unfinished sentence.

        `ack_after_s`: an answer expected later than this gets a short acknowledgement first.
        `resume_window_s`: a student who speaks again this soon after a question is still asking
        it: the answer is cancelled and the words are joined.
        `turn_timeout_s`: a turn with no news from the brain or the voice for this long failed
        (one of them is down): Milo apologises, logs it as failed and listens again.
        `words_judge`: a second judge of whether a question's words are unfinished (the turn
        language model, `turn_lm.TurnLM.unfinished`), asked when the word rule finds them finished.
        """
        self.out = out
        self.mode = mode
        self.continuation_s, self.ack_after_s = continuation_s, ack_after_s
        self.resume_window_s = resume_window_s
        self.memory = memory or ConversationMemory()
        self.clock = clock
        self.turns = {}  # request id → Turn, while being answered
        self._pending: Optional[Pending] = None
        self._last_final: Optional[LastFinal] = None
        self._final_turn: Optional[str] = None  # the turn the final being taken started or confirmed
        self._cut: Optional[str] = None  # the request id of the last turn cut short
        self._acts = 0  # turns started or confirmed and commands obeyed, counted
        self.speculations = Speculations()
        self.turn_timeout_s = turn_timeout_s
        self.words_judge = words_judge
        # Request ids are unique across restarts: a restarted dialogue never matches a stale answer.
        self._id_prefix = secrets.token_hex(3)
        self._ids = itertools.count(1)
        self._expected_s = ack_after_s  # running estimate of question → first sentence
        self._user_speaking = False
        self._milo_speaking = False
        self._called_at = float('-inf')  # when Milo was called by name alone
        self._state = ''
        out.mode(mode)
        self._update_state()

    # --- what Milo hears -------------------------------------------------------------------------

    def heard_partial(self, text: str, language: str, segment_start: float, ended_at: float,
                      lecture_id=None) -> None:
        """Take the words so far at a pause of the voice: a whole question to Milo starts now.

        The answer is computed while the silence goes on and the final transcript is made; it is
        said only once that transcript confirms the question (`heard`), and dropped without a
        word or a log entry if the student goes on or the transcript differs.
        """
        text = text.strip()
        if not text or self._pending is not None or self.speculations.pending is not None or \
                self._unfinished(text):
            return  # "what is the voltage across the" waits for the rest
        utterance = parse(text)
        if not answerable(utterance, self._takes):
            return  # a command, or the name alone: the final transcript handles them
        turn = self._start_turn(text, language, ended_at, lecture_id, (), utterance, speculative=True)
        if self.speculations.start(turn, segment_start, text):  # the segment ended on this pause
            self._confirm_on_end()

    def voice_paused(self, segment: tuple) -> None:
        """Take the VAD's pause: (segment start, silence start) stamps; its words come as a peek."""
        self.speculations.paused(segment)

    def voice_ended(self, segment: tuple) -> None:
        """Take the VAD's end of a segment: (segment start, silence start) stamps.

        Ended on the very silence a question was asked on, the voice did not go on: the words
        peeked at the pause are the whole question, and its answer is said now instead of after
        the final transcript (a second decoding of the same words: about a second on 2 cores).
        """
        if self.speculations.ended(segment):
            self._confirm_on_end()

    def heard(self, text: str, language: str, ended_at: float, lecture_id=None,
              segment_id=None, segment_start=None) -> None:
        """Take a final transcript of a speech segment (`segment_id`: where the record keeps it).

        A final from the same start as the one before is that segment heard again with the words
        after a short pause (the asr's join, hearing/pipeline.py): the whole sentence replaces the
        part where the part waits for its rest (an unfinished sentence, or a question the student
        went on with); a part already acted on (a question being answered, a command) is not
        taken twice, unless its answer was cut short (the student went on over Milo's first words
        later than `resume_window_s`): then the whole is a question anew.
        """
        text = text.strip()
        if not text:
            return
        last = self._last_final
        if last is not None and segment_start is not None and segment_start == last.start:
            if not self._take_back(last.text, segment_id) and last.acted:
                self.out.note('  the rest of a sentence after a short pause: its start was taken already')
                return
        acts, self._final_turn = self._acts, None
        self._hear(text, language, ended_at, lecture_id, segment_id, segment_start)
        self._last_final = LastFinal(segment_start, text, self._acts != acts, self._final_turn)

    def _take_back(self, part: str, segment_id) -> bool:
        """Take a part heard again whole off the words waiting for their rest; say if it was there.

        The words end with the part's final, or are that segment's alone, worded as its pause's
        peek had it (a question confirmed on the pause, then resumed).
        """
        pending = self._pending
        if pending is None:
            return False
        if pending.text.endswith(part):
            pending.text = pending.text[:-len(part)].strip()
        elif segment_id is not None and pending.segment_ids == (segment_id,):
            pending.text = ''
        else:
            return False
        pending.segment_ids = tuple(i for i in pending.segment_ids if i != segment_id)
        if not pending.text:
            self._pending = None
        return True

    def _hear(self, text, language, ended_at, lecture_id, segment_id, segment_start) -> None:
        segments = () if segment_id is None else (segment_id,)
        awaited = self.speculations.take_awaited(segment_start)
        if awaited is not None:
            self._take_segment(awaited, text, segments)
            return
        spec = self.speculations.take_pending()
        if spec is not None:
            if same_segment(spec, segment_start) and same_question(spec.words, words(text)) and \
                    spec.turn.request_id in self.turns:
                self._confirm(spec.turn, ended_at, segments)
                return
            self._drop(spec.turn, 'the transcript is not the question asked on the pause')
        if self._pending is not None and starts_with_name(text):
            # "Milo, ..." starts anew: what was left unfinished before it is a sentence of its
            # own (the lecture's "S1, 7, 3," must not hide the question that follows it).
            self._end_pending()
        if self._pending is not None:  # the rest of an unfinished sentence
            text = f'{self._pending.text} {text}'
            language = self._pending.language
            segments = self._pending.segment_ids + segments
        now = self.clock()
        if self._unfinished(text) and (self._pending is None or now < self._pending.deadline):
            deadline = self._pending.deadline if self._pending else now + self.continuation_s
            self._pending = Pending(text, language, ended_at, lecture_id, deadline, segments)
            return
        self._pending = None
        self._turn(text, language, ended_at, lecture_id, segments)

    def barge_in(self, at: Optional[float] = None) -> None:
        """Take the VAD's early report of a voice over Milo (`at`: its onset's wall stamp).

        The answer is cut short; but a student who goes on within `resume_window_s` of the
        question's end is still asking it, whatever Milo started to say in the pause (the
        acknowledgement, an answer's first words): that answer is taken back unsaid, and the
        whole question awaited, as when the student goes on before Milo's first sound.
        """
        onset = self.clock() if at is None else at
        for turn in list(self.turns.values()):
            if not turn.speculative and onset - turn.ended_at < self.resume_window_s:
                self._resume(turn)
            else:
                self._interrupt(turn, 'a student talked over Milo')
        self._update_state()

    def speech(self, active: bool, barge_in: bool = False, at: Optional[float] = None) -> None:
        """Take a VAD report: someone started (or stopped) speaking; `barge_in` if over Milo.

        `at`: the wall stamp of the voice's start (the VAD's), which says how long the student
        paused better than when the report arrives.
        """
        self._user_speaking = active
        spec = self.speculations.take_pending() if active else None
        if spec is not None:
            self._drop(spec.turn, 'the student goes on')
        if active:
            now = self.clock()
            onset = now if at is None else at
            if self._pending is not None:
                self._pending.deadline = now + self.continuation_s + 30.0  # wait for its final
            if barge_in:
                self.barge_in(onset)
                return
            for turn in list(self.turns.values()):
                if turn.first_audio_at is None and onset - turn.ended_at < self.resume_window_s:
                    self._resume(turn)
        self._update_state()

    # --- what the rest of the robot reports ------------------------------------------------------

    def answer(self, request_id: str, text: str, final: bool, declined: bool = False,
               sources=()) -> None:
        """Take a sentence of the brain's answer, or its end."""
        turn = self.turns.get(request_id)
        if turn is None:
            return  # cancelled or unknown: nothing more to say
        now = self.clock()
        turn.last_news_at = now
        if final and text:  # a last word that came with the end (the brain is busy, say)
            self.answer(request_id, text, False)
        if not final:
            if turn.first_part_at is None:
                turn.first_part_at = now
                self._expected_s = 0.7 * self._expected_s + 0.3 * (now - turn.asked_at)
            if turn.speculative:
                turn.held.append(text)
            else:
                self.out.say(turn.request_id, 'answer', len(turn.sentences), text, turn.language)
            turn.sentences.append(text)
            return
        turn.brain_done, turn.declined, turn.sources = True, declined, tuple(sources)
        if turn.speculative:
            return  # judged once the question is confirmed
        if not turn.sentences:
            self._finish(turn, 'failed')
        elif turn.reported == len(turn.sentences):
            self._finish(turn, 'declined' if declined else 'answered')

    def audio_started(self, request_id: str, kind: str, at: float) -> None:
        """Note that the TTS played the first sound of a request (an answer's sentence or its ack)."""
        turn = self.turns.get(request_id)
        if turn is not None:
            turn.last_news_at = self.clock()
        if turn is not None and kind == 'answer' and turn.first_audio_at is None:
            turn.first_audio_at = at
            self.out.note(f'  Milo starts answering {at - turn.ended_at:.2f} s after the question')

    def spoken(self, request_id: str, kind: str, text: str, interrupted: bool) -> None:
        """Take the words heard of a sentence, from the TTS (interrupted: it was cut short)."""
        turn = self.turns.get(request_id)
        if turn is None or kind != 'answer':
            return
        turn.last_news_at = self.clock()
        turn.reported += 1
        if text:
            turn.spoken.append(text)
        if interrupted:
            self._interrupt(turn, 'speech stopped')
        elif turn.brain_done and turn.reported == len(turn.sentences):
            self._finish(turn, 'declined' if turn.declined else 'answered')

    def milo_speaking(self, active: bool) -> None:
        """Note that the TTS started or stopped producing sound."""
        self._milo_speaking = active
        self._update_state()

    def set_mode(self, mode: str, language: str = 'en', announce: bool = False) -> str:
        """Switch mode (topic, service, teleop or voice); return what happened."""
        if mode not in MODES:
            return f"unknown mode {mode!r} (known: {', '.join(MODES)})"
        if mode != self.mode:
            self.mode = mode
            self.memory.forget()
            self.out.mode(mode)
            self.out.note(f'mode → {mode}')
            if announce:
                self._announce(MODE_SAID[mode], language)
            self._update_state()
        return f'mode {mode}'

    def tick(self) -> None:
        """Run often (20 Hz): end a turn that waited long enough, acknowledge slow answers."""
        now = self.clock()
        if self._pending is not None and now >= self._pending.deadline and not self._user_speaking:
            self._end_pending()
        for turn in list(self.turns.values()):
            if turn.speculative:
                if now - turn.asked_at >= SPECULATION_TTL_S:
                    self._drop(turn, 'no final transcript came')
                    self.speculations.take_pending()
                continue
            if not turn.acked and turn.first_part_at is None and now - turn.asked_at >= self.ack_after_s:
                self._acknowledge(turn)
            if now - max(turn.asked_at, turn.last_news_at) >= self.turn_timeout_s:
                self._fail(turn)

    # --- inside ----------------------------------------------------------------------------------

    def _new_id(self, kind: str) -> str:
        return f'{self._id_prefix}-{kind}{next(self._ids)}'

    def _end_pending(self) -> None:
        """Take the unfinished sentence as it is: no more words are coming to it."""
        pending, self._pending = self._pending, None
        self._turn(pending.text, pending.language, pending.ended_at, pending.lecture_id,
                   pending.segment_ids)

    def _announce(self, said: dict, language: str) -> None:
        language = language if language in said else 'en'
        self.out.say(self._new_id('s'), 'announce', 0, said[language], language)

    def _fail(self, turn: Turn) -> None:
        """Give up on a turn the brain or the voice stopped answering: say sorry, log it, listen."""
        self.out.cancel(turn.request_id)
        self.out.note('  no answer in time: the brain or the voice is not responding')
        self.out.say(turn.request_id, 'apology', 0, APOLOGY.get(turn.language, APOLOGY['en']),
                     turn.language)
        self._finish(turn, 'failed')

    def _turn(self, text: str, language: str, ended_at: float, lecture_id, segment_ids=()) -> None:
        utterance = parse(text)
        if utterance.lecture_command and utterance.addressed:
            self._acts += 1
            self.out.lecture(utterance.lecture_command)
            self.out.note(f'lecture {utterance.lecture_command} (voice)')
            self._announce(LECTURE_SAID[utterance.lecture_command], language)
            return
        if utterance.command and (utterance.addressed or self.mode == 'qa'):
            self._acts += 1
            if self.mode != 'sleep' or utterance.command != 'sleep':
                self.set_mode(utterance.command, language, announce=True)
            return
        if self.mode == 'sleep':
            return
        if self.mode == 'qa' and segment_ids:
            self.out.students(tuple(segment_ids))  # question time: the class speaks, not the teacher
        if utterance.addressed and not utterance.text.strip(' ?.!,'):
            self._called_at = self.clock()  # just the name: the question comes next
            return
        if not self._takes(utterance):
            return  # the class talking among itself: Milo only records
        self._called_at = float('-inf')
        if self.mode == 'lecture' and segment_ids:
            self.out.students(tuple(segment_ids))  # a question to Milo is a student's, not the lecture
        self._start_turn(text, language, ended_at, lecture_id, segment_ids, utterance)

    def _unfinished(self, text: str) -> bool:
        """Whether `text` stops mid-sentence, for Milo as it is now (addressed, mode)."""
        return unfinished(text, self._takes, self.words_judge)

    def _takes(self, utterance) -> bool:
        """Whether Milo answers this: called by name (or just before), or a question in qa mode."""
        if self.mode == 'sleep':
            return False
        called = utterance.addressed or self.clock() - self._called_at < CALLED_S
        return called or (self.mode == 'qa' and utterance.is_question)

    def _start_turn(self, text, language, ended_at, lecture_id, segment_ids, utterance,
                    speculative: bool = False) -> Turn:
        self._acts += 1
        question, follow_up = self.memory.with_context(utterance.text)
        request_id = self._final_turn = self._new_id('q')
        turn = Turn(request_id, text, question, language, ended_at, lecture_id, self.mode, self.clock(),
                    tuple(segment_ids), speculative=speculative)
        self.turns[request_id] = turn
        kind = 'follow-up' if follow_up else ('addressed' if utterance.addressed else 'question')
        self.out.note(f"question ({kind}, {language}{', on a pause' if speculative else ''}): {question}")
        self.out.ask(request_id, question, language, turn.segment_ids, speculative)
        if not speculative:
            if self._expected_s > self.ack_after_s:
                self._acknowledge(turn)
            self._update_state()
        return turn

    def _confirm_on_end(self) -> None:
        """Say the answer now: the segment ended on the pause the question was asked on."""
        spec = self.speculations.take_pending()
        if spec.turn.request_id not in self.turns:
            return
        self.speculations.awaiting_final = spec  # its final transcript only tells the segment
        self._confirm(spec.turn, spec.turn.ended_at, (), 'the voice ended on the pause')

    def _take_segment(self, spec: Speculation, text: str, segment_ids: tuple) -> None:
        """Take the final transcript of a question confirmed at its end: the record's segment.

        If the student went on over its answer before this final came, the final is not a
        question taken: within the resume window it is the words so far, waiting for their rest
        like any part (`_resume`), later the answer was cut short (`_interrupt`). Either way the
        segment heard again whole from the same start is then asked, rather than dropped as the
        rest of a start already taken.
        """
        request_id, pending = spec.turn.request_id, self._pending
        turn = self.turns.get(request_id)
        if turn is None and pending is not None and pending.resumed == request_id:
            pending.text, pending.segment_ids = text, segment_ids
            return
        if turn is None and request_id == self._cut:
            return  # cut short before this final came: not taken, so its whole is a question anew
        self._acts += 1
        self._final_turn = request_id
        if segment_ids:
            self.out.students(segment_ids)
        if turn is not None:
            turn.segment_ids = segment_ids
        if not same_question(spec.words, words(text)):
            self.out.note('  the final transcript words the question differently (the record keeps it)')

    def _confirm(self, turn: Turn, ended_at: float, segment_ids: tuple,
                 why: str = 'the transcript confirms the question asked on the pause') -> None:
        """Take the question asked on the pause as the whole turn: say what is ready."""
        self._acts += 1
        self._final_turn = turn.request_id
        turn.speculative, turn.ended_at, turn.segment_ids = False, ended_at, tuple(segment_ids)
        self._called_at = float('-inf')
        if segment_ids:
            self.out.students(tuple(segment_ids))
        self.out.note(f'  {why}')
        for index, text in enumerate(turn.held):
            self.out.say(turn.request_id, 'answer', index, text, turn.language)
        turn.held = []
        if turn.brain_done and not turn.sentences:
            self._finish(turn, 'failed')
        elif not turn.sentences and self._expected_s > self.ack_after_s:
            self._acknowledge(turn)
        self._update_state()

    def _drop(self, turn: Turn, why: str) -> None:
        """Forget a speculative turn: cancel its answer; nothing was said, nothing is logged."""
        if self.turns.pop(turn.request_id, None) is not None:
            self.out.cancel(turn.request_id)
            self.speculations.wasted += 1
            self.out.note(f'  speculation dropped: {why}')

    def _acknowledge(self, turn: Turn) -> None:
        turn.acked = True
        if not self._milo_speaking:
            self.out.say(turn.request_id, 'ack', 0, ACK.get(turn.language, ACK['en']), turn.language)

    def _resume(self, turn: Turn) -> None:
        """Drop the answer of a student who was not done; keep the words for the rest of the turn."""
        self.out.cancel(turn.request_id)
        del self.turns[turn.request_id]
        self._pending = Pending(turn.heard, turn.language, turn.ended_at, turn.lecture_id,
                                 self.clock() + self.continuation_s + 30.0, turn.segment_ids,
                                 resumed=turn.request_id)
        self.out.note('  the student goes on: waiting for the whole question')

    def _interrupt(self, turn: Turn, why: str) -> None:
        self._cut, last = turn.request_id, self._last_final
        if last is not None and last.turn == turn.request_id:  # its start was not taken after all
            self._last_final = replace(last, acted=False)
        if not turn.brain_done:
            self.out.cancel(turn.request_id)
        self.out.note(f'  interrupted ({why})')
        self._finish(turn, 'interrupted')

    def _finish(self, turn: Turn, outcome: str) -> None:
        self.turns.pop(turn.request_id, None)
        answer, spoken = ' '.join(turn.sentences), ' '.join(turn.spoken)
        latency = None if turn.first_audio_at is None else round(turn.first_audio_at - turn.ended_at, 3)
        if outcome == 'answered':
            self.memory.remember(turn.question, answer)
        self.out.log(QuestionEntry(turn.request_id, turn.lecture_id, turn.ended_at, turn.heard[:4000],
                                   turn.question[:4000], turn.language, turn.mode, outcome,
                                   answer[:4000], spoken[:4000], turn.sources[:64],
                                   None if latency is None else min(max(latency, 0.0), 3600.0)))
        sources = ', '.join(turn.sources) or 'none'
        self.out.note(f'  {outcome}: {answer or "(nothing)"} [sources: {sources}; latency '
                      f'{"-" if latency is None else f"{latency:.2f} s"}]')
        self._update_state()

    def _update_state(self) -> None:
        if self.mode == 'sleep':
            state = 'sleep'
        elif self._milo_speaking:
            state = 'speaking'
        elif any(not turn.speculative for turn in self.turns.values()):
            state = 'thinking'
        elif self._user_speaking:
            state = 'listening'
        else:
            state = 'idle'
        if state != self._state:
            self._state = state
            self.out.state(state)

