"""Latin keys that let one name match across Georgian, Cyrillic, Greek, Armenian and Latin.

"Khobi", "ხობი" and "Хоби" are one place; "Samarkand", "Самарқанд" and "Samarqand" one city.
Each word is romanised with a plain table (the national romanisations: Georgian 2002, Russian
passport-style, Greek ELOT-like) and then folded so the spelling differences between those
systems (kh/x/h, q/k, doubled letters, a final vowel that only carries case) disappear. The
result is a short key that rarely collides with an unrelated word yet survives transliteration.
"""

from __future__ import annotations

import re
import unicodedata

from bot.text.scripts import Script, word_script

_GEORGIAN = dict(
    zip(
        "აბგდევზთიკლმნოპჟრსტუფქღყშჩცძწჭხჯჰ",
        "a b g d e v z t i k l m n o p zh r s t u p k gh q sh ch ts dz ts ch kh j h".split(),
        strict=True,
    )
)
_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяўқғҳіїєґәөүұңһ",
        "a b v g d e e zh z i i k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya o q g h"
        " i i e g"  # Ukrainian: "Дія" is the Diia of an English article
        " a o u u n h"  # Kazakh: "Астана хабы", "Қазақстан"
        "".split(),
        strict=True,
    )
)
_GREEK = dict(
    zip(
        "αβγδεζηθικλμνξοπρστυφχψω",
        "a v g d e z i th i k l m n x o p r s t i f ch ps o".split(),
        strict=True,
    )
)
# Eastern Armenian, BGN/PCGN-like ("Yerevan", "Gyumri"); ու is one vowel, spelt before this.
_ARMENIAN = dict(
    zip(
        "աբգդեզէըթժիլխծկհձղճմյնշոչպջռսվտրցւփքօֆ",
        "a b g d e z e y t zh i l kh ts k h dz gh ch m y n sh o ch p j r s v t r ts v p k o f"
        "".split(),
        strict=True,
    )
)
# Azerbaijani letters that do not decompose to a Latin letter and a mark.
_LATIN = {"ə": "e", "ı": "i"}
_TABLES = {
    Script.GEORGIAN: _GEORGIAN,
    Script.CYRILLIC: _CYRILLIC,
    Script.GREEK: _GREEK,
    Script.ARMENIAN: _ARMENIAN,
    Script.LATIN: _LATIN,
}

# Applied in order to the romanised word.
_FOLDS = (
    # Latin spellings of Greek names write ου as ou (Giannarou); Greek writes b, d and g
    # with two letters (μπ, ντ, γκ: Κουρμπόνοφ is Kurbonov, Ντόναλντ Donald).
    (re.compile(r"ou"), "u"),
    (re.compile(r"mp"), "b"),
    (re.compile(r"nt"), "d"),
    (re.compile(r"gk"), "g"),
    (re.compile(r"kh|ch(?=r)|x"), "h"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"th"), "t"),
    (re.compile(r"q|c(?!h)"), "k"),
    (re.compile(r"w"), "v"),
    # A j before a consonant is zh (Uzbek and Georgian typists: "Jvaniya" for Жвания, ჟვანია).
    (re.compile(r"j(?=[bdfgklmnprstvz])"), "zh"),
    (re.compile(r"[yj]"), "i"),
    (re.compile(r"z"), "s"),
    (re.compile(r"(.)\1+"), r"\1"),
)
_TRAILING_VOWELS = re.compile(r"(?<=..)[aeiou]+$")
KEY_LENGTH = 6
KEY_PREFIX = "~"


def romanize(word: str) -> str:
    """A plain Latin spelling of a lower-case word in any of our scripts."""
    script = word_script(word)
    if script is Script.ARMENIAN:
        # ու is u, and a word-initial ե is ye (Երևան, Yerevan).
        word = word.replace("ու", "u").replace("եւ", "ev").replace("և", "ev")
        word = "y" + word if word.startswith("ե") else word
    if script is Script.GREEK:
        word = word.replace("ου", "u")  # one vowel, which υ alone (i) is not
    table = _TABLES.get(script)
    if table is not None:
        word = "".join(table.get(ch, ch) for ch in word).replace("_", "")
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(ch for ch in decomposed if ch.isascii() and ch.isalpha())


def name_key(stem: str) -> str | None:
    """The cross-script key of an analysed word, or None when too short to be distinctive."""
    key = romanize(stem)
    for pattern, repl in _FOLDS:
        key = pattern.sub(repl, key)
    stripped = _TRAILING_VOWELS.sub("", key)
    # Final vowels vary with case and script (Ереване, Yerevan); a short name keeps them
    # rather than have no key at all (Дія and Diia are both "dia", but "d" names nothing).
    key = (stripped if len(stripped) >= 3 else key)[:KEY_LENGTH]
    return KEY_PREFIX + key if len(key) >= 3 else None
