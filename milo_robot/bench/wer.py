# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Word error rate: how far a transcript is from what was said."""


def normalise(text: str) -> list:
    """Lower-case words without punctuation (digits kept)."""
    return ''.join(c if c.isalnum() or c.isspace() else ' ' for c in text.lower()).split()


def word_errors(reference: str, hypothesis: str) -> tuple:
    """Return (substitutions + deletions + insertions, number of reference words)."""
    ref, hyp = normalise(reference), normalise(hypothesis)
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        current = [i]
        for j, h in enumerate(hyp, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h)))
        previous = current
    return previous[-1], len(ref)


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Return the word error rate of one transcript (0 is perfect)."""
    errors, count = word_errors(reference, hypothesis)
    return errors / max(count, 1)
