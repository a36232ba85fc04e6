"""A question, analysed once: its words, their tokens, and how much of it a document covers."""

from __future__ import annotations

from dataclasses import dataclass

from bot.answers.roles import role_asked
from bot.intent import Intent, asks_how_many, detect_intent
from bot.search.index import SearchIndex
from bot.search.spelling import Spelling
from bot.text.analyzer import Word, concept_spans, content_words, default_glossary
from bot.text.scripts import Script, word_script


@dataclass(frozen=True)
class Query:
    text: str
    words: list[Word]
    word_tokens: list[frozenset[str]]  # each word's tokens, with concepts spanning it
    # What a document must contain for each word to count as found: for a word inside a
    # multi-word glossary term, that term's concept ("prime minister" is not "minister").
    match_tokens: list[frozenset[str]]
    intent: Intent
    asks_how_many: bool
    # Record fields asked for ("who organises" → organiser), and the words that asked.
    roles: frozenset[str] = frozenset()
    role_words: frozenset[int] = frozenset()

    @property
    def tokens(self) -> list[str]:
        """The BM25 query: every word's own tokens, then each concept once per occurrence."""
        own = [t for w in self.words for t in w.tokens]
        return own + self._concepts

    def subject_tokens(self) -> list[str]:
        """The BM25 query without the words that ask for a field: what the question is about."""
        return [t for i, w in enumerate(self.words) if i not in self.role_words for t in w.tokens]

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
        enough = share >= min_share and count >= min(2, len(self.words))
        return enough and self.names_in(index, doc)

    def names_in(self, index: SearchIndex, doc: int) -> bool:
        """Whether ``doc`` has every name of the question (see ``names``)."""
        return all(self._found(index, doc, i) for i in self.names)

    @property
    def names(self) -> list[int]:
        """Words that name something: capitalised mid-sentence, acronyms, or places in the
        glossary (Georgian has no capitals). A document that lacks one is about something else
        ("the prime minister of Greece" is not France's)."""
        opening = self.text.lstrip()
        places = default_glossary().names
        return [
            i
            for i, w in enumerate(self.words)
            if (
                w.surface[:1].isupper()
                and (w.surface.isupper() or not opening.startswith(w.surface))
            )
            or self.word_tokens[i] & places
        ]

    def _found(self, index: SearchIndex, doc: int, word: int) -> bool:
        return any(index.contains(doc, t) for t in self.match_tokens[word])

    def coverage(
        self, index: SearchIndex, doc: int, skip: frozenset[int] = frozenset()
    ) -> tuple[float, int]:
        """The idf-weighted share of the question's words (but ``skip``) found in ``doc``, and
        their number."""
        total = matched = 0.0
        count = 0
        for i in range(len(self.words)):
            if i in skip:
                continue
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


def _spelt(words: list[Word], index: SearchIndex, spelling: Spelling) -> list[Word]:
    """Latin-script words the index has never seen, replaced by the closest word it has."""
    return [
        (spelling.correct(w) or w)
        if w.stem not in index.vocabulary and word_script(w.surface) is Script.LATIN
        else w
        for w in words
    ]


def analyse_question(
    text: str, lang: str, index: SearchIndex | None = None, spelling: Spelling | None = None
) -> Query:
    """The question's analysis; with an index and its spelling, misspelt words are corrected
    first, so the intent and concepts of "trainigs" are those of "trainings"."""
    words = content_words(text, lang)
    if index is not None and spelling is not None:
        words = _spelt(words, index, spelling)
    spans = concept_spans([w.stem for w in words])
    word_tokens = [
        frozenset(w.tokens) | {c for s, e, c in spans if s <= i < e} for i, w in enumerate(words)
    ]
    phrases = [{c for s, e, c in spans if s <= i < e and e - s > 1} for i in range(len(words))]
    match_tokens = [frozenset(p) if p else t for p, t in zip(phrases, word_tokens, strict=True)]
    intent = detect_intent(text, lang, words)
    roles = {i: role for i, w in enumerate(words) if (role := role_asked(w.surface, lang))}
    return Query(
        text,
        words,
        word_tokens,
        match_tokens,
        intent,
        asks_how_many(text, lang),
        frozenset(roles.values()),
        frozenset(roles),
    )
