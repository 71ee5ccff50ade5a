# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The brain's desk: which question is answered when, and where its sentences go. No ROS here.

- One question is answered at a time; `queue_size` voice questions and `queue_size` text ones
  may wait. A question that finds its own line full is told at once that Milo is busy: text
  questions never take a voice question's place.
- Voice questions (the class) go before text ones (the app), then first come, first served.
- While the class has the floor (thinking/floor.py: someone speaks in question time, and a
  moment after), text questions wait: the class's question, which comes with the end of the
  speech, then finds the brain free, and the transcript is computed without a text answer beside
  it. A class that talks on does not starve the app: the floor has a limit.
- A voice question interrupts a text answer in progress: the text answer is asked again once the
  class's is answered, and goes on from the sentence it had reached (nothing is sent twice).
- A cancel stops the answer in progress within one sentence, or drops a waiting question (its
  asker is still told the answer ended).

The brain node maps its topics to a Desk and an `Outputs`, as the dialogue node does with
conversation/dialogue.py.
"""

import collections
import threading
import time
from dataclasses import dataclass
from typing import Optional, Protocol

from milo_robot.thinking.floor import Floor

BUSY = {'en': "One moment, I'm still answering the previous question.",
        'fr': 'Un instant, je réponds encore à la question précédente.'}


@dataclass(frozen=True)
class Request:
    """A question to answer, as it came (interfaces.payloads.Question has the same fields)."""

    request_id: str
    text: str
    language: str = ''
    origin: str = 'voice'  # 'voice' (the class) or 'text' (the app)
    segment_ids: tuple = ()
    course: str = ''


class Outputs(Protocol):
    """Where the desk sends what it does."""

    def answer(self, request_id: str, index: int, text: str, final: bool = False,
               declined: bool = False, sources: tuple = (), elapsed_s: float = 0.0,
               quoted: bool = False, kind: str = '', links: tuple = ()) -> None:
        """Send one part of an answer."""

    def count(self, name: str) -> None:
        """Count an event for the diagnostics (questions, refused_busy...)."""


class Desk:
    """Questions in, in the right order; answer parts out."""

    def __init__(self, out: Outputs, queue_size: int = 2, clock=time.monotonic):
        """Let `queue_size` questions of each origin wait while one is answered."""
        self.out, self.clock, self.queue_size = out, clock, queue_size
        self._lines = {'voice': collections.deque(), 'text': collections.deque()}
        self._changed = threading.Condition()
        self._floor = Floor(clock)
        self._cancelled = set()  # waiting questions cancelled: skipped when their turn comes
        self._current = (None, threading.Event(), '')  # request id, its cancel, its origin
        self._preempted = set()  # text answers interrupted by the class, to go on later
        self._resume = {}  # request id -> parts already sent

    @property
    def answering(self) -> Optional[str]:
        """The request id being answered, if any."""
        return self._current[0]

    def submit(self, request: Request) -> None:
        """Take a question (any thread): queue it, interrupt a text answer for the class, or say busy."""
        current, event, origin = self._current
        if request.origin == 'voice' and current and origin == 'text':
            self._preempted.add(current)  # a text question never delays the class
            event.set()
        if self._queue(request):
            return
        language = request.language if request.language in BUSY else 'en'
        self.out.answer(request.request_id, 0, BUSY[language], final=True, declined=True)
        self.out.count('refused_busy')

    def class_speaking(self, speaking: bool) -> None:
        """Someone in question time starts (True) or stops (False) speaking: text questions wait."""
        with self._changed:
            self._floor.speaking(speaking)
            self._changed.notify_all()

    def _line(self, request: Request) -> collections.deque:
        return self._lines['voice' if request.origin == 'voice' else 'text']

    def _queue(self, request: Request, first: bool = False) -> bool:
        """Put a question in its line (`first`: ahead of the others); False if the line is full."""
        with self._changed:
            line = self._line(request)
            if len(line) >= self.queue_size:
                return False
            if first:
                line.appendleft(request)
            else:
                line.append(request)
            self._changed.notify_all()
            return True

    def cancel(self, request_id: str) -> None:
        """Stop an answer ('' for the one in progress), or drop a waiting question."""
        current, event, _ = self._current
        if request_id in ('', current):
            self._preempted.discard(current)
            event.set()
        else:
            with self._changed:
                if any(request_id == waiting.request_id for line in self._lines.values() for waiting in line):
                    self._cancelled.add(request_id)

    def next(self, timeout: Optional[float] = None) -> Optional[Request]:
        """Return the next question to answer (voice first), or None after `timeout` seconds.

        A text question waits while the class has the floor.
        """
        deadline = None if timeout is None else self.clock() + timeout
        with self._changed:
            while not self.waiting():
                left = None if deadline is None else deadline - self.clock()
                if left is not None and left <= 0:
                    return None
                # The floor ends by itself: look again then, even if nothing is submitted.
                if self._lines['text'] and self._floor.held():
                    ends = self._floor.ends_in()
                    left = max(ends, 0.001) if left is None else max(min(left, ends), 0.001)
                self._changed.wait(left)
            voice = self._lines['voice']
            return (voice or self._lines['text']).popleft()

    def waiting(self) -> bool:
        """Whether a question may be answered now: a voice one, or a text one while the class is silent."""
        with self._changed:
            return bool(self._lines['voice']) or (bool(self._lines['text']) and not self._floor.held())

    def answer(self, brain, request: Request) -> None:
        """Answer one question with `brain` (thinking.answer.Brain), part by part."""
        request_id = request.request_id
        if request_id in self._cancelled:
            self._cancelled.discard(request_id)
            self._resume.pop(request_id, None)
            self.out.answer(request_id, 0, '', final=True, declined=True)  # the asker is told
            return
        cancel = threading.Event()
        self._current = (request_id, cancel, request.origin)
        index = skip = self._resume.pop(request_id, 0)
        finished = False
        began = self.clock()
        try:
            for part in brain.ask(request.text, request.language, cancel):
                elapsed = self.clock() - began  # compute only: queueing is not counted
                if part.final:
                    if request_id in self._preempted:
                        break
                    self.out.answer(request_id, index, '', True, part.declined, tuple(part.sources),
                                    elapsed, kind=part.kind, links=tuple(part.links))
                    finished = True
                elif skip:  # asked again after an interruption: these were sent the first time
                    skip -= 1
                else:
                    self.out.answer(request_id, index, part.text, elapsed_s=elapsed, quoted=part.quoted,
                                    kind=part.kind)
                    index += 1
        except (RuntimeError, ValueError):  # the brain could not answer: the asker is told
            self.out.answer(request_id, index, '', True, True)
            self.out.count('errors')
            finished = True
        self._current = (None, threading.Event(), '')
        if not finished and request_id in self._preempted:
            self._again(request, index)
        else:
            self.out.count('questions')
        self._preempted.discard(request_id)

    def _again(self, request: Request, sent: int) -> None:
        """Queue an interrupted text answer again, ahead of other text questions."""
        self._resume[request.request_id] = sent
        self.out.count('text_answers_interrupted')
        if self._queue(request, first=True):
            return
        self._resume.pop(request.request_id, None)
        self.out.answer(request.request_id, sent, '', final=True)  # what was said stands
