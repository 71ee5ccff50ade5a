# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Reading one text: its quantities, units, formulas, measures, changes and terms."""

from typing import Optional

from milo_robot.thinking.faithfulness.changes import _ChangeReading
from milo_robot.thinking.faithfulness.formulas import _FormulaReading
from milo_robot.thinking.faithfulness.measures import _MeasureReading
from milo_robot.thinking.faithfulness.numbers import _NumberReading
from milo_robot.thinking.faithfulness.terms import _TermReading
from milo_robot.thinking.faithfulness.units import _UnitReading
from milo_robot.thinking.faithfulness.verdict import Claim
from milo_robot.thinking.faithfulness.words import _JOINERS, _prepare, _tokenize


class _Reading(_NumberReading, _UnitReading, _FormulaReading, _MeasureReading, _ChangeReading,
               _TermReading):
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
