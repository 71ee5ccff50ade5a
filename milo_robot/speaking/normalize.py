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
    'hPa': ('hectopascal', 'hectopascals', 'hectopascal', 'hectopascals'),
    'kPa': ('kilopascal', 'kilopascals', 'kilopascal', 'kilopascals'),
    'MPa': ('megapascal', 'megapascals', 'mégapascal', 'mégapascals'),
    'bar': ('bar', 'bars', 'bar', 'bars'),
    'kN': ('kilonewton', 'kilonewtons', 'kilonewton', 'kilonewtons'),
    'kJ': ('kilojoule', 'kilojoules', 'kilojoule', 'kilojoules'),
    'MJ': ('megajoule', 'megajoules', 'mégajoule', 'mégajoules'),
    'mW': ('milliwatt', 'milliwatts', 'milliwatt', 'milliwatts'),
    'MW': ('megawatt', 'megawatts', 'mégawatt', 'mégawatts'),
    'µA': ('microampere', 'microamperes', 'microampère', 'microampères'),
    'mAh': ('milliampere-hour', 'milliampere-hours', 'milliampère-heure', 'milliampères-heures'),
    'GHz': ('gigahertz', 'gigahertz', 'gigahertz', 'gigahertz'),
    'dB': ('decibel', 'decibels', 'décibel', 'décibels'),
    'µm': ('micrometre', 'micrometres', 'micromètre', 'micromètres'),
    'nm': ('nanometre', 'nanometres', 'nanomètre', 'nanomètres'),
    'm²': ('square metre', 'square metres', 'mètre carré', 'mètres carrés'),
    'mm²': ('square millimetre', 'square millimetres', 'millimètre carré', 'millimètres carrés'),
    'm³': ('cubic metre', 'cubic metres', 'mètre cube', 'mètres cubes'),
    'm/s': ('metre per second', 'metres per second', 'mètre par seconde', 'mètres par seconde'),
    'km/s': ('kilometre per second', 'kilometres per second', 'kilomètre par seconde',
             'kilomètres par seconde'),
    'km/h': ('kilometre per hour', 'kilometres per hour', 'kilomètre par heure',
             'kilomètres par heure'),
    'L': ('litre', 'litres', 'litre', 'litres'),
    'mL': ('millilitre', 'millilitres', 'millilitre', 'millilitres'),
    'µs': ('microsecond', 'microseconds', 'microseconde', 'microsecondes'),
    'ns': ('nanosecond', 'nanoseconds', 'nanoseconde', 'nanosecondes'),
    'ko': ('kilobyte', 'kilobytes', 'kilooctet', 'kilooctets'),
    'Mo': ('megabyte', 'megabytes', 'mégaoctet', 'mégaoctets'),
    'Go': ('gigabyte', 'gigabytes', 'gigaoctet', 'gigaoctets'),
    'kB': ('kilobyte', 'kilobytes', 'kilooctet', 'kilooctets'),
    'MB': ('megabyte', 'megabytes', 'mégaoctet', 'mégaoctets'),
    'GB': ('gigabyte', 'gigabytes', 'gigaoctet', 'gigaoctets'),
    'bit': ('bit', 'bits', 'bit', 'bits'),
    'bits': ('bit', 'bits', 'bit', 'bits'),
    'kbit/s': ('kilobit per second', 'kilobits per second', 'kilobit par seconde',
               'kilobits par seconde'),
    'Mbit/s': ('megabit per second', 'megabits per second', 'mégabit par seconde',
               'mégabits par seconde'),
    'tr/min': ('revolution per minute', 'revolutions per minute', 'tour par minute',
               'tours par minute'),
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

# French names of the letters, written so that espeak-ng says them as a French speaker spells.
LETTERS_FR = dict(zip('ABCDEFGHIJKLMNOPQRSTUVWXYZ', (
    'a', 'bé', 'cé', 'dé', 'euh', 'èf', 'gé', 'ache', 'i', 'ji', 'ka', 'èl', 'èm', 'èn', 'o', 'pé',
    'ku', 'èr', 'èss', 'té', 'u', 'vé', 'double vé', 'ixe', 'i grec', 'zèd')))
# Acronyms a French speaker says as a word, not letter by letter ("IRM" is spelled: not here).
SAID_AS_WORDS_FR = frozenset((
    'NASA', 'OTAN', 'ONU', 'UNESCO', 'RAM', 'ROM', 'LASER', 'RADAR', 'SIDA', 'OVNI', 'INSA',
    'ENSAM', 'CERN', 'ESA', 'ASCII', 'UNIX', 'FIFO', 'LIFO', 'RAID', 'ISO', 'ANSI', 'JSON', 'PIN',
    'WIFI', 'SAMU'))
_ACRONYM = re.compile(r'(?<![\w.-])[A-Z]{2,6}(?:-[A-Z]{1,3})?(?![\w-])')
# French elides "de" before "un(e)": "de 1,5 kW" is "d'un virgule cinq kilowatt", not "de un".
_DE_UN = re.compile(r"\b([Dd])e (une?)\b")
_ROMAN = re.compile(r'[IVX]+')  # "XIV", "IV": espeak-ng reads them as numbers


