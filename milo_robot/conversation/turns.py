# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""End of turn from the transcript: a pause after "...the voltage across the" is not the end.

The VAD ends a segment after a short silence; when the words so far cannot end a sentence, the
dialogue waits a little for the rest instead of answering half a question.
"""

import re

# Words a sentence does not end on (English and French): articles, prepositions, conjunctions,
# hesitations.
_DANGLING = set('''
a an the of to in on at for from with by about and or but so because if than that which who whose
is are was were be been my your his her its our their this these those what how why when where
um uh er erm hmm like
le la les un une des du de d l au aux et ou mais donc car parce que qu qui dont si est sont
mon ma mes ton ta tes son sa ses notre votre leur ce cet cette ces quel quelle quels quelles
pour par avec sans sur sous dans en euh ben bah
'''.split())

# Of those, the ones no sentence ends on, whatever its punctuation: Whisper often writes "What is
# the?" for a student who paused after "the" with a questioning voice ("What is it for?" may end).
_NEVER_LAST = set('''
a an the my your its our their and or but um uh er erm hmm
le la les un une des du de d l au aux et ou mais mon ma mes ton ta tes son sa ses notre votre leur
ce cet cette ces euh ben bah
'''.split())


def _last_word(text: str) -> str:
    words = re.findall(r"[\w']+", text.lower())
    return (words[-1].split("'")[-1] or words[-1]) if words else ''


def looks_unfinished(text: str) -> bool:
    """Return whether `text` stops where a sentence cannot end (so more words are coming)."""
    stripped = text.rstrip()
    if not stripped:
        return False
    if stripped.endswith(('?', '!')):
        return _last_word(stripped) in _NEVER_LAST
    if stripped.endswith((',', '...', '…', '-')):
        return True
    return _last_word(stripped) in _DANGLING
