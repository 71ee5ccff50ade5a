# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Say a computation: the formula as the teacher said it, the values used, and the result with its unit."""

import math
from typing import Optional

from milo_robot.thinking.compute.formulas import NAMED
from milo_robot.thinking.compute.quantities import unit_of
from milo_robot.thinking.compute.spoken_expression import PHRASE

# SI units a result is said in, by dimension: the first whose dimension fits.
_RESULT_UNITS = (('J', 'joules', 'joules'), ('W', 'watts', 'watts'), ('N', 'newtons', 'newtons'),
                 ('Pa', 'pascals', 'pascals'), ('V', 'volts', 'volts'), ('A', 'amperes', 'ampères'),
                 ('Ω', 'ohms', 'ohms'), ('Hz', 'hertz', 'hertz'), ('s', 'seconds', 'secondes'),
                 ('m', 'metres', 'mètres'), ('m/s', 'metres per second', 'mètres par seconde'),
                 ('kg', 'kilograms', 'kilogrammes'), ('K', 'kelvin', 'kelvins'),
                 ('C', 'coulombs', 'coulombs'),
                 ('m^3/s', 'cubic metres per second', 'mètres cubes par seconde'), ('F', 'farads', 'farads'),
                 ('m^2', 'square metres', 'mètres carrés'), ('m^3', 'cubic metres', 'mètres cubes'),
                 ('lm', 'lumens', 'lumens'), ('lx', 'lux', 'lux'),
                 ('kg/m^3', 'kilograms per cubic metre',
                                                             'kilogrammes par mètre cube'))
SUM_DIGITS = 5  # significant digits of a result computed by a sum or a difference
_TORQUE = ('moment', 'couple', 'torque')
_ANGULAR = ('pulsation', 'angular')  # per second, as hertz are, but said in radians per second
_PREFIXES = ((1e6, 'mega', 'méga'), (1e3, 'kilo', 'kilo'), (1e-3, 'milli', 'milli'), (1e-6, 'micro', 'micro'))
# A small result is said again in a smaller unit, the first whose bound it is under: "0,0496
# kilogramme, soit 49,6 grammes"; a rate of renewal "0,001 hertz" is 3,6 per hour; a printer's
# flow of 7.2e-9 m³/s is 7,2 mm³/s. (bound, scale, English, French)
_SMALLER = {'kg': ((1, 1e-3, 'grams', 'grammes'),), 'm': ((1, 1e-3, 'millimetres', 'millimètres'),),
            'm^3': ((1e-6, 1e-9, 'cubic millimetres', 'millimètres cubes'), (1, 1e-3, 'litres', 'litres')),
            'm^3/s': ((1e-6, 1e-9, 'cubic millimetres per second', 'millimètres cubes par seconde'),
                      (1, 1e-3, 'litres per second', 'litres par seconde')),
            'Hz': ((1, 1 / 3600, 'per hour', 'par heure'),)}
_SAID = {'en': ('The teacher gave the formula {formula}.', 'With {values}, that gives {result}.', ' and '),
         'fr': ('Le professeur a donné la formule {formula}.', 'Avec {values}, cela donne {result}.', ' et ')}


def number(value: float, language: str, significant: int = 3) -> str:
    """Write a number to three significant digits, as engineers do, without trailing zeros ("0,25" in French).

    Integer digits are kept: 502320 stays 502320.
    """
    if value == 0:
        return '0'
    digits = max(0, significant - 1 - int(math.floor(math.log10(abs(value)))))
    text = f'{value:.{digits}f}'
    if '.' in text:
        text = text.rstrip('0').rstrip('.')
    return text.replace('.', ',') if language == 'fr' else text


def _unit_words(dim: Optional[tuple], language: str, name: str = '') -> tuple:
    """Return (symbol, spoken words) of the SI unit of a dimension, or ('', '')."""
    if dim is None:
        return '', ''
    if any(word in name.lower() for word in _TORQUE) and unit_of('J')[0] == dim:
        return 'N·m', 'newtons-mètres' if language == 'fr' else 'newton-metres'
    if any(word in name.lower() for word in _ANGULAR) and unit_of('Hz')[0] == dim:
        return 'rad/s', 'radians par seconde' if language == 'fr' else 'radians per second'
    for symbol, english, french in _RESULT_UNITS:
        known = unit_of(symbol)
        if known and known[0] == dim:
            return symbol, french if language == 'fr' else english
    return '', ''


def result_text(value: float, dim: Optional[tuple], language: str, name: str = '',
                significant: int = 3) -> str:
    """Say a result with its unit, and a prefix when it reads better ("502320 joules, about 502 kJ")."""
    symbol, words = _unit_words(dim, language, name)
    said = f'{number(value, language, significant)} {words}'.strip()
    if words and symbol in ('J', 'W', 'Pa', 'Hz', 'N') and abs(value) >= 1e4:
        for scale, english, french in _PREFIXES:
            if abs(value) >= scale:
                prefix = french if language == 'fr' else english
                said += f", {'environ' if language == 'fr' else 'about'} {number(value / scale, language)} " \
                        f'{prefix}{words}'
                break
    smaller = next((unit for unit in _SMALLER.get(symbol, ()) if 0 < abs(value) < unit[0]), None)
    if smaller:
        _, scale, english, french = smaller
        said += f", {'soit' if language == 'fr' else 'that is'} {number(value / scale, language)} " \
                f"{french if language == 'fr' else english}"
    return said


def spoken(result, language: str) -> list:
    """Return the sentences of a computed answer: the formula, then the values and the result."""
    language = 'fr' if language == 'fr' else 'en'
    formula_line, values_line, joiner = _SAID[language]
    given = [f'{_symbol(s, result)} = {q.said}' for s, q in result.bound.items()]
    values = joiner.join([', '.join(given[:-1]), given[-1]]) if len(given) > 1 else given[0]
    name = result.variables[result.unknown].name if result.unknown in result.variables else ''
    # A sum or a difference keeps the digits of its terms: 105.2 m minus a staff reading of 1.35 m
    # is 103.85 m, where three digits (104 m) would lose the reading itself.
    significant = SUM_DIGITS if any(op in result.formula.expression for op in '+-') else 3
    answer = result_text(result.value, result.dim, language, name, significant)
    return [formula_line.format(formula=result.formula.said),
            values_line.format(values=values, result=answer)]


def _symbol(symbol: str, result) -> str:
    """Say a symbol as the teacher did: "delta T", "Q dot", or the name of a formula said in words."""
    if symbol == NAMED or symbol.startswith(PHRASE):  # a quantity said in words: "la tension de la LED"
        return result.formula.meanings.get(symbol, symbol)
    if symbol.startswith('d') and len(symbol) == 2:
        return f'delta {symbol[1]}'
    if symbol.endswith('dot') and len(symbol) > 3:
        return f'{symbol[:-3]} dot'
    return symbol
