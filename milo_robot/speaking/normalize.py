# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Text to speakable words, in English and French: numbers, units, times, symbols, abbreviations.

Markdown, emoji, source tags and control characters are removed first: a voice would otherwise
read "asterisk asterisk" or spell out a citation.
"""

import re
import unicodedata

from num2words import num2words

LANGUAGES = ('en', 'fr')

# symbol: (English singular, English plural, French singular, French plural)
UNITS = {
    'A': ('ampere', 'amperes', 'ampère', 'ampères'),
    'mA': ('milliampere', 'milliamperes', 'milliampère', 'milliampères'),
    'V': ('volt', 'volts', 'volt', 'volts'),
    'mV': ('millivolt', 'millivolts', 'millivolt', 'millivolts'),
    'kV': ('kilovolt', 'kilovolts', 'kilovolt', 'kilovolts'),
    'W': ('watt', 'watts', 'watt', 'watts'),
    'kW': ('kilowatt', 'kilowatts', 'kilowatt', 'kilowatts'),
    'Wh': ('watt-hour', 'watt-hours', 'wattheure', 'wattheures'),
    'kWh': ('kilowatt-hour', 'kilowatt-hours', 'kilowattheure', 'kilowattheures'),
    'Ω': ('ohm', 'ohms', 'ohm', 'ohms'),
    'kΩ': ('kilohm', 'kilohms', 'kilohm', 'kilohms'),
    'MΩ': ('megohm', 'megohms', 'mégohm', 'mégohms'),
    'Hz': ('hertz', 'hertz', 'hertz', 'hertz'),
    'kHz': ('kilohertz', 'kilohertz', 'kilohertz', 'kilohertz'),
    'MHz': ('megahertz', 'megahertz', 'mégahertz', 'mégahertz'),
    'F': ('farad', 'farads', 'farad', 'farads'),
    'µF': ('microfarad', 'microfarads', 'microfarad', 'microfarads'),
    'nF': ('nanofarad', 'nanofarads', 'nanofarad', 'nanofarads'),
    'H': ('henry', 'henries', 'henry', 'henrys'),
    'mH': ('millihenry', 'millihenries', 'millihenry', 'millihenrys'),
    'J': ('joule', 'joules', 'joule', 'joules'),
    'N': ('newton', 'newtons', 'newton', 'newtons'),
    'Pa': ('pascal', 'pascals', 'pascal', 'pascals'),
    'm': ('metre', 'metres', 'mètre', 'mètres'),
    'cm': ('centimetre', 'centimetres', 'centimètre', 'centimètres'),
    'mm': ('millimetre', 'millimetres', 'millimètre', 'millimètres'),
    'km': ('kilometre', 'kilometres', 'kilomètre', 'kilomètres'),
    'g': ('gram', 'grams', 'gramme', 'grammes'),
    'kg': ('kilogram', 'kilograms', 'kilogramme', 'kilogrammes'),
    's': ('second', 'seconds', 'seconde', 'secondes'),
    'ms': ('millisecond', 'milliseconds', 'milliseconde', 'millisecondes'),
    'min': ('minute', 'minutes', 'minute', 'minutes'),
    'h': ('hour', 'hours', 'heure', 'heures'),
    '°C': ('degree Celsius', 'degrees Celsius', 'degré Celsius', 'degrés Celsius'),
    '°F': ('degree Fahrenheit', 'degrees Fahrenheit', 'degré Fahrenheit', 'degrés Fahrenheit'),
    '°': ('degree', 'degrees', 'degré', 'degrés'),
    '%': ('percent', 'percent', 'pour cent', 'pour cent'),
}

ABBREVIATIONS = {
    'en': {'e.g.': 'for example', 'i.e.': 'that is', 'etc.': 'et cetera', 'vs.': 'versus',
           'approx.': 'approximately', 'Dr.': 'Doctor', 'Prof.': 'Professor', 'Mr.': 'Mister',
           'Mrs.': 'Missus', 'Fig.': 'Figure', 'fig.': 'figure', 'eq.': 'equation',
           'Eq.': 'Equation', 'no.': 'number', 'ch.': 'chapter', 'p.': 'page'},
    'fr': {'p. ex.': 'par exemple', 'c.-à-d.': "c'est-à-dire", 'etc.': 'et cetera',
           'env.': 'environ', 'cf.': 'voir', 'M.': 'Monsieur', 'Mme': 'Madame', 'Mlle': 'Mademoiselle',
           'Pr': 'Professeur', 'Dr': 'Docteur', 'fig.': 'figure', 'éq.': 'équation', 'chap.': 'chapitre',
           'n°': 'numéro', 'p.': 'page'},
}

SYMBOLS = {
    'en': {'+': ' plus ', '=': ' equals ', '×': ' times ', '÷': ' divided by ', '&': ' and ',
           '≈': ' approximately ', '<': ' less than ', '>': ' greater than ', '±': ' plus or minus ',
           '→': ' gives ', '√': ' square root of ', 'π': ' pi '},
    'fr': {'+': ' plus ', '=': ' égale ', '×': ' fois ', '÷': ' divisé par ', '&': ' et ',
           '≈': ' environ ', '<': ' inférieur à ', '>': ' supérieur à ', '±': ' plus ou moins ',
           '→': ' donne ', '√': ' racine carrée de ', 'π': ' pi '},
}

_NUMBER = r'-?\d+(?:[.,]\d+)?'
_UNIT = re.compile(r'(?<![\w.,])(' + _NUMBER + r')\s?(' + '|'.join(
    re.escape(u) for u in sorted(UNITS, key=len, reverse=True)) + r')(?![\w])')
_TIME = re.compile(r'\b([01]?\d|2[0-3])[:h]([0-5]\d)\b')
_ORDINAL = {'en': re.compile(r'\b(\d+)(st|nd|rd|th)\b'), 'fr': re.compile(r'\b(\d+)(er|re|e|ème)\b')}
_THOUSANDS = {'en': re.compile(r'\b(\d{1,3}(?:,\d{3})+)\b'),
              'fr': re.compile(r'\b(\d{1,3}(?:[ \u202f\u00a0]\d{3})+)\b')}
_LONE_NUMBER = re.compile(r'(?<![\w])' + _NUMBER + r'(?![\w])')


def strip_markup(text: str) -> str:
    """Remove Markdown, source tags, emoji and control characters; keep the words."""
    text = re.sub(r'```.*?```', ' ', text, flags=re.S)  # code blocks are not read aloud
    text = re.sub(r'!?\[([^\]]*)\]\([^)]*\)', r'\1', text)  # links and images: their text
    text = re.sub(r'\[[^\]]*\]|</?[A-Za-z][^>]*>', ' ', text)  # [source: ...], [1], <tags>
    text = re.sub(r'(?m)^\s{0,3}(#{1,6}|[-*+]|\d+\.)\s+', '', text)  # headings, list bullets
    text = re.sub(r'(\*\*|__|\*|_|`|~~)(?=\S)(.+?)(?<=\S)\1', r'\2', text)  # emphasis, code
    text = re.sub(r'[*_`~#|]+', ' ', text)  # stray markup characters
    kept = []
    for c in text:
        category = unicodedata.category(c)
        if c in '\n\t':
            kept.append(' ')
        elif category in ('Cc', 'Cf', 'Co', 'Cs') or (category == 'So' and c != '°'):
            continue  # control characters, zero-width joiners, emoji and pictographs
        else:
            kept.append(c)
    return re.sub(r'\s+', ' ', ''.join(kept)).strip()


def _number_words(token: str, language: str) -> str:
    token = token.replace(',', '.')  # a decimal comma (thousands separators are gone by now)
    value = float(token) if '.' in token else int(token)
    return num2words(value, lang=language)


def _unit_words(match, language: str) -> str:
    number, unit = match.group(1), match.group(2)
    en_one, en_many, fr_one, fr_many = UNITS[unit]
    one, many = (fr_one, fr_many) if language == 'fr' else (en_one, en_many)
    value = float(number.replace(',', '.'))
    plural = abs(value) >= 2 if language == 'fr' else abs(value) != 1
    return f'{_number_words(number, language)} {many if plural else one}'


def _time_words(match, language: str) -> str:
    hours, minutes = int(match.group(1)), int(match.group(2))
    if language == 'fr':
        words = f"{num2words(hours, lang='fr')} heure{'s' if hours > 1 else ''}"
        return words + (f" {num2words(minutes, lang='fr')}" if minutes else '')
    if minutes == 0:
        return f"{num2words(hours, lang='en')} o'clock"
    tail = f"oh {num2words(minutes, lang='en')}" if minutes < 10 else num2words(minutes, lang='en')
    return f"{num2words(hours, lang='en')} {tail}"


def normalize(text: str, language: str) -> str:
    """Return `text` as words a voice can read, in `language` ('en' or 'fr'; others: English rules)."""
    lang = language if language in LANGUAGES else 'en'
    text = strip_markup(text)
    for short, full in sorted(ABBREVIATIONS[lang].items(), key=lambda kv: -len(kv[0])):
        text = re.sub(r'(?<![\w.])' + re.escape(short) + r'(?=\s|$|[,;:])', full, text)
    text = _THOUSANDS[lang].sub(lambda m: re.sub(r'[, \u202f\u00a0]', '', m.group(1)), text)
    text = _TIME.sub(lambda m: _time_words(m, lang), text)
    text = _UNIT.sub(lambda m: _unit_words(m, lang), text)
    text = _ORDINAL[lang].sub(lambda m: num2words(int(m.group(1)), lang=lang, to='ordinal'), text)
    text = _LONE_NUMBER.sub(lambda m: _number_words(m.group(0), lang), text)
    for symbol, words in SYMBOLS[lang].items():
        text = text.replace(symbol, words)
    return re.sub(r'\s+([,.;:!?])', r'\1', re.sub(r'\s+', ' ', text)).strip()


_SENTENCE_END = re.compile(r'(?<=[.!?…])\s+')
MAX_CHUNK = 300  # characters: longer sentences are cut at commas, then at spaces


def sentences(text: str) -> list:
    """Split normalised text into sentences, none longer than MAX_CHUNK characters."""
    out = []
    for sentence in filter(None, (s.strip() for s in _SENTENCE_END.split(text))):
        while len(sentence) > MAX_CHUNK:
            cut = sentence.rfind(', ', 0, MAX_CHUNK)
            cut = cut + 1 if cut > MAX_CHUNK // 3 else sentence.rfind(' ', 0, MAX_CHUNK)
            cut = cut if cut > 0 else MAX_CHUNK
            out.append(sentence[:cut].strip())
            sentence = sentence[cut:].strip()
        if sentence:
            out.append(sentence)
    return out
