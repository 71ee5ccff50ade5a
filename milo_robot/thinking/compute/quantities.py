# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Numbers with their units, in SI, and the words said just before them.

"1.5 kilograms" is 1.5 kg; "0,25 mètre" 0.25 m; "100 microfarads" 1e-4 F; "10 square metres"
10 m². A number keeps the words said before it ("une force de 60 newtons", "h to 40"), which say
what it is when its unit does not.
"""

import functools
import re
from dataclasses import dataclass
from typing import Optional

from milo_robot.thinking.faithfulness import claims
from milo_robot.thinking.faithfulness.units import _units
from milo_robot.thinking.faithfulness.words import _stems
from milo_robot.thinking.words import content_stems, fold

# Units the claim reader leaves out or reads in part, written so that it reads them whole.
# Only after a number: "the area in square metres" names a unit and gives no value.
_SPELLED = ((r'(?<=\d )square (metres?|meters?)\b', 'm²'), (r'(?<=\d )cubic (metres?|meters?)\b', 'm³'),
            (r'(?<=\d )square (millim|centim)(etres?|eters?)\b', lambda m: m.group(1)[0] + 'm^2'),
            (r'(?<=\d )(millim|centim)(è|e)tres? carr(é|e)s?\b', lambda m: m.group(1)[0] + 'm^2'),
            (r'(?<=\d )cubic (millim|centim)(etres?|eters?)\b', lambda m: m.group(1)[0] + 'm^3'),
            (r'(?<=\d )(millim|centim)(è|e)tres? cubes?\b', lambda m: m.group(1)[0] + 'm^3'),
            (r'(?<=\d )m(è|e)tres? carr(é|e)s?\b', 'm²'), (r'(?<=\d )m(è|e)tres? cubes?\b', 'm³'),
            (r'(?<=\d )newtons?[- ]m(è|e)tres?\b', 'N·m'), (r'(?<=\d )newton[- ]meters?\b', 'N·m'))
_ARTICLES = {'un', 'une', 'a', 'an'}
_LETTER_INDEX = re.compile(r'[A-Za-z]\d')  # "R1", "N2": a symbol and its index, as formulas.py reads it
BEFORE_WORDS = 4  # words before a number that may say what it is
AFTER_WORDS = 2  # ... and after it, in a question: "80 % availability", "3 mètres de large"
# "... per kelvin", "per cubic metre", "par mètre carré"
_PER = re.compile(r'\s*(?:per|par)\s+(?:(?P<before>cubic|square)\s+)?(?P<unit>[^\W\d_]+)'
                  r'(?:\s+(?P<after>cubes?|carr[ée]s?)\b)?', re.I)
_POWERS = {'cubic': '^3', 'square': '^2', 'cube': '^3', 'cubes': '^3'}
# What a named quantity is measured in: "the mass", "la pression", "the heat rate". Longest
# names first: "heat rate" is a power, "heat" an energy.
_NAMED_UNITS = (
    ('heat rate|heat flow|débit de chaleur|flux thermique', 'W'), ('flow rate|débit|debit', 'm^3/s'),
    ('temperature difference|temperature change|différence de température|temperature|température', 'K'),
    ('specific heat|heat capacity|capacité thermique|chaleur massique', 'J/kg/K'),
    ('density|masse volumique', 'kg/m^3'), ('mass|masse', 'kg'),
    ('weight|weighs|weigh|poids|pèse|pesent|force|réaction|reaction', 'N'), ('torque|couple|moment', 'N·m'),
    ('thickness|épaisseur|length|longueur|width|largeur|diameter|diamètre|radius|rayon|distance|height|hauteur|'
     'depth|profondeur|bras de levier', 'm'),
    ('area|surface|section|aire', 'm^2'), ('volume', 'm^3'), ('speed|velocity|vitesse', 'm/s'),
    ('acceleration|accélération|pesanteur', 'm/s^2'),
    ('pressure|pression|stress|contrainte|yield strength|tensile strength|limite élastique', 'Pa'),
    # radians per second: said so (say.py)
    ('pulsation|angular frequency|angular velocity|angular speed|vitesse angulaire', 'Hz'),
    ('luminous flux|flux lumineux', 'lm'), ('illuminance|éclairement', 'lx'),
    ('energy|énergie|heat|chaleur|work|travail', 'J'), ('power|puissance', 'W'),
    ('voltage|tension', 'V'), ('current|courant|intensité du courant', 'A'),
    ('resistance|résistance', 'Ω'), ('capacitance|capacité', 'F'), ('charge', 'C'),
    ('frequency|fréquence', 'Hz'),
    ('period|période|time|temps|durée|duration|delay|délai|latency|latence', 's'),
)


@dataclass(frozen=True)
class Quantity:
    """A number as said, in SI units when it has a unit."""

    value: float  # in SI units
    said: str  # as written ("1.5 kilograms")
    raw: float = 0.0  # the number as said, before units ("cent grammes": 100)
    unit: str = ''  # the unit symbol as read ('kg', 'm/s', 'm^2'); '' without one
    dim: Optional[tuple] = None  # SI dimension; None without a unit
    before: tuple = ()  # stems of the words just before it
    symbols: tuple = ()  # single-letter names just before it ("h to 40", "avec g égal à 10")
    after: tuple = ()  # stems of the words just after it, up to a comma: "80 % availability"


def unit_of(symbol: str) -> Optional[tuple]:
    """Return (dimension, factor to SI) of a unit symbol ('kJ', 'W/m', 'm^2', 'N·m'), or None."""
    table = _units().symbols
    if symbol in table:
        return table[symbol].dim, table[symbol].factor
    dim, factor = None, 1.0
    for n, part in enumerate(re.split(r'/', symbol)):
        for piece in re.split(r'[·*]', part):
            base, _, power = piece.partition('^')
            unit = table.get(base)
            if unit is None:
                return None
            exponent = (int(power) if power.lstrip('-').isdigit() else 1) * (-1 if n else 1)
            scaled = tuple(e * exponent for e in unit.dim)
            dim = scaled if dim is None else tuple(a + b for a, b in zip(dim, scaled))
            factor *= unit.factor ** exponent
    return dim, factor


# Symbols that name one quantity in every course, when the teacher did not say what they are.
CONVENTIONAL = {'R': 'Ω', 'C': 'F', 'U': 'V', 'I': 'A', 'f': 'Hz', 'm': 'kg', 'g': 'm/s^2', 'v': 'm/s',
                'F': 'N', 'p': 'Pa', 'rho': 'kg/m^3', 'tau': 's', 'd': 'm', 'D': 'm', 'h': 'm', 'S': 'm^2',
                't': 's'}


def stem_of(word: str) -> str:
    """Return the faithfulness reader's stem of a unit name ('kelvins' → 'kelvin')."""
    stems = _stems(word)
    return stems[0] if stems else ''


