"""Georgian, Russian and Greek typed in Latin letters, read in their own script.

People type these languages in Latin letters on phones and shared keyboards, mixing two habits:
spelling by sound ("gadamzadda", "kakie", "ergastiria") and, for Georgian, what a key of the
Georgian layout would type ("x" for ხ, "q" for ქ, "w" for წ, capitals for the shifted letters
T თ, R ღ, S შ, J ჟ, Z ძ, W ჭ, C ჩ; "4" for ჩ in chat). One Latin letter often stands for two
native ones (t: თ/ტ, k: კ/ქ, i: ι/η/υ, e: е/э), so no table can be right for every word.

Hence two steps. :func:`to_native` spells a Latin word in the target script with the most
likely letters, good enough for that language's own stop words and inflection rules to apply.
:func:`sound_key` then folds a native word to the letters a Latin typist cannot tell apart, and
:class:`NativeVocabulary` looks that key up among the stems the knowledge actually contains: the
search itself decides which spelling was meant ("treningebi" → ტრენინგ, not თრენინგ).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

from bot.text.scripts import Script, word_script

ROMANIZED_LANGS = ("ka", "ru", "el")
SCRIPT_OF = {"ka": Script.GEORGIAN, "ru": Script.CYRILLIC, "el": Script.GREEK}

# Longest sequences first. Georgian follows the national romanisation (t თ, k ქ, p ფ, ch ჩ, ts
# ც: what an apostrophe-less spelling most often means) and the keyboard for letters the
# romanisation does not use (q ქ, w წ, x ხ, c ც, y ყ).
_GEORGIAN = {
    "sh": "შ", "ch": "ჩ", "tch": "ჭ", "ts": "ც", "tz": "ც", "dz": "ძ", "zh": "ჟ",
    "kh": "ხ", "gh": "ღ", "ph": "ფ", "th": "თ",
    "a": "ა", "b": "ბ", "g": "გ", "d": "დ", "e": "ე", "v": "ვ", "z": "ზ", "t": "თ", "i": "ი",
    "k": "ქ", "l": "ლ", "m": "მ", "n": "ნ", "o": "ო", "p": "ფ", "r": "რ", "s": "ს", "u": "უ",
    "f": "ფ", "q": "ქ", "y": "ყ", "w": "წ", "x": "ხ", "c": "ც", "j": "ჯ", "h": "ჰ", "4": "ჩ",
}  # fmt: skip
# Shift + key on the Georgian layout; only inside a word, since a capital at its start is
# ordinary capitalisation ("Tbilisi", "Saqartvelo").
_GEORGIAN_SHIFTED = {"T": "თ", "R": "ღ", "S": "შ", "J": "ჟ", "Z": "ძ", "W": "ჭ", "C": "ჩ"}
_RUSSIAN = {
    "shch": "щ", "sch": "щ", "zh": "ж", "kh": "х", "ts": "ц", "tz": "ц", "ch": "ч", "sh": "ш",
    "yu": "ю", "ju": "ю", "iu": "ю", "ya": "я", "ja": "я", "yo": "ё", "jo": "ё", "ye": "е",
    "a": "а", "b": "б", "v": "в", "g": "г", "d": "д", "e": "е", "z": "з", "i": "и", "j": "й",
    "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "r": "р", "s": "с", "t": "т",
    "u": "у", "f": "ф", "h": "х", "x": "х", "c": "ц", "w": "ш", "q": "к", "y": "ы", "'": "ь",
    "ʻ": "ь",
}  # fmt: skip
# Phonetic and visual Greeklish: 8 θ, 3 ε, 4 α, w ω.
_GREEK = {
    "th": "θ", "ch": "χ", "kh": "χ", "ps": "ψ", "ks": "ξ", "ph": "φ", "ou": "ου",
    "a": "α", "b": "β", "c": "κ", "d": "δ", "e": "ε", "f": "φ", "g": "γ", "h": "η", "i": "ι",
    "j": "ξ", "k": "κ", "l": "λ", "m": "μ", "n": "ν", "o": "ο", "p": "π", "q": "κ", "r": "ρ",
    "s": "σ", "t": "τ", "u": "υ", "v": "β", "w": "ω", "x": "χ", "y": "υ", "z": "ζ",
    "8": "θ", "3": "ε", "4": "α", "0": "ο",
}  # fmt: skip
_TABLES = {"ka": _GEORGIAN, "ru": _RUSSIAN, "el": _GREEK}
_LONGEST = {lang: max(map(len, table)) for lang, table in _TABLES.items()}

# A Latin "word" as people type it: letters, with digits used as letters and apostrophes (a
# soft sign in Russian translit, oʻ/gʻ in Uzbek; normalised text has ʻ for all of them).
LATIN_WORD = re.compile(r"[A-Za-z0-9'ʻ]*[A-Za-z][A-Za-z0-9'ʻ]*")


def is_acronym(word: str) -> bool:
    """GIZ, NATO, USAID, PDP: kept in Latin whatever the language around them."""
    letters = [ch for ch in word if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


@lru_cache(maxsize=65536)
def to_native(word: str, lang: str) -> str:
    """A Latin-typed word in the script of ``lang`` (ka, ru, el), greedily, longest first."""
    table, longest = _TABLES[lang], _LONGEST[lang]
    out = []
    i = 0
    while i < len(word):
        ch = word[i]
        if lang == "ka" and i > 0 and ch in _GEORGIAN_SHIFTED:
            out.append(_GEORGIAN_SHIFTED[ch])
            i += 1
            continue
        low = word[i : i + longest].lower()
        for size in range(min(longest, len(low)), 0, -1):
            native = table.get(low[:size])
            if native is not None:
                out.append(native)
                i += size
                break
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def to_native_text(
    text: str, lang: str, keep: Callable[[str, str], bool] = lambda _typed, _native: False
) -> str:
    """Every Latin-typed word of ``text`` in the script of ``lang``; acronyms stay Latin, and
    so do the words ``keep`` says to (given the word and its respelling)."""

    def spell(typed: str) -> str:
        if is_acronym(typed):
            return typed
        native = to_native(typed, lang).replace("'", "").replace("ʻ", "")
        if keep(typed, native):
            return typed
        return _stop_spellings(lang).get(sound_key(native.lower(), lang), native)

    return LATIN_WORD.sub(lambda m: spell(m[0]), text)


# What a Latin typist cannot tell apart, folded to one symbol (lower case letters; capitals
# stand for sounds the Latin alphabet spells with two letters).
_GEORGIAN_SOUND = str.maketrans(
    {
        "ა": "a", "ბ": "b", "გ": "g", "დ": "d", "ე": "e", "ვ": "v", "ზ": "z", "თ": "t",
        "ი": "i", "კ": "k", "ლ": "l", "მ": "m", "ნ": "n", "ო": "o", "პ": "p", "ჟ": "J",
        "რ": "r", "ს": "s", "ტ": "t", "უ": "u", "ფ": "p", "ქ": "k", "ღ": "g", "ყ": "k",
        "შ": "S", "ჩ": "C", "ც": "c", "ძ": "Z", "წ": "c", "ჭ": "C", "ხ": "x", "ჯ": "j",
        "ჰ": "h",
    }
)  # fmt: skip
_CYRILLIC_SOUND = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "J",
        "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "x", "ц": "c",
        "ч": "C", "ш": "S", "щ": "S", "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "iu",
        "я": "ia",
    }
)  # fmt: skip
# ευ/αυ sound ev/af, and typists write either v or f for them: β and φ share a key.
_GREEK_PAIRS = (
    ("ου", "u"), ("αι", "e"), ("ει", "i"), ("οι", "i"), ("υι", "i"), ("ευ", "ev"), ("αυ", "av"),
)  # fmt: skip
_GREEK_SOUND = str.maketrans(
    {
        "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "T",
        "ι": "i", "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "X", "ο": "o", "π": "p",
        "ρ": "r", "σ": "s", "ς": "s", "τ": "t", "υ": "i", "φ": "v", "χ": "x", "ψ": "P",
        "ω": "o",
    }
)  # fmt: skip
_REPEATS = re.compile(r"(.)\1+")


def sound_key(native: str, lang: str) -> str:
    """A native (lower-case, folded) word reduced to what its Latin spellings share."""
    if lang == "el":
        for pair, sound in _GREEK_PAIRS:
            native = native.replace(pair, sound)
        key = native.translate(_GREEK_SOUND)
    elif lang == "ru":
        key = native.translate(_CYRILLIC_SOUND)
    else:
        key = native.translate(_GEORGIAN_SOUND)
    return _REPEATS.sub(r"\1", key)


@cache
def _stop_spellings(lang: str) -> dict[str, str]:
    """The language's stop words by sound key: "skolko" is сколько, though a letter-by-letter
    respelling gives "сколко", and question words are stop words that must be read right."""
    from bot.text import el, ka, ru

    rules = {"ka": ka, "ru": ru, "el": el}[lang]
    return {sound_key(w, lang): w for w in sorted(rules.STOP_WORDS) if len(w) >= 3}


def native_stop_keys(lang: str) -> frozenset[str]:
    """Sound keys of the language's stop words, so "skolko" is known for сколько."""
    return frozenset(_stop_spellings(lang))


