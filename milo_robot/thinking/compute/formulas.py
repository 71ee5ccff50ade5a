# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Read the formulas a teacher says ("Q equals m times c times delta T", "P égale m fois g").

A spoken formula becomes an expression of the safe arithmetic (compute/expression.py): "times",
"fois" and "×" multiply, "divided by" and "divisé par" divide everything after them up to a plus
or a minus ("L divided by k times A" is L / (k A)), "squared" and "to the power 4" raise, "square
root of" and "racine de" take a root, and symbols said side by side multiply ("2 pi R C",
"un demi rho v carré"). "delta T" is one variable, and so are "Q dot" and a symbol with its index:
"K p" (a capital and a small letter: Kp), "L zero", "oméga zéro" and "N deux" (L0, omega0, N2), "N1".
A quantity said in words between operators is a variable too, named by its words ("R égale
tension d'alimentation moins tension de la LED, divisé par le courant voulu"), and a comma before
an operator brackets what was said before it.

The teacher says what each symbol is, near the formula: "m is the mass in kilograms", "g, c'est
l'accélération de la pesanteur, qui vaut 9,81". Those names, units and values bind the symbols to
the numbers of a question.
"""

import re
from dataclasses import dataclass, field
from typing import Optional

from milo_robot.thinking.compute.expression import ExpressionError, names, parse
from milo_robot.thinking.words import fold

_GREEK = {'rho', 'tau', 'sigma', 'epsilon', 'omega', 'lambda', 'mu', 'theta', 'phi', 'alpha', 'beta',
          'eta', 'gamma', 'delta', 'zeta', 'kappa', 'nu', 'xi', 'psi', 'chi'}
_RELATION = re.compile(r"\s(?:equals|is equal to|égale|égal à|est égal à|est égale à|vaut|is|=)\s", re.I)
NAMED = 'result'  # the target of a formula said with words ("la vitesse de sortie vaut racine de 2 g h")
# "levelling: the height of a point equals": the name after the colon, less its article.
_NAMED_BEFORE = re.compile(r"(?:^|[,:;]\s*(?:(?:the|la|le|les|its|sa|son)\s+|l')?|"
                           r"\b(?:the|la|le|l'|les|its|sa|son)\s+)([^,:;]{3,40})$", re.I)
_NAMED_LAST = re.compile(r".*\b(?:the|a|an|la|le|l'|les|un|une|its|sa|son)\s+([^,:;]{3,40})$", re.I)
_RELATIVE = {'qui', 'which', 'that'}
_OPERATORS = [  # (words, operator), longest first
    (('multiplied', 'by'), '*'), (('multiplié', 'par'), '*'), (('multipliée', 'par'), '*'),
    (('divided', 'by'), '/'), (('divisé', 'par'), '/'), (('divisée', 'par'), '/'),
    (('to', 'the', 'power', 'of'), '^'), (('to', 'the', 'power'), '^'), (('à', 'la', 'puissance'), '^'),
    (('square', 'root', 'of'), 'sqrt'), (('racine', 'carrée', 'de'), 'sqrt'), (('racine', 'de'), 'sqrt'),
    (('au', 'carré'), '^2'), (('au', 'cube'), '^3'), (('to', 'the', 'fourth'), '^4'),
    (('times',), '*'), (('fois',), '*'), (('×',), '*'), (('·',), '*'), (('*',), '*'), (('x',), '*'),
    (('over',), '/'), (('sur',), '/'), (('/',), '/'), (('plus',), '+'), (('+',), '+'),
    (('minus',), '-'), (('moins',), '-'), (('-',), '-'), (('squared',), '^2'), (('carré',), '^2'),
    (('cubed',), '^3'), (('puissance',), '^'),
]
_HALF = {('one', 'half'): 0.5, ('a', 'half'): 0.5, ('un', 'demi'): 0.5, ('half',): 0.5, ('demi',): 0.5}
_SKIP = {'the', 'le', 'la', "l'", 'les', 'of', 'de', 'du', 'environ', 'about', 'approximately', 'roughly',
         'its', 'their', 'sa', 'son', 'ses', 'leur', 'simply', 'just', 'simplement',
         'à'}  # "simply the pressure"
_INDEXED = re.compile(r'[^\W\d_]\d')  # "N1", "f0": a letter and its index, written as one word
# "L zero", "oméga zéro", "N un", "Z deux" (folded): a symbol's index. "one" and "un" are an index
# only after a symbol ("un sur k un plus un sur k deux"); before an operator they are numbers.
_INDEX = {'zero': '0', 'nought': '0', 'un': '1', 'one': '1', 'deux': '2', 'two': '2'}
# Numbers said in words inside a formula ("racine de deux fois la valeur efficace", "un sur deux
# zêta"). "un" and "one" are articles too: a number only before an operator.
_NUMBER_WORDS = {'deux': 2, 'two': 2, 'trois': 3, 'three': 3, 'quatre': 4, 'four': 4, 'dix': 10, 'ten': 10,
                 'cent': 100, 'hundred': 100, 'un': 1, 'one': 1}
_ARTICLE_NUMBERS = {'un', 'one'}
_LEFT_OPERATORS = {'over', 'sur', 'by', 'par', 'times', 'fois', 'plus', 'minus', 'moins'}  # "1 over R equals"
PHRASE = 'w_'  # the symbols of quantities said in words ("tension d'alimentation": w_tension_alimentation)
_PHRASE_WORDS = 5  # at most, in a quantity said in words
# "in" and "en" name a unit; "between" and "entre" a description the formula's end cuts in two ("the
# difference between the surface temperature | and the fluid temperature").
# "for", "pour", "qui", "that" a description ("le temps pour mettre tous les bits | sur la ligne").
_NOT_IN_PHRASE = {'in', 'en', 'between', 'entre', 'pour', 'for', 'qui', 'que', "qu'", 'that', 'which', 'to',
                  'quand', 'when'}
_FUNCTIONS = {'log', 'log10', 'ln', 'exp', 'sin', 'cos', 'tan', 'sinus', 'cosinus', 'tangente', 'logarithme'}
# A comma ends a formula, unless an operator follows it: "tension d'alimentation moins tension de la
# LED, divisé par le courant voulu" is (supply - LED) / current, the comma the teacher's bracket.
# "n equals 1.96 times sigma divided by E, all squared": the comma brackets all said before the power.
_GROUPING = r"(?:divided|divisé|divisée|over|sur|times|fois|multiplied|multiplié|multipliée|all squared|" \
    r"all cubed|le tout au carré|le tout au cube)\b"
_ALL_POWER = {('all', 'squared'): 2, ('all', 'cubed'): 3, ('le', 'tout', 'au', 'carre'): 2,
              ('le', 'tout', 'au', 'cube'): 3}
_END = re.compile(r"[.;!?](?!\d)|,\s+(?!\d|" + _GROUPING + r")|"
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
_WITH = re.compile(r"\b(?:avec|with|where|où|et|and)\s+(?P<symbol>[A-Za-zÀ-ÿΑ-ω]{1,7})\s+(?:la|le|l'|the)\s*"
                   r"(?P<name>[^,;.]{3,60})")
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
_NAMED_IS = re.compile(r"(?:^|[:;]\s*)((?:le|la|les|l'|l’)\s*[^,:;]{3,60}),\s*c'est\s+(.+)$", re.I)
_DETERMINED = re.compile(r"\s*(?:le|la|les|l'|l’|sa|son|ses|leur|the|its)\b", re.I)


# A computation said as what to do, not as an equality: "To get the takt time, you take the
# available production time and you divide it by the customer demand", "To get the gradient, you
# divide the height difference by the horizontal distance and you multiply by 100", "La masse de
# ciment s'obtient en multipliant le dosage par le volume", "Le temps de vidange, on l'obtient en
# divisant son volume par le débit de fuite", "Pour avoir X, on multiplie A par B".
# The target is a quantity named with its article ("the gradient", "la masse de ciment"): "to get a
# good mark, divide your time by two" is advice.
_TO_GET = re.compile(r"\b(?:to (?:get|find|calculate|compute|work out|obtain)|pour (?:obtenir|avoir|calculer|"
                     r"trouver))\s+(?P<target>(?:the|le|la|les|l')\s*[^,:;]{3,50}?),\s*(?P<steps>.+)$", re.I)
_OBTAINED = re.compile(r"(?P<target>\b(?:the|le|la|les|l')\s*[^,:;]{3,50}?)(?:,\s*on l'obtient| s'obtient)\s+"
                       r"(?P<steps>en\s.+)$", re.I)
_VERBS = {'divide': '/', 'divides': '/', 'divise': '/', 'divisant': '/',
          'multiply': '*', 'multiplies': '*', 'multiplie': '*', 'multipliant': '*'}
_SAID_OPERATOR = {'/': 'divided by', '*': 'times'}
_STEP = re.compile(
    r"\s*(?:(?:and|then|et|puis|en)\s+)*(?:(?:you|we|on)\s+)?(?:take\s+(?P<take>[^,.;]+?)\s+and\s+"
    r"(?:(?:you|we)\s+)?)?(?P<verb>" + '|'.join(_VERBS) + r")\s+(?:(?P<a>[^,.;]+?)\s+)?(?:by|par)\s+"
    r"(?P<b>[^,.;]+?)(?=\s+(?:and|then|et|puis)\s+(?:(?:you|we|on)\s+)?(?:" + '|'.join(_VERBS) +
    r")\b|\s*[,.;]|\s*$)", re.I)
_PRONOUNS = {'it', 'that', 'this', 'the result', 'le', 'la', "l'", 'le résultat', 'ce résultat', 'il', 'elle',
             'cela'}


def _verbal(text: str, position: int) -> list:
    """Read a computation said as steps ("you divide A by B and you multiply by 100"), or []."""
    match = _TO_GET.search(text) or _OBTAINED.search(text)
    if not match:
        return []
    at, parts, steps = 0, [], match.group('steps')
    while True:
        step = _STEP.match(steps, at)
        if not step:
            break
        first = step.group('take') or step.group('a')
        if parts and first and fold(first) not in _PRONOUNS:
            return []  # a second step on something new: not one computation
        if not parts:
            if not first:
                return []
            parts.append(first)
        # each step applies to all said before it: the comma brackets it ("A divided by B, times 100")
        parts.append((', ' if len(parts) > 1 else ' ') + _SAID_OPERATOR[_VERBS[fold(step.group('verb'))]] +
                     ' ' + step.group('b'))
        at = step.end()
    if len(parts) < 2:
        return []
    meanings = {NAMED: match.group('target').strip()}
    expression = _expression(''.join(parts), meanings)
    try:
        if expression is None or not names(parse(expression)):
            return []
    except ExpressionError:
        return []
    said = text[match.start():match.start('steps') + at].strip(' ,.;')
    return [Formula(NAMED, expression, position, said, meanings)]


def read(text: str, position: int = -1) -> Optional[Formula]:
    """Return the first formula said in a sentence, or None."""
    found = read_all(text, position)
    return found[0] if found else None


def read_all(text: str, position: int = -1) -> list:
    """Return every formula said in a sentence, in order.

    "K p equals 0.6 K u, T i equals T u over 2, and T d equals T u over 8": three formulas; and
    "h equals one half g t squared, which gives t equals the square root of 2 h over g": two.
    """
    relations = _RELATION.finditer(' ' + text + ' ')
    found = [f for f in (_read_at(text, relation, position) for relation in relations) if f is not None]
    if found:
        return found
    found = _verbal(text, position)
    if found:
        return found
    for match in _NAMED_AFTER.finditer(text):
        expression = _expression(match.group(1))
        if expression and any(op in expression for op in '*/+-'):
            try:
                if names(parse(expression)):
                    return [Formula(NAMED, expression, position, match.group(0).strip(' ,:;'),
                                    {NAMED: match.group(2).strip()})]
            except ExpressionError:
                continue
    return _named_is(text, position)


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
    expression = _expression(spoken, phrases)
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
    elif len(before) > len(_said_symbol(before).split()) and \
            fold(before[-len(_said_symbol(before).split()) - 1]) in _LEFT_OPERATORS:
        return None  # "un sur k égale un sur k un plus...": the left side is no symbol but 1/k
    right = text[relation.end() - 1:]
    end = _END.search(right)
    spoken = right[:end.start()] if end else right
    expression = _expression(spoken, meanings)
    if target is None or expression is None:
        return None
    try:
        tree = parse(expression)
    except ExpressionError:
        return None
    if not names(tree) or not any(op in expression for op in '*/+-'):
        return None  # "the result equals 12", "the charge is Q": a value or a name, not a formula
    named = meanings.get(NAMED) or _said_symbol(before)
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
    if fold(named) in _PRONOUNS and len(before) > 1:
        # "That is the luminous efficacy, and it is the luminous flux divided by...": the clause
        # before says what "it" is.
        clause = re.sub(r"^\s*(?:that|this|it|c'est|ce|cela)\s+(?:is\s+)?|\s+(?:and|et)\s*$", '',
                        ' '.join(before[:-1]).rsplit(',', 1)[0].split(':')[-1].split(';')[-1], flags=re.I)
        return _named_before(clause.split()) if clause.strip() else None
    return named


def _symbol(words: list) -> Optional[str]:
    """Return the symbol named by a few words ("Q dot", "delta T", "tau", "m"), or None."""
    words = [w.strip("',:()") for w in words if w.strip("',:()")]
    if not words:
        return None
    if len(words) >= 2 and len(words[-1]) == 1 and len(words[-2]) == 1 and words[-2].isalpha():
        return words[-2] + words[-1]  # "f s": f with its index s
    if len(words) >= 2 and fold(words[-1]) in _INDEX and _is_symbol(words[-2]):
        return _name(words[-2]) + _INDEX[fold(words[-1])]
    if len(words) >= 2 and fold(words[-1]) == 'dot' and _is_symbol(words[-2]):
        return words[-2] + 'dot'
    if len(words) >= 2 and fold(words[-2]) == 'delta' and _is_symbol(words[-1]):
        return 'd' + words[-1]
    return _name(words[-1]) if _is_symbol(words[-1]) else None


def _name(word: str) -> str:
    """Return a symbol's name in an expression: Greek letters folded ("Oméga" is omega), others as said."""
    return fold(word) if fold(word) in _GREEK or fold(word) == 'pi' else word


def _said_symbol(before: list) -> str:
    """Return the words that name the symbol before "equals", as said ("Q dot", "delta T", "f s")."""
    words = [w.strip("',:()") for w in before[-2:]]
    if len(words) == 2 and (fold(words[1]) in {'dot'} | set(_INDEX) and _is_symbol(words[0]) or
                            fold(words[0]) == 'delta' or
                            (len(words[0]) == 1 and len(words[1]) == 1)):
        return ' '.join(words)
    return words[-1] if words else ''


def _is_symbol(word: str) -> bool:
    """Whether a word can be a symbol: one letter (not the article "a" or "y"), or a Greek name."""
    return (len(word) == 1 and word.isalpha() and word not in ('a', 'y', 'à')) or fold(word) in _GREEK or \
        bool(_INDEXED.fullmatch(word))


def _target(before: list) -> Optional[str]:
    """Return the symbol right before "equals" ("... is Q dot equals", "la formule P égale")."""
    return _symbol(before[-2:])


def _expression(spoken: str, phrases: Optional[dict] = None) -> Optional[str]:
    """Turn the right side of a spoken formula into an expression, or None if it is not one.

    `phrases`: where to put the quantities said in words ("la tension de la LED"), symbol -> words;
    None: only symbols and numbers are read.
    """
    # A hyphen inside a word is no minus: "Ziegler-Nichols", "ampères-heures".
    words = re.findall(r"[^\W\d_]{2,}(?:-[^\W\d_]{2,})+|[^\W\d_]\d\b|\d+(?:[.,]\d+)?|[^\W\d_]+'?|"
                       r"[×·*/+\-^=(),]", spoken)
    out, group, i, need_operand = [], [], 0, True
    denominator = False
    while i < len(words):
        folded = [fold(w) for w in words[i:i + 4]]
        if words[i] == ',':
            power = next((p for said, p in _ALL_POWER.items()
                          if tuple(fold(w) for w in words[i + 1:i + 1 + len(said)]) == said), None)
            if power and not need_operand:  # ", all squared": the whole right side, raised
                out.append(_close(group) + (')' if denominator else ''))
                return f"({''.join(out)})**{power}"
            if need_operand or _operator(folded[1:])[0] not in ('*', '/'):
                break
            # "A minus B, divided by C": the comma closes everything said so far, (A - B) / C.
            out.append(_close(group))
            group = ['(' + ''.join(out) + (')' if denominator else '') + ')']
            out, denominator = [], False
            i += 1
            continue
        operator, size = _operator(folded)
        if operator:
            i += size
            if operator.startswith('^') and len(operator) > 1:
                if not group:
                    return None
                group[-1] += '**' + operator[1:]
                continue
            if operator == '^':
                if i < len(words) and re.fullmatch(r'\d+', words[i]) and group:
                    group[-1] += '**' + words[i]
                    i += 1
                    continue
                return None
            if operator == 'sqrt':
                rest = _expression(' '.join(words[i:]), phrases)
                if rest is None:
                    return None
                group.append(f'sqrt({rest})')
                need_operand = False
                break
            if need_operand and operator != '-':
                return None
            out.append(_close(group))
            group = []
            if denominator and operator in '+-':
                out.append(')')
                denominator = False
            if operator == '/' and not denominator:
                out.append('/(')
                denominator = True
            else:
                out.append(operator)
            need_operand = True
            continue
        half = next((v for k, v in _HALF.items() if tuple(folded[:len(k)]) == k), None)
        if half is not None:
            group.append(str(half))
            i += next(len(k) for k, v in _HALF.items() if tuple(folded[:len(k)]) == k)
            need_operand = False
            continue
        word = words[i]
        if fold(word) in _SKIP:
            i += 1
            continue
        if re.fullmatch(r'\d+(?:[.,]\d+)?', word):
            group.append(word.replace(',', '.'))
        elif fold(word) == 'delta' and i + 1 < len(words) and _is_symbol(words[i + 1]):
            group.append('d' + words[i + 1])
            i += 1
        elif _is_symbol(word):
            name = _name(word)
            following = fold(words[i + 1]) if i + 1 < len(words) else ''
            if following == 'dot' or following in _INDEX:
                name += 'dot' if following == 'dot' else _INDEX[following]
                i += 1
            elif word.isupper() and len(word) == 1 and len(following) == 1 and words[i + 1].islower() \
                    and following not in ('a', 'y'):
                name += words[i + 1]  # "K p", "T i": a capital with its index ("R C" multiply)
                i += 1
            group.append(name)
        elif fold(word) == 'pi':
            group.append('pi')
        elif fold(word) in _NUMBER_WORDS and (fold(word) not in _ARTICLE_NUMBERS or
                                               _operator([fold(w) for w in words[i + 1:i + 5]])[0]):
            group.append(str(_NUMBER_WORDS[fold(word)]))
        elif fold(word) in _FUNCTIONS:
            return None  # "20 log10 of r2 over r1": a function this reader cannot read
        elif phrases is not None and need_operand and not group:
            size, symbol = _phrase(words[i:])
            if not size:
                return None
            phrases[symbol] = ' '.join(words[i:i + size]).replace("' ", "'")
            group.append(symbol)
            i += size
            need_operand = False
            continue
        elif _operator([fold(w) for w in words[i + 1:i + 5]])[0]:
            return None  # more formula after a word this reader cannot read
        else:
            break  # a word that is no part of a formula ends it
        need_operand = False
        i += 1
    if need_operand or not (group or out):
        return None
    out.append(_close(group))
    if denominator:
        out.append(')')
    return ''.join(out) or None


def _phrase(words: list) -> tuple:
    """Read a quantity said in words ("tension d'alimentation", "the safety factor"): (words, symbol).

    It runs up to an operator or a comma. (0, None) where it is no quantity this reader may trust:
    longer than a few words, holding a symbol ("la tension U"), followed by a number, a description
    ("the difference between..."), or naming its unit ("la longueur d'onde en nanomètres": the
    formula holds only in that unit).
    """
    n = 0
    while n < len(words) and words[n] not in ',()' and not _operator([fold(w) for w in words[n:n + 4]])[0] \
            and not re.fullmatch(r'\d+(?:[.,]\d+)?', words[n]) and fold(words[n]) not in _FUNCTIONS:
        n += 1
    if n < len(words) and re.fullmatch(r'\d+(?:[.,]\d+)?', words[n]):
        return 0, None  # "much bigger: about 9000 rows": words then a value, no formula
    content = [fold(w) for w in words[:n] if fold(w) not in _SKIP and not w.endswith("'")]
    if not content or len(content) > _PHRASE_WORDS or any(w in _NOT_IN_PHRASE for w in content) or \
            any(_is_symbol(w) for w in words[:n]):
        return 0, None
    return n, PHRASE + '_'.join(re.sub(r'\W', '', w) for w in content)


def _operator(folded: list) -> tuple:
    for words, operator in _OPERATORS:
        if tuple(folded[:len(words)]) == tuple(fold(w) for w in words):
            return operator, len(words)
    return None, 0


def _close(group: list) -> str:
    """Symbols said side by side multiply: "2 pi R C" is (2*pi*R*C)."""
    if not group:
        return ''
    return group[0] if len(group) == 1 else '(' + '*'.join(group) + ')'


def definitions(text: str) -> dict:
    """Return {symbol: name} of "m is the mass in kilograms", "g, c'est l'accélération..."."""
    found = {}
    for pattern in (_WRITTEN, _WITH):
        for match in pattern.finditer(text):
            symbol = _symbol(match.group('symbol').split())
            if symbol:
                found.setdefault(symbol, match.group('name').strip())
    for match in _DEFINITION.finditer(text):
        symbol = _symbol(match.group('symbol').split())
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