def is_unit_word(stem: str) -> bool:
    """Whether a content stem (thinking/words.py) is the name of a unit ('kilogramm', 'kelvin')."""
    return any(stem_of(name) == stem or stem_of(name).startswith(stem) and len(stem) >= 5
               for name in _unit_names())


@functools.lru_cache(maxsize=1)
def _unit_names() -> tuple:
    """Return every unit name the claim reader knows, as single words."""
    return tuple({name[0] for name in _units().names if len(name) == 1 and len(name[0]) > 2})


def _per_more(after: str) -> tuple:
    """Return the rest of a compound unit the claim reader stopped short of ("... per kelvin").

    (unit symbols, how many characters of `after` say them).
    """
    more, at = '', 0
    while True:
        match = _PER.match(after, at)
        unit = _units().names.get((stem_of(match.group('unit')),)) if match else None
        if unit is None:
            return more, at
        power = match.group('before') or match.group('after')
        power = _POWERS.get(fold(power), '^2') if power else ''
        more, at = more + '/' + unit.symbol + power, match.end()


_COUNT_OF = re.compile(r"\s*(?:(?:the|le|la|les)\s+)?(number of\s+|nombre d(?:e\s+|['’]\s*))([^\W\d_]+)",
                       re.I)


def named_dimension(name: str, first: bool = False) -> Optional[tuple]:
    """Return the dimension of the first quantity named in words ("the thermal resistance"), or None.

    `first`: only a quantity named by the first words ("la phase à la fréquence..." names none).
    """
    count = _COUNT_OF.match(name)
    if count:  # "the number of hours it is on" is a duration, "le nombre de mètres" a length
        unit = read('2 ' + count.group(2), 'fr' if count.group(1).lower().startswith('nombre') else 'en')
        if len(unit) == 1 and unit[0].dim is not None and any(unit[0].dim):
            return unit[0].dim
    plain = ' ' + ' '.join(content_stems(name)) + ' '
    found = []
    for names, unit in _NAMED_UNITS:
        for one in names.split('|'):
            at = plain.find(' ' + ' '.join(content_stems(one)) + ' ')
            if at >= 0 and (not first or at == 0):
                found.append((at, -len(one), unit))
    if not found:
        return None
    known = unit_of(min(found)[2])
    return known[0] if known else None


