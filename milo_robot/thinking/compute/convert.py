# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Answer a change of unit the class taught, as a computation with no formula.

"Combien de litres par seconde fait une pompe de 54 mètres cubes par heure ?" The teacher said
"Pour passer des mètres cubes par heure aux litres par seconde, on divise par 3,6." No formula
names a symbol there, so compute/solve.py has nothing to bind; but the question gives one
measured value and asks for the same kind of quantity in another unit, and the unit table
converts it exactly. Only a conversion the class spoke of is answered: a sentence of the lecture
or the notes must name both units, or Milo declines as for any question the class did not cover.
"""

import math
import re
from dataclasses import dataclass
from typing import Callable, Optional

from milo_robot.thinking.compute.quantities import Quantity, is_unit_word, read
from milo_robot.thinking.compute.say import number
from milo_robot.thinking.evidence import Evidence
from milo_robot.thinking.question import Question
from milo_robot.thinking.words import content_stems

# What a question asks its answer in: "combien de litres par seconde...", "how many kilowatts...",
# "... in kilometres per hour?".
_ASKED = re.compile(r"\b(?:combien de|combien d'|how many|in|en)\s+(?P<words>[^\W\d_][^?.,;]*)", re.I)
UNIT_WORDS = 5  # at most, in a unit said in words ("kilogrammes par mètre cube")
_SAID = {'en': ('The teacher said: "{sentence}"', '{given} is {result}.'),
         'fr': ('Le professeur a dit : « {sentence} »', '{given}, cela fait {result}.')}


@dataclass
class Conversion:
    """A value of the question said in the unit it asks for."""

    given: Quantity
    given_said: str  # the value as the question says it ("54 mètres cubes par heure")
    unit_said: str  # the unit asked for, as the question says it ("litres par seconde")
    value: float  # in that unit
    sentence: int  # position of the sentence where the class converts between the two units


def convert(question: Question, evidence: Evidence, allow: Optional[Callable] = None) -> Optional[Conversion]:
    """Return the question's one value in the unit it asks for, when the class spoke of that change."""
    given = [q for q in read(question.whole, question.language) if q.dim is not None and any(q.dim)]
    asked = _asked_unit(question.text, question.language)
    if len(given) != 1 or asked is None or not given[0].raw:
        return None  # no value, or several (a computation), or no unit asked for
    quantity, (unit, said) = given[0], asked
    if unit.dim != quantity.dim or math.isclose(unit.value, quantity.value / quantity.raw):
        return None  # another kind of quantity, or the unit it is given in
    given_said = _given_said(question.whole, quantity)
    needed = [set(_unit_stems(said)), set(_unit_stems(given_said))]
    for i, sentence in enumerate(evidence.sentences):
        if (allow is None or allow(sentence)) and all(needed) and \
                all(words <= set(evidence.stems(i)) for words in needed):
            return Conversion(quantity, given_said, said, quantity.value / unit.value, i)
    return None


def spoken(conversion: Conversion, text: str, language: str) -> list:
    """Return the sentences of the answer: the teacher's sentence on the change of unit, then the value."""
    quoted, result = _SAID['fr' if language == 'fr' else 'en']
    value = f'{number(conversion.value, language)} {conversion.unit_said}'
    return [quoted.format(sentence=text), result.format(given=conversion.given_said, result=value)]


def _asked_unit(text: str, language: str) -> Optional[tuple]:
    """Return (one of the unit asked for, in SI; its words as said), or None."""
    for match in _ASKED.finditer(text):
        found = _unit(match.group('words').split(), '1', language)
        if found:
            return found
    return None


def _given_said(text: str, quantity: Quantity) -> str:
    """Return a value as the question says it, its unit in words ("54 mètres cubes par heure")."""
    digits = quantity.said.split()[0]
    at = text.find(digits)
    found = _unit(text[at:].split()[1:], digits, 'fr' if ',' in digits else 'en') if at >= 0 else None
    return f'{digits} {found[1]}' if found and found[0].dim == quantity.dim else quantity.said


def _unit(words: list, digits: str, language: str) -> Optional[tuple]:
    """Return (the quantity, the words of its unit) read from `digits` and the first of `words`, or None.

    The unit ends at its last word that changed it: "litres par seconde fait une pompe" is litres
    per second ("par" alone adds nothing, "fait" nothing either).
    """
    best, unit = None, ''
    for n in range(1, min(len(words), UNIT_WORDS) + 1):
        said = ' '.join(words[:n]).rstrip('?.,;!')
        found = read(f'{digits} {said}', language)
        if len(found) == 1 and found[0].dim is not None and found[0].unit != unit:
            best, unit = (found[0], said), found[0].unit
    return best


def _unit_stems(said: str) -> tuple:
    """Return the stems of the unit words in a unit said in words ("mètres cubes par heure": metr, heur)."""
    return tuple(s for s in content_stems(said) if is_unit_word(s))
