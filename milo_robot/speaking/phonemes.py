# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""espeak-ng's IPA, in process, through the binding that piper-tts ships (no subprocess a clause)."""

import re
from functools import lru_cache

from milo_robot.audio.piper_voice import ESPEAK_LOCK

_LANGUAGE_FLAGS = re.compile(r'\([a-z-]+\)')  # espeak-ng's "(en)…(fr)" around foreign words
_espeak_ready = []  # the binding is initialised once a process (Piper's voices do it as well)


def espeak_phonemes(text: str, language: str) -> str:
    """Return espeak-ng's IPA for `text`, with clause punctuation kept (Kokoro phrases by it)."""
    from piper import espeakbridge
    from piper.phonemize_espeak import ESPEAK_DATA_DIR

    with ESPEAK_LOCK:
        if not _espeak_ready:
            espeakbridge.initialize(str(ESPEAK_DATA_DIR))
            _espeak_ready.append(True)
        espeakbridge.set_voice(language)
        clauses = espeakbridge.get_phonemes(text)
    return ' '.join(_LANGUAGE_FLAGS.sub('', ph) + end for ph, end, _ in clauses).strip()


# Words espeak-ng 1.52 says wrongly in French, as its IPA: what it writes -> what a teacher says.
# Units, mostly: "milliampère" comes out "mil-yam-père" (heard as "milliards paire"), and
# "newton" and "henry" with English sounds that Kokoro's French never learned.
FRENCH_FIXES = {
    'miljɑ̃p': 'miliɑ̃p',
    'miljwˈat': 'miliwˈat',
    'mikʁɔɑ̃p': 'mikʁoɑ̃p',
    'kilɔɔkt': 'kiloɔkt',
    'kˈɪlənjˌuːtən': 'kilonjutˈɔn',
    'njˈuːtən': 'njutˈɔn',
    'mˈɪlɪhˌɛnɹi': 'miliɑ̃ʁˈi',
    'hˈɛnɹi': 'ɑ̃ʁˈi',
}
_FRENCH_FIX = re.compile('|'.join(re.escape(k) for k in sorted(FRENCH_FIXES, key=len, reverse=True)))
_VOWELS = 'aeiouyɑɐɔəɛœøɪʊʏɜ\u0303'
# espeak-ng links a plural noun to the next vowel by a z even after a sounded consonant
# ("trois volts et" -> "vɔltz e"), which no one says; a stressed word ending so loses it. Unstressed
# determiners keep theirs ("leurs‿amis"), as do words ending in a vowel ("deux‿ampères"), and
# "quatorze", whose z is its own.
_LATE_LIAISON = re.compile(r'(\S*ˈ\S*[^\s' + _VOWELS + r'ˈˌ-])(?<!katˈɔʁ)z(?=\s+[ˈˌ]?[' + _VOWELS + r'])')


@lru_cache(maxsize=1)
def _spelled_run():
    """Return the pattern of two or more French letter names in a row, as espeak-ng says them alone."""
    from milo_robot.speaking.normalize import LETTERS_FR

    letters = sorted({espeak_phonemes(name, 'fr') for name in LETTERS_FR.values()}, key=len, reverse=True)
    letter = '(?:' + '|'.join(re.escape(ipa) for ipa in letters) + ')ʲ?'  # "i" is "iʲ" before a vowel
    return re.compile(r'(?<!\S)' + letter + '(?: ' + letter + r')+(?=[\s,.;:!?…]|$)')


def _one_group(match) -> str:
    """Say letters spelled out as one word stressed on its last letter, as a French speaker says "TCP"."""
    *head, last = match.group(0).split(' ')
    return ''.join(name.replace('ˈ', '').replace('ˌ', '') for name in head) + last


def kokoro_phonemes(text: str, language: str) -> str:
    """espeak-ng's IPA, with its French mistakes on lecture words corrected (docs/speaking.md)."""
    phonemes = espeak_phonemes(text, language)
    if language != 'fr':
        return phonemes
    phonemes = _FRENCH_FIX.sub(lambda m: FRENCH_FIXES[m.group(0)], phonemes)
    # espeak-ng stresses every letter of a spelled acronym ("tˈe sˈe pˈe"), and Kokoro then says
    # them as separate words that Whisper hears as others ("s'est payé"); said as one group
    # ("tesepˈe") they are heard as the acronym more often (docs/speaking.md).
    phonemes = _spelled_run().sub(_one_group, phonemes)
    return _LATE_LIAISON.sub(r'\1', phonemes)
