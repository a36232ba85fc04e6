"""A BM25 index with rank-bm25's exact scores, queried as a sparse matrix.

``rank_bm25.BM25Okapi`` defines the scores (its idf, including the floor for very common terms,
``k1`` and ``b``), but its ``get_scores`` loops over every document in Python for every query.
The same weights laid out as a documents × terms CSC matrix turn a query into a sum of a few
columns, so cost grows with the postings of the query's terms, not with the corpus.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rank_bm25 import BM25Okapi
from scipy import sparse


class SearchIndex:
    """Scores for tokenised documents; document ``i`` is whatever the caller's ``i`` means."""

    def __init__(self, documents: Sequence[Sequence[str]]) -> None:
        self.size = len(documents)
        self.vocabulary: dict[str, int] = {}
        self.idf = np.zeros(0)
        self.matrix = sparse.csc_matrix((self.size, 0))
        self._rows = sparse.csr_matrix((self.size, 0))
        if not self.size or not any(documents):
            return
        bm25 = BM25Okapi([list(d) for d in documents])
        terms = list(bm25.idf)
        self.vocabulary = {t: i for i, t in enumerate(terms)}
        self.idf = np.array([bm25.idf[t] for t in terms])
        rows, cols, weights = [], [], []
        k1, b = bm25.k1, bm25.b
        for doc, (freqs, length) in enumerate(zip(bm25.doc_freqs, bm25.doc_len, strict=True)):
            norm = k1 * (1 - b + b * length / bm25.avgdl)
            for term, tf in freqs.items():
                col = self.vocabulary[term]
                rows.append(doc)
                cols.append(col)
                weights.append(self.idf[col] * (tf * (k1 + 1) / (tf + norm)))
        self.matrix = sparse.csc_matrix(
            (weights, (rows, cols)), shape=(self.size, len(terms)), dtype=np.float64
        )
        self._rows = self.matrix.tocsr()

    def scores(self, query: Sequence[str]) -> np.ndarray:
        """BM25 score of every document; a repeated query token counts again, as in rank-bm25."""
        result = np.zeros(self.size)
        for token in query:
            col = self.vocabulary.get(token)
            if col is not None:
                start, end = self.matrix.indptr[col], self.matrix.indptr[col + 1]
                result[self.matrix.indices[start:end]] += self.matrix.data[start:end]
        return result

    def top(self, query: Sequence[str], k: int) -> list[tuple[int, float]]:
        """The ``k`` best documents with a positive score, best first."""
        scores = self.scores(query)
        hits = np.flatnonzero(scores > 0)
        if len(hits) > k:
            hits = hits[np.argpartition(-scores[hits], k - 1)[:k]]
        ranked = sorted(hits.tolist(), key=lambda i: -scores[i])
        return [(i, float(scores[i])) for i in ranked]

    def token_idf(self, token: str) -> float | None:
        col = self.vocabulary.get(token)
        return float(self.idf[col]) if col is not None else None

    def unseen_idf(self) -> float:
        """The idf a token would have in no document: the weight of an unknown query word."""
        return float(np.log((self.size + 0.5) / 0.5))

    def contains(self, doc: int, token: str) -> bool:
        col = self.vocabulary.get(token)
        if col is None:
            return False
        start, end = self._rows.indptr[doc], self._rows.indptr[doc + 1]
        return col in self._rows.indices[start:end]
