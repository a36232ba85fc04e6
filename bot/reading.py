"""The passage behind an answer, whole: what "read the full passage" shows.

An answer quotes two sentences; a reader who wants the context gets the article's passage that
best matches their question, unabridged, in the article's own language, with its source.
"""

from __future__ import annotations

from bot.answers import Section
from bot.answers.compose import understand
from bot.answers.quotes import best_sentences, source_section
from bot.knowledge import KnowledgeBase
from bot.text.detect import detect


def full_passage(
    kb: KnowledgeBase, article_path: str, question: str, reader_lang: str
) -> list[Section] | None:
    """The article's best passage for ``question``; None if the article is no longer there."""
    article = next((a for a in kb.articles if a.path == article_path), None)
    if article is None or not article.passages:
        return None
    query = understand(kb, question, detect(question, reader_lang, known=kb.known_word))
    # The passage the answer quoted: the one holding the sentence that best answers the
    # question (the number of employees for "how many were trained"), not merely the one
    # sharing most of its words.
    quoted = best_sentences(
        [kb.passages[doc].text for doc in article.passages], article.lang, query, kb.index
    )
    scores = kb.index.scores(query.tokens)
    best = next(
        (doc for doc in article.passages if quoted and quoted[0] in kb.passages[doc].text),
        max(article.passages, key=lambda doc: scores[doc]),
    )
    return [
        Section("heading", article.title),
        Section("text", kb.passages[best].text),
        source_section(article, reader_lang),
    ]