def _spelled_fr(match) -> str:
    word = match.group(0)
    if _ROMAN.fullmatch(word):
        return word
    if word in SAID_AS_WORDS_FR:
        # Written as a name: espeak-ng spells some all-capital words in English letters
        # ("RAM et" as "èr-a-èm", "ISO" as "i-èss-o"), a capitalised one it reads as a word.
        return word.capitalize()
    return ' '.join(LETTERS_FR[c] for c in word if c != '-')


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
    whole, _, decimals = token.partition('.')
    if language == 'fr' and 0 < len(decimals) <= 3:
        # "3,14" is "trois virgule quatorze" in a French lecture, not "trois virgule un quatre";
        # leading zeros are said one by one ("zéro virgule zéro cinq").
        zeros = len(decimals) - len(decimals.lstrip('0'))
        rest = decimals.lstrip('0')
        spoken = ['zéro'] * zeros + ([num2words(int(rest), lang='fr')] if rest else [])
        sign = 'moins ' if whole.startswith('-') else ''
        return f"{sign}{num2words(abs(int(whole)), lang='fr')} virgule {' '.join(spoken)}"
    value = float(token) if decimals else int(token)
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
    if lang == 'fr':
        text = _DE_UN.sub(r"\1'\2", _ACRONYM.sub(_spelled_fr, text))
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



_CLAUSE_END = re.compile(r'(?<=[,;:])\s+')
MIN_CLAUSE_WORDS = 3  # a shorter clause joins its neighbour: "Bon," alone sounds clipped
LEAD_MAX_WORDS = 12  # a longer head before a colon is the sentence itself, not an introduction


def clauses(parts: list) -> list:
    """Cut sentences after their commas, semicolons and colons, for a voice that speaks by clause.

    A slower voice starts speaking sooner on a short first piece, and synthesises the next one
    while that one plays. A clause of fewer than MIN_CLAUSE_WORDS words joins its neighbour in
    the same sentence.
    """
    out = []
    for sentence in parts:
        pieces = []
        for clause in _CLAUSE_END.split(sentence):
            if pieces and len(pieces[-1].split()) < MIN_CLAUSE_WORDS:
                pieces[-1] = f'{pieces[-1]} {clause}'
            else:
                pieces.append(clause)
        if len(pieces) > 1 and len(pieces[-1].split()) < MIN_CLAUSE_WORDS:
            pieces[-2:] = [' '.join(pieces[-2:])]
        out += pieces
    return out


def lead_clause(parts: list) -> list:
    """Cut the first clause off the first sentence, and leave the rest whole.

    The voice starts on that clause and synthesises the rest of the sentence while it plays: the
    first audio comes after a few words' synthesis instead of a whole sentence's, at the cost of
    one break where the sentence has a pause anyway. An introduction ending with a colon ("The
    teacher said, just now:") is that clause whole.
    """
    if not parts:
        return parts
    head, colon, rest = parts[0].partition(': ')
    if colon and MIN_CLAUSE_WORDS <= len(head.split()) <= LEAD_MAX_WORDS and rest:
        return [head + ':', rest] + parts[1:]
    first = clauses(parts[:1])
    return ([first[0], ' '.join(first[1:])] if len(first) > 1 else first) + parts[1:]


# Words a first piece cut short must not end on: a listener waits for what they announce
# (an article, a preposition, a conjunction, a clitic), or the number or acronym goes on.
_CLINGING_FR = frozenset((
    "le la les l' un une des du de d' au aux à en dans sur sous par pour avec sans entre vers chez "
    "et ou mais qui que qu' quand dont si car donc ce cet cette ces son sa ses se s' leur leurs "
    "mon ma mes il elle ils elles on nous vous je j' tu ne n' y plus très moins c' environ "
    "a est sont ont "  # an auxiliary: its participle follows ("a | lancé")
    "zéro deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize "
    "vingt trente quarante cinquante soixante cent cents mille million millions virgule").split())


def cut_head(piece: str, max_words: int) -> list:
    """Cut a long first piece after at most `max_words` words, where a phrase ends; else keep it.

    The cut is made after the last word within the bound that a phrase can end on: not on a
    word in _CLINGING_FR (nor a compound or elision holding one), not inside a spelled acronym. At least
    two words stay on each side. Returns [piece] or [head, tail].
    """
    words = piece.split()
    letters = set(LETTERS_FR.values())
    for k in range(min(max_words, len(words) - 2), 1, -1):
        last, after = words[k - 1].lower(), words[k].lower()
        # "d'un" ends on "un"; "quatre-vingt-quinze" on numbers: every part is looked at
        if last[-1] in ",;:'" or any(p in _CLINGING_FR for p in re.split(r"[-']", last)):
            continue
        if last in letters and after in letters:
            continue
        return [' '.join(words[:k]), ' '.join(words[k:])]
    return [piece]
