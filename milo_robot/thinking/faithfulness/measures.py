# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""What a sentence says a number measures, and whether its unit can measure that.

"it takes 5 s to charge" is a duration, "the voltage is 12 V" a voltage.
"""



from milo_robot.thinking.faithfulness.formulas import _OP_WORDS, _OPS
from milo_robot.thinking.faithfulness.lexicon import _QUANTITIES, _lexicon
from milo_robot.thinking.faithfulness.units import ZERO, _Unit, _units
from milo_robot.thinking.faithfulness.words import _stem

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


def _fits(unit: _Unit, measures: str) -> bool:
    """Tell whether `unit` measures the quantity `measures`; a percentage or a count always can.

    Except a duration: "it takes 63% of the voltage to charge" says no time at all.
    """
    if unit.dim == ZERO and not unit.timeish:
        return not (measures == 'time' and unit.symbol == '%')
    expected = _QUANTITIES[measures].units
    if not expected:
        return True
    if unit.timeish and 's' in expected:
        return True
    return unit.dim in {_units().symbols[u].dim for u in expected}


class _MeasureReading:
    """The part of `_Reading` that reads what the numbers of a sentence measure."""

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
