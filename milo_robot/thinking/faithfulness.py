# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Check that a sentence states only what the passages state: numbers, units, formulas, named terms.

A small model copies the words of its passages well and their facts badly: it swaps numbers,
attaches the wrong unit, or names a law the class never saw. So every claim of a sentence must be
found in the passages (or in the student's question), after normalisation:

- a **number** (digits or words, decimal point or comma, percentages, powers of ten), with its
  unit if it has one, compared in SI units ("100 ms" is "0.1 s", "1 kΩ" is "one thousand ohms");
  or computed from two numbers of the passages by one operation (×, /, +, −), whose units must
  give the claimed unit ("12 V" × "3 A" gives "36 W", "4 Ω" × "12 V" gives no watts);
- a **unit** named without a number ("measured in ohms");
- a **formula** ("U = R × I", "P equals U times I", "I = U/R" are one relation);
- a **named term**: a proper noun ("Faraday's law", "Kirchhoff"), an acronym, or a technical word
  of a built-in English and French lexicon ("inductance", "condensateur");
- a **change** of a quantity ("the current doubles", "double the voltage", "la résistance est
  multipliée par 2", "the power increases"): the passages or the question must say that this
  quantity changes so, or that it is proportional to one that does ("the resistance is multiplied
  by 2 when the voltage doubles" fails on a lecture where only the voltage and the current double).

A number also has to fit what the sentence says it measures: "it takes 1,000 ohms to charge" or
"the voltage is 12 ohms" fail whatever the passages say.

`Support` reads the passages once; its `check` then costs a fraction of a millisecond a sentence,
so an answer can be checked sentence by sentence as it streams.
"""

import bisect
import functools
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple, Optional, Sequence

from num2words import num2words

from milo_robot.speaking.normalize import UNITS
from milo_robot.thinking.retrieval import STOPWORDS

LANGUAGES = ('en', 'fr')
TOLERANCE = 0.01  # relative: a computed or converted number may differ this much from the claim


class FaithfulnessInputError(ValueError):
    """The check was given something it cannot read: not text, or an unknown language."""


@dataclass(frozen=True)
class Claim:
    """One checkable statement of a sentence.

    kind: 'number', 'unit', 'formula', 'term' or 'change'; text: as written in the sentence;
    value: the number as stated (not converted), for numbers, or the factor of a change (None for
    a rise or fall without one); unit: its unit symbol ('Ω', 'µF', 'm/s'), if any; measures: what
    the sentence says the number is ('time', 'voltage'...), if it says so, or what changes.
    """

    kind: str
    text: str
    value: Optional[float] = None
    unit: str = ''
    measures: str = ''


@dataclass(frozen=True)
class Verdict:
    """The result of a check.

    supported: every claim is supported; unsupported: the claims that are not, with `reasons`
    (one each, for logs); computed: how computed numbers were found, e.g. '12 V × 3 A = 36 W'.
    """

    supported: bool
    unsupported: tuple = ()
    computed: tuple = ()
    reasons: tuple = ()


# ---------------------------------------------------------------------------------------------
# Words: every comparison is on folded (lower-case, accent-free) and lightly stemmed words.

@functools.lru_cache(maxsize=65536)
def _fold(word: str) -> str:
    decomposed = unicodedata.normalize('NFKD', word.lower())
    return ''.join(c for c in decomposed if not unicodedata.combining(c))


# Suffixes cut at most twice, keeping a stem of 3 letters: 'charged', 'charges', 'chargée' and
# 'charging' meet at 'charg'; 'capacities' and 'capacity' at 'capacity'.
_SUFFIXES = (('ing', ''), ('ies', 'y'), ('ed', ''), ('es', ''), ('s', ''), ('x', ''), ('e', ''))


@functools.lru_cache(maxsize=65536)
def _stem(folded: str) -> str:
    for _ in range(2):
        for suffix, replacement in _SUFFIXES:
            if folded.endswith(suffix) and len(folded) - len(suffix) >= 3:
                folded = folded[:-len(suffix)] + replacement
                break
        else:
            break
    return folded


def _stems(phrase: str) -> tuple:
    return tuple(_stem(_fold(w)) for w in re.split(r"[\s'\-’]+", phrase) if w)


def _words(*phrases: str) -> set:
    return {_stems(p) for p in phrases}


class _Token(NamedTuple):
    kind: str  # 'num', 'word' or 'sym'
    text: str
    fold: str
    stem: str
    start: int
    end: int


_TOKEN = re.compile(r'(?P<num>\d+(?:[.,]\d+)*(?:[eE][-+]?\d+)?)'
                    r'|(?P<word>[^\W\d_]\w*)'
                    r'|(?P<sym>°\s?[CF](?![A-Za-z])|\*\*|\S)')
_SUPERSCRIPTS = str.maketrans('⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺', '0123456789-+')
_PUNCTUATION = str.maketrans({'’': "'", '‘': "'", '−': '-', '–': '-', '⁄': '/', '∙': '·', '⋅': '·'})
_JOINERS = ('-', "'")  # inside a word: 'soixante-trois', 'kilo-ohm', "d'Ohm"


def _prepare(text: str) -> str:
    """Write superscripts as powers (10⁻⁶ is 10^-6, U² is U^2), and each symbol one way (µ, Ω, -)."""
    text = re.sub('[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+', lambda m: '^' + m.group(0).translate(_SUPERSCRIPTS), text)
    text = re.sub(r'(?<=\d)[\u00a0\u202f](?=\d{3}(?!\d))', '', text)  # 1 000 with a fine space
    return unicodedata.normalize('NFKC', text).translate(_PUNCTUATION)


def _tokenize(text: str) -> list:
    tokens = []
    for m in _TOKEN.finditer(text):
        kind, written = m.lastgroup, m.group()
        if kind == 'word':
            fold = _fold(written)
            tokens.append(_Token(kind, written, fold, _stem(fold), m.start(), m.end()))
        else:
            written = written.replace(' ', '')
            tokens.append(_Token(kind, written, written, written, m.start(), m.end()))
    return tokens


# ---------------------------------------------------------------------------------------------
# Units: dimensions over kg, m, s, A, K, degrees (Celsius or angle, which speech does not tell
# apart), °F and dB, so that prefixes convert and computed numbers get their unit.

_AXES = ('kg', 'm', 's', 'A', 'K', 'deg', 'degF', 'dB')
_ZERO = (0,) * len(_AXES)


def _dim(**exponents) -> tuple:
    return tuple(exponents.get(axis, 0) for axis in _AXES)


_PREFIXES = {'p': ('pico', 1e-12), 'n': ('nano', 1e-9), 'μ': ('micro', 1e-6), 'm': ('milli', 1e-3),
             'c': ('centi', 1e-2), 'k': ('kilo', 1e3), 'M': ('mega', 1e6), 'G': ('giga', 1e9)}
_ALL = 'pnμmkMG'
# symbol: (dimension, factor to SI, prefixes it takes, names beyond speaking.normalize.UNITS)
_BASE_UNITS = {
    'A': (_dim(A=1), 1, _ALL, ('amp', 'amps', 'ampere', 'amperes')),
    'V': (_dim(kg=1, m=2, s=-3, A=-1), 1, _ALL, ()),
    'W': (_dim(kg=1, m=2, s=-3), 1, _ALL, ()),
    'Wh': (_dim(kg=1, m=2, s=-2), 3600, 'kMG', ('watt heure', 'watts heure')),
    'Ω': (_dim(kg=1, m=2, s=-3, A=-2), 1, _ALL, ()),
    'Hz': (_dim(s=-1), 1, _ALL, ()),
    'F': (_dim(kg=-1, m=-2, s=4, A=2), 1, _ALL, ()),
    'H': (_dim(kg=1, m=2, s=-2, A=-2), 1, _ALL, ()),
    'J': (_dim(kg=1, m=2, s=-2), 1, _ALL, ()),
    'N': (_dim(kg=1, m=1, s=-2), 1, _ALL, ()),
    'Pa': (_dim(kg=1, m=-1, s=-2), 1, _ALL, ()),
    'C': (_dim(A=1, s=1), 1, _ALL, ('coulomb', 'coulombs')),
    'T': (_dim(kg=1, s=-2, A=-1), 1, _ALL, ('tesla', 'teslas')),
    'Wb': (_dim(kg=1, m=2, s=-2, A=-1), 1, _ALL, ('weber', 'webers')),
    'S': (_dim(kg=-1, m=-2, s=3, A=2), 1, _ALL, ('siemens',)),
    'Ah': (_dim(A=1, s=1), 3600, 'm', ('ampere hour', 'ampere hours', 'ampère heure', 'ampères heure')),
    'm': (_dim(m=1), 1, 'kcmμn', ('meter', 'meters')),
    'g': (_dim(kg=1), 1e-3, 'kmμ', ()),
    'L': (_dim(m=3), 1e-3, 'mc', ('litre', 'litres', 'liter', 'liters')),
    's': (_dim(s=1), 1, 'mμnp', ()),
    'min': (_dim(s=1), 60, '', ()),
    'h': (_dim(s=1), 3600, '', ()),
    'K': (_dim(K=1), 1, '', ('kelvin', 'kelvins')),
    '°C': (_dim(deg=1), 1, '', ()),
    '°F': (_dim(degF=1), 1, '', ()),
    '°': (_dim(deg=1), 1, '', ()),
    'dB': (_dim(dB=1), 1, '', ('decibel', 'decibels', 'décibel', 'décibels')),
    '%': (_ZERO, 0.01, '', ('per cent', 'pourcent')),
    # A count of time constants: a duration to say, a plain number to compute with (5 τ × 0.1 s).
    'τ': (_ZERO, 1, '', ('tau', 'time constant', 'time constants', 'constante de temps',
                         'constantes de temps')),
}
# Names that are also everyday words ("the second law", "a few minutes") are units only after a
# number.
_NEEDS_A_NUMBER = {'s', 'min', 'h', 'm', 'g', 'L', '°', '°C', '°F', '%', 'τ'}
# Prefixed symbols that are words, or times of day, when they stand alone.
_NOT_ALONE = {'pm', 'Ms', 'Gs', 'ps', 'cs', 'ms', 'mm', 'ns'}


class _Unit(NamedTuple):
    symbol: str
    dim: tuple
    factor: float
    timeish: bool  # measures a duration (a second, an hour, a time constant)


class _Units(NamedTuple):
    symbols: dict  # written symbol -> _Unit ('kΩ', 'uF')
    names: dict  # stems of a name -> _Unit
    alone: set  # the symbols and names that are units without a number ('Ω', 'Hz', 'ohms')


@functools.lru_cache(maxsize=1)
def _units() -> _Units:
    names_of = {}
    for symbol, spoken in UNITS.items():
        names_of.setdefault(unicodedata.normalize('NFKC', symbol), set()).update(spoken)
    symbols, names, alone = {}, {}, set()
    for base, (dim, factor, prefixes, extra) in _BASE_UNITS.items():
        base_names = names_of.get(base, set()) | set(extra)
        timeish = dim == _dim(s=1) or base == 'τ'
        unit = _Unit(base, dim, factor, timeish)
        symbols[base] = unit
        for name in base_names:
            names[_stems(name)] = unit
        if base not in _NEEDS_A_NUMBER:
            alone |= {_stems(name) for name in base_names}
            alone |= {base} if len(base) > 1 or not base.isascii() else set()
        for prefix in prefixes:
            word, scale = _PREFIXES[prefix]
            prefixed = _Unit(prefix + base, dim, factor * scale, timeish)
            symbols[prefix + base] = prefixed
            if prefix == 'μ':
                symbols['u' + base] = prefixed  # 'uF' where µ cannot be typed
            spelled = names_of.get(prefix + base, set()) | {word + n for n in base_names}
            spelled |= {f'{word} {n}' for n in base_names}  # kilo-ohm
            for name in spelled:
                names[_stems(name)] = prefixed
            alone |= {_stems(name) for name in spelled}
            alone |= {prefix + base} if prefix + base not in _NOT_ALONE else set()
    return _Units(symbols, names, alone)


def _per(first: _Unit, second: _Unit, power: int) -> _Unit:
    """Return `first` per `second` to a power: m/s, m/s^2."""
    symbol = f'{first.symbol}/{second.symbol}' + (f'^{power}' if power > 1 else '')
    dim = tuple(a - power * b for a, b in zip(first.dim, second.dim))
    return _Unit(symbol, dim, first.factor / second.factor ** power, False)


def _power(unit: _Unit, power: int) -> _Unit:
    return _Unit(f'{unit.symbol}^{power}', tuple(power * a for a in unit.dim), unit.factor ** power, False)


# ---------------------------------------------------------------------------------------------
# Number words, both languages at once: an answer in French may quote an English passage.

_MULTIPLIERS = {_stem(w): v for w, v in (('hundred', 1e2), ('thousand', 1e3), ('mille', 1e3),
                                         ('million', 1e6), ('billion', 1e9), ('milliard', 1e9))}
_ARTICLES_ONE = {'one', 'un', 'une'}  # "one of them", "un condensateur": an article, not a claim
_A = {'a', 'an', 'one', 'un', 'une'}
_HALF = {'half': 0.5, 'moitie': 0.5}
_DECIMAL_POINT = {'point', 'virgule'}
_AND_A_HALF = _words('a half', 'demi', 'demie')  # after 'and' or 'et': 'deux et demi'
_DIGIT_MULTIPLIERS = {(k,): v for k, v in _MULTIPLIERS.items() if v > 100}  # '2 thousand', '1,5 million'



@functools.lru_cache(maxsize=1)
def _number_words() -> dict:
    """Return the stems of every number word from 0 to 999, in English and French -> its value."""
    table = {}
    for language in LANGUAGES:
        for n in range(1000):
            words = num2words(n, lang=language)
            table.setdefault(_stems(words), n)
            table.setdefault(_stems(words.replace(' and ', ' ')), n)
    table[_stems('une')] = 1
    return table


@functools.lru_cache(maxsize=1)
def _denominators() -> dict:
    """Return the stems of fraction words ('tenth', 'dixièmes', 'quarter', 'tiers') -> denominator."""
    table = {_stem('half'): 2, _stem('halve'): 2, _stem('quarter'): 4, _stem('demi'): 2,
             _stem('demie'): 2, _stem('tiers'): 3, _stem('quart'): 4}
    for n in list(range(3, 21)) + [100, 1000, 1000000]:  # not 2: 'second' is a unit
        for language in LANGUAGES:
            table[_stem(_fold(num2words(n, lang=language, to='ordinal').split()[-1]))] = n
    return table


def _digit_readings(written: str, language: Optional[str]) -> tuple:
    """Return the values digits may have: '1,000' is a thousand in English and one in French."""
    if 'e' in written.lower():
        return (float(written.replace(',', '.')),)
    if ',' in written and '.' in written:  # the last one is the decimal separator
        decimal = max(written.rfind(','), written.rfind('.'))
        return (float(re.sub('[.,]', '', written[:decimal]) + '.' + written[decimal + 1:]),)
    groups = re.split('[.,]', written)
    if len(groups) == 1:
        return (float(written),)
    thousands = all(len(g) == 3 for g in groups[1:]) and len(groups[0]) <= 3
    joined = float(''.join(groups))
    if len(groups) > 2:
        return (joined,) if thousands else ()
    decimal = float(groups[0] + '.' + groups[1])
    if not thousands:
        return (decimal,)
    if language == 'en' and ',' in written:
        return (joined, decimal)
    return (decimal, joined)


def _rounding(written: str) -> float:
    """Return half a unit of the last digit shown, when at least two are shown ('0.33' for a third).

    One digit ('3') is taken as exact: rounding 2.6 to 3 is not stating what the passages state.
    """
    digits = re.sub(r'[eE].*', '', written)
    parts = re.split('[.,]', digits)
    decimals = len(parts[-1]) if len(parts) == 2 and len(parts[-1]) != 3 else 0
    significant = len(digits.replace('.', '').replace(',', '').lstrip('0'))
    return 0.5 * 10.0 ** -decimals if significant >= 2 else 0.0


# ---------------------------------------------------------------------------------------------
# Quantities, formulas and terms the sentences can name, in English and French.

class _Concept(NamedTuple):
    symbol: str  # in formulas ('U' for a voltage); '' when it has no usual one
    units: tuple  # unit symbols that measure it
    checked: bool  # a technical term: naming it must be supported
    names: tuple


def _concept(symbol: str, units: str, checked: bool, names: str) -> _Concept:
    return _Concept(symbol, tuple(units.split()), checked, tuple(names.split('|')))


_QUANTITIES = {
    'voltage': _concept('U', 'V', True, 'voltage|potential difference|electromotive force|emf|'
                        'tension|différence de potentiel|force électromotrice'),
    'current': _concept('I', 'A', True, 'current|electric current|courant|courant électrique|intensité'),
    'resistance': _concept('R', 'Ω', True, 'resistance|résistance'),
    'power': _concept('P', 'W', True, 'power|electrical power|puissance|puissance électrique'),
    'energy': _concept('E', 'J', True, 'energy|énergie'),
    'capacitance': _concept('C', 'F C', True, 'capacitance|capacité'),
    'charge': _concept('Q', 'C', False, 'charge|electric charge|charge électrique'),
    'time constant': _concept('τ', 's τ', True, 'time constant|constante de temps|tau'),
    'time': _concept('t', 's τ', False, 'time|duration|charging time|charge time|discharge time|'
                     'temps|durée|temps de charge|temps de décharge|durée de charge'),
    'period': _concept('T', 's τ', True, 'period|période'),
    'frequency': _concept('f', 'Hz', True, 'frequency|cut-off frequency|cutoff frequency|fréquence|'
                          'fréquence de coupure'),
    'force': _concept('F', 'N', True, 'force'),
    'mass': _concept('m', 'g', False, 'mass|masse'),
    'acceleration': _concept('a', '', True, 'acceleration|accélération'),
    'speed': _concept('v', '', False, 'speed|velocity|vitesse'),
    'length': _concept('', 'm', False, 'length|distance|longueur'),
    'pressure': _concept('p', 'Pa', True, 'pressure|pression'),
    'temperature': _concept('', 'K °C °F', False, 'temperature|température'),
    'inductance': _concept('L', 'H', True, 'inductance'),
    'impedance': _concept('Z', 'Ω', True, 'impedance|impédance'),
    'magnetic field': _concept('B', 'T', True, 'magnetic field|champ magnétique'),
    'gain': _concept('G', 'dB', True, 'gain'),
}
# Technical words without a unit, each with its translations: naming one brings in a concept.
_TERMS = (
    'resistor|résistor|résistance|conducteur ohmique', 'capacitor|condensateur', 'inductor|coil|bobine',
    'diode', 'transistor', 'transformer|transformateur', 'battery|batterie|pile|accumulateur',
    'generator|générateur', 'motor|moteur', 'dielectric|diélectrique', 'insulator|isolant',
    'conductor|conducteur', 'semiconductor|semi-conducteur', 'oscilloscope', 'multimeter|multimètre',
    'voltmeter|voltmètre', 'ammeter|ampèremètre', 'ohmmeter|ohmmètre', 'potentiometer|potentiomètre',
    'short circuit|short-circuit|court-circuit', 'open circuit|circuit ouvert',
    'alternating current|courant alternatif', 'direct current|courant continu',
    'series|série', 'parallel|parallèle|dérivation', 'resonance|résonance', 'permittivity|permittivité',
    'permeability|perméabilité', 'resistivity|résistivité', 'conductivity|conductivité',
    'conductance', 'reactance|réactance', 'magnetic flux|flux magnétique|flux',
    'induction', 'electric field|champ électrique', 'node|noeud|nœud', 'mesh|maille', 'loop|boucle',
    'low-pass|passe-bas', 'high-pass|passe-haut', 'band-pass|passe-bande', 'filter|filtre',
    'decade|décade', 'asymptote', 'logarithm|logarithme', 'phase', 'amplitude', 'harmonic|harmonique',
    'wavelength|longueur d\'onde', 'kinetic energy|énergie cinétique',
    'potential energy|énergie potentielle', 'entropy|entropie', 'enthalpy|enthalpie',
    'specific heat|chaleur massique|capacité thermique massique', 'torque|couple',
    'momentum|quantité de mouvement', 'inertia|inertie', 'friction|frottement', 'stress|contrainte',
    'strain|déformation', 'modulus|module', 'viscosity|viscosité', 'density|masse volumique|densité',
    'flow rate|débit', 'efficiency|rendement', 'exponential|exponentielle', 'derivative|dérivée',
    'integral|intégrale',
)
_GREEK = {'tau': 'τ', 'omega': 'ω', 'rho': 'ρ', 'lambda': 'λ', 'phi': 'φ', 'theta': 'θ', 'alpha': 'α',
          'beta': 'β', 'delta': 'δ', 'epsilon': 'ε', 'sigma': 'σ'}
_SAME_VARIABLE = {'V': 'U'}  # a voltage is V in English courses, U in French ones
# Generic heads of named terms: "Kirchhoff's Law" is about Kirchhoff, in any language.
_GENERIC_HEADS = {_stem(w) for w in 'law laws rule theorem principle equation effect loi regle theoreme '
                  'principe equation effet circuit circuits bridge pont model modele'.split()}
_NOT_TERMS = {'I', 'Milo', 'OK', 'Ok'}
# Words that start a sentence with "'s" without being anybody's: "Let's", "Here's", "He's".
_CONTRACTED = {'let', 'here', 'he', 'she', 'who', 'everything', 'nothing', 'something', 'today', 'now'}


class _Lexicon(NamedTuple):
    phrases: dict  # stems of a name -> concept ids
    forms: dict  # concept id -> stems of all its names
    quantities: dict  # stems of a quantity name -> quantity id


@functools.lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    phrases, forms, quantities = {}, {}, {}
    concepts = [(name, q.names) for name, q in _QUANTITIES.items()]
    concepts += [(names.split('|')[0], tuple(names.split('|'))) for names in _TERMS]
    for concept, names in concepts:
        forms[concept] = tuple(_stems(n) for n in names)
        for stems in forms[concept]:
            phrases.setdefault(stems, set()).add(concept)
            if concept in _QUANTITIES:
                quantities[stems] = concept
    return _Lexicon(phrases, forms, quantities)


_REL = _words('equals', 'equal to', 'is equal to', 'is equal', 'égale', 'égal', 'égale à', 'égal à',
              'est égal à', 'est égale à', 'vaut')
_WEAK_REL = _words('is', 'est')  # "the power is the voltage times the current"
_OPS = {'×': '*', '*': '*', '·': '*', '/': '/', '÷': '/', '+': '+', '-': '-', '^': '^', '**': '^'}
_OP_WORDS = {_stems('times'): '*', _stems('multiplied by'): '*', _stems('fois'): '*',
             _stems('multiplié par'): '*', _stems('divided by'): '/', _stems('divisé par'): '/',
             _stems('over'): '/', _stems('sur'): '/', _stems('plus'): '+', _stems('minus'): '-',
             _stems('moins'): '-', _stems('squared'): 2, _stems('au carré'): 2, _stems('carré'): 2,
             _stems('cubed'): 3, _stems('au cube'): 3}
_FORMULA_SKIP = {'the', 'le', 'la', 'l', "'", '(', ')'}
_CONSTANTS = {'pi': math.pi, 'π': math.pi}

_POWER_OF_TEN = _words('to the', 'to the power', 'to the power of', 'puissance', 'à la puissance',
                       'exposant')
_TIMES = {'×', 'x', '*', '·', _stem('times'), _stem('fois')}
_TEN = {'10', 'ten', 'dix'}
_MINUS = {'-', 'minus', 'moins'}
_OF = _words('of', 'of a', 'of an', 'de', "d'", "d'un", "d'une", 'a', 'an')  # one tenth of a second
_PER = {'/', 'per', 'par'}
_SQUARED = {_stems('squared'): 2, _stems('carré'): 2, _stems('carrés'): 2, _stems('cubed'): 3,
            _stems('cube'): 3, _stems('cubes'): 3}
_ORDINAL_ENDINGS = {'st', 'nd', 'rd', 'th', 'e', 'er', 're', 'eme', 'ieme'}
_LIST_JOINERS = {',', 'and', 'et', 'or', 'ou', 'to', 'a', 'from', 'de'}
_BOTH = {'les', 'des', 'ces', 'aux', 'tous', 'toutes'}  # "les deux": both, not a count

# What a sentence says a number is: "takes ... to charge" is a duration, "the voltage is" a voltage.
_DURATION_VERBS = {_stem(w) for w in 'take takes took taking last lasts lasted lasting prend prennent '
                   'met mettent faut dure durent'.split()}
_DURATION_ONLY_BEFORE = {_stem(w) for w in 'take takes took taking prend prennent met mettent faut'.split()}
_DURATION_TAIL = {'to', 'for', 'before', 'until', 'pour', 'avant', 'a', 'jusqu'}
_DURATION_FILLERS = {_stem(w) for w in 'it about approximately around roughly only just nearly almost '
                     'exactly the a an with and plus then environ seulement presque exactement avec '
                     'et le la l il lui ca cela se en'.split()} | {',', "'"}
_AFTER = {'after', 'within', 'apres'}
_LINKS = {_stem(w) for w in 'is was are be will becomes become of equals equal to about approximately '
          'around roughly only just then now therefore so thus here exactly nearly almost est sont de d '
          'du vaut egale egal a environ seulement alors donc ainsi ici exactement presque devient sera '
          'reaches atteint'.split()} | {"'", ':', '=', ','}
_ARTICLES = {'the', 'a', 'an', 'le', 'la', 'l', 'les', 'un', 'une', 'this', 'that', 'ce', 'cette', "'",
             'its', 'his', 'sa', 'son', 'ses'}
_COMPLEMENT = {'de', 'du', 'des', 'd', 'of', 'across', 'through', 'in', 'dans', 'aux', 'au', 'à', 'par',
               'with', 'avec', 'for', 'pour', 'entre', 'between', 'sur', 'on', 'by'}

# Changes of a quantity. Verbs -> (factor, or '+'/'-' for a rise or fall without one; whether the
# quantity may follow: "double the voltage"). Nouns as well as verbs ("drop", "rise", "fall": a
# voltage drop is no change) are left out.
_CHANGE_VERBS = {
    **{w: (2.0, True) for w in _words('double', 'doubles', 'doubled', 'doubling', 'doublent', 'doublé',
                                       'doublée', 'doublés', 'doublées', 'doubler')},
    **{w: (3.0, True) for w in _words('triple', 'triples', 'tripled', 'tripling', 'triplent', 'triplé',
                                       'triplée', 'tripler')},
    **{w: (4.0, True) for w in _words('quadruple', 'quadruples', 'quadrupled', 'quadruplent', 'quadruplé')},
    **{w: (0.5, True) for w in _words('halve', 'halves', 'halved', 'halving')},
    **{w: ('+', True) for w in _words('increase', 'increases', 'increased', 'increasing', 'augmente',
                                       'augmentent', 'augmenté', 'augmentée', 'augmenter')},
    **{w: ('+', False) for w in _words('grows', 'grew', 'growing', 'goes up', 'go up', 'went up', 'croît',
                                        'croissent', 'monte', 'montent')},
    **{w: ('-', True) for w in _words('decrease', 'decreases', 'decreased', 'decreasing', 'reduce',
                                       'reduces', 'reduced', 'reducing', 'diminue', 'diminuent', 'diminué',
                                       'diminuée', 'diminuer', 'réduit', 'réduite', 'réduire')},
    **{w: ('-', False) for w in _words('goes down', 'go down', 'went down', 'décroît', 'décroissent',
                                        'baisse', 'baissent')},
}
_SCALED_BY = {**{w: 1 for w in _words('multiplied by', 'multiplies by', 'multiplié par', 'multipliée par',
                                      'multipliés par', 'multipliées par')},
              **{w: -1 for w in _words('divided by', 'divides by', 'divisé par', 'divisée par', 'divisés par',
                                       'divisées par')}}
_PROPORTIONAL = {**{w: 1 for w in _words('proportional to', 'directly proportional to', 'proportionnel à',
                                         'proportionnelle à', 'proportionnels à', 'proportionnelles à')},
                 **{w: -1 for w in _words('inversely proportional to', 'inversement proportionnel à',
                                          'inversement proportionnelle à', 'inversement proportionnels à')}}
_NEGATIONS = {'not', 'never', 't', 'no', 'ne', 'n', 'pas', 'jamais'}
# Between a quantity and its verb: "the current is multiplied", "the voltage also doubles".
_VERB_FILLERS = {_stem(w) for w in 'is are was were will would be been being also too then thus therefore '
                 'itself est sont sera seront serait a ont été aussi également alors lui-même'.split()}
# Where the clause of a change begins: "when the voltage doubles, the current doubles".
_CLAUSE_STARTS = {'and', 'when', 'if', 'while', 'as', 'so', 'but', 'that', 'which', 'because', 'since',
                  'whereas', 'et', 'quand', 'lorsque', 'lorsqu', 'si', 'mais', 'que', 'qu', 'qui', 'car',
                  'donc', 'puis', 'alors', 'tandis'}


# ---------------------------------------------------------------------------------------------
# Reading one text: its quantities, units, formulas and terms.

class _Quantity(NamedTuple):
    text: str
    values: tuple  # as written; a second reading when the digits are ambiguous ('1,000')
    unit: Optional[_Unit]
    rounding: float  # how far the value may be from what it rounds (0.005 for '0.33'); 0 if exact
    first: int  # token range
    last: int

    @property
    def dim(self) -> tuple:
        return self.unit.dim if self.unit else _ZERO

    @property
    def factor(self) -> float:
        return self.unit.factor if self.unit else 1.0


class _Reading:
    """Everything checkable in one text. `language` None reads digits both ways (passages)."""

    def __init__(self, text: str, language: Optional[str], sentence: bool):
        self.text = _prepare(text)
        self.tokens = _tokenize(self.text)
        self.language = language
        n = len(self.tokens)
        self.next = [self._skip_joiners(i + 1) for i in range(n)]
        self.used = [False] * n
        self.variables = set()  # of the formulas: 'P' in 'P = U × I' says the text speaks of power
        self.quantities = self._read_quantities()
        self.formulas = self._read_formulas()
        self.units = self._read_units(alone_only=sentence)
        self.measures = self._read_measures() if sentence else {}
        self.terms = self._read_terms() if sentence else []
        self.factors = set()  # tokens of the numbers that are factors of changes ("divided by 2")
        self.changes, self.proportions = self._read_changes()

    def claims(self) -> list:
        """Return (first token, Claim, what to check it with) for every claim, in text order."""
        # The factor of a change is checked with its change: "multiplied by two" where the
        # teacher said "doubles".
        found = [(q.first, Claim('number', q.text, q.values[0], q.unit.symbol if q.unit else '',
                                 self.measures.get(n, '')), q) for n, q in enumerate(self.quantities)
                 if q.first not in self.factors]
        found += [(first, Claim('unit', text, None, unit.symbol), unit) for text, unit, first in self.units]
        found += [(first, Claim('formula', text), key) for text, key, first in self.formulas]
        found += [(first, Claim('term', text), key) for text, key, first in self.terms]
        found += [(first, Claim('change', text, factor if isinstance(factor, float) else None, '', quantity),
                   (quantity, factor)) for text, quantity, factor, first in self.changes]
        return sorted(found, key=lambda f: f[0])

    # -- token helpers

    def _skip_joiners(self, i: int) -> int:
        tokens = self.tokens
        while (i < len(tokens) - 1 and tokens[i].text in _JOINERS and 0 < i and
               tokens[i - 1].end == tokens[i].start and tokens[i].end == tokens[i + 1].start):
            i += 1
        return i

    def _phrase(self, i: int, table, longest: int = 4):
        """Return the longest phrase from token i whose stems are in `table`: (value, end) or None."""
        stems, j, found = [], i, None
        for _ in range(longest):
            if j >= len(self.tokens) or self.tokens[j].kind != 'word':
                break
            stems.append(self.tokens[j].stem)
            j = self.next[j]
            key = tuple(stems)
            if key in table:
                found = (table[key] if isinstance(table, dict) else key, j)
        return found

    def _span_stems(self, first: int, last: int) -> tuple:
        return tuple(t.stem for t in self.tokens[first:last] if t.kind == 'word')

    def _fold_at(self, i: int) -> str:
        return self.tokens[i].fold if i < len(self.tokens) else ''

    def _stem_at(self, i: int) -> str:
        return self.tokens[i].stem if i < len(self.tokens) else ''

    def _span(self, first: int, last: int) -> str:
        return self.text[self.tokens[first].start:self.tokens[last - 1].end]

    def _adjacent(self, i: int) -> bool:
        """Tell whether token i touches the token before it (no space)."""
        return 0 < i < len(self.tokens) and self.tokens[i - 1].end == self.tokens[i].start

    # -- numbers

    def _read_quantities(self) -> list:
        found, i = [], 0
        names = _units().names
        while i < len(self.tokens):
            unit_name = self._phrase(i, names, 3)
            if unit_name and unit_name[1] - i > 1 and self.tokens[i].kind == 'word':
                i = unit_name[1]  # 'per cent', 'pour cent': not the number 'cent'
                continue
            quantity = self._quantity_at(i)
            if quantity is None:
                i += 1
                continue
            if quantity.values:
                found.append(quantity)
                for k in range(quantity.first, quantity.last):
                    self.used[k] = True
            i = max(quantity.last, i + 1)
        return self._share_units(found)

    def _share_units(self, found: list) -> list:
        """'2, 3 and 5 ohms', 'entre 2 et 5 volts': the numbers of a list share its last unit."""
        for n in range(len(found) - 2, -1, -1):
            quantity, following = found[n], found[n + 1]
            between = self.tokens[quantity.last:following.first]
            if quantity.unit is None and following.unit is not None and between and \
                    all(t.fold in _LIST_JOINERS for t in between):
                found[n] = quantity._replace(unit=following.unit)
        return found

    def _quantity_at(self, i: int) -> Optional[_Quantity]:
        number = self._digits_at(i) if self.tokens[i].kind == 'num' else self._words_at(i)
        if number is None:
            return None
        values, end, rounding = number
        if not values:  # an ordinal ('3rd', '2e'): nothing to check
            return _Quantity('', (), None, 0.0, i, end)
        negative = self._sign_before(i)
        first = i - 1 if negative else i
        if negative:
            values = tuple(-v for v in values)
        values, end, rounding = self._times_ten_to(values, end, rounding, i)
        unit, end = self._unit_after(end)
        return _Quantity(self._span(first, end), values, unit, rounding, first, end)

    def _sign_before(self, i: int) -> bool:
        """Tell whether a minus belongs to the number: '-4 °C', 'moins 20 décibels', not '12 - 3'."""
        if i == 0 or self.tokens[i - 1].fold not in _MINUS:
            return False
        if self.tokens[i - 1].text == '-' and not self._adjacent(i):
            return False
        if i < 2:
            return True
        before = self.tokens[i - 2]  # after a number, a unit or a variable, a minus subtracts
        return not (before.kind == 'num' or self.used[i - 2] or before.text == ')' or
                    before.kind == 'word' and len(before.text) == 1 and before.text not in 'aày')

    def _digits_at(self, i: int):
        token, tokens = self.tokens[i], self.tokens
        if i + 1 < len(tokens) and self._adjacent(i + 1) and tokens[i + 1].fold in _ORDINAL_ENDINGS:
            return (), i + 2, 0.0
        if i + 2 < len(tokens) and tokens[i + 1].text == ':' and self._adjacent(i + 1) and \
                self._adjacent(i + 2) and re.fullmatch(r'\d\d', tokens[i + 2].text) and token.text.isdigit():
            value = int(token.text) * 60 + int(tokens[i + 2].text)  # a time of day, 12:40
            return (float(value),), i + 3, 0.0
        if i + 2 < len(tokens) and tokens[i + 1].text == '/' and self._adjacent(i + 1) and \
                self._adjacent(i + 2) and token.text.isdigit() and tokens[i + 2].text.isdigit() and \
                int(tokens[i + 2].text):  # a written fraction: 1/2
            return (int(token.text) / int(tokens[i + 2].text),), i + 3, 0.0
        written, end = token.text, i + 1
        if self.language != 'en':  # French thousands: 1 000, 20 000
            while re.fullmatch(r'\d{1,3}', token.text) and end < len(tokens) and \
                    re.fullmatch(r'\d{3}', tokens[end].text) and tokens[end].start - tokens[end - 1].end == 1:
                written += tokens[end].text
                end += 1
        values = _digit_readings(written, self.language)
        rounding = _rounding(written)
        multiplier = self._phrase(end, _DIGIT_MULTIPLIERS, 1)
        if multiplier:
            values, end, rounding = tuple(v * multiplier[0] for v in values), multiplier[1], 0.0
        return values, end, rounding

    def _small_at(self, i: int):
        """Return a number 0..999 in words from token i: (value, end) or None."""
        return self._phrase(i, _number_words(), 7)

    def _words_at(self, i: int):
        """Read a number in words: 'twelve', 'soixante-trois', 'one tenth', 'two point five', 'half'."""
        token = self.tokens[i]
        if token.kind != 'word':
            return None
        if token.stem in _HALF:
            return (0.5,), self.next[i], 0.0
        small = self._small_at(i)
        if small is None and token.fold in _A:  # 'a thousand', 'a tenth'
            small = (1, self.next[i])
        elif small is None and token.fold == 'mille':  # French says 'mille', not 'un mille'
            small = (1, i)
        if small is None:
            return None
        value, end = small
        if self._stem_at(end) in _MULTIPLIERS:
            value *= _MULTIPLIERS[self._stem_at(end)]
            end = self.next[end]
            rest = self._small_at(self.next[end] if self._fold_at(end) in ('and', 'et') else end)
            if rest:
                value, end = value + rest[0], rest[1]
        elif self._stem_at(end) in _denominators():
            value, end = value / _denominators()[self._stem_at(end)], self.next[end]
        elif self._fold_at(end) in _DECIMAL_POINT and self._small_at(self.next[end]):
            value, end = self._decimal_words(value, self.next[end])
        elif end == self.next[i] and token.fold in _A and \
                not (token.fold in _ARTICLES_ONE and self._starts_unit(end)):
            return None  # an article: 'a', 'one of them', 'un condensateur'
        half = self._phrase(self.next[end], _AND_A_HALF, 2) if self._fold_at(end) in ('and', 'et') else None
        if half:
            value, end = value + 0.5, half[1]
        if value == 2 and i > 0 and self.tokens[i - 1].fold in _BOTH and end == self.next[i]:
            return None  # 'les deux': both
        return (float(value),), end, 0.0

    def _decimal_words(self, whole: float, i: int):
        """'two point five', 'trois virgule quatorze': the whole number, then its decimals from i."""
        digits = ''
        while (small := self._small_at(i)) and (not digits or small[0] < 10):
            digits, i = digits + str(small[0]), small[1]
            if small[0] >= 10:  # French reads the decimals as one number: 'virgule quatorze'
                break
        return float(f'{int(whole)}.{digits}'), i

    def _starts_unit(self, i: int) -> bool:
        return self._unit_after(i)[0] is not None

    def _times_ten_to(self, values: tuple, end: int, rounding: float, start: int):
        """'1.5 × 10^-3', 'ten to the minus six', '10 puissance -9'."""
        tokens, j = self.tokens, end
        is_ten = self._span(start, end).lower() in _TEN
        if not is_ten:
            if j < len(tokens) and (tokens[j].stem in _TIMES or tokens[j].text in _TIMES):
                j += 1
            else:
                return values, end, rounding
            if j >= len(tokens) or tokens[j].fold not in _TEN:
                return values, end, rounding
            j = self.next[j]
        intro = self._phrase(j, _POWER_OF_TEN, 4)
        if intro:
            j = intro[1]
        elif j < len(tokens) and tokens[j].text in ('^', '**'):
            j += 1
        else:
            return values, end, rounding
        sign = 1
        if j < len(tokens) and tokens[j].fold in _MINUS | {'+', 'plus'}:
            sign, j = (-1 if tokens[j].fold in _MINUS else 1), j + 1
        if j < len(tokens) and tokens[j].kind == 'num' and tokens[j].text.isdigit():
            exponent, j = int(tokens[j].text), j + 1
        elif (small := self._small_at(j)) or (j < len(tokens) and tokens[j].stem in _denominators()):
            exponent, j = (small[0], small[1]) if small else (_denominators()[tokens[j].stem], j + 1)
        else:
            return values, end, rounding
        if exponent > 300:  # beyond what a float holds: not a quantity of a lecture
            return values, end, rounding
        scale = 10.0 ** (sign * exponent)
        if is_ten:
            return (scale,), j, 0.0
        return tuple(v * scale for v in values), j, rounding * scale

    def _unit_after(self, i: int):
        """Return the unit that follows a number at token i: (_Unit or None, end)."""
        unit, end = self._one_unit(i, after_number=True)
        if unit is None:
            return None, i
        power = self._power_at(end)
        if power:
            unit, end = _power(unit, power[0]), power[1]
        if end < len(self.tokens) and self.tokens[end].fold in _PER:
            second, after = self._one_unit(self.next[end] if self.tokens[end].kind == 'word' else end + 1,
                                           after_number=True)
            if second is not None:
                power = self._power_at(after) or (1, after)
                unit, end = _per(unit, second, power[0]), power[1]
        return unit, end

    def _power_at(self, i: int):
        """Return (2 or 3, end) for '^2', 'squared', 'carrés', '^3', 'cubed' at token i, or None."""
        if i + 1 < len(self.tokens) and self.tokens[i].text == '^' and self.tokens[i + 1].text in ('2', '3'):
            return int(self.tokens[i + 1].text), i + 2
        return self._phrase(i, _SQUARED, 2)

    def _one_unit(self, i: int, after_number: bool):
        tokens, units = self.tokens, _units()
        if i >= len(tokens):
            return None, i
        if tokens[i].text == '%':
            return units.symbols['%'], i + 1
        symbol = units.symbols.get(tokens[i].text)
        if symbol and (tokens[i].kind == 'sym' or not self._continues_formula(i)):
            return symbol, i + 1
        for start in [i] + ([self._after_of(i)] if after_number else []):
            if start is None or start >= len(tokens):
                continue
            named = self._phrase(start, units.names, 3)
            if named and (after_number or self._span_stems(start, named[1]) in units.alone):
                return named[0], named[1]
        return None, i

    def _after_of(self, i: int) -> Optional[int]:
        of = self._phrase(i, _OF, 3)
        return of[1] if of else None

    def _continues_formula(self, i: int) -> bool:
        """'0.5 C U²': a letter followed by more letters is a variable, not a unit."""
        tokens = self.tokens
        if len(tokens[i].text) > 1 or not tokens[i].text.isascii():
            return False
        j = i + 1
        if j < len(tokens) and tokens[j].text in _OPS and tokens[j].text not in ('^', '**'):
            if tokens[j].text == '/' and j + 1 < len(tokens) and tokens[j + 1].text in _units().symbols:
                return False  # m/s
            j += 1
        return j < len(tokens) and tokens[j].kind == 'word' and len(tokens[j].text) == 1

    # -- formulas

    def _read_formulas(self) -> list:
        items = self._formula_items()
        formulas = []
        for r, (kind, _, _, _) in enumerate(items):
            if kind not in ('rel', 'weak'):
                continue
            left = self._side(items, r, -1)
            right = self._side(items, r, 1)
            if not left or not right:
                continue
            if kind == 'weak' and (sum(1 for it in left if it[0] == 'var') != 1 or
                                   not any(it[0] == 'op' and it[1] in '*/+-' for it in right)):
                continue
            key = _formula_key(_terms_of(left), _terms_of(right))
            if key is None:
                continue
            first, last = left[0][2], right[-1][3]
            formulas.append((self._span(first, last), key, first))
            self.variables |= {v for it in left + right if it[0] == 'var' for v in it[1]}
            for k in range(first, last):
                self.used[k] = True
            self.quantities = [q for q in self.quantities if not first <= q.first < last]
        return formulas

    def _formula_items(self) -> list:
        """Return the text as (kind, value, first token, end token); 'end' where no formula goes on."""
        items, i, tokens = [], 0, self.tokens
        bare = {q.first: q for q in self.quantities if q.unit is None}
        lexicon = _lexicon()
        while i < len(tokens):
            token = tokens[i]
            if i in bare:
                q = bare[i]
                items.append(('num', q.values[0], i, q.last))
                i = q.last
                continue
            if self.used[i]:
                items.append(('end', None, i, i + 1))
                i += 1
                continue
            rel = self._phrase(i, _REL, 4)
            op = self._phrase(i, _OP_WORDS, 2)
            quantity = self._phrase(i, lexicon.quantities, 4)
            if token.text == '=' or rel:
                items.append(('rel', None, i, i + 1 if token.text == '=' else rel[1]))
            elif token.text in _OPS:
                items.append(('op', _OPS[token.text], i, i + 1))
            elif op:
                kind = 'pow' if isinstance(op[0], int) else 'op'
                items.append((kind, op[0], i, op[1]))
            elif (token.stem,) in _WEAK_REL:
                items.append(('weak', None, i, i + 1))
            elif token.fold in _FORMULA_SKIP or token.text in _FORMULA_SKIP:
                items.append(('skip', None, i, i + 1))
            elif token.fold in _CONSTANTS:
                items.append(('num', _CONSTANTS[token.fold], i, i + 1))
            elif quantity and _QUANTITIES[quantity[0]].symbol:
                items.append(('var', (_QUANTITIES[quantity[0]].symbol,), i, quantity[1]))
            elif token.kind == 'word' and (variables := _variables(token.text)):
                kind = 'pair' if re.fullmatch('[a-z]{2}', token.text) else 'var'
                items.append((kind, variables, i, i + 1))
            else:
                items.append(('end', None, i, i + 1))
            i = items[-1][3]
        return items

    @staticmethod
    def _side(items: list, r: int, step: int) -> list:
        """Return the items of one side of the relation at r, in text order, without skips."""
        side, k = [], r + step
        while 0 <= k < len(items) and items[k][0] not in ('end', 'rel', 'weak'):
            item = items[k]
            if item[0] == 'pair':  # 'ma' is m times a only right after '=' or an operator
                if step < 0 or (side and side[-1][0] != 'op'):
                    break
                item = ('var',) + item[1:]
            if item[0] != 'skip':
                side.append(item)
            k += step
        if step < 0:
            side.reverse()
        while side and side[0][0] == 'op' and side[0][1] != '-':
            side.pop(0)
        while side and side[-1][0] == 'op':
            side.pop()
        return side

    # -- units without a number

    def _read_units(self, alone_only: bool) -> list:
        """Return the units named without a number; in passages, also every unit after a number."""
        found = [(q.text, q.unit, q.first) for q in self.quantities if q.unit] if not alone_only else []
        units, i = _units(), 0
        while i < len(self.tokens):
            token = self.tokens[i]
            if self.used[i]:
                i += 1
                continue
            if token.text in units.alone or token.text in ('°C', '°F'):
                found.append((token.text, units.symbols[token.text], i))
                self.used[i] = True
                i += 1
                continue
            named = self._phrase(i, units.names, 3) if token.kind == 'word' else None
            # In a sentence, a capital is a person ("Newton's law"), and "second" may be an ordinal.
            if named and (not alone_only or token.text.islower() and
                          self._span_stems(i, named[1]) in units.alone and not self._possessive(named[1])):
                found.append((self._span(i, named[1]), named[0], i))
                for k in range(i, named[1]):
                    self.used[k] = True
                i = named[1]
                continue
            i += 1
        return found

    def _possessive(self, i: int) -> bool:
        """Tell whether an "'s" is at token i (or its s): "Ohm's law" names a person, not a unit."""
        tokens = self.tokens
        return i < len(tokens) and (
            tokens[i].text == "'" and i + 1 < len(tokens) and tokens[i + 1].fold == 's' or
            tokens[i].fold == 's' and i > 0 and tokens[i - 1].text == "'" and self._adjacent(i))

    # -- what the numbers measure

    def _read_measures(self) -> dict:
        """Return quantity index -> the quantity id the sentence says it is ('time', 'voltage')."""
        measures, starts = {}, {q.first: n for n, q in enumerate(self.quantities)}
        for i, token in enumerate(self.tokens):
            if token.stem in _DURATION_VERBS:
                spanned, j = [], i + 1
                while j < len(self.tokens):
                    if j in starts:
                        spanned.append(starts[j])
                        j = self.quantities[starts[j]].last
                    elif spanned and self.tokens[j].fold in _DURATION_TAIL:
                        break  # 'met 1 s à se charger'
                    elif self.tokens[j].stem in _DURATION_FILLERS or self.tokens[j].text in _DURATION_FILLERS:
                        j += 1
                    else:
                        break
                tail = token.stem not in _DURATION_ONLY_BEFORE or self._fold_at(j) in _DURATION_TAIL
                if spanned and tail:
                    measures.update((n, 'time') for n in spanned)
            elif token.fold in _AFTER:
                j = i + 1
                while j < len(self.tokens) and self.tokens[j].stem in _DURATION_FILLERS:
                    j += 1
                if j in starts:
                    measures[starts[j]] = 'time'
        names = {}
        for i in range(len(self.tokens)):
            found = self._phrase(i, _lexicon().quantities, 4)
            if found:
                names[found[1] - 1] = (found[0], i)
        for n, quantity in enumerate(self.quantities):
            if n in measures or quantity.unit is None or self._operator_at(quantity.last):
                continue  # "the voltage is 4 ohms times 3 amperes": an expression, not the voltage
            j = quantity.first - 1
            while j >= 0 and j not in names and _LINKS & {self.tokens[j].stem, self.tokens[j].text}:
                j -= 1
            if j in names and j < quantity.first - 1 and self._is_subject(names[j][1]):
                measures[n] = names[j][0]
        return measures

    def _operator_at(self, i: int) -> bool:
        return i < len(self.tokens) and (self.tokens[i].text in _OPS or bool(self._phrase(i, _OP_WORDS, 2)))

    def _is_subject(self, i: int) -> bool:
        """Tell whether the name at token i is a noun of its own, not a complement.

        It starts the sentence, or follows an article that does not follow 'de', 'of', 'across'...
        ("the voltage across the resistance is 12 V").
        """
        if i == 0 or self.tokens[i - 1].text in '.!?:;,':
            return True
        j = i - 1
        if self.tokens[j].text.lower() not in _ARTICLES:
            return False  # "it charges to 5 V": a verb, not the charge
        while j >= 0 and self.tokens[j].text.lower() in _ARTICLES:  # 'a' is an article, 'à' is not
            j -= 1
        return j < 0 or self.tokens[j].text.lower() not in _COMPLEMENT

    # -- changes

    def _read_changes(self) -> tuple:
        """Return the changes stated and the proportions.

        Changes: (text, quantity, factor, first token); proportions: (quantity, quantity, 1, or -1
        when inversely proportional).
        """
        changes, proportions = [], []
        skip_to = 0  # past "inversely proportional to": its "proportional to" is not another one
        for i in range(len(self.tokens)):
            relation = self._phrase(i, _PROPORTIONAL, 4) if i >= skip_to else None
            if relation:
                skip_to = relation[1]
                subject, other = self._quantity_before(i), self._quantity_after(relation[1])
                if subject and other:
                    proportions.append((subject[0], other[0], relation[0]))
                continue
            change = self._change_at(i)
            if change is None or self._negated(i, change[2]):
                continue
            factor, transitive, end, factor_at = change
            quantity = (self._quantity_after(end) if transitive else None) or self._quantity_before(i)
            if quantity:
                if factor_at is not None:
                    self.factors.add(factor_at)
                first, last = min(i, quantity[1]), max(end, quantity[2])
                changes.append((self._span(first, last), quantity[0], factor, first))
        return changes, proportions

    def _change_at(self, i: int):
        """Return (factor, transitive, end, token of the factor or None) for a change at token i."""
        verb = self._phrase(i, _CHANGE_VERBS, 2)
        if verb:
            (factor, transitive), end = verb
            return factor, transitive, end, None
        scaled = self._phrase(i, _SCALED_BY, 2)
        passive = i > 0 and self.tokens[i - 1].stem in _VERB_FILLERS
        if not scaled or scaled[1] >= len(self.tokens) or not passive:
            return None  # "the current is 20 divided by 10" computes; "is divided by 2" changes
        j = scaled[1]
        if any(q.first == j and q.unit is not None for q in self.quantities):
            return None  # "multiplied by 3 volts": a computation, checked as a number
        if self.tokens[j].kind == 'num':
            value, end = _digit_readings(self.tokens[j].text, self.language)[0], j + 1
        else:
            words = self._phrase(j, _number_words(), 3)
            if not words:
                return None  # "the voltage divided by the resistance": a formula, not a change
            value, end = float(words[0]), words[1]
        if not value:
            return None
        return value ** scaled[0], False, end, j

    def _negated(self, first: int, end: int) -> bool:
        """Tell whether a change is denied: "does not double", "ne double pas"."""
        around = self.tokens[max(0, first - 3):first] + self.tokens[end:end + 1]
        return any(t.fold in _NEGATIONS for t in around)

    def _quantity_before(self, i: int):
        """Return (quantity, first, end) of the subject of a verb at token i, or None.

        The subject is the first quantity of the clause before the verb: "the current through the
        resistance doubles" is about the current.
        """
        end = i
        while end > 0 and self.tokens[end - 1].stem in _VERB_FILLERS:
            end -= 1
        start = end
        while start > 0 and end - start < 8:
            token = self.tokens[start - 1]
            if (token.kind == 'sym' and token.text not in _JOINERS) or token.fold in _CLAUSE_STARTS:
                break
            start -= 1
        for k in range(start, end):
            found = self._phrase(k, _lexicon().quantities, 4)
            if found and found[1] <= end:
                return found[0], k, found[1]
        return None

    def _quantity_after(self, i: int):
        """Return (quantity, first, end) of the quantity right after token i, or None.

        Articles and up to two adjectives may come between: "double the absolute temperature".
        """
        while i < len(self.tokens) and self.tokens[i].text.lower() in _ARTICLES:
            i += 1
        for k in range(i, min(i + 3, len(self.tokens))):
            found = self._phrase(k, _lexicon().quantities, 4)
            if found:
                return found[0], k, found[1]
            token = self.tokens[k]
            if token.kind != 'word' or token.fold in _COMPLEMENT or token.fold in _CLAUSE_STARTS:
                return None
        return None

    # -- named terms

    def _read_terms(self) -> list:
        """Return (text, ('proper', stems) or ('lexicon', concept ids), first token) for each term."""
        found, i, tokens, lexicon = [], 0, self.tokens, _lexicon()
        while i < len(tokens):
            token = tokens[i]
            if self.used[i] or token.kind != 'word':
                i += 1
                continue
            if token.text[0].isupper() and len(token.text) > 1 and token.text not in _NOT_TERMS:
                run = self._proper_run(i)
                if run:
                    found.append(run)
                    i = run[3]
                    continue
            phrase = self._phrase(i, lexicon.phrases, 4)
            if phrase:
                concepts = {c for c in phrase[0] if c not in _QUANTITIES or _QUANTITIES[c].checked}
                if concepts:
                    found.append((self._span(i, phrase[1]), ('lexicon', concepts), i, phrase[1]))
                i = phrase[1]
                continue
            i += 1
        return [(text, key, first) for text, key, first, _ in found]

    def _proper_run(self, i: int):
        tokens = self.tokens
        end = i
        while end < len(tokens) and tokens[end].kind == 'word' and tokens[end].text[0].isupper() and \
                not self.used[end] and tokens[end].text not in _NOT_TERMS:
            end += 1
            if end + 1 < len(tokens) and tokens[end].text == '-' and self.next[end - 1] == end + 1:
                end += 1  # Biot-Savart
        starts_sentence = i == 0 or tokens[i - 1].text in '.!?:;"«'
        possessive = self._possessive(end) and not (starts_sentence and tokens[i].fold in _CONTRACTED)
        if starts_sentence and not possessive and (self.next[i] >= end or tokens[i].fold in STOPWORDS):
            return None  # a capital that only starts the sentence
        if starts_sentence and not possessive:
            i = self.next[i]
        stems = tuple(tokens[k].stem for k in range(i, end) if tokens[k].kind == 'word' and
                      tokens[k].stem not in _GENERIC_HEADS and tokens[k].fold not in STOPWORDS)
        if not stems:
            return None
        shown = end
        if possessive and end + 2 < len(tokens) and tokens[end + 2].kind == 'word':
            shown = end + 3  # "Faraday's law"
        return self._span(i, shown), ('proper', stems), i, end


def _variables(text: str) -> tuple:
    """Return the variables a word stands for in a formula: 'R', 'U2', 'R_eq', 'RC', 'tau'."""
    folded = _fold(text)
    if folded in _GREEK:
        return (_GREEK[folded],)
    if len(text) == 1 or re.fullmatch(r'[^\W\d_](?:\d+|_\w+)', text):
        return (_SAME_VARIABLE.get(text, text),)
    if re.fullmatch(r'[A-Zα-ωΑ-Ω]{2,4}', text) or re.fullmatch(r'[a-z]{2}', text):
        return tuple(_SAME_VARIABLE.get(c, c) for c in text)
    return ()


def _terms_of(side: list) -> list:
    """Return a side of a formula as [(coefficient, {variable: exponent})], one per added term."""
    terms, coefficient, exponents, divide, last, sign = [], 1.0, {}, False, [], 1.0
    k = 0
    while k < len(side):
        kind, value = side[k][0], side[k][1]
        if kind == 'var':
            last = []
            for variable in value:
                if variable == 'π':  # 2πRC
                    coefficient = coefficient / math.pi if divide else coefficient * math.pi
                    continue
                step = -1 if divide else 1
                exponents[variable] = exponents.get(variable, 0) + step
                last.append((variable, step))
        elif kind == 'num':
            coefficient = coefficient / value if divide and value else coefficient * value
            last = []
        elif kind == 'pow' or (kind == 'op' and value == '^'):
            power = value if kind == 'pow' else None
            if power is None and k + 1 < len(side) and side[k + 1][0] == 'num':
                power, k = int(side[k + 1][1]), k + 1
            for variable, step in last[-1:]:
                exponents[variable] += step * ((power or 1) - 1)
        elif kind == 'op' and value == '/':
            divide = True  # spoken division takes what follows: "1 divided by 2 pi R C"
        elif kind == 'op' and value in '+-':
            if exponents or coefficient != 1.0:
                terms.append((sign * coefficient, exponents))
            coefficient, exponents, divide, last = 1.0, {}, False, []
            sign = -1.0 if value == '-' else 1.0
        k += 1
    terms.append((sign * coefficient, exponents))
    return terms


def _formula_key(left: list, right: list):
    """Return one key for every arrangement of a relation: U = RI, I = U/R and R·I = U."""
    variables = {v for _, e in left + right for v, p in e.items() if p}
    if len(variables) < 2 or not any(p for _, e in right for p in e.values()) or \
            not any(p for _, e in left for p in e.values()):
        return None
    if len(left) == 1 and len(right) == 1:
        (c_left, e_left), (c_right, e_right) = left[0], right[0]
        exponents = {v: e_left.get(v, 0) - e_right.get(v, 0) for v in variables}
        exponents = {v: p for v, p in exponents.items() if p}
        if not exponents or not c_left or not c_right:
            return None
        ratio = abs(c_right / c_left)
        if exponents[min(exponents)] < 0:
            exponents, ratio = {v: -p for v, p in exponents.items()}, 1 / ratio
        return 'product', tuple(sorted(exponents.items())), round(math.log10(ratio), 2)

    def side_key(terms):
        return tuple(sorted((round(c, 3), tuple(sorted((v, p) for v, p in e.items() if p)))
                            for c, e in terms))
    return 'sum', frozenset((side_key(left), side_key(right)))


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
        if not a.si or not b.si or (a.si, a.dim) == (1, _ZERO) or (b.si, b.dim) == (1, _ZERO):
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
        self.dims = {u.dim for r in readings for _, u, _ in r.units} | {_ZERO}
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


def _close(x: float, target: float, slack: float) -> bool:
    return math.isfinite(x) and math.isfinite(target) and \
        abs(x - target) <= max(TOLERANCE * max(abs(x), abs(target)), slack)


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


def _same_change(claimed, stated) -> bool:
    """Tell whether a change `stated` supports the one `claimed`.

    The same factor does; so does any rise (fall) for a rise (fall) claimed without a factor.
    """
    if isinstance(claimed, float):
        return isinstance(stated, float) and _close(claimed, stated, 0.0)
    rises = stated == '+' or (isinstance(stated, float) and stated > 1)
    falls = stated == '-' or (isinstance(stated, float) and stated < 1)
    return rises if claimed == '+' else falls


def _inverse(change):
    if isinstance(change, float):
        return 1 / change
    return '-' if change == '+' else '+'


def _fits(unit: _Unit, measures: str) -> bool:
    """Tell whether `unit` measures the quantity `measures`; a percentage or a count always can.

    Except a duration: "it takes 63% of the voltage to charge" says no time at all.
    """
    if unit.dim == _ZERO and not unit.timeish:
        return not (measures == 'time' and unit.symbol == '%')
    expected = _QUANTITIES[measures].units
    if not expected:
        return True
    if unit.timeish and 's' in expected:
        return True
    return unit.dim in {_units().symbols[u].dim for u in expected}


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
