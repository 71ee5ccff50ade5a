# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""The app's languages: one string catalogue per language (locales/xx.json), chosen per request.

The choice, in order: a `?lang=xx` switch (then remembered in a cookie), the cookie, the
browser's Accept-Language, English.
"""

import json
from functools import lru_cache
from pathlib import Path

LANGUAGES = ('en', 'fr')
DEFAULT = 'en'
LANG_COOKIE = 'milo_lang'
LOCALES = Path(__file__).with_name('locales')


@lru_cache(maxsize=None)
def catalogue(language: str) -> dict:
    """Return the strings of a language."""
    return json.loads((LOCALES / f'{language}.json').read_text(encoding='utf-8'))


class Translator:
    """`t(key, **values)`: the string of `key` in one language, with its {placeholders} filled."""

    def __init__(self, language: str):
        """Use the catalogue of `language`."""
        self.language = language
        self.strings = catalogue(language)

    def __call__(self, key: str, **values) -> str:
        """Return the string (KeyError for a key missing from the catalogue: a bug to fix)."""
        return self.strings[key].format(**values) if values else self.strings[key]

    def has(self, key: str) -> bool:
        """Return whether the catalogue has this key."""
        return key in self.strings


def translator(language: str) -> Translator:
    """Return the translator of a language."""
    return Translator(language)


def from_accept_language(header: str) -> str:
    """Return the supported language the browser prefers, e.g. 'fr' for 'fr-FR,fr;q=0.9,en;q=0.8'."""
    ranked = []
    for position, part in enumerate((header or '').split(',')):
        tag, _, params = part.strip().partition(';')
        quality = 1.0
        if params.strip().startswith('q='):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        code = tag.strip().lower()[:2]
        if code in LANGUAGES and quality > 0:
            ranked.append((-quality, position, code))
    return min(ranked)[2] if ranked else DEFAULT


def choose(switch: str, cookie: str, accept_language: str) -> str:
    """Return the request's language from the switch, the cookie, then Accept-Language."""
    for candidate in (switch, cookie):
        if candidate in LANGUAGES:
            return candidate
    return from_accept_language(accept_language)
