# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Turn the words of a spoken formula into an expression of the safe arithmetic (compute/expression.py).

"times", "fois" and "×" multiply, "divided by" and "divisé par" divide everything after them up to
a plus or a minus ("L divided by k times A" is L / (k A)), "squared" and "to the power 4" raise,
"square root of" and "racine de" take a root, and symbols said side by side multiply ("2 pi R C",
"un demi rho v carré"). "delta T" is one variable, and so are "Q dot" and a symbol with its index:
"K p" (a capital and a small letter: Kp), "L zero", "oméga zéro" and "N deux" (L0, omega0, N2), "N1".
A quantity said in words between operators is a variable too, named by its words ("R égale
tension d'alimentation moins tension de la LED, divisé par le courant voulu"), and a comma before
an operator brackets what was said before it.
"""

import re
from typing import Optional

from milo_robot.thinking.compute.quantities import kind_stems
from milo_robot.thinking.words import content_stems, fold

_GREEK = {'rho', 'tau', 'sigma', 'epsilon', 'omega', 'lambda', 'mu', 'theta', 'phi', 'alpha', 'beta',
          'eta', 'gamma', 'delta', 'zeta', 'kappa', 'nu', 'xi', 'psi', 'chi'}
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
PHRASE = 'w_'  # the symbols of quantities said in words ("tension d'alimentation": w_tension_alimentation)
_PHRASE_WORDS = 5  # at most, in a quantity said in words
# "in" and "en" name a unit; "between" and "entre" a description the formula's end cuts in two ("the
# difference between the surface temperature | and the fluid temperature").
# "for", "pour", "qui", "that" a description ("le temps pour mettre tous les bits | sur la ligne").
_NOT_IN_PHRASE = {'in', 'en', 'between', 'entre', 'pour', 'for', 'qui', 'que', "qu'", 'that', 'which', 'to',
                  'quand', 'when'}
_IN = {'in', 'en'}
_DETERMINERS = {'the', 'le', 'la', "l'", 'les', 'its', 'sa', 'son', 'ses'}
_FUNCTIONS = {'log', 'log10', 'ln', 'exp', 'sin', 'cos', 'tan', 'sinus', 'cosinus', 'tangente', 'logarithme'}
_ALL_POWER = {('all', 'squared'): 2, ('all', 'cubed'): 3, ('le', 'tout', 'au', 'carre'): 2,
              ('le', 'tout', 'au', 'cube'): 3}


def symbol(words: list) -> Optional[str]:
    """Return the symbol named by a few words ("Q dot", "delta T", "tau", "m"), or None."""
    words = [w.strip("',:()") for w in words if w.strip("',:()")]
    if not words:
        return None
    if len(words) >= 2 and len(words[-1]) == 1 and len(words[-2]) == 1 and words[-2].isalpha():
        return words[-2] + words[-1]  # "f s": f with its index s
    if len(words) >= 2 and fold(words[-1]) in _INDEX and is_symbol(words[-2]):
        return _name(words[-2]) + _INDEX[fold(words[-1])]
    if len(words) >= 2 and fold(words[-1]) == 'dot' and is_symbol(words[-2]):
        return words[-2] + 'dot'
    if len(words) >= 2 and fold(words[-2]) == 'delta' and is_symbol(words[-1]):
        return 'd' + words[-1]
    return _name(words[-1]) if is_symbol(words[-1]) else None


def _name(word: str) -> str:
    """Return a symbol's name in an expression: Greek letters folded ("Oméga" is omega), others as said."""
    return fold(word) if fold(word) in _GREEK or fold(word) == 'pi' else word


def is_symbol(word: str) -> bool:
    """Whether a word can be a symbol: one letter (not the article "a" or "y"), or a Greek name."""
    return (len(word) == 1 and word.isalpha() and word not in ('a', 'y', 'à')) or fold(word) in _GREEK or \
        bool(_INDEXED.fullmatch(word))


def said_symbol(before: list) -> str:
    """Return the words that name the symbol before "equals", as said ("Q dot", "delta T", "f s")."""
    words = [w.strip("',:()") for w in before[-2:]]
    if len(words) == 2 and (fold(words[1]) in {'dot'} | set(_INDEX) and is_symbol(words[0]) or
                            fold(words[0]) == 'delta' or
                            (len(words[0]) == 1 and len(words[1]) == 1)):
        return ' '.join(words)
    return words[-1] if words else ''


def expression(spoken: str, phrases: Optional[dict] = None) -> Optional[str]:
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
        folded = [fold(w) for w in words[i:i + 6]]
        if words[i] == ',':
            power = next((p for said, p in _ALL_POWER.items()
                          if tuple(fold(w) for w in words[i + 1:i + 1 + len(said)]) == said), None)
            if power and not need_operand:  # ", all squared": the whole right side, raised
                out.append(_close(group) + (')' if denominator else ''))
                return f"({''.join(out)})**{power}"
            # "A plus B, all divided by C", "le tout divisé par C": the comma's bracket, said
            whole = 1 if folded[1:2] == ['all'] else 2 if folded[1:3] == ['le', 'tout'] else 0
            after = _operator(folded[1 + whole:])[0]
            if not need_operand and not whole and after in ('+', '-'):
                i += 1  # "the daily demand times the lead time, plus the safety stock": a sum anyway
                continue
            if need_operand or after not in ('*', '/'):
                break
            # "A minus B, divided by C": the comma closes everything said so far, (A - B) / C.
            out.append(_close(group))
            group = ['(' + ''.join(out) + (')' if denominator else '') + ')']
            out, denominator = [], False
            i += 1 + whole
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
                rest = expression(' '.join(words[i:]), phrases)
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
            if operator == '/' and not denominator and _number_then_times(words[i:i + 6]):
                out.append('/')  # "pi over 4 times D squared": (pi / 4) D², a number alone under the bar
            elif operator == '/' and not denominator:
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
        elif fold(word) == 'delta' and i + 1 < len(words) and is_symbol(words[i + 1]):
            group.append('d' + words[i + 1])
            i += 1
        elif is_symbol(word):
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
        elif phrases is not None and (need_operand and not group or _numbers_only(group) and
                                      fold(words[i - 1]) in _DETERMINERS):
            # ("the car mass plus half the rated load": 0.5 times it; not "12 volts", a unit)
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
    described = any(w in _NOT_IN_PHRASE and not (w in _IN and _of_quantity(content[k + 1:]))
                    for k, w in enumerate(content))
    if not content or len(content) > _PHRASE_WORDS or described or any(is_symbol(w) for w in words[:n]):
        return 0, None
    return n, PHRASE + '_'.join(re.sub(r'\W', '', w) for w in content)


def _of_quantity(after: list) -> bool:
    """Whether "in" or "en" leads to a kind of quantity: "the change in length", not "in square metres"."""
    stems = content_stems(after[0]) if after else []
    return len(stems) == 1 and stems[0] in kind_stems()


def _operator(folded: list) -> tuple:
    for words, operator in _OPERATORS:
        if tuple(folded[:len(words)]) == tuple(fold(w) for w in words):
            if words == ('puissance',) and not _exponent(folded[1:2]):
                continue  # "la puissance visée" is a power in watts, "dix puissance moins 6" an exponent
            return operator, len(words)
    return None, 0


def _numbers_only(group: list) -> bool:
    """Whether a product said so far holds numbers only ("half", "2"): a quantity in words may follow."""
    return bool(group) and all(re.fullmatch(r'\d+(?:\.\d+)?', factor) for factor in group)


def _number_then_times(words: list) -> bool:
    """Whether the words start with a number said alone before "times" ("4 times the bore squared")."""
    return len(words) > 1 and bool(re.fullmatch(r'\d+(?:[.,]\d+)?', words[0])) and \
        _operator([fold(w) for w in words[1:5]])[0] == '*'


def _exponent(after: list) -> bool:
    """Whether the word after "puissance" is its exponent: a number, or "moins" before one."""
    return bool(after) and (after[0][0].isdigit() or after[0] in _NUMBER_WORDS or after[0] == 'moins')


def _close(group: list) -> str:
    """Symbols said side by side multiply: "2 pi R C" is (2*pi*R*C)."""
    if not group:
        return ''
    return group[0] if len(group) == 1 else '(' + '*'.join(group) + ')'
