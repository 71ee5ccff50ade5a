# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Judging what Milo said: are the key facts there? Used by the demo's verdict and the benchmarks.

A key fact is a list of groups; each group is a string of alternatives separated by '|'. A text
holds the fact when every group has an alternative in it, compared without case, accents or
typographic quotes, so "U = R × I" and "12|twelve|douze" read as a person would.
"""

import re
import unicodedata
from typing import Iterable, List


def _plain(text: str) -> str:
    text = unicodedata.normalize('NFKD', text.lower())
    text = ''.join(c for c in text if not unicodedata.combining(c))
    text = text.replace('’', "'").replace('‘', "'").replace('\u202f', ' ').replace('\xa0', ' ')
    return re.sub(r'\s+', ' ', text)


def has_group(text: str, group: str) -> bool:
    """Return whether one of the '|' alternatives of `group` appears in `text`."""
    plain = _plain(text)
    return any(_plain(alt.strip()) in plain for alt in group.split('|') if alt.strip())


def missing(text: str, groups: Iterable[str]) -> List[str]:
    """Return the groups of a key fact (or of several) that `text` lacks."""
    return [g for g in groups if not has_group(text, g)]


def holds(text: str, groups: Iterable[str]) -> bool:
    """Return whether `text` has every group."""
    return not missing(text, groups)
