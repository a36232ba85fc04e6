"""The sparse index reproduces rank-bm25's BM25Okapi scores exactly, and survives persistence."""

from __future__ import annotations

import random

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from bot.assistant import Assistant
from bot.models import Passage, Record
from bot.search.index import SearchIndex


@pytest.fixture(scope="module")
def zipf_corpus() -> list[list[str]]:
    """Zipf-like: the commonest terms are in most documents (rank-bm25's negative-idf floor),
    and one document is empty."""
    rng = random.Random(7)
    vocabulary = [f"w{i}" for i in range(300)]
    weights = [1 / (i + 1) for i in range(300)]
    corpus = [rng.choices(vocabulary, weights, k=rng.randint(3, 60)) for _ in range(400)]
    corpus[17] = []
    return corpus


def test_scores_equal_rank_bm25_on_random_corpus(zipf_corpus: list[list[str]]) -> None:
    reference = BM25Okapi(zipf_corpus)
    assert any(idf < 0.3 for idf in reference.idf.values())  # the floor is exercised
    index = SearchIndex.build(zipf_corpus)
    rng = random.Random(11)
    for _ in range(50):
        query = [*rng.choices(list(reference.idf), k=rng.randint(1, 6)), "unknown"]
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


def test_saved_arrays_give_the_same_index(zipf_corpus: list[list[str]]) -> None:
    index = SearchIndex.build(zipf_corpus)
    again = SearchIndex.from_arrays(index.to_arrays())
    assert again.terms == index.terms and again.size == index.size
    for query in (["w0", "w5"], ["w299", "w1", "w1"]):
        assert np.array_equal(again.scores(query), index.scores(query))
    assert again.contains(0, zipf_corpus[0][0]) and not again.contains(17, "w0")


def test_arrays_that_do_not_fit_together_are_refused(zipf_corpus: list[list[str]]) -> None:
    arrays = SearchIndex.build(zipf_corpus).to_arrays()
    arrays["idf"] = arrays["idf"][:-1]
    with pytest.raises(ValueError):
        SearchIndex.from_arrays(arrays)


def test_top_returns_best_first_and_only_matches() -> None:
    index = SearchIndex.build([["a", "b"], ["b", "b", "c"], ["d"]])
    top = index.top(["b"], 5)
    assert [doc for doc, _ in top] == [1, 0]
    assert index.top(["zzz"], 5) == []


def test_empty_index_scores_nothing() -> None:
    assert SearchIndex.build([]).top(["a"], 3) == []
    assert SearchIndex.build([[], []]).top(["a"], 3) == []


def test_top_is_the_best_of_all_scores(zipf_corpus: list[list[str]]) -> None:
    """top() skips documents that cannot make the list; it must still return exactly the best
    of the full scores, ties by document number, for rare and common terms alike."""
    index = SearchIndex.build(zipf_corpus)
    rng = random.Random(3)
    vocabulary = index.terms
    for _ in range(200):
        query = rng.choices(vocabulary, k=rng.randint(1, 5))
        k = rng.choice([1, 3, 10, 1000])
        scores = index.scores(query)
        expected = sorted(np.flatnonzero(scores > 0).tolist(), key=lambda d: (-scores[d], d))[:k]
        top = index.top(query, k)
        assert [doc for doc, _ in top] == expected
        assert [score for _, score in top] == [scores[d] for d in expected]


def test_scores_of_some_documents_are_those_of_all() -> None:
    documents = [["a", "b"], ["b", "c", "c"], ["d"], ["a", "c"]]
    index = SearchIndex.build(documents)
    every = index.scores(["c", "a", "zz"])
    assert list(index.scores_of([1, 3], ["c", "a", "zz"])) == [every[1], every[3]]
    assert list(index.scores_of([], ["c"])) == []


def test_a_query_of_many_terms_ranks_as_sorting_all_scores() -> None:
    rng = random.Random(7)
    vocabulary = [f"t{i}" for i in range(60)]
    documents = [rng.choices(vocabulary, k=rng.randint(3, 20)) for _ in range(400)]
    index = SearchIndex.build(documents)
    query = rng.sample(vocabulary, 14)
    every = index.scores(query)
    expected = sorted((i for i in range(400) if every[i] > 0), key=lambda i: (-every[i], i))
    assert [doc for doc, _score in index.top(query, 10)] == expected[:10]


def test_containing_tells_which_documents_have_each_token() -> None:
    index = SearchIndex.build([["a", "b"], ["b"], ["c"], ["a"]])
    found = index.containing(["a", "b", "zz"], [0, 1, 3])
    assert found == {"a": {0, 3}, "b": {0, 1}, "zz": set()}
    assert all(index.contains(d, t) == (d in found[t]) for t in "ab" for d in (0, 1, 3))
