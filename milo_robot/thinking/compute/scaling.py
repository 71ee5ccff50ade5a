# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Answer "the same thing, with one value changed" from a law of powers the class stated.

"A car feels 300 newtons of drag at 60 kilometres per hour; how much drag does it feel at 120?"
The class gave the drag as "one half rho C d A v squared", but the question gives neither the
density nor the area: the formula cannot be computed, yet it says how the drag scales. Where a
formula is a product of powers (compute/expression.py's `monomial`), or the teacher said a law
("la puissance varie comme le cube de la vitesse", "the drag is proportional to the square of the
speed"), a question that gives the result once and says how one of its quantities changes, by two
values ("at 60... at 120") or by a word ("si on double sa vitesse"), is answered by the ratio:
result × (change)^power. Every number of the question must be used, and the quantity given must
be the one the law gives.
"""

import re
from dataclasses import dataclass
from typing import Callable, Optional

from milo_robot.thinking.compute.expression import ExpressionError, monomial, parse
from milo_robot.thinking.compute.quantities import Quantity, named_dimension, read
from milo_robot.thinking.compute.say import number, result_text
from milo_robot.thinking.question import Question, asking_words
from milo_robot.thinking.words import content_stems

NAME_WORDS = 3  # the last words before "varies as" that name what varies ("the drag power")
_POWERS = {'square': 2.0, 'carré': 2.0, 'cube': 3.0}
# "the drag power goes with the cube of the speed", "la puissance varie comme le cube de la vitesse",
# "the current is proportional to the voltage", "le temps est inversement proportionnel au débit".
_LAW = re.compile(
    r"(?P<what>[^\W\d_][\w' -]*?)\s+(?:(?:varies|goes|grows|scales)\s+(?:as|with|like)|varie\s+comme|"
    r"(?:is|est)\s+(?P<inverse>inversely\s+|inversement\s+)?proportion(?:al|nel|nelle)\s+(?:to|à|au|aux))\s+"
    r"(?:(?:the|le|la|l')\s*)?(?:(?P<power>square|cube|carré)\s+(?:of|de|du|des|d')\s*)?"
    r"(?:(?:the|le|la|l')\s*)?(?P<of>[^\W\d_][\w' -]*)", re.I)
_END_OF_NAME = re.compile(r"[,;:.!?]|\b(?:and|et|so|donc|that|qui|which|because|car|parce)\b", re.I)
# "si on double sa vitesse", "doubling the speed", "if the flow is halved", "multiplié par 3".
_FACTOR_WORDS = (
    (re.compile(r"\b(?:doubl\w*|twice)\b", re.I), 2.0), (re.compile(r"\btripl\w*\b", re.I), 3.0),
    (re.compile(r"\bquadrupl\w*\b", re.I), 4.0), (re.compile(r"\bhalv\w*\b", re.I), 0.5))
FACTOR_REACH = 5  # words after a factor word (or before it: "if the speed doubles") that say what changes
_SAID = {'en': ('The teacher said: "{sentence}"',
                '{change} times as much gives {factor} times as much, by the {power}: '
                '{given} becomes {result}.'),
         'fr': ('Le professeur a dit : « {sentence} »',
                '{change} fois plus donne {factor} fois plus, par {power} : {given} devient {result}.')}
_POWER_SAID = {'en': {1.0: 'ratio', 2.0: 'square', 3.0: 'cube', 0.5: 'square root'},
               'fr': {1.0: 'le rapport', 2.0: 'le carré', 3.0: 'le cube', 0.5: 'la racine carrée'}}


@dataclass(frozen=True)
class Law:
    """The class's word that one quantity goes as a power of another."""

    what: frozenset  # stems naming the quantity that varies
    dim: Optional[tuple]  # its dimension, when its name or unit says it
    of: frozenset  # stems naming the quantity it varies with
    of_dim: Optional[tuple]
    power: float
    sentence: int


@dataclass
class Scaling:
    """A value of the question, scaled by a law of the class."""

    given: Quantity
    change: float  # how many times the other quantity is multiplied
    law: Law
    value: float  # in SI units


class Laws:
    """The laws of powers of a course: its formulas that are products of powers, then its words.

    Read once, as the course grows (as compute/solve.py's Computer reads its formulas), not for
    every question.
    """

    def __init__(self, computer):
        """Read the laws of `computer`'s formulas and of its evidence's sentences."""
        self.computer = computer
        self._formulas, self._sentences = 0, 0  # read so far
        self._of_formulas, self._said = [], []

    def all(self) -> list:
        """Return every law of the course, the new formulas and sentences read first."""
        formulas = self.computer.formulas()
        for formula, variables in formulas[self._formulas:]:
            self._of_formulas += _of_formula(formula, variables)
        self._formulas = len(formulas)
        sentences = self.computer.evidence.sentences
        for i in range(self._sentences, len(sentences)):
            self._said += _said(sentences[i].text, i)
        self._sentences = len(sentences)
        return self._of_formulas + self._said


def _of_formula(formula, variables: dict) -> list:
    """Return the laws a formula that is a product of powers states, one per symbol of its right side."""
    try:
        product = monomial(parse(formula.expression))
    except (ExpressionError, SyntaxError):
        return []
    target = variables.get(formula.target)
    if product is None or target is None:
        return []
    return [Law(target.stems, target.dim, variables[symbol].stems, variables[symbol].dim, power,
                formula.sentence)
            for symbol, power in product[1].items() if symbol in variables and power]


def _said(text: str, i: int) -> list:
    """Return the laws sentence i says in words ("la puissance varie comme le cube de la vitesse")."""
    found = []
    for match in _LAW.finditer(text):
        what = content_stems(' '.join(match['what'].split()[-NAME_WORDS:]))
        of = _END_OF_NAME.split(match['of'])[0]
        power = _POWERS.get((match['power'] or '').lower(), 1.0) * (-1.0 if match['inverse'] else 1.0)
        if what and content_stems(of):
            found.append(Law(frozenset(what), named_dimension(match['what']),
                             frozenset(content_stems(of)), named_dimension(of), power, i))
    return found


def scale(question: Question, laws: Laws, allow: Optional[Callable] = None) -> Optional[Scaling]:
    """Return the question's result scaled by a law of the class, or None when none fits."""
    given = read(question.whole, question.language)
    asked = named_dimension(asking_words(question.text))
    for law in laws.all():
        if allow is not None and not allow(laws.computer.evidence.sentences[law.sentence]):
            continue
        # "combien consommera-t-il si on double sa vitesse ?" names the speed that changes, not what is asked
        if law.dim is None or asked not in (None, law.dim) and not (asked == law.of_dim and len(given) == 1):
            continue
        results = [q for q in given if q.dim == law.dim]
        if len(results) != 1:
            continue
        rest = [q for q in given if q is not results[0]]
        change = _change(question.whole, law, rest, given.index(results[0]), given)
        if change is not None:
            return Scaling(results[0], change, law, results[0].value * change ** law.power)
    return None


def _change(text: str, law: Law, rest: list, at: int, given: list) -> Optional[float]:
    """Return how many times the question multiplies the law's other quantity, or None.

    Two values of it ("at 60 kilometres per hour... at 120"): the one said nearer the given result
    is where it was measured. No value: a word ("double", "halved") next to its name.
    """
    if not law.of:
        return None  # a symbol the teacher never named: nothing says which quantity changes
    if len(rest) == 2 and rest[0].dim == rest[1].dim and rest[0].dim is not None and \
            all(q.value and (q.dim == law.of_dim or law.of_dim is None and law.of & set(q.before + q.after))
                for q in rest):
        first, second = sorted(rest, key=lambda q: abs(given.index(q) - at))
        if abs(given.index(first) - at) == abs(given.index(second) - at):
            return None  # as near as each other: which one goes with the result is not said
        return second.value / first.value
    if rest:
        return None
    words = text.split()
    for pattern, factor in _FACTOR_WORDS:
        for n, word in enumerate(words):
            if pattern.fullmatch(word.strip(",.;:?!")):
                near = content_stems(' '.join(words[max(0, n - FACTOR_REACH):n + FACTOR_REACH + 1]))
                if law.of <= set(near):
                    return factor
    return None


def spoken(scaling: Scaling, text: str, language: str) -> list:
    """Return the sentences of the answer: the teacher's sentence with the law, then the scaled value."""
    language = 'fr' if language == 'fr' else 'en'
    quoted, result = _SAID[language]
    power = _POWER_SAID[language].get(abs(scaling.law.power)) or \
        (f'power {number(scaling.law.power, language)}' if language == 'en' else
         f'la puissance {number(scaling.law.power, language)}')
    return [quoted.format(sentence=text),
            result.format(change=number(scaling.change, language), power=power,
                          factor=number(scaling.change ** scaling.law.power, language),
                          given=scaling.given.said,
                          result=result_text(scaling.value, scaling.law.dim, language))]
