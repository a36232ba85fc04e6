"""Cut article text into passages of a few sentences.

BM25 over whole articles lets a long article win on length and gives no place to quote from;
single sentences lose context. Passages of roughly 40–120 words, never splitting a sentence
and preferring paragraph ends, are what a snippet is cut from and what a citation points at.
"""

from __future__ import annotations

import re

from bot.text.tokenize import sentences

TARGET_WORDS = 80
MAX_WORDS = 160
_PARAGRAPHS = re.compile(r"\n\s*\n")


def _pieces(sentence: str) -> list[str]:
    """An over-long "sentence" (law text with no full stops) in MAX_WORDS windows."""
    tokens = sentence.split()
    return [" ".join(tokens[i : i + MAX_WORDS]) for i in range(0, len(tokens), MAX_WORDS)]


def split_passages(text: str) -> list[str]:
    passages: list[str] = []
    current: list[str] = []
    count = 0

    def flush() -> None:
        nonlocal current, count
        if current:
            passages.append("\n".join(current))
        current, count = [], 0

    for paragraph in _PARAGRAPHS.split(text):
        for sentence in sentences(paragraph):
            for piece in _pieces(sentence):
                n = len(piece.split())
                if count and count + n > MAX_WORDS:
                    flush()
                current.append(piece)
                count += n
                if count >= TARGET_WORDS:
                    flush()
        if count >= TARGET_WORDS // 2:
            flush()
    flush()
    return passages
