"""A question, analysed once: its words, their tokens, and how much of it a document covers."""

from __future__ import annotations

from dataclasses import dataclass

from bot.intent import Intent, asks_how_many, detect_intent
from bot.search.index import SearchIndex
from bot.text.analyzer import Word, concept_spans, content_words


@dataclass(frozen=True)
class Query:
    text: str
    words: list[Word]
    word_tokens: list[frozenset[str]]  # each word's tokens, with concepts spanning it
    intent: Intent
    asks_how_many: bool

    @property
    def tokens(self) -> list[str]:
        """The BM25 query: every word's own tokens, then each concept once per occurrence."""
        own = [t for w in self.words for t in w.tokens]
        return own + self._concepts

    def content_tokens(self) -> list[str]:
        """Tokens of the words that are not intent or type triggers: *which* things are asked."""
        keep = [i for i in range(len(self.words)) if i not in self.intent.trigger_words]
        return sorted({t for i in keep for t in self.word_tokens[i]})

    def covered_by(self, index: SearchIndex, doc: int, min_share: float) -> bool:
        """Whether ``doc`` contains enough of the question to answer it.

        A long document matching one word scores well in BM25 but covers little of the
        question; this is what separates an answer from a coincidence. Enough means at least
        ``min_share`` of the idf-weighted words and, for questions of several words, two words.
        """
        share, count = self.coverage(index, doc)
        names_found = all(self._found(index, doc, i) for i in self.names)
        return share >= min_share and count >= min(2, len(self.words)) and names_found

    @property
    def names(self) -> list[int]:
        """Words written as names (capitalised mid-sentence, or acronyms): a document that
        lacks one is about something else ("the prime minister of Greece" is not France's)."""
        opening = self.text.lstrip()
        return [
            i
            for i, w in enumerate(self.words)
            if w.surface[:1].isupper()
            and (w.surface.isupper() or not opening.startswith(w.surface))
        ]

    def _found(self, index: SearchIndex, doc: int, word: int) -> bool:
        return any(index.contains(doc, t) for t in self.word_tokens[word])

    def coverage(self, index: SearchIndex, doc: int) -> tuple[float, int]:
        """The idf-weighted share of the question's words found in ``doc``, and their number."""
        total = matched = 0.0
        count = 0
        for i in range(len(self.words)):
            idfs = [index.token_idf(t) for t in self.word_tokens[i]]
            known = [x for x in idfs if x is not None]
            weight = max(known) if known else index.unseen_idf()
            weight = max(weight, 0.1)
            total += weight
            if self._found(index, doc, i):
                matched += weight
                count += 1
        return (matched / total if total else 0.0), count

    @property
    def _concepts(self) -> list[str]:
        return [c for _, _, c in concept_spans([w.stem for w in self.words])]


def analyse_question(text: str, lang: str) -> Query:
    words = content_words(text, lang)
    spans = concept_spans([w.stem for w in words])
    word_tokens = [
        frozenset(w.tokens) | {c for s, e, c in spans if s <= i < e} for i, w in enumerate(words)
    ]
    intent = detect_intent(text, lang, words)
    return Query(text, words, word_tokens, intent, asks_how_many(text, lang))
