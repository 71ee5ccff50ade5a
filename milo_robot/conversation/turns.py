# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""End of turn from the transcript: a pause after "...the voltage across the" is not the end.

The VAD ends a segment after a short silence; when the words so far cannot end a sentence, the
dialogue waits a little for the rest instead of answering half a question.
"""

import re
from typing import Callable, Optional

from milo_robot.conversation.addressing import Utterance, parse

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


# A question's grammar, in closed-class words only (no nouns or verbs are listed): after an
# auxiliary that needs a verb ("How do ...", "Can ..."), or after an interrogative adverb in French
# ("Comment ...", "Pourquoi est-ce que ..."), the subject must be followed by a verb. A determiner
# starts a subject of at least two words; anything else (a pronoun, a plural noun), of one.
_WH = set('what how why when where which who whom whose'.split())
_AUX = set('''do does did can could will would should shall may might must
don't doesn't didn't can't couldn't won't wouldn't shouldn't'''.split())
_DET = set('''the a an this that these those my your his her its our their some any each every
no le la les un une des du ce cet cette ces mon ma mes ton ta tes son sa ses notre nos votre vos
leur leurs'''.split())
_ADVERB_FR = set('comment pourquoi quand où'.split())
_WHICH_FR = set('quel quelle quels quelles'.split())
_ETRE_FR = set('est sont était étaient sera seront serait'.split())


def lacks_verb(text: str) -> bool:
    """Return whether a question stops after its interrogative and subject, before any verb.

    "How do resistors", "Can the capacitor", "Comment les résistances", "Pourquoi est-ce qu'il",
    "Quelle tension": the question's verb is still to come.
    """
    words = [w for w in re.findall(r"[\w']+", text.lower()) if w]
    if not words:
        return False
    start = 1 if words[0] in _WH else 0
    if len(words) > start and words[start] in _AUX:  # "How do resistors", "Does the current"
        return _short_subject(words[start + 1:], 2)
    if words[0] in _ADVERB_FR:
        rest = words[1:]
        if rest[:2] == ['est', 'ce'] and len(rest) > 2 and rest[2].startswith(('que', "qu'")):
            rest = rest[3:] if rest[2] == 'que' else [rest[2][3:]] + rest[3:]  # "est-ce qu'il"
        return bool(rest) and _subject_first(rest[0]) and _short_subject(rest, 2)
    if words[0] in _WHICH_FR and len(words) > 1 and words[1] not in _ETRE_FR:
        return len(words) < 3  # "Quelle tension" (its verb to come), not "Quelle est ..."
    return False


_PRONOUNS_FR = set('je tu il elle on nous vous ils elles ça cela'.split())


def _subject_first(word: str) -> bool:
    """Whether `word` opens a subject (a determiner or a pronoun), as after "Comment"."""
    return word in _DET or word in _PRONOUNS_FR or (word.startswith("l'") and len(word) > 2)


def _short_subject(rest: list, need: int) -> bool:
    """Whether `rest` is only a subject: no word left for a verb after it.

    A determiner's subject is at least two words ("the current"), any other at least one
    ("resistors", "it", "il", "l'unité"); `need` counts the subject and the verb.
    """
    return len(rest) < need + (1 if rest and rest[0] in _DET else 0)


def answerable(utterance: Utterance, takes: Callable[[Utterance], bool]) -> bool:
    """Whether Milo would answer `utterance`: words beyond a command or its name, and `takes` them."""
    return not (utterance.command or utterance.lecture_command) and \
        bool(utterance.text.strip(' ?.!,')) and takes(utterance)


def unfinished(text: str, takes: Callable[[Utterance], bool],
               words_judge: Optional[Callable[[str], bool]] = None) -> bool:
    """Return whether `text` stops mid-sentence, so that the dialogue waits for the rest.

    The word rule for any words; for a question Milo answers (`takes`: called by name, or
    question time), also the verb rule and `words_judge` (the turn language model, if any),
    asked only when both rules find the words finished.
    """
    if looks_unfinished(text):
        return True
    utterance = parse(text)
    if not answerable(utterance, takes):
        return False  # a command, the name alone, or talk Milo does not answer
    if lacks_verb(utterance.text):  # "How do resistors?": its verb is still to come
        return True
    return words_judge is not None and words_judge(utterance.text)
