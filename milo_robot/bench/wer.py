# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Word error rate: how far a transcript is from what was said."""

from functools import lru_cache


def normalise(text: str) -> list:
    """Lower-case words without punctuation (digits kept)."""
    return ''.join(c if c.isalnum() or c.isspace() else ' ' for c in text.lower()).split()


def word_errors(reference: str, hypothesis: str, spared=frozenset()) -> tuple:
    """Return (substitutions + deletions + insertions, number of reference words).

    A reference word in `spared` (normalised words) costs nothing when it is substituted or
    deleted: the word error there would be if those words were always heard right, at best.
    """
    ref, hyp = normalise(reference), normalise(hypothesis)
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        miss = 0 if r in spared else 1
        current = [previous[0] + miss]
        for j, h in enumerate(hyp, 1):
            current.append(min(previous[j] + miss, current[j - 1] + 1,
                               previous[j - 1] + (miss if r != h else 0)))
        previous = current
    return previous[-1], len(ref)


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Return the word error rate of one transcript (0 is perfect)."""
    errors, count = word_errors(reference, hypothesis)
    return errors / max(count, 1)


@lru_cache(maxsize=4096)
def sound_fr(word: str) -> str:
    """How a French word sounds on its own: espeak-ng's IPA without stress, length or liaison marks."""
    from milo_robot.speaking.phonemes import espeak_phonemes

    return ''.join(c for c in espeak_phonemes(word, 'fr') if c not in 'ˈˌː-') or word


def _words_fr(text: str) -> list:
    """Lower-case words, an elided word kept with the next (`l'ordre`: `l'` alone says "èl")."""
    text = text.lower().replace('’', "'")
    return ''.join(c if c.isalnum() or c == "'" else ' ' for c in text).replace("' ", ' ').split()


def sound_errors_fr(reference: str, hypothesis: str) -> tuple:
    """Return (word errors, number of reference words), French words compared by their sound.

    A listener hears sounds, not spellings: `la tension` heard as `l'attention`, `volts` as
    `volte`, `ampères` as `ans-père` are what was said, written otherwise. Both sides become one
    string of phonemes (each word as espeak-ng says it alone), the two strings are aligned, and a
    reference word is an error if any of its phonemes was changed, lost, or had another inserted
    inside it. Phonemes inserted between two words that were both heard right count as one more
    error. A word with its elided article (`l'ordre`) is one word.
    """
    ref = [sound_fr(w) for w in _words_fr(reference)]
    said, heard = ''.join(ref), ''.join(sound_fr(w) for w in _words_fr(hypothesis))
    owner = [i for i, sound in enumerate(ref) for _ in sound]
    table = [list(range(len(heard) + 1))]  # Levenshtein distances between prefixes
    for i, s in enumerate(said, 1):
        row = [i]
        for j, h in enumerate(heard, 1):
            row.append(min(table[i - 1][j] + 1, row[j - 1] + 1, table[i - 1][j - 1] + (s != h)))
        table.append(row)
    wrong, inserted_at = set(), set()
    i, j = len(said), len(heard)
    # One optimal alignment, read backwards; ties favour insertions and losses over a match, so
    # that a word heard in full is matched in full, not with a stray phoneme of its neighbour.
    while i or j:
        if j and table[i][j] == table[i][j - 1] + 1:  # heard, not said, just before said[i]
            if 0 < i < len(said) and owner[i - 1] == owner[i]:
                wrong.add(owner[i])
            else:
                inserted_at.add(i)
            j -= 1
        elif i and table[i][j] == table[i - 1][j] + 1:  # said[i - 1] was not heard
            wrong.add(owner[i - 1])
            i -= 1
        else:  # said[i - 1] heard as heard[j - 1], the same phoneme or another
            if said[i - 1] != heard[j - 1]:
                wrong.add(owner[i - 1])
            i, j = i - 1, j - 1
    # An insertion next to a wrong word belongs to it; between two right words it is one error.
    between = sum(1 for at in inserted_at
                  if not {owner[at - 1] if at else None, owner[at] if at < len(said) else None} & wrong)
    return len(wrong) + between, len(ref)


def unheard_fr(words, hypothesis: str) -> list:
    """Return those of `words` (the key words of what was said) whose sound is not in `hypothesis`."""
    heard = ''.join(sound_fr(w) for w in _words_fr(hypothesis))
    return [w for w in words if ''.join(sound_fr(p) for p in _words_fr(w)) not in heard]
