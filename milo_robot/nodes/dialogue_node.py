# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Dialogue node: joins hearing, thinking and speaking into turns, and publishes the robot state."""

from milo_robot.conversation.dialogue import Dialogue
from milo_robot.conversation.memory import ConversationMemory
from milo_robot.conversation.outputs import Outputs
from milo_robot.conversation.turn_lm import TurnLM
from milo_robot.interfaces import topics as t
from milo_robot.interfaces.payloads import (
    MODES,
    Cancel,
    LectureCommand,
    Mode,
    Question,
    RobotState,
    RoleChange,
    SayRequest,
)
from milo_robot.models import ModelError
from milo_robot.nodes.base import MiloNode, run
from milo_robot.parameters import ParameterError, ParamSpec

PARAMETERS = (
    ParamSpec('mode', 'lecture', 'Mode at start: lecture (answer only when called by name), qa '
              '(answer every question) or sleep', choices=MODES),
    ParamSpec('continuation_s', 0.8, 'Wait for the rest of a sentence that stops mid-way (s)',
              min=0.0, max=5.0),
    ParamSpec('ack_after_s', 1.0, 'An answer expected later than this starts with "Hmm" (s)',
              min=0.2, max=10.0),
    ParamSpec('resume_window_s', 1.0, 'A student speaking again this soon after a question is '
              'still asking it: the answer is dropped and the words joined (s)', min=0.0, max=5.0),
    ParamSpec('memory_turns', 3, 'Exchanges remembered for follow-up questions', min=0, max=20),
    ParamSpec('memory_s', 120.0, 'Exchanges older than this are forgotten (s)', min=5.0,
              max=3600.0),
    ParamSpec('turn_lm', '', 'Language model that also judges whether a question\'s words are '
              'unfinished when the word rule finds them finished (profile: tiny, small; "" = the '
              'word rule only)', choices=('', 'tiny', 'small')),
    ParamSpec('turn_lm_threshold', 0.0, 'End probability below which the turn language model '
              'takes the words as unfinished (0 = its calibrated value)', min=0.0, max=0.9),
    ParamSpec('turn_timeout_s', 45.0, 'A question with no news from the brain or the voice for '
              'this long failed: Milo apologises and logs it (s); long enough for a first sentence '
              'on a busy board', min=2.0, max=300.0),
)


class _Publishers(Outputs):
    """The dialogue's outputs as ROS messages and log lines."""

    def __init__(self, node: 'DialogueNode'):
        self.node = node
        self._question = node.publisher(t.BRAIN_QUESTION)
        self._cancel = node.publisher(t.BRAIN_CANCEL)
        self._say = node.publisher(t.TTS_SAY)
        self._state = node.publisher(t.ROBOT_STATE)
        self._mode = node.publisher(t.DIALOGUE_MODE)
        self._roles = node.publisher(t.RECORD_ROLES)
        self._log = node.publisher(t.RECORD_QUESTIONS)
        self._lecture = node.publisher(t.LECTURE_COMMAND)

    def ask(self, request_id, text, language, segment_ids=(), speculative=False):
        self._question.publish(Question(request_id, text[:2000], language, tuple(segment_ids)[:64],
                                        speculative=speculative).to_msg())

    def cancel(self, request_id):
        self._cancel.publish(Cancel(request_id).to_msg())

    def say(self, request_id, kind, part, text, language):
        self._say.publish(SayRequest(text, language, request_id, kind, part).to_msg())

    def students(self, segment_ids):
        self._roles.publish(RoleChange(tuple(segment_ids)[:64], 'student').to_msg())

    def lecture(self, action):
        self._lecture.publish(LectureCommand(action, origin='voice').to_msg())

    def state(self, state):
        self._state.publish(RobotState(state).to_msg())
        self.note(f'state → {state}')
        self.node.health.set('state', state)

    def mode(self, mode):
        self._mode.publish(Mode(mode).to_msg())
        self.node.health.set('mode', mode)

    def log(self, entry):
        self._log.publish(entry.to_msg())
        self.node.health.count('questions')

    def note(self, line):
        # Notes may quote what was said: kept at debug level, out of the logs by default.
        self.node.get_logger().debug(line)


