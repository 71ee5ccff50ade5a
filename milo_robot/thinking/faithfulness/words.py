# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Words and tokens: every comparison is on folded (lower-case, accent-free), lightly stemmed words."""

import functools
import re
import unicodedata
from typing import NamedTuple


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
