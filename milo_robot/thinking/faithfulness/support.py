# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""What passages support: `Support`, `check` and `claims`.

Numbers (stated, or computed by one operation from neighbouring passages), units, formulas,
terms and changes, each checked against the passages and the question.
"""

import bisect
import functools
from typing import NamedTuple, Optional, Sequence

from milo_robot.thinking.faithfulness.changes import _inverse, _same_change
from milo_robot.thinking.faithfulness.lexicon import _QUANTITIES, _lexicon
from milo_robot.thinking.faithfulness.measures import _fits
from milo_robot.thinking.faithfulness.numbers import _Quantity
from milo_robot.thinking.faithfulness.reading import _Reading
from milo_robot.thinking.faithfulness.units import ZERO, _units
from milo_robot.thinking.faithfulness.verdict import (
    LANGUAGES,
    TOLERANCE,
    FaithfulnessInputError,
    Verdict,
    _close,
)

# ---------------------------------------------------------------------------------------------
# What passages support: numbers (with computations), units, formulas, words.

class _Operand(NamedTuple):
    si: float
    raw: float
    dim: tuple
    text: str
    source: int  # which text states it


def _operands(readings: list) -> list:
    out, seen = [], set()
    for source, reading in enumerate(readings):
        for q in reading.quantities:
            for raw in q.values:
                key = (round(raw * q.factor, 12), q.dim, q.unit is not None, source)
                if key not in seen:
                    seen.add(key)
                    out.append(_Operand(raw * q.factor, raw, q.dim, q.text, source))
    return out


def _results(pairs) -> list:
    """Return every one-step result of the pairs: (value, dimension, description), by value."""
    out = []
    for a, b in pairs:
        if not a.si or not b.si or (a.si, a.dim) == (1, ZERO) or (b.si, b.dim) == (1, ZERO):
            continue  # 0 and a plain 1 give nothing new; "one" is most often a way of speaking
        out.append((a.si * b.si, tuple(x + y for x, y in zip(a.dim, b.dim)), f'{a.text} × {b.text}'))
        if a.si == b.si and a.dim == b.dim:
            out.append((a.si + b.si, a.dim, f'{a.text} + {b.text}'))
            continue  # the same number twice: its difference and ratio (0 and 1) say nothing
        out.append((a.si / b.si, tuple(x - y for x, y in zip(a.dim, b.dim)), f'{a.text} / {b.text}'))
        out.append((b.si / a.si, tuple(y - x for x, y in zip(a.dim, b.dim)), f'{b.text} / {a.text}'))
        if a.dim == b.dim:
            out.append((a.si + b.si, a.dim, f'{a.text} + {b.text}'))
            out.append((a.si - b.si, a.dim, f'{a.text} − {b.text}'))
            out.append((b.si - a.si, a.dim, f'{b.text} − {a.text}'))
    out.sort(key=lambda r: r[0])
    return out


@functools.lru_cache(maxsize=512)
def _passage_reading(text: str) -> '_Reading':
    # The brain builds a Support per question over the whole lecture in its prompt: most passages
    # were read for the previous question already (reading them is most of the cost).
    return _Reading(text, None, sentence=False)


class _Facts:
    """What some texts state, indexed for checking claims."""

    def __init__(self, readings: list, phrases: str):
        self.operands = _operands(readings)
        self.dims = {u.dim for r in readings for _, u, _ in r.units} | {ZERO}
        self.formulas = {key for r in readings for _, key, _ in r.formulas}
        self.variables = {v for r in readings for v in r.variables}
        self.changes = {(quantity, factor) for r in readings for _, quantity, factor, _ in r.changes}
        self.proportions = {p for r in readings for p in r.proportions}
        self.phrases = phrases
        self.stems = set(phrases.split())
        # Both numbers of a computation come from one passage or two neighbours (a worked example),
        # not from anywhere in the lecture: with a whole lecture's numbers, one operation reaches
        # almost any number.
        self.results = _results((a, b) for n, a in enumerate(self.operands) for b in self.operands[n + 1:]
                                if abs(a.source - b.source) <= 1)
        self.values = [r[0] for r in self.results]

    @classmethod
    def of(cls, texts: Sequence[str], language: Optional[str]) -> '_Facts':
        readings = [_passage_reading(t) if language is None else _Reading(t, language, sentence=False)
                    for t in texts]
        words = (t.stem for r in readings for t in r.tokens if t.kind == 'word')
        return cls(readings, ' ' + ' '.join(words) + ' ')

    def has_phrase(self, stems: tuple) -> bool:
        return f' {" ".join(stems)} ' in self.phrases


class Support:
    """The passages, read once, to check the sentences of an answer against.

    `Support(passages).check(sentence, question, language)` is the whole use; build one per answer
    (or per set of passages) and check each sentence as it comes.
    """

    def __init__(self, passages: Sequence[str]):
        """Read `passages` (texts in English or French); raise FaithfulnessInputError on non-text."""
        if isinstance(passages, str) or not all(isinstance(p, str) for p in passages):
            raise FaithfulnessInputError('passages must be a sequence of strings')
        self._facts = _Facts.of(list(passages), None)
        self._question = ('', '', None)  # (question, language, its _Facts and results with passages)

    def check(self, sentence: str, question: str = '', language: str = 'en') -> Verdict:
        """Check every claim of `sentence` against the passages and the question."""
        _check_input(sentence, question, language)
        asked, mixed = self._asked(question, language)
        found = _Reading(sentence, language, sentence=True).claims()
        # Numbers first: a supported "12 volts" also states that the sentence may name a voltage.
        stated = self._facts.dims | asked.dims
        failed, computed = {}, []
        for n, (_, claim, quantity) in enumerate(found):
            if claim.kind == 'number':
                reason, how = self._number(quantity, claim.measures, asked, mixed)
                if reason:
                    failed[n] = reason
                else:
                    stated = stated | {quantity.dim}
                    computed += [f'{how} = {claim.text}'] if how else []
        for n, (_, claim, key) in enumerate(found):
            if claim.kind == 'unit' and key.dim not in stated:
                failed[n] = 'unit not in the passages'
            elif claim.kind == 'formula' and key not in self._facts.formulas | asked.formulas:
                failed[n] = 'formula not in the passages'
            elif claim.kind == 'term' and not self._term(key, asked, stated):
                failed[n] = 'term not in the passages'
            elif claim.kind == 'change' and not self._change(*key, asked):
                failed[n] = 'change not in the passages'
        unsupported = tuple(found[n][1] for n in sorted(failed))
        return Verdict(not failed, unsupported, tuple(computed), tuple(failed[n] for n in sorted(failed)))

    def _asked(self, question: str, language: str):
        """Return the question's facts, and the results of combining its numbers with the passages'."""
        if self._question[:2] != (question, language):
            asked = _Facts.of([question], language)
            pairs = [(a, b) for a in asked.operands for b in self._facts.operands]
            mixed = _results(pairs)
            self._question = (question, language, (asked, mixed, [r[0] for r in mixed]))
        asked, mixed, values = self._question[2]
        return asked, (mixed, values)

    def _number(self, claim: _Quantity, measures: str, asked: _Facts, mixed) -> tuple:
        """Return (why the number is unsupported or '', how it was computed or '')."""
        if measures and claim.unit is not None and not _fits(claim.unit, measures):
            return f'not a {measures}', ''
        slack = claim.rounding * abs(claim.factor)
        for value in claim.values:
            si = value * claim.factor
            for facts in (self._facts, asked):
                for op in facts.operands:
                    if claim.unit is None and (_close(op.raw, value, slack) or _close(op.si, value, slack)):
                        return '', ''
                    if claim.unit is not None and op.dim == claim.dim and _close(op.si, si, slack):
                        return '', ''
            target = value if claim.unit is None else si
            own = ((self._facts.results, self._facts.values), (asked.results, asked.values))
            for results, values in own + (mixed,):
                how = _computed(results, values, target, claim, slack)
                if how:
                    return '', how
        return 'number not in the passages', ''

    def _term(self, key: tuple, asked: _Facts, stated: set) -> bool:
        kind, value = key
        if kind == 'proper':
            return all(s in self._facts.stems or s in asked.stems for s in value)
        lexicon = _lexicon()
        for concept in value:
            if any(f.has_phrase(form) for f in (self._facts, asked) for form in lexicon.forms[concept]):
                return True
            quantity = _QUANTITIES.get(concept)
            if quantity and any(_units().symbols[u].dim in stated for u in quantity.units):
                return True  # "the voltage" is stated by "12 volts"
            if quantity and quantity.symbol in self._facts.variables | asked.variables:
                return True  # and "the power" by "P = U × I"
        return False


    def _change(self, quantity: str, factor, asked: _Facts) -> bool:
        """Tell whether the passages or the question say that `quantity` changes by `factor`.

        Or that it is proportional to a quantity that does.
        """
        changes = self._facts.changes | asked.changes
        if any(q == quantity and _same_change(factor, stated) for q, stated in changes):
            return True
        for a, b, sign in self._facts.proportions | asked.proportions:
            other = b if a == quantity else a if b == quantity else None
            if other and any(q == other and _same_change(factor, _inverse(stated) if sign < 0 else stated)
                             for q, stated in changes):
                return True
        return False


def _computed(results: list, values: list, target: float, claim: _Quantity, slack: float) -> str:
    reach = (TOLERANCE * abs(target) + slack) / (1 - TOLERANCE)
    for k in range(bisect.bisect_left(values, target - reach), len(values)):
        value, dim, how = results[k]
        if value > target + reach:
            break
        if (claim.unit is None or dim == claim.dim) and _close(value, target, slack):
            return how
    return ''


def _check_input(sentence, question, language) -> None:
    if not isinstance(sentence, str) or not isinstance(question, str):
        raise FaithfulnessInputError('the sentence and the question must be strings')
    if language not in LANGUAGES:
        raise FaithfulnessInputError(f'language must be one of {LANGUAGES}, not {language!r}')


def claims(sentence: str, language: str) -> list:
    """Return the claims of `sentence` (in 'en' or 'fr') in the order they are made."""
    _check_input(sentence, '', language)
    return [claim for _, claim, _ in _Reading(sentence, language, sentence=True).claims()]


@functools.lru_cache(maxsize=8)
def _support(passages: tuple) -> Support:
    return Support(passages)


def check(sentence: str, passages: Sequence[str], question: str = '', language: str = 'en') -> Verdict:
    """Check `sentence` against `passages` (read once for the same passages, then reused)."""
    if isinstance(passages, str) or not all(isinstance(p, str) for p in passages):
        raise FaithfulnessInputError('passages must be a sequence of strings')
    return _support(tuple(passages)).check(sentence, question, language)
