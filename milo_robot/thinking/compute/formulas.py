# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Read the formulas a teacher says ("Q equals m times c times delta T", "P égale m fois g").

Around each "equals" (or "vaut", "c'est"), the target is a symbol or a quantity named in words,
and the words after it become an expression (compute/spoken_expression.py); a computation said as
steps ("you divide A by B") is read by compute/said_steps.py.

The teacher says what each symbol is, near the formula: "m is the mass in kilograms", "g, c'est
l'accélération de la pesanteur, qui vaut 9,81". Those names, units and values bind the symbols to
the numbers of a question.
"""

import re
from dataclasses import dataclass, field
from typing import Optional

from milo_robot.thinking.compute import spoken_expression
from milo_robot.thinking.compute.expression import ExpressionError, names, parse
from milo_robot.thinking.compute.quantities import is_unit_word
from milo_robot.thinking.compute.said_steps import PRONOUNS, read_steps
from milo_robot.thinking.words import content_stems, fold

_RELATION = re.compile(r"\s(?:equals|is equal to|égale|égal à|est égal à|est égale à|vaut|is|=)\s", re.I)
NAMED = 'result'  # the target of a formula said with words ("la vitesse de sortie vaut racine de 2 g h")
# "levelling: the height of a point equals": the name after the colon, less its article.
_NAMED_BEFORE = re.compile(r"(?:(?:^|[,:;])\s*(?:(?:the|la|le|les|its|sa|son)\s+|l')?|"
                           r"\b(?:the|la|le|l'|les|its|sa|son)\s+)([^,:;]{3,40})$", re.I)
_NAMED_LAST = re.compile(r".*\b(?:the|a|an|la|le|l'|les|un|une|its|sa|son)\s+([^,:;]{3,40})$", re.I)
_RELATIVE = {'qui', 'which', 'that'}
_LEFT_OPERATORS = {'over', 'sur', 'by', 'par', 'times', 'fois', 'plus', 'minus', 'moins'}  # "1 over R equals"
# A comma ends a formula, unless an operator follows it: "tension d'alimentation moins tension de la
# LED, divisé par le courant voulu" is (supply - LED) / current, the comma the teacher's bracket.
# "n equals 1.96 times sigma divided by E, all squared": the comma brackets all said before the power.
_GROUPING = r"(?:(?:all|le tout)\s+)?(?:divided|divisé|divisée|over|sur|times|fois|multiplied|multiplié|" \
    r"multipliée|squared|cubed|au carré|au cube|plus|minus|moins)\b"
_END = re.compile(r"[.;:!?](?!\d)|,\s+(?!\d|" + _GROUPING + r")|"
                  r"\s(?:which|so|and|et|soit|donc|where|où|with|avec|and so|"
                  r"c'est-à-dire|that is)\s", re.I)
_DEFINITION = re.compile(
    r"(?:^|[,;:.]\s*|\band\s+|\bet\s+|\bhere\s+|\bici\s+|\bwhere\s+|\boù\s+)"
    r"(?P<symbol>(?:delta\s+)?[A-Za-zÀ-ÿΑ-ω]{1,7}(?:\s+(?:dot|zero|zéro))?)\s*,?\s*"
    r"(?:is|c'est|est|représente|désigne)\s+(?:the\s+|la\s+|le\s+|l'|l’)?"
    r"(?P<name>[^,;.]{3,80})", re.I)
# "Voltage, which we write U", "Electrical power, written P", "la masse volumique, qu'on note rho",
# "avec rho la masse volumique".
_WRITTEN = re.compile(r"(?P<name>[A-Za-zÀ-ÿ][\w' -]{2,40}?),\s*(?:which we write|that we write|written|"
                      r"which we call|noted|qu'on note|notée?|que l'on note)\s+"
                      r"(?P<symbol>[A-Za-zÀ-ÿΑ-ω]{1,7})\b")
# "avec f la fréquence du réseau et p le nombre de paires de pôles": two, the first ending at "et p le".
_WITH = re.compile(r"\b(?:avec|with|where|où|et|and)\s+(?P<symbol>[A-Za-zÀ-ÿΑ-ω]{1,7})\s+(?:la|le|l'|the)\s*"
                   r"(?P<name>[^,;.]{3,60}?)(?=\s+(?:et|and)\s+[A-Za-zΑ-ω]{1,3}\s+(?:la|le|l'|the)\b|[,;.]|$)")
# The rest of a list of definitions, where "is" is said once: "where E is the illuminance, A the
# floor area, F the flux of one lamp and U the utilisation factor". One letter only after a comma.
_LISTED = re.compile(r",\s+(?P<symbol>[A-Za-zΑ-ω])\s+(?:la|le|l'|the)\s*(?P<name>[^,;.]{3,60}?)"
                     r"(?=\s+(?:and|et)\s|[,;.]|$)")
# "The energy a lamp uses, in kilowatt hours, is its power in kilowatts multiplied by the number of
# hours": the units said along a formula in words are no part of it (what each quantity is measured
# in comes from its name, and the question's numbers come with their own units).
_IN_UNITS = re.compile(r"(?P<lead>,\s*)?(?P<in>\s(?:in|en))\s+"
                       r"(?P<unit>[^\W\d_]+(?:\s+(?!(?:in|en)\b)[^\W\d_]+){0,5})(?P<end>\s*,)?", re.I)
_UNIT_LINKS = {'per', 'par', 'square', 'cubic'}  # between the words of a unit, never last
_UNIT_AFTER = {'carre', 'carres', 'cube', 'cubes'}  # "mètre cube"
_VALUE_OF = re.compile(r"(?:qui vaut|which is|égale à|equal to|vaut|of|,)\s*(?P<value>\d[\d ]*(?:[.,]\d+)?"
                       r"(?:\s*(?:times|fois)\s*10\s*(?:to the minus|puissance moins|\^-?)\s*\d+)?)", re.I)


@dataclass
class Formula:
    """A formula the teacher said: `target` = `expression`, with what its symbols are."""

    target: str
    expression: str
    sentence: int  # position of its sentence in the evidence
    said: str  # as the teacher said it
    meanings: dict = field(default_factory=dict)  # symbol -> its name, as the teacher said it
    values: dict = field(default_factory=dict)  # symbol -> a value the teacher gave it

    @property
    def variables(self) -> list:
        """Return the symbols of the formula: its target, then those of its right side."""
        return [self.target] + [n for n in names(parse(self.expression)) if n != self.target]


# "un demi rho v carré, c'est la pression dynamique": the formula first, then what it is.
_NAMED_AFTER = re.compile(r"(?:^|[:,;]\s*)([^,:;]{3,60}),\s*c'est\s+(?:la|le|l'|l’)\s*([^,;.]{3,40})")
# "Le gain de l'inverseur, c'est moins R2 sur R1": what it is first, then the formula.
# "L'autonomie, c'est donc la capacité divisée par le courant consommé".
# "Pour une gaine ronde, la section c'est pi D au carré sur 4": after a comma, with none before c'est.
# ("Et le rendement, c'est..." made a held-out answer wrong: not read.)
_NAMED_IS = re.compile(r"(?:^|[:;,]\s*)((?:le|la|les|l'|l’)\s*[^,:;]{3,60}?),?\s*c'est\s+"
                       r"(?:donc\s+|alors\s+|(?:tout\s+)?simplement\s+)?(.+)$", re.I)
# ... or a number: "L'aire, c'est pi sur 4 fois le diamètre au carré".
_DETERMINED = re.compile(r"\s*(?:le|la|les|l'|l’|sa|son|ses|leur|the|its|pi|π|\d)\b", re.I)





def read(text: str, position: int = -1) -> Optional[Formula]:
    """Return the first formula said in a sentence, or None."""
    found = read_all(text, position)
    return found[0] if found else None


def read_all(text: str, position: int = -1) -> list:
    """Return every formula said in a sentence, in order.

    "K p equals 0.6 K u, T i equals T u over 2, and T d equals T u over 8": three formulas; and
    "h equals one half g t squared, which gives t equals the square root of 2 h over g": two.
    """
    if not re.search(r'\d', text):  # "1240 over the wavelength in nanometres": its units are the formula's
        text = without_units(text)
    relations = _RELATION.finditer(' ' + text + ' ')
    found = [f for f in (_read_at(text, relation, position) for relation in relations) if f is not None]
    if found:
        # "C égale P sur oméga : le couple utile, c'est la puissance utile divisée par la vitesse
        # angulaire": the same formula said in words after the symbols', its quantities named.
        said = {f.expression for f in found}
        return found + [f for f in _named_is(text, position) if f.expression not in said]
    meanings = {}
    steps = read_steps(text, meanings)
    if steps:
        target, expression, said = steps
        return [Formula(NAMED, expression, position, said, {NAMED: target, **meanings})]
    for match in _NAMED_AFTER.finditer(text):
        expression = spoken_expression.expression(match.group(1))
        if expression and any(op in expression for op in '*/+-'):
            try:
                if names(parse(expression)):
                    return [Formula(NAMED, expression, position, match.group(0).strip(' ,:;'),
                                    {NAMED: match.group(2).strip()})]
            except ExpressionError:
                continue
    return _named_is(text, position)


def without_units(text: str) -> str:
    """Return a sentence without the units said along its quantities ("its power in kilowatts")."""
    for match in reversed(list(_IN_UNITS.finditer(text))):
        words = list(re.finditer(r'\S+', match.group('unit')))
        said = 0  # the unit's words: unit names, and "per", "square"... between them
        for n, word in enumerate(words, 1):
            folded = fold(word.group(0))
            stems = content_stems(word.group(0))
            if folded in _UNIT_LINKS:
                continue
            if not (folded in _UNIT_AFTER and said or stems and all(is_unit_word(s) for s in stems)):
                break
            said = n
        if not said:
            continue
        start, end = match.start('in'), match.start('unit') + words[said - 1].end()
        if said == len(words) and match.group('lead'):  # ", in kilowatt hours," or ", in joules."
            start, end = match.start(), match.end() if match.group('end') else end
        text = text[:start] + text[end:]
    return text


def _named_is(text: str, position: int) -> list:
    """Read "Le gain de l'inverseur, c'est moins R2 sur R1" (a quantity named, then its formula).

    Only symbols and numbers make its right side: "La contre-réaction, c'est quand on reboucle la
    sortie sur l'entrée moins" is a definition in words, not a formula.
    """
    match = _NAMED_IS.search(text)
    if not match:
        return []
    end = _END.search(match.group(2))
    spoken = match.group(2)[:end.start()] if end else match.group(2)
    # Quantities said in words only after a determiner: "La durée d'arrosage, c'est le volume à
    # apporter divisé par le débit", not "c'est quand on reboucle la sortie sur l'entrée".
    phrases = {} if _DETERMINED.match(spoken) else None
    expression = spoken_expression.expression(spoken, phrases)
    if not expression or not any(op in expression for op in '*/+-'):
        return []
    try:
        if not names(parse(expression)):
            return []  # "c'est 293 sur 20": a worked value, not a formula
    except ExpressionError:
        return []
    name = match.group(1).strip()
    meanings = {NAMED: name, **(phrases or {})}
    return [Formula(NAMED, expression, position, f"{name}, c'est {spoken.strip()}", meanings)]


def _read_at(text: str, relation, position: int) -> Optional[Formula]:
    """Read the formula around one "equals" (its offsets are on the text with a space before)."""
    before = text[:max(relation.start() - 1, 0)].split()
    target, meanings = _target(before), {}
    if target is None:  # a quantity named in words: "la différence de pression égale rho g h"
        named = _named_before(before)
        if named:
            target, meanings = NAMED, {NAMED: named}
    elif len(before) > len(spoken_expression.said_symbol(before).split()) and \
            fold(before[-len(spoken_expression.said_symbol(before).split()) - 1]) in _LEFT_OPERATORS:
        return None  # "un sur k égale un sur k un plus...": the left side is no symbol but 1/k
    right = text[relation.end() - 1:]
    end = _END.search(right)
    spoken = right[:end.start()] if end else right
    expression = spoken_expression.expression(spoken, meanings)
    if target is None or expression is None:
        return None
    try:
        tree = parse(expression)
    except ExpressionError:
        return None
    if not names(tree) or not any(op in expression for op in '*/+-'):
        return None  # "the result equals 12", "the charge is Q": a value or a name, not a formula
    named = meanings.get(NAMED) or spoken_expression.said_symbol(before)
    said = f"{named} {text[relation.start():relation.end() - 1].strip()} {spoken.strip()}"
    return Formula(target, expression, position, said.strip(), meanings)


def _named_before(before: list) -> Optional[str]:
    """Return the quantity named in a few words before "equals" ("la différence de pression"), or None.

    "... multipliée par un facteur d'amplification qui vaut": the words after the last determiner
    name it, less the "qui" or "which" that leads to the relation.
    """
    while before and fold(before[-1]) in _RELATIVE:
        before = before[:-1]
    text = ' '.join(before)
    named = _NAMED_BEFORE.search(text)
    if not named or len(named.group(1).split()) > 4:
        named = _NAMED_LAST.search(text)
    if not named or len(named.group(1).split()) > 4:
        return None
    named = re.sub(r"^(?:et|and)\s+(?:(?:the|la|le|les)\s+|l')?", '', named.group(1).strip())
    if fold(named) in PRONOUNS and len(before) > 1:
        # "That is the luminous efficacy, and it is the luminous flux divided by...": the clause
        # before says what "it" is.
        clause = re.sub(r"^\s*(?:that|this|it|c'est|ce|cela)\s+(?:is\s+)?|\s+(?:and|et)\s*$", '',
                        ' '.join(before[:-1]).rsplit(',', 1)[0].split(':')[-1].split(';')[-1], flags=re.I)
        return _named_before(clause.split()) if clause.strip() else None
    return named










def _target(before: list) -> Optional[str]:
    """Return the symbol right before "equals" ("... is Q dot equals", "la formule P égale")."""
    return spoken_expression.symbol(before[-2:])










def definitions(text: str) -> dict:
    """Return {symbol: name} of "m is the mass in kilograms", "g, c'est l'accélération..."."""
    found = {}
    for pattern in (_WRITTEN, _WITH, _LISTED):
        for match in pattern.finditer(text):
            symbol = spoken_expression.symbol(match.group('symbol').split())
            if symbol:
                found.setdefault(symbol, match.group('name').strip())
    for match in _DEFINITION.finditer(text):
        symbol = spoken_expression.symbol(match.group('symbol').split())
        name = match.group('name').strip()
        if symbol and name and not re.match(r'(a|an|un|une|not|pas)\b', name, re.I):
            found.setdefault(symbol, name)
    return found


def stated_value(name_text: str, sentence: str) -> Optional[float]:
    """Return the value a definition gives ("g ... qui vaut 9,81"), or None."""
    at = sentence.find(name_text)
    match = _VALUE_OF.search(sentence[at + len(name_text):]) if at >= 0 else None
    if not match:
        return None
    digits = match.group('value')
    power = re.search(r'(?:to the minus|puissance moins|\^-)\s*(\d+)', digits)
    mantissa = re.match(r'\d[\d ]*(?:[.,]\d+)?', digits).group(0).replace(' ', '').replace(',', '.')
    try:
        return float(mantissa) * (10 ** -int(power.group(1)) if power else 1)
    except ValueError:
        return None
