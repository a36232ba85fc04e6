"""Peeling suffix chains off agglutinative words (Uzbek, Azerbaijani): the longest known
suffix first, a bounded number of times, never below a minimal stem."""

from __future__ import annotations


def by_length(suffixes: str) -> tuple[str, ...]:
    """Whitespace-separated suffixes, longest first, so "-larda" is tried before "-da"."""
    return tuple(sorted(suffixes.split(), key=len, reverse=True))


def peel(word: str, suffixes: tuple[str, ...], min_stem: int, chains: int = 2) -> str:
    """``word`` without up to ``chains`` suffixes, each leaving ``min_stem`` letters at least."""
    for _ in range(chains):
        for suffix in suffixes:
            if word.endswith(suffix) and len(word) - len(suffix) >= min_stem:
                word = word[: -len(suffix)]
                break
        else:
            break
    return word
