# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Answer a student's question from what was said in class: evidence first, cheapest answer first.

1. Read the question (thinking/question.py): what it asks, what it is about, what it follows.
2. Rank the evidence (thinking/rank.py): the teacher's sentences and the notes' that answer it.
3. A question that gives measured values ("with 3 amperes through 4 ohms") is a computation,
   unless the teacher worked that very example: Milo computes it with a formula the class stated
   (thinking/compute/), says the formula, the values and the result, or declines.
4. Otherwise decide from the evidence whether the class covered it (thinking/coverage.py); if
   not, decline.
5. Answer with the teacher's own words (thinking/quote.py), introduced as a person would.

No model runs on these paths, so the first words leave as soon as the question is read. The voice
(the brain node), the app and `milo ask` all answer through `Brain.ask`.
"""

import collections
import dataclasses
import threading
from dataclasses import dataclass, field
from typing import Iterator, Optional

from milo_robot.thinking import about, coverage, learned, quote, sources
from milo_robot.thinking import question as questions
from milo_robot.thinking.compute import convert, quantities, scaling
from milo_robot.thinking.compute import say as compute_say
from milo_robot.thinking.compute.solve import Computer
from milo_robot.thinking.evidence import Evidence
from milo_robot.thinking.facts import question_numbers
from milo_robot.thinking.question import detect_language
from milo_robot.thinking.rank import LONGEST, Ranker, continues
from milo_robot.thinking.replies import DECLINE, EMPTY, INSTRUCTION
from milo_robot.thinking.scope import Scope
from milo_robot.thinking.words import content_stems, fold

__all__ = ['AnswerPart', 'Brain', 'DECLINE', 'EMPTY', 'INSTRUCTION', 'Scope', 'detect_language']

MAX_QUESTION_CHARS = 500
REMEMBERED = 8  # answers kept to resolve follow-ups
UNIT_STEPS = (-2, -1, 0, 1, 2)  # powers of 1000 by which a unit's prefix restates a value (kilo, milli)
BRING_AHEAD = 5  # sentences after a lab's announcement where the teacher may say what to bring
WORKED = 0.8  # share of a question's words (idf-weighted) around the teacher's example of it
STATED = 0.6  # ... around the sentences that say a question's values, when no formula computes it
LENGTH = quantities.unit_of('m')[0]  # the dimension of a position
# Which ranker picks the sentence and says when the evidence is weak: 'hand' (thinking/rank.py's
# weights and coverage.py's score bars) or 'learned' (thinking/learned.py's logistic regression on
# the same signals). The default is the one that measured better (docs/thinking.md, "A learned ranker").
RANKERS = ('hand', 'learned')
RANKER = 'hand'


@dataclass
class AnswerPart:
    """One sentence of an answer, or its end (final) with the sources and whether it declined.

    `kind`: how the answer was made: 'quote' (the teacher's or the notes' words), 'compute', or
    'model'; '' for Milo's own lines (a greeting, a decline). `links` (final part): a link into
    the transcript for each source, '' for the notes.
    """

    text: str
    final: bool = False
    declined: bool = False
    sources: list = field(default_factory=list)
    quoted: bool = False  # the teacher's (or the notes') own words
    kind: str = ''
    links: list = field(default_factory=list)


class Brain:
    """Question in, streamed sentences out."""

    def __init__(self, evidence: Evidence, llm=None, ranker: str = RANKER,
                 model: Optional[learned.Model] = None):
        """Answer from `evidence`; `llm` (a llama_cpp.Llama) is kept for the summaries.

        `ranker`: one of RANKERS; 'learned' uses `model`, or the shipped weights if None (a
        learned.WeightsError if they are missing or corrupt).
        """
        if ranker not in RANKERS:
            raise ValueError(f"ranker must be one of {', '.join(RANKERS)}, not {ranker!r}")
        self.evidence, self.llm = evidence, llm
        self.model = (model or learned.load()) if ranker == 'learned' else None
        self.ranker = Ranker(evidence)
        self.computer = Computer(evidence)
        self.laws = scaling.Laws(self.computer)
        self.scope = Scope()
        self.introduction = {}  # language -> what Milo says when asked who it is
        self.question_log = lambda: []  # the current lecture's question log, for the teacher
        self.lock = threading.Lock()  # one answer at a time
        self._answered = collections.deque(maxlen=REMEMBERED)  # (folded question, positions)
        self.last = None  # (question, best candidate, coverage) of the last question: for the logs
        self.candidates = []  # the hand ranker's candidates for the last question, best first (training)
        self._asking = None  # (question, which sentences it may quote) of the last question: quotes()

    def set_evidence(self, evidence: Evidence) -> None:
        """Answer from another index (the notes were read again)."""
        self.evidence, self.ranker, self.computer = evidence, Ranker(evidence), Computer(evidence)
        self.laws = scaling.Laws(self.computer)

    def set_scope(self, scope: Scope) -> None:
        """Answer from another course or lecture from now on."""
        self.scope = scope

    def ask(self, question: str, language: str = '',
            cancel: Optional[threading.Event] = None) -> Iterator[AnswerPart]:
        """Yield the answer's sentences, then a final part with the sources."""
        text = ' '.join(question.split())[:MAX_QUESTION_CHARS]
        asked = questions.read(text, language)
        language = asked.language
        if not asked.text.strip(' ?.!'):
            yield from _line(EMPTY[language], declined=True)
            return
        if about.asks_about_the_class(asked.text):
            yield from (AnswerPart(line) for line in about.class_report(self.question_log(), language))
            yield AnswerPart('', final=True, sources=['the question log' if language != 'fr'
                                                      else 'le journal des questions'])
            return
        direct = about.introduction(asked.text, self.introduction, language) or \
            about.greeting(asked.text, language)
        if direct:
            yield from _line(direct)
            return
        with self.lock:
            self.evidence.flush()
            answer = self._answer(asked)
        if answer is None:
            yield from _line((INSTRUCTION if asked.instruction else DECLINE)[language], declined=True)
            return
        for part in answer:
            if cancel is not None and cancel.is_set():
                yield AnswerPart('', final=True)
                return
            yield part

    def _answer(self, asked) -> Optional[list]:
        """Return the parts of a quote or a computation that answers, or None to decline."""
        topic = about.what_the_teacher_said(asked.text)
        allow = self.scope.allows
        if topic is not None:  # "What did the teacher say about X?": the teacher's words only
            asked = questions.read(topic, asked.language)
            allow = lambda s: s.role == 'teacher' and self.scope.allows(s)  # noqa: E731
        ranked = self.candidates = self.ranker.rank(asked, allow, self._previous(asked))
        self._asking = (asked, allow)
        if self.model is not None:
            ranked = learned.rerank(asked, ranked, self.model, self.widening())
        best = ranked[0] if ranked else None
        if asked.instruction:
            self.last = (asked, best, coverage.Coverage(False, 'an instruction, not a question'))
            return None
        given, computes = self._given(asked, allow)
        # "With the stress formula, what stress does a bar of 160 mm² carrying 40 kN see?", "A bar
        # stretches by 2 mm: what is its strain?": a formula or a definition asked with values to
        # use is computed when a formula of the class gives it, and quoted or declined as before if not.
        if given and asked.wants in ('formula', 'definition'):
            result = self._compute(asked, allow)
            if result is not None:
                self.last = (asked, best, coverage.Coverage(True))
                return self._computed(result, asked.language)
        if computes and not given and best and self._misses(asked, best):
            result = self._compute(asked, allow)  # "quelle force...": no force was said
            if result is not None:
                self.last = (asked, best, coverage.Coverage(True))
                return self._computed(result, asked.language)
        worked = self._worked(asked, best, given) if computes and given and best else None
        if worked:
            best = dataclasses.replace(best, positions=worked)  # the example and its result
        elif computes and given:
            result = self._compute(asked, allow)
            # "What level do two machines of 80 decibels each give together?": no formula computes
            # it, but the teacher said it with the question's values; the quote path decides.
            if result is not None or not self._stated(asked, best):
                self.last = (asked, best, coverage.Coverage(result is not None, '' if result else
                                                            'a computation no formula of the class gives'))
                return self._computed(result, asked.language) if result else None
        decision = coverage.decide(asked, best, self.evidence, allow, facts=self.ranker.facts,
                                   min_probability=self.model.threshold if self.model else 0.5)
        self.last = (asked, best, decision)
        if not decision.covered:
            if not given and asked.wants == 'value' and decision.reason.startswith('weak'):
                result = self._compute(asked, allow)  # every value from the example asked about
                return self._computed(result, asked.language) if result else None
            return None
        positions, said = self._quote(asked, best.positions, allow)
        self._answered.append((fold(asked.text), positions))
        chosen = [self.evidence.sentences[i] for i in positions]
        return [AnswerPart(text, quoted=True, kind='quote') for text in said] + \
            [self._final('quote', chosen, asked.language)]

    def quotes(self) -> list:
        """Return what Milo would say for the last question quoting each of its candidates, had it won.

        One text per `candidates` (the hand ranker's, in its order), made as `_answer` makes a
        quote: the teacher's worked example when the question gives values, the sentences it
        widens to, the introduction. The learned ranker's training labels a candidate by this
        (bench/train_ranker.py): a candidate that leads into its answer is right, as its answer is.
        """
        if not self.candidates:
            return []
        asked, allow = self._asking
        given, computes = self._given(asked, allow)
        out = []
        for candidate in self.candidates:
            positions = (self._worked(asked, candidate, given) if computes and given else None) or \
                candidate.positions
            out.append(' '.join(self._quote(asked, positions, allow)[1]))
        return out

    def widening(self) -> list:
        """Return how many sentences the quote of each of the last question's candidates adds to it.

        A feature of the learned ranker, read as it ranks and as it is trained (bench/train_ranker.py).
        """
        if not self.candidates:
            return []
        asked, allow = self._asking
        return [len(self._widened(asked, c.positions, allow)) - len(c.positions) for c in self.candidates]

    def _given(self, asked, allow) -> tuple:
        """Return the measured values a question gives, and whether it asks a value to compute.

        Measured values (with a unit, or given to a symbol: "h to 40") make a computation; a count
        ("the three modes", "an 8 bit converter") does not.
        """
        given = [q for q in quantities.read(asked.whole, asked.language) if q.dim is not None or q.symbols]
        given = given or self.computer.named_values(asked, allow)  # "un taux d'amortissement de 0,02"
        # "Où se forme l'image d'un objet placé à 30 centimètres devant la lentille ?": a place
        # asked with lengths is a position, a value to compute or to read from the worked example.
        computes = asked.wants in ('value', 'duration', 'any') or (
            asked.wants == 'where' and bool(given) and all(q.dim == LENGTH for q in given))
        return given, computes

    def _quote(self, asked, positions: tuple, allow) -> tuple:
        """Return the sentences a quote of `positions` says, widened as the question needs, and its parts."""
        positions = self._widened(asked, positions, allow)
        return positions, quote.parts(self.evidence, positions, asked.language, self.scope.current_lecture)

    def _widened(self, asked, positions: tuple, allow) -> tuple:
        """Return the sentences a quote of `positions` says, widened as the question needs.

        The why said before a "so", the answer a sentence leads into, what to bring after an
        announcement.
        """
        before = self.evidence.neighbour(positions[0], -1)
        if asked.wants == 'reason' and before is not None and quote.consequence(
                self.evidence.sentences[positions[0]].text):
            positions = (before,) + positions  # "So the current doubles": the why is said before
        if quote.leads_in(self.evidence.sentences[positions[-1]].text, asked.target):
            positions = self._led(positions, allow)
        if asked.wants == 'bring':
            positions = self._brought(positions, allow)
        return positions

    def _led(self, positions: tuple, allow) -> tuple:
        """Return a quote that leads into its answer, with the sentence after it and those that go on.

        "...called integral windup." says what it is next; "...si deux conditions sont vérifiées."
        then "Première condition..." and "Deuxième condition...": up to `LONGEST` sentences.
        """
        after = self.evidence.neighbour(positions[-1], 1)
        while len(positions) < LONGEST and after is not None and allow(self.evidence.sentences[after]):
            positions = positions + (after,)
            after = self.evidence.neighbour(after, 1)
            if after is None or not continues(self.evidence.sentences[after].text):
                break
        return positions

    def _brought(self, positions: tuple, allow) -> tuple:
        """Return a quote about a lab or an exam through the sentence after it that says what to bring.

        "The lab is on Tuesday in B12." then "...so bring your laptop and headphones.": the
        announcement shares the question's words, the sentence that answers follows it.
        """
        if any(self.ranker.facts(i).brings for i in positions):
            return positions
        span, after = positions, self.evidence.neighbour(positions[-1], 1)
        while len(span) < len(positions) + BRING_AHEAD and after is not None and \
                allow(self.evidence.sentences[after]):
            span = span + (after,)
            if self.ranker.facts(after).brings:
                # What the lab is about and how to prepare may come first: the announcement and
                # the sentence that says what to bring, when the three in a row cannot hold both.
                return span if len(span) <= LONGEST else positions[:LONGEST - 1] + (after,)
            after = self.evidence.neighbour(after, 1)
        return positions

    def _worked(self, asked, best, given: list) -> Optional[tuple]:
        """Return the sentences where the teacher worked the question's own example, or None.

        One sentence of the best must hold every number of the question, and it or one of the
        sentences that follow it another number (its result: "A steel bar of 100 square
        millimetres carries 20 kilonewtons." then "Sigma equals 20000 divided by 100, so 200
        megapascals."); the sentences around them must hold the words of the question that the
        class said, rare ones weighing more ("2 kilograms of water by 10 kelvin" is not the
        example asked about in "2 kilograms of aluminium by 10 kelvin").
        """
        stated = {q.raw for q in given} | question_numbers(asked.whole, asked.language)
        span = self._example(best, given, stated)
        if span is None:
            return None
        around = set()
        for i in span:
            around |= set(self.evidence.stems(i))
            for step in (-1, 1):
                j = self.evidence.neighbour(i, step)
                around |= set(self.evidence.stems(j)) if j is not None else set()
        # A lecture the question names ("dans l'exemple du cours d'optique") says where, not what.
        skip = self._answered_by(asked, span, stated) | set(content_stems(asked.lecture))
        said = {s: self.evidence.idf(s) for s in asked.focus if self.evidence.has_stem(s) and not s.isdigit()
                and not coverage.generic(s) and s not in skip}
        return span if sum(v for s, v in said.items() if s in around) >= WORKED * sum(said.values()) else None

    def _answered_by(self, asked, span, stated: set) -> set:
        """Return the stem of the quantity asked when the example says its result in its unit.

        "Et quelle tension obtient-on en sortie avec 0,5 volt en entrée ?" is answered by "...la
        sortie vaut moins 2,35 volts": the teacher names the voltage by its unit, not as "tension".
        """
        asking = questions.asking_words(asked.text)
        wanted = quantities.named_dimension(asking, first=True)
        said = [q for i in span
                for q in quantities.read(self.evidence.sentences[i].text, self.ranker.language(i))]
        if wanted is None or not any(q.dim == wanted and q.raw not in stated for q in said):
            return set()
        return set(content_stems(asking)[:1])

    def _stated(self, asked, best) -> bool:
        """Whether the teacher said the question's values where the best sentences are, about its words.

        Every measured value the question itself gives (a follow-up's scene is the question before)
        is said in the best sentences or the sentence before or after them, and those hold
        `STATED` of the question's words that the class said, rare ones weighing more: "Two equal
        sources double the intensity, so you add 3 decibels: two machines at 80 decibels give 83
        decibels." answers "What level do two machines of 80 decibels each give together?", which
        no formula computes. The teacher's example of another question ("an ambulance approaching
        at 20 metres per second", asked "drives away") shares the values, not the words.
        """
        near = set(best.positions)
        for i in best.positions:
            near |= {j for j in (self.evidence.neighbour(i, step) for step in (-1, 1)) if j is not None}
        said = [v for i in near for v in self._numbers(i)]
        own = [q for q in quantities.read(asked.text, asked.language) if q.dim is not None or q.symbols]
        if not all(any(_same(q, v) for v in said) for q in own):
            return False
        around = set().union(*(self.evidence.stems(i) for i in near))
        words = {s: self.evidence.idf(s) for s in asked.focus
                 if self.evidence.has_stem(s) and not s.isdigit()}
        return sum(v for s, v in words.items() if s in around) >= STATED * sum(words.values())

    def _example(self, best, given: list, stated: set) -> Optional[tuple]:
        """Return the sentence of the best with the question's numbers, through the one with its result.

        `given` are the question's measured values, `stated` every number it states (counts too):
        the result is a number the question does not state. The values may be said a sentence or
        two before the best ("A steel bar... carries 20 kilonewtons." "20 kilonewtons is 20000
        newtons." "Then sigma equals 20000 divided by 100, so 200 megapascals."): the quote then
        runs from them through the best.
        """
        def holds_given(i: int) -> bool:
            return all(any(_same(q, v) for v in self._numbers(i)) for q in given)

        # "20 kilonewtons is 20000 newtons" restates a value, and so does "O A égale moins 30
        # centimètres" for an object 30 centimetres before the lens (a signed position).
        def has_result(i: int) -> bool:
            return not all(any(abs(abs(v) - abs(x) * 1000 ** k) <= 1e-9 * max(1.0, abs(v)) for x in stated
                               for k in UNIT_STEPS) for v in self._numbers(i))

        for i in best.positions:
            if not holds_given(i):
                continue
            span = [i]
            while not has_result(span[-1]):
                after = self.evidence.neighbour(span[-1], 1)
                if after is None or len(span) == LONGEST:
                    break
                span.append(after)
            else:
                return self._concluded(tuple(sorted(set(best.positions) | set(span)))[-LONGEST:], has_result)
        span = list(best.positions)
        while len(span) < LONGEST:
            before = self.evidence.neighbour(span[0], -1)
            if before is None:
                break
            span.insert(0, before)
            if holds_given(before) and any(has_result(j) for j in span):
                return tuple(span)
        return None

    def _concluded(self, span: tuple, has_result) -> tuple:
        """Return an example's sentences, with the next one when it concludes it with a new number.

        "...1 sur 10 moins 1 sur 30, ce qui fait 2 sur 30." is a step; "Donc O A prime égale 15
        centimètres" after it is the result asked for.
        """
        after = self.evidence.neighbour(span[-1], 1)
        if len(span) < LONGEST and after is not None and \
                quote.consequence(self.evidence.sentences[after].text) and has_result(after):
            return span + (after,)
        return span

    def _numbers(self, i: int) -> list:
        """Return the numbers sentence i says, as said."""
        return [n[0] for n in self.ranker.facts(i).numbers]

    def _misses(self, asked, best) -> bool:
        """Whether the best sentences say no value of the kind asked ("quelle force", and only metres)."""
        if asked.wants != 'value':
            return False
        wanted = quantities.named_dimension(questions.asking_words(asked.text), first=True)
        said = [q for i in best.positions for q in quantities.read(self.evidence.sentences[i].text,
                                                                   self.ranker.language(i))]
        return wanted is not None and not any(q.dim == wanted for q in said)

    def _compute(self, asked, allow):
        """Return a computation with a formula, a value scaled by a law of powers, or a change of unit.

        Each is one the class stated or taught; None if none answers.

        "Combien de litres par seconde fait une pompe de 54 mètres cubes par heure ?": no formula, a
        change of unit the class taught.
        """
        return self.computer.compute(asked, allow) or scaling.scale(asked, self.laws, allow) or \
            convert.convert(asked, self.evidence, allow)

    def _computed(self, result, language: str) -> list:
        """Return the parts of a computed answer (or a change of unit), with its sentence as its source."""
        if isinstance(result, convert.Conversion):
            chosen = self.evidence.sentences[result.sentence]
            said = convert.spoken(result, chosen.text, language)
        elif isinstance(result, scaling.Scaling):
            chosen = self.evidence.sentences[result.law.sentence]
            said = scaling.spoken(result, chosen.text, language)
        else:
            chosen = self.evidence.sentences[result.formula.sentence]
            said = compute_say.spoken(result, language)
        return [AnswerPart(text, kind='compute') for text in said] + \
            [self._final('compute', [chosen], language)]

    def _final(self, kind: str, chosen: list, language: str) -> AnswerPart:
        """Return the last part of an answer: its written sources and their links into the transcript."""
        current = self.scope.current_lecture
        return AnswerPart('', final=True, kind=kind,
                          sources=list(dict.fromkeys(sources.written(s, language, current) for s in chosen)),
                          links=list(dict.fromkeys(sources.link(s) for s in chosen)))

    def _previous(self, asked) -> tuple:
        """Return the sentences of the answer a follow-up follows (its answer is near them), if known."""
        if not asked.follow_up:
            return ()
        context = fold(asked.context)
        for text, positions in reversed(self._answered):
            if text == context or context.endswith(text):
                return positions
        return ()


def _same(quantity, said: float) -> bool:
    """Whether a number of a sentence (as said) is a quantity of the question, as said."""
    return abs(quantity.raw - said) <= 1e-9 * max(1.0, abs(quantity.raw))


def _line(text: str, declined: bool = False) -> Iterator[AnswerPart]:
    """One sentence of Milo's own, then the end."""
    yield AnswerPart(text)
    yield AnswerPart('', final=True, declined=declined)
