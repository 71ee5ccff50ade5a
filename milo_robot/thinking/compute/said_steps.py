# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Read a computation said as steps rather than as an equality.

"To get the takt time, you take the available production time and you divide it by the customer
demand", "To get the gradient, you divide the height difference by the horizontal distance and you
multiply by 100", "La masse de ciment s'obtient en multipliant le dosage par le volume", "Le temps
de vidange, on l'obtient en divisant son volume par le débit de fuite", "Pour avoir X, on
multiplie A par B". The target is a quantity named with its article ("the gradient", "la masse de
ciment"): "to get a good mark, divide your time by two" is advice.
"""

import re
from typing import Optional

from milo_robot.thinking.compute import spoken_expression
from milo_robot.thinking.compute.expression import ExpressionError, names, parse
from milo_robot.thinking.words import fold

# "Pour le nombre de panneaux, on prend...": "for" and "pour" alone lead to a target too.
_TO_GET = re.compile(r"\b(?:to (?:get|find|calculate|compute|work out|obtain)|pour (?:obtenir|avoir|calculer|"
                     r"trouver)|for|pour)\s+(?P<target>(?:the|le|la|les|l')\s*[^,:;]{3,50}?),\s*(?P<steps>.+)$",
                     re.I)
_OBTAINED = re.compile(r"(?P<target>\b(?:the|le|la|les|l')\s*[^,:;]{3,50}?)(?:,\s*on l'obtient| s'obtient)\s+"
                       r"(?P<steps>en\s.+)$", re.I)
# "Le temps de retour, vous prenez le coût... et vous le divisez par l'économie annuelle."
_NAMED_FIRST = re.compile(r"^\s*(?P<target>(?:the|le|la|les|l')\s*[^,:;]{3,50}?),\s*"
                          r"(?P<steps>(?:you|we|on|vous)\s.+)$", re.I)
_VERBS = {'divide': '/', 'divides': '/', 'divise': '/', 'divisant': '/', 'divisez': '/', 'divisons': '/',
          'multiply': '*', 'multiplies': '*', 'multiplie': '*', 'multipliant': '*', 'multipliez': '*',
          'multiplions': '*'}
_SAID_OPERATOR = {'/': 'divided by', '*': 'times'}
# A step: "[and] [you] [take A, and you] divide [A] by B"; in French the object before the verb
# ("on prend A et on la divise par B", "vous le divisez par B").
_SUBJECT = r"(?:(?:you|we|on|vous)\s+)?"
_STEP = re.compile(
    r"\s*,?\s*(?:(?:and|then|et|puis|en)\s+)*" + _SUBJECT +
    r"(?:(?:take|prend|prends|prenez)\s+(?P<take>[^,.;]+?)(?:\s*,\s*|\s+)(?:and\s+|et\s+)?" + _SUBJECT + r")?"
    r"(?:(?:le|la|les)\s+|l')?(?P<verb>" + '|'.join(_VERBS) + r")\s+(?:(?P<a>[^,.;]+?)\s+)?(?:by|par)\s+"
    r"(?P<b>[^,.;]+?)(?=\s+(?:and|then|et|puis)\s+" + _SUBJECT + r"(?:" + '|'.join(_VERBS) +
    r")\b|\s*[,.;]|\s*$)", re.I)
# Words that take up the previous step's result ("and you multiply it by 100").
PRONOUNS = {'it', 'that', 'this', 'the result', 'le', 'la', "l'", 'le résultat', 'ce résultat', 'il', 'elle',
            'cela'}


def read_steps(text: str, meanings: dict) -> Optional[tuple]:
    """Read a computation said as steps ("you divide A by B and you multiply by 100").

    Return (target, expression, said): the quantity computed as the teacher named it, the
    expression over the quantities said in words (`meanings` gets their names), the words read; or None.
    """
    match = _TO_GET.search(text) or _OBTAINED.search(text) or _NAMED_FIRST.search(text)
    if not match:
        return None
    at, parts, steps = 0, [], match.group('steps')
    while True:
        step = _STEP.match(steps, at)
        if not step:
            break
        first = step.group('take') or step.group('a')
        if parts and first and fold(first) not in PRONOUNS:
            return None  # a second step on something new: not one computation
        if not parts:
            if not first:
                return None
            parts.append(first)
        # each step applies to all said before it: the comma brackets it ("A divided by B, times 100")
        parts.append((', ' if len(parts) > 1 else ' ') + _SAID_OPERATOR[_VERBS[fold(step.group('verb'))]] +
                     ' ' + step.group('b'))
        at = step.end()
    if len(parts) < 2:
        return None
    expression = spoken_expression.expression(''.join(parts), meanings)
    try:
        if expression is None or not names(parse(expression)):
            return None
    except ExpressionError:
        return None
    said = text[match.start():match.start('steps') + at].strip(' ,.;')
    return match.group('target').strip(), expression, said