class DialogueNode(MiloNode):
    """Transcripts, VAD events, answers and speech reports in; questions, speech and state out."""

    PARAMETERS = PARAMETERS

    def __init__(self, **options):
        """Subscribe to everything a conversation needs; tick at 20 Hz."""
        super().__init__('dialogue', **options)
        p = self.params
        self.turn_lm = None
        if p.turn_lm:
            try:
                self.turn_lm = TurnLM(p.turn_lm, p.turn_lm_threshold or None)
            except (ModelError, ImportError, OSError, RuntimeError, ValueError) as exc:
                raise ParameterError(f'turn language model unusable: {exc}') from exc
        self.health.set('turn_lm', p.turn_lm or 'none (word rule only)')
        self.dialogue = Dialogue(_Publishers(self), p.mode, p.continuation_s, p.ack_after_s,
                                 p.resume_window_s, ConversationMemory(p.memory_turns, p.memory_s),
                                 turn_timeout_s=p.turn_timeout_s,
                                 words_judge=self.turn_lm.unfinished if self.turn_lm else None)
        self.subscribe(t.ASR_FINAL, self._on_final)
        self.subscribe(t.ASR_PARTIAL, self._on_partial)
        self.subscribe(t.VAD_EVENTS, self._on_vad)
        self.subscribe(t.BRAIN_ANSWER, lambda a: self.dialogue.answer(
            a.request_id, a.text, a.final, a.declined, a.sources))
        self.subscribe(t.TTS_STARTED, lambda s: self.dialogue.audio_started(s.request_id, s.kind, s.time))
        self.subscribe(t.TTS_SPOKEN, lambda s: self.dialogue.spoken(
            s.request_id, s.kind, s.text, s.interrupted))
        self.subscribe(t.TTS_SPEAKING, lambda m: self.dialogue.milo_speaking(m.data))
        self.subscribe(t.DIALOGUE_SET_MODE, lambda m: self.dialogue.set_mode(m.mode))
        for mode, service in t.MODE_SERVICES.items():
            self.serve(service, self._mode_service(mode))
        self.create_timer(0.05, lambda: self.guarded('tick', self.dialogue.tick))

    def _on_final(self, heard) -> None:
        self.health.activity()
        self.dialogue.heard(heard.text, heard.language, heard.wall_end or self.dialogue.clock(),
                            heard.lecture_id, heard.segment_id, heard.start)

    def _on_partial(self, heard) -> None:
        if heard.at_pause:  # the words so far, and the voice stopped: maybe the whole question
            self.dialogue.heard_partial(heard.text, heard.language, heard.start,
                                        heard.wall_end or self.dialogue.clock(), heard.lecture_id)

    def _on_vad(self, event) -> None:
        if event.event == 'barge_in':
            self.dialogue.barge_in(event.start)
        elif event.event == 'pause':  # its words come as a partial transcript
            self.dialogue.voice_paused((event.start, event.end))
        else:
            self.dialogue.speech(event.event == 'start', event.barge_in, event.start)
            if event.event == 'end':
                self.dialogue.voice_ended((event.start, event.end))

    def _mode_service(self, mode: str):
        def serve(_request, response):
            response.message = self.dialogue.set_mode(mode)
            response.success = True
            return response
        return serve

    def summary(self) -> str:
        """Say the mode and what Milo is doing."""
        return f'{self.dialogue.mode} mode'


NODE = DialogueNode  # what milo_robot.graph starts, alone or in a group


def main(args=None):
    """Run the dialogue node."""
    raise SystemExit(run(DialogueNode, args))


if __name__ == '__main__':
    main()
