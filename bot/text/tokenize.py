"""Split text into single-script words and into sentences.

Scraped articles glue words across scripts ("01სახელმწიფო", "USAID-ის", an image file name
run into the first word), so a word ends wherever the script changes, not only at spaces.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from bot.text.scripts import UZ_APOSTROPHE, Script, char_script

# Every apostrophe-like mark Uzbek writers use for oʻ/gʻ and the tutuq belgisi (ʼ).
APOSTROPHES = "'\u2018\u2019\u02bc\u02bb\u0060\u00b4\u02b9"
_APOSTROPHE_RE = re.compile(f"[{APOSTROPHES}]")
# Armenian writes its question, exclamation and emphasis marks on a vowel inside the word
# ("Ե՞րբ", "when?"): the word is the same without them.
_ARMENIAN_MARKS = re.compile("[\u055b\u055c\u055e]")


def normalize(text: str) -> str:
    """NFC plus one apostrophe and no in-word Armenian marks, so every later step sees one
    spelling of the same text."""
    text = _ARMENIAN_MARKS.sub("", unicodedata.normalize("NFC", text))
    return _APOSTROPHE_RE.sub(UZ_APOSTROPHE, text)


# Questions are tokenised by several stages (language, asks, smalltalk, analysis): short texts
# are remembered; long ones (articles at ingestion) are not, to keep the cache small.
_SHORT = 400


def words(text: str) -> Iterator[str] | tuple[str, ...]:
    """Maximal runs of letters of one script, or of digits, from normalised text."""
    return _short_words(text) if len(text) <= _SHORT else _words(text)


@lru_cache(maxsize=8192)
def _short_words(text: str) -> tuple[str, ...]:
    return tuple(_words(text))


def _words(text: str) -> Iterator[str]:
    """Yield maximal runs of letters of one script, or of digits, from normalised text.

    An apostrophe only counts as part of a word between two Latin letters (oʻzbek), never at
    a word's edge, so quotes like 'this' do not leak into tokens.
    """
    text = normalize(text)
    n = len(text)
    i = 0
    while i < n:
        s = char_script(text[i])
        if s is Script.OTHER or text[i] == UZ_APOSTROPHE:
            i += 1
            continue
        j = i + 1
        while j < n:
            ch = text[j]
            t = char_script(ch)
            if ch == UZ_APOSTROPHE:
                if s is Script.LATIN and j + 1 < n and char_script(text[j + 1]) is Script.LATIN:
                    j += 1
                    continue
                break
            if t is not s and not unicodedata.category(ch).startswith("M"):
                break
            j += 1
        yield text[i:j]
        i = j


_SENTENCE_END = re.compile(r"(?<=[.!?;;…։])\s+|\n+")


def sentences(text: str) -> list[str]:
    """Split on sentence punctuation and line breaks; good enough for extractive snippets."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]
