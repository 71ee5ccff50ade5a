# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Numbers as written or spoken, with their units, in English and French.

Digits ('1,000' read both ways), words ('soixante-trois', 'two point five'), fractions,
powers of ten ('1.5 × 10^-3', 'ten to the minus six').
"""

import functools
import re
from typing import NamedTuple, Optional

from num2words import num2words

from milo_robot.thinking.faithfulness.formulas import _OPS
from milo_robot.thinking.faithfulness.units import ZERO, _per, _power, _Unit, _units
from milo_robot.thinking.faithfulness.verdict import LANGUAGES
from milo_robot.thinking.faithfulness.words import _fold, _stem, _stems, _words

_MULTIPLIERS = {_stem(w): v for w, v in (('hundred', 1e2), ('thousand', 1e3), ('mille', 1e3),
                                         ('million', 1e6), ('billion', 1e9), ('milliard', 1e9))}
_ARTICLES_ONE = {'one', 'un', 'une'}  # "one of them", "un condensateur": an article, not a claim
_A = {'a', 'an', 'one', 'un', 'une'}
_HALF = {'half': 0.5, 'moitie': 0.5}
# The words after which a lone "neuf" is still nine: "fois neuf", "ça fait neuf", "égal à neuf".
_BEFORE_NINE = {'de', 'des', 'les', 'a', 'et', 'ou', 'en', 'fois', 'plus', 'moins', 'par', 'sur', 'vaut',
                'valent', 'fait', 'font', 'donne', 'donnent', 'egal', 'egale', 'egalent', 'environ', 'soit',
                'sont', 'reste', 'restent', 'parmi', 'entre', 'avec', 'sans', 'pour', 'dont', 'apres',
                'avant', 'vers', 'chez'}
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


class _Quantity(NamedTuple):
    text: str
    values: tuple  # as written; a second reading when the digits are ambiguous ('1,000')
    unit: Optional[_Unit]
    rounding: float  # how far the value may be from what it rounds (0.005 for '0.33'); 0 if exact
    first: int  # token range
    last: int

    @property
    def dim(self) -> tuple:
        return self.unit.dim if self.unit else ZERO

    @property
    def factor(self) -> float:
        return self.unit.factor if self.unit else 1.0


class _NumberReading:
    """The part of `_Reading` that reads numbers and the units after them."""

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
        if token.fold == 'neuf' and end == self.next[i] and self._new(i):
            return None  # 'air neuf', 'un moteur neuf': new, not nine
        return (float(value),), end, 0.0

    def _decimal_words(self, whole: float, i: int):
        """'two point five', 'trois virgule quatorze': the whole number, then its decimals from i."""
        digits = ''
        while (small := self._small_at(i)) and (not digits or small[0] < 10):
            digits, i = digits + str(small[0]), small[1]
            if small[0] >= 10:  # French reads the decimals as one number: 'virgule quatorze'
                break
        return float(f'{int(whole)}.{digits}'), i

    def _new(self, i: int) -> bool:
        """Whether the 'neuf' at i is the adjective, not nine.

        The adjective follows a noun, before no plural ('l'air neuf par personne', 'un moteur neuf
        consomme'); nine counts what follows ('neuf élèves').
        """
        before = self.tokens[i - 1] if i > 0 else None
        after = self.tokens[self.next[i]] if self.next[i] < len(self.tokens) else None
        return before is not None and before.kind == 'word' and before.fold not in _BEFORE_NINE and \
            self._small_at(i - 1) is None and after is not None and after.kind == 'word' and \
            not after.fold.endswith(('s', 'x')) and not self._starts_unit(self.next[i])

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
