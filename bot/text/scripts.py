"""Which writing system a character or word belongs to.

Script, not language, is what the tokenizer and the per-word analyzer dispatch on: a Georgian
article quoting "USAID" must stem the Georgian words as Georgian and keep the acronym as Latin.
"""

from __future__ import annotations

from enum import StrEnum


class Script(StrEnum):
    GEORGIAN = "Geor"
    GREEK = "Grek"
    ARMENIAN = "Armn"
    CYRILLIC = "Cyrl"
    LATIN = "Latn"
    DIGIT = "Digit"
    OTHER = "Other"


# Letters that may sit inside an Uzbek Latin word: the modifier letter turned comma is the
# canonical oʻ/gʻ mark after normalisation (see bot.text.uz).
UZ_APOSTROPHE = "\u02bb"


def char_script(ch: str) -> Script:
    """Classify one character; combining marks follow their base letter via NFC beforehand."""
    o = ord(ch)
    if ch.isdigit():
        return Script.DIGIT
    if 0x10A0 <= o <= 0x10FF or 0x1C90 <= o <= 0x1CBF or 0x2D00 <= o <= 0x2D2F:
        return Script.GEORGIAN
    if 0x0370 <= o <= 0x03FF or 0x1F00 <= o <= 0x1FFF:
        return Script.GREEK
    if ch.isalpha() and (0x0530 <= o <= 0x058F or 0xFB13 <= o <= 0xFB17):
        return Script.ARMENIAN
    if 0x0400 <= o <= 0x052F:
        return Script.CYRILLIC
    # With the IPA block: Azerbaijani writes ə (U+0259) there.
    if ch.isalpha() and (o <= 0x02AF or 0x1E00 <= o <= 0x1EFF):
        return Script.LATIN
    if ch == UZ_APOSTROPHE:
        return Script.LATIN
    return Script.OTHER


def word_script(word: str) -> Script:
    """The script of a token produced by :mod:`bot.text.tokenize` (tokens are single-script)."""
    return char_script(word[0]) if word else Script.OTHER


# Latin names and acronyms (ServiceLab, GIZ, NATO) are common inside questions written in other
# scripts, so a non-Latin script decides once it has this share of the letters.
NON_LATIN_SHARE = 0.25


def dominant_script(text: str) -> Script:
    """The script the text is written in, ignoring digits, punctuation and Latin names."""
    counts: dict[Script, int] = {}
    for ch in text:
        s = char_script(ch)
        if s not in (Script.DIGIT, Script.OTHER):
            counts[s] = counts.get(s, 0) + 1
    if not counts:
        return Script.OTHER
    others = {s: n for s, n in counts.items() if s is not Script.LATIN}
    if others and sum(others.values()) >= NON_LATIN_SHARE * sum(counts.values()):
        return max(others, key=others.__getitem__)
    return max(counts, key=counts.__getitem__)


def well_formed(text: str) -> str:
    """The text without lone UTF-16 surrogates, which a client's broken emoji can leave in
    Telegram's JSON: they cannot be encoded, so nothing could analyse, store or quote them."""
    return text.encode("utf-8", "ignore").decode("utf-8")