@functools.lru_cache(maxsize=1)
def kind_stems() -> frozenset:
    """Return the stems of the words that name a kind of quantity ("time", "masse", "volume")."""
    return frozenset(s for names, _ in _NAMED_UNITS for name in names.split('|') for s in content_stems(name))


def conventional_dimension(symbol: str) -> Optional[tuple]:
    """Return the dimension of a symbol that names one quantity in every course ('R', 'f'), or None."""
    known = unit_of(CONVENTIONAL[symbol]) if symbol in CONVENTIONAL else None
    return known[0] if known else None


def read(text: str, language: str) -> list:
    """Return the Quantities of a text, in order."""
    prepared = text
    for pattern, symbol in _SPELLED:
        prepared = re.sub(pattern, symbol, prepared, flags=re.I)
    prepared = _WORD_BEFORE_UNIT.sub(_unit_first, prepared)
    try:
        found = [c for c in claims(prepared, language) if c.kind == 'number' and c.value is not None]
    except ValueError:
        return []
    out, searched = [], 0
    for claim in found:
        if fold(claim.text.split()[0]) in _ARTICLES and not any(unit_of(claim.unit)[0] if claim.unit and
                                                                 unit_of(claim.unit) else ()):
            continue  # "un taux d'amortissement": an article, and "taux" read as the time constant tau
        # Where the number is said: not inside a name ("S235 with a safety factor of 5": the 5 of "5,").
        # (the claim reader writes "m²" as "m^2": "2 square metres" was spelled "2 m²" above)
        said = next((text for text in (claim.text, claim.text.replace('^2', '²').replace('^3', '³'))
                     if re.search(r'(?<![\w.,])' + re.escape(text), prepared[searched:])), claim.text)
        found_at = re.compile(r'(?<![\w.,])' + re.escape(said)).search(prepared, searched)
        at = found_at.start() if found_at else -1
        searched = at + len(said) if at >= 0 else searched
        words = prepared[:max(at, 0)].split()[-BEFORE_WORDS:]
        more, used = _per_more(prepared[searched:]) if claim.unit else ('', 0)
        unit = claim.unit + more if claim.unit else ''
        text = claim.text + prepared[searched:searched + used] if at >= 0 else claim.text
        searched += used if at >= 0 else 0
        if not unit and prepared[searched:].lstrip().startswith('N·m'):
            # the claim reader knows no newton-metre ("0.05 newton-metres per ampere")
            unit = 'N·m' + _per_more(prepared[searched:].lstrip()[len('N·m'):])[0]
        known = unit_of(unit) if unit else None
        value = claim.value * (known[1] if known else 1.0)
        # (not found where it is said: no words after it either)
        # ... up to the next number: "rises 6 metres over 80 metres horizontally" says "horizontally"
        # of the 80 only
        following = re.split(r'[,;:.?!]|\b(?:and|et)\b|\d', prepared[searched:], maxsplit=1)[0].split() \
            if at >= 0 else []
        out.append(Quantity(value, text, claim.value, unit, known[0] if known else None,
                            tuple(content_stems(' '.join(words))),
                            tuple(w.strip(",'") for w in words if _is_symbol(w.strip(",'"))),
                            tuple(s for s in content_stems(' '.join(following[:AFTER_WORDS + 2]))
                                  if not is_unit_word(s) and not s[0].isdigit())[:AFTER_WORDS]))
    return out


# "480 planned minutes": a word between a number and its unit.
_WORD_BEFORE_UNIT = re.compile(r"(?<=\d )([^\W\d_]{3,}) ([^\W\d_]{3,})\b")


def _unit_first(match) -> str:
    """Say a number's unit right after it, the word between them after: "480 minutes planned"."""
    word, unit = content_stems(match.group(1)), content_stems(match.group(2))
    if len(word) == 1 and len(unit) == 1 and not is_unit_word(word[0]) and is_unit_word(unit[0]):
        return f'{match.group(2)} {match.group(1)}'
    return match.group(0)


def _is_symbol(word: str) -> bool:
    """Whether a word names a symbol: one letter ("h to 40"), or a letter and its index ("R1 égale 10")."""
    if len(word) == 1:
        return word.isalpha() and fold(word) not in ('a', 'y', 'l', 'd')
    return bool(_LETTER_INDEX.fullmatch(word))
