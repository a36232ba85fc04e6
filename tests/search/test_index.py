"""The sparse index reproduces rank-bm25's BM25Okapi scores exactly."""

from __future__ import annotations

import random

import numpy as np
from rank_bm25 import BM25Okapi

from bot.models import Passage, Record
from bot.search.index import SearchIndex
from bot.service import Assistant


def test_scores_equal_rank_bm25_on_random_corpus() -> None:
    rng = random.Random(7)
    vocabulary = [f"w{i}" for i in range(300)]
    weights = [1 / (i + 1) for i in range(300)]  # Zipf-like: some terms in most documents
    corpus = [rng.choices(vocabulary, weights, k=rng.randint(3, 60)) for _ in range(400)]
    reference = BM25Okapi(corpus)
    index = SearchIndex(corpus)
    for _ in range(50):
        query = [*rng.choices(vocabulary, k=rng.randint(1, 6)), "unknown"]
        np.testing.assert_allclose(
            index.scores(query), reference.get_scores(query), rtol=0, atol=1e-9
        )


def test_scores_equal_rank_bm25_on_the_knowledge(assistant: Assistant) -> None:
    kb = assistant.knowledge()
    with assistant.sessions() as session:
        docs = [
            p.tokens.split()
            for p in session.query(Passage).order_by(Passage.article_id, Passage.position)
        ]
        docs += [r.tokens.split() for r in session.query(Record).order_by(Record.key)]
    reference = BM25Okapi(docs)
    for query in (["ტრენინგ", "~hob", "@training"], ["giz", "samarq"], ["@workshop"]):
        np.testing.assert_allclose(
            kb.index.scores(query), reference.get_scores(query), rtol=0, atol=1e-9
        )


def test_top_returns_best_first_and_only_matches() -> None:
    index = SearchIndex([["a", "b"], ["b", "b", "c"], ["d"]])
    top = index.top(["b"], 5)
    assert [doc for doc, _ in top] == [1, 0]
    assert index.top(["zzz"], 5) == []


def test_empty_index_scores_nothing() -> None:
    assert SearchIndex([]).top(["a"], 3) == []
