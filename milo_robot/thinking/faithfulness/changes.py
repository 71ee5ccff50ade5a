# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Changes of a quantity, and the proportions that carry them from one quantity to another.

"the current doubles", "la résistance est multipliée par 2", "the power increases";
"proportional to", "inversement proportionnel à".
"""



from milo_robot.thinking.faithfulness.lexicon import _lexicon
from milo_robot.thinking.faithfulness.measures import _ARTICLES, _COMPLEMENT
from milo_robot.thinking.faithfulness.numbers import _digit_readings, _number_words
from milo_robot.thinking.faithfulness.verdict import _close
from milo_robot.thinking.faithfulness.words import _JOINERS, _stem, _words

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


class _ChangeReading:
    """The part of `_Reading` that reads changes and proportions."""

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
