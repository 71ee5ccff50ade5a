# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Named terms: proper nouns ("Faraday's law"), acronyms and words of the lexicon."""



from milo_robot.thinking.faithfulness.lexicon import _QUANTITIES, _lexicon
from milo_robot.thinking.faithfulness.words import _stem
from milo_robot.thinking.retrieval import STOPWORDS

# Generic heads of named terms: "Kirchhoff's Law" is about Kirchhoff, in any language.
_GENERIC_HEADS = {_stem(w) for w in 'law laws rule theorem principle equation effect loi regle theoreme '
                  'principe equation effet circuit circuits bridge pont model modele'.split()}
_NOT_TERMS = {'I', 'Milo', 'OK', 'Ok'}
# Words that start a sentence with "'s" without being anybody's: "Let's", "Here's", "He's".
_CONTRACTED = {'let', 'here', 'he', 'she', 'who', 'everything', 'nothing', 'something', 'today', 'now'}


class _TermReading:
    """The part of `_Reading` that reads named terms."""

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
