"""Misspelt Latin-script words ("trainigs", "Servise", "Mtsketa") matched to words of the index.

A typo changes the stem, so the word finds nothing and, worse, no glossary concept or intent.
The words the knowledge actually contains, as written, are the best guide to what was meant:
each Latin-script word of the passages and records is kept with the analysis the index gave it,
and a query word whose stem the index does not know is compared with them by edit distance
(rapidfuzz's optimal string alignment, so a swapped pair of letters is one edit). Only close
matches count — one edit for words of up to seven letters, two for longer ones, none under five
— because every "correction" of a word that was not a typo lets an off-topic question look
on-topic. Other scripts are left alone: their inflection already makes near-misses ambiguous.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import cached_property

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.search.store import pack_strings, unpack_strings
from bot.text.analyzer import Word, analyze_word
from bot.text.tokenize import normalize

MIN_LENGTH = 5
LONG_WORD = 8  # from this length on, two edits are allowed
MIN_KNOWN_LENGTH = MIN_LENGTH - 2
# Runs of Latin letters, with the apostrophes Uzbek spells oʻ/gʻ with inside a word.
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:[ʻʼ'‘’`][A-Za-z\u00c0-\u024f]+)*")


def max_edits(word: str) -> int:
    return 0 if len(word) < MIN_LENGTH else 1 if len(word) < LONG_WORD else 2


class Spelling:
    """Known Latin-script words (lower case) with their analysis, for correcting query words."""

    def __init__(
        self, words: list[str], stems: list[str], keys: list[str], counts: np.ndarray
    ) -> None:
        self.words = words
        self.stems = stems
        self.keys = keys  # "" when the word has no cross-script key
        self.counts = counts

    @classmethod
    def build(cls, texts: Iterable[tuple[str, str]]) -> Spelling:
        """From (text, language) pairs: the language decides how a word was analysed."""
        seen: Counter[tuple[str, str]] = Counter()
        for text, lang in texts:
            seen.update((w, lang) for w in _LATIN_WORD.findall(text) if len(w) >= MIN_KNOWN_LENGTH)
        analysed: dict[str, tuple[str, str, int]] = {}
        for (surface, lang), count in seen.items():
            word = normalize(surface).lower()
            found = analyze_word(word, lang)
            if found is None:
                continue
            stem, key = found.stem, found.tokens[1] if len(found.tokens) > 1 else ""
            _, _, before = analysed.get(word, (stem, key, 0))
            analysed[word] = (stem, key, before + count)
        order = sorted(analysed, key=lambda w: (len(w), w))
        return cls(
            order,
            [analysed[w][0] for w in order],
            [analysed[w][1] for w in order],
            np.array([analysed[w][2] for w in order], dtype=np.int64),
        )

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {
            "spelling_words": pack_strings(self.words),
            "spelling_stems": pack_strings(self.stems),
            "spelling_keys": pack_strings(self.keys),
            "spelling_counts": self.counts,
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> Spelling:
        counts = arrays["spelling_counts"]
        n = len(counts)
        return cls(
            unpack_strings(arrays["spelling_words"], n),
            unpack_strings(arrays["spelling_stems"], n),
            unpack_strings(arrays["spelling_keys"], n),
            counts,
        )

    @cached_property
    def _length_starts(self) -> np.ndarray:
        """Where the words of each length begin: words are sorted by length."""
        lengths = np.fromiter(map(len, self.words), dtype=np.int64, count=len(self.words))
        return np.searchsorted(lengths, np.arange(lengths.max(initial=0) + 2))

    def correct(self, word: Word) -> Word | None:
        """The known word closest to a Latin-script ``word`` (fewest edits, then most frequent),
        analysed as the index analysed it; None when nothing is close enough."""
        surface = normalize(word.surface).lower()
        edits = max_edits(surface)
        if not edits or not _LATIN_WORD.fullmatch(surface):
            return None
        starts = self._length_starts
        low = starts[min(max(len(surface) - edits, 0), len(starts) - 1)]
        high = starts[min(len(surface) + edits + 1, len(starts) - 1)]
        found = process.extract(
            surface,
            self.words[low:high],
            scorer=OSA.distance,
            score_cutoff=edits,
            limit=None,
        )
        if not found:
            return None
        _, _edits, at = min(found, key=lambda f: (f[1], -self.counts[low + f[2]]))
        i = low + at
        tokens = (self.stems[i], self.keys[i]) if self.keys[i] else (self.stems[i],)
        return Word(word.surface, self.stems[i], tokens)