# A stem shorter than this is matched only exactly: short keys collide too easily.
MIN_PREFIX = 4
# How much shorter a known stem's key may be than the typed one for a prefix match.
MAX_TRIM = 2


@dataclass(frozen=True)
class NativeVocabulary:
    """The stems of one script in the knowledge, by sound key, for one romanised language."""

    lang: str
    keys: list[str]  # sorted sound keys
    stems: list[str]  # the best-known stem of each key
    weights: dict[str, float]  # stem → how common it is (more documents wins a tie)
    key_set: frozenset[str]

    @classmethod
    def build(cls, lang: str, stems: Iterable[tuple[str, float]]) -> NativeVocabulary:
        """From (stem, document frequency) pairs; stems of other scripts are skipped."""
        script = SCRIPT_OF[lang]
        best: dict[str, tuple[float, str]] = {}
        weights = {}
        for stem, weight in stems:
            if word_script(stem) is not script:
                continue
            weights[stem] = weight
            key = sound_key(stem, lang)
            if key not in best or weight > best[key][0]:
                best[key] = (weight, stem)
        keys = sorted(best)
        return cls(lang, keys, [best[k][1] for k in keys], weights, frozenset(keys))

    def __contains__(self, stem: str) -> bool:
        return stem in self.weights

    def match(self, stem: str) -> str | None:
        """The known stem that sounds like ``stem``: the same key, else the longest known key
        that the typed one starts with (inflections differ: a stem cut one letter later)."""
        key = sound_key(stem, self.lang)
        at = bisect.bisect_left(self.keys, key)
        if at < len(self.keys) and self.keys[at] == key:
            return self.stems[at]
        if len(key) < MIN_PREFIX:
            return None
        for size in range(len(key) - 1, max(MIN_PREFIX, len(key) - MAX_TRIM) - 1, -1):
            at = bisect.bisect_left(self.keys, key[:size])
            if at < len(self.keys) and self.keys[at] == key[:size]:
                return self.stems[at]
        return None
