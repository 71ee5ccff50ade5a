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
# "newton" and "henry" with English sounds that Kokoro's French never learned; "quatre-vingt(s)"
# without the schwa that French says in it (katʁəvɛ̃; "quatre-vingt-quinze" was heard "quatre
# virgule vingt-cinq").
FRENCH_FIXES = {
    'kˈatʁvˈɛ̃': 'kˈatʁəvˈɛ̃',
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


# "deux" said short (dˈø) is heard "de" or "du"; a little longer, it is heard as the number.
_DEUX = re.compile(r'(?<!\S)dˈø(?=[\s,.;:!?…]|$)')
# espeak-ng drops the k of "cinq" before some words ("cinq millimètres" as sɛ̃ milimˈɛtʁ, heard
# "cent"), as in the old "cinq cents"; a teacher says it (sɛ̃k) before a unit or a number.
_CINQ = re.compile(r'(?<!\S)sˈɛ̃(?=\s)')
_LONE_CAPITAL = re.compile(r"(?<![\w'’-])[A-Z](?![\w'’-])")  # "U = R × I", "le point A"
_CLAUSE_MARKS = ',.;:!?…'
_LAST_VOWEL = re.compile('([' + _VOWELS.replace('\u0303', '') + ']\u0303?)(?=[^' + _VOWELS + ']*$)')


@lru_cache(maxsize=1)
def _letter_names() -> dict:
    """Return each capital letter's French name as espeak-ng says it alone ('U': 'ˈy')."""
    from milo_robot.speaking.normalize import LETTERS_FR

    return {c: espeak_phonemes(name, 'fr') for c, name in LETTERS_FR.items()}


def _lone_letters_long(text: str, phonemes: str) -> str:
    """Lengthen the vowel of each letter written alone in `text` ("U égale R fois I": ˈyː, ˈɛːʁ, ˈiː).

    A variable in a formula said as short as a word is heard as another word ("U égale R" came
    back "un ampère égale F"). Each letter is looked for at its own word in the phonemes (the
    words of the text before it, as espeak-ng writes them, give the place), as the stressed
    letter name espeak-ng writes for it alone; a word that only sounds like a letter ("elle",
    "eu") is left as it is.
    """
    words = phonemes.split(' ')
    for match in _LONE_CAPITAL.finditer(text):
        name = _letter_names()[match.group(0)].split(' ')
        at = len(espeak_phonemes(text[:match.start()], 'fr').split()) if match.start() else 0
        for i in (at, at - 1, at + 1):  # espeak-ng may join or part a word at the cut
            said = [w.rstrip(_CLAUSE_MARKS) for w in words[max(i, 0):i + len(name)]]
            if i >= 0 and said == name:
                last = i + len(name) - 1
                words[last] = _LAST_VOWEL.sub(r'\1ː', said[-1], count=1) + words[last][len(said[-1]):]
                break
    return ' '.join(words)


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
    # Short words Whisper mishears when Kokoro says them short: "deux", and letters written alone
    # (variables in a formula); a longer vowel, as a teacher gives a number or a letter on the
    # board, is heard right more often (docs/speaking.md).
    phonemes = _lone_letters_long(text, _DEUX.sub('dˈøː', phonemes))
    if re.search(r'\bcinq\b', text, re.I):
        phonemes = _CINQ.sub('sˈɛ̃k', phonemes)
    return _LATE_LIAISON.sub(r'\1', phonemes)
