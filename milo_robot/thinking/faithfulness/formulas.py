# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Formulas: "U = R × I", "P equals U times I" and "I = U/R" read as one relation."""

import math
import re

from milo_robot.thinking.faithfulness.lexicon import _GREEK, _QUANTITIES, _SAME_VARIABLE, _lexicon
from milo_robot.thinking.faithfulness.words import _fold, _stems, _words

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


class _FormulaReading:
    """The part of `_Reading` that reads formulas."""

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
