# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Say the teacher's own words: the sentences that answer, without the fillers of speech.

A quote is the cheapest answer and the safest: no word is invented, and no model runs, so its
first words leave as soon as the question is read. The sentence is said as the teacher said it,
less the openings that carry nothing ("Okay, so,", "Alors,", "Donc"): the words that carry the
fact are never changed.
"""

import re
from typing import Optional

from milo_robot.thinking import sources
from milo_robot.thinking.evidence import Evidence
from milo_robot.thinking.words import content_stems

_FILLER = re.compile(r"^\W*(?:(?:okay|ok|so|well|right|alright|now|and|then|also|alors|bon|donc|et|"
                     r"voilà|voila|bref|allez|eh bien|ensuite|puis|maintenant)\b[\s,]*)+", re.I)
_CONSEQUENCE = re.compile(r"^\W*(so|therefore|thus|that's why|this is why|hence|donc|c'est pourquoi|"
                          r"ainsi|du coup|par conséquent)\b", re.I)
# "...if two conditions are met.", "...se fait en trois étapes.": the sentence announces what follows.
_ANNOUNCES = re.compile(r"\b(two|three|four|several|deux|trois|quatre|plusieurs)\s+(?:\w+\s+){0,2}?"
                        r"(conditions?|steps?|rules?|parts?|properties|things|ways|cases|étapes?|"
                        r"r[èe]gles?|parties?|propriétés?|choses?|façons?|cas)\b(?:\W+\w+){0,3}\W*$", re.I)
MIN_WORDS = 3  # a trimmed quote keeps at least this many words, or is said whole
NAMED_AT_END = 3  # content words at a sentence's end among which the thing named must be to be introduced


def trim(text: str) -> str:
    """Return the sentence without its spoken opening ("Okay, so, the law..." → "The law...")."""
    text = text.strip()
    rest = _FILLER.sub('', text)
    if rest == text or len(rest.split()) < MIN_WORDS or not rest[0].isalnum():
        return text
    return rest[0].upper() + rest[1:]


def consequence(text: str) -> bool:
    """Whether a sentence states a consequence of the one before it ("So...", "Donc...")."""
    return bool(_CONSEQUENCE.match(text))


def leads_in(text: str, named: tuple) -> bool:
    """Whether a sentence only leads into the next one, which says what the question asks.

    It ends with a colon, announces a count of things ("...si deux conditions sont vérifiées."),
    or ends by naming the thing asked about ("There's a trap with the integral, called integral
    windup."): the teacher says what it is in the sentence after.
    """
    text = text.strip()
    if text.endswith(':') or _ANNOUNCES.search(text):
        return True
    last = content_stems(text)[-NAMED_AT_END:]
    return bool(named) and all(s in last for s in named)


def parts(evidence: Evidence, positions: tuple, language: str,
          current_lecture: Optional[int] = None) -> list:
    """Return the spoken parts of a quote: the introduction with the first sentence, then the rest."""
    first = evidence.sentences[positions[0]]
    now = evidence.now_s(first.lecture_id) if first.kind == 'lecture' else None
    texts = [trim(evidence.sentences[i].text) for i in positions]
    return [sources.spoken_quote(first, texts[0], language, now, current_lecture)] + texts[1:]
