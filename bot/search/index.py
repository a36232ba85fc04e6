"""A BM25 index with rank-bm25's exact scores, queried as a sparse matrix.

``rank_bm25.BM25Okapi`` defines the scores (its idf, including the floor for very common terms,
``k1`` and ``b``), but its ``get_scores`` loops over every document in Python for every query,
and building it walks every token in Python twice. Here the same weights are computed with NumPy
over the whole corpus at once and laid out as a documents × terms CSC matrix, so a query is a
sum of a few columns: its cost grows with the postings of the query's terms, not with the corpus.
``tests/search/test_index.py`` checks the scores against rank-bm25 itself to 1e-9.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from itertools import chain

import numpy as np
from scipy import sparse

from bot.search.store import pack_strings, unpack_strings

# rank_bm25.BM25Okapi's defaults.
K1 = 1.5
B = 0.75
EPSILON = 0.25


def _idf(doc_freq: np.ndarray, size: int) -> np.ndarray:
    """rank-bm25's idf: ``log((N - df + 0.5) / (df + 0.5))``, and for terms in more than half
    of the documents (a negative idf) a floor of ``EPSILON`` × the mean idf."""
    idf = np.log(size - doc_freq + 0.5) - np.log(doc_freq + 0.5)
    if len(idf):
        idf[idf < 0] = EPSILON * idf.mean()
    return idf


class SearchIndex:
    """Scores for tokenised documents; document ``i`` is whatever the caller's ``i`` means."""

    def __init__(self, matrix: sparse.csc_matrix, idf: np.ndarray, terms: Sequence[str]) -> None:
        self.matrix = matrix
        self.idf = idf
        self.terms = list(terms)
        self.vocabulary = {t: i for i, t in enumerate(self.terms)}
        self.size = matrix.shape[0]

    @classmethod
    def build(cls, documents: Iterable[Sequence[str]]) -> SearchIndex:
        """Index tokenised documents (a token repeated in a document counts again)."""
        documents = [d if isinstance(d, list) else list(d) for d in documents]
        lengths = np.fromiter(map(len, documents), dtype=np.int64, count=len(documents))
        vocabulary: defaultdict[str, int] = defaultdict()
        vocabulary.default_factory = vocabulary.__len__  # a new token gets the next column
        columns = np.fromiter(
            map(vocabulary.__getitem__, chain.from_iterable(documents)),
            dtype=np.int64,
            count=int(lengths.sum()),
        )
        size, width = len(documents), len(vocabulary)
        if not len(columns):
            return cls(sparse.csc_matrix((size, 0)), np.zeros(0), [])
        rows = np.repeat(np.arange(size, dtype=np.int64), lengths)
        counts = sparse.csc_matrix(
            (np.ones(len(columns)), (rows, columns)), shape=(size, width), dtype=np.float64
        )
        counts.sum_duplicates()  # term frequencies, postings sorted by document
        idf = _idf(np.diff(counts.indptr).astype(np.float64), size)
        norm = K1 * (1 - B + B * lengths / lengths.mean())
        tf = counts.data
        term_of = np.repeat(np.arange(width), np.diff(counts.indptr))
        counts.data = idf[term_of] * (tf * (K1 + 1) / (tf + norm[counts.indices]))
        return cls(counts, idf, list(vocabulary))

    def to_arrays(self) -> dict[str, np.ndarray]:
        """Everything needed to rebuild this index without its documents (see from_arrays)."""
        return {
            "weights": self.matrix.data,
            "postings": self.matrix.indices,
            "starts": self.matrix.indptr,
            "shape": np.array(self.matrix.shape, dtype=np.int64),
            "idf": self.idf,
            "terms": pack_strings(self.terms),
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> SearchIndex:
        """The index saved by to_arrays; raises ValueError when the arrays do not fit together."""
        size, width = (int(n) for n in arrays["shape"])
        starts, postings = arrays["starts"], arrays["postings"]
        if len(starts) != width + 1 or len(arrays["idf"]) != width or starts[-1] != len(postings):
            raise ValueError("index arrays do not fit together")
        matrix = sparse.csc_matrix((arrays["weights"], postings, starts), shape=(size, width))
        matrix.has_sorted_indices = True  # written from a matrix whose postings were sorted
        return cls(matrix, arrays["idf"], unpack_strings(arrays["terms"], width))

    def scores(self, query: Sequence[str]) -> np.ndarray:
        """BM25 score of every document; a repeated query token counts again, as in rank-bm25."""
        result = np.zeros(self.size)
        indptr, indices, data = self.matrix.indptr, self.matrix.indices, self.matrix.data
        for token in query:
            col = self.vocabulary.get(token)
            if col is not None:
                start, end = indptr[col], indptr[col + 1]
                result[indices[start:end]] += data[start:end]
        return result

    def top(self, query: Sequence[str], k: int) -> list[tuple[int, float]]:
        """The ``k`` best documents with a positive score, best first (ties: lower number)."""
        scores = self.scores(query)
        hits = np.flatnonzero(scores > 0)
        if len(hits) > k:
            hits = hits[np.argpartition(-scores[hits], k - 1)[:k]]
        ranked = sorted(hits.tolist(), key=lambda i: (-scores[i], i))
        return [(i, float(scores[i])) for i in ranked]

    def token_idf(self, token: str) -> float | None:
        col = self.vocabulary.get(token)
        return float(self.idf[col]) if col is not None else None

    def unseen_idf(self) -> float:
        """The idf a token would have in no document: the weight of an unknown query word."""
        return float(np.log((self.size + 0.5) / 0.5))

    def last_document(self, token: str) -> int | None:
        """The highest-numbered document with ``token`` (postings are sorted), or None."""
        col = self.vocabulary.get(token)
        if col is None or self.matrix.indptr[col] == self.matrix.indptr[col + 1]:
            return None
        return int(self.matrix.indices[self.matrix.indptr[col + 1] - 1])

    def contains(self, doc: int, token: str) -> bool:
        """Whether ``doc`` has ``token``: a binary search in the token's sorted postings."""
        col = self.vocabulary.get(token)
        if col is None:
            return False
        postings = self.matrix.indices[self.matrix.indptr[col] : self.matrix.indptr[col + 1]]
        at = int(np.searchsorted(postings, doc))
        return at < len(postings) and int(postings[at]) == doc
