# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Units: their symbols, names, dimensions and factors, and the units a text names alone.

Dimensions over kg, m, s, A, K, degrees (Celsius or angle, which speech does not tell apart),
°F, dB and light (lumens), so that prefixes convert and computed numbers get their unit.
"""

import functools
import unicodedata
from typing import NamedTuple

from milo_robot.speaking.normalize import UNITS
from milo_robot.thinking.faithfulness.words import _stems

_AXES = ('kg', 'm', 's', 'A', 'K', 'deg', 'degF', 'dB', 'lm')
ZERO = (0,) * len(_AXES)  # the dimension of a plain number


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
    # Hydraulics and pneumatics say pressures in bar, farmers and town planners areas in hectares.
    'bar': (_dim(kg=1, m=-1, s=-2), 1e5, 'm', ('bar', 'bars')),
    'ha': (_dim(m=2), 1e4, '', ('hectare', 'hectares')),
    'min': (_dim(s=1), 60, '', ()),
    'h': (_dim(s=1), 3600, '', ()),
    'K': (_dim(K=1), 1, '', ('kelvin', 'kelvins')),
    '°C': (_dim(deg=1), 1, '', ()),
    '°F': (_dim(degF=1), 1, '', ()),
    '°': (_dim(deg=1), 1, '', ()),
    'dB': (_dim(dB=1), 1, '', ('decibel', 'decibels', 'décibel', 'décibels')),
    # Light: a lamp's flux in lumens, what lands on a square metre (illuminance) in lux.
    'lm': (_dim(lm=1), 1, 'k', ('lumen', 'lumens')),
    'lx': (_dim(lm=1, m=-2), 1, 'k', ('lux',)),
    # An angle in radians is a ratio of lengths: radians per second are per second.
    'rad': (ZERO, 1, '', ('radian', 'radians')),
    '%': (ZERO, 0.01, '', ('per cent', 'pourcent')),
    # A count of time constants: a duration to say, a plain number to compute with (5 τ × 0.1 s).
    'τ': (ZERO, 1, '', ('tau', 'time constant', 'time constants', 'constante de temps',
                         'constantes de temps')),
}
# Names that are also everyday words ("the second law", "a few minutes") are units only after a
# number.
_NEEDS_A_NUMBER = {'s', 'min', 'h', 'm', 'g', 'L', '°', '°C', '°F', '%', 'τ', 'bar', 'ha'}  # "a steel bar"
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


class _UnitReading:
    """The part of `_Reading` that reads units named without a number."""

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
