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
# top() scores only the documents of a query's rarer terms while their postings stay below this
# share of the corpus; beyond it one dense pass over all postings is cheaper.
SPARSE_SHARE = 1 / 16
# A query of more distinct terms than this is scored densely at once: with many terms MaxScore
# prunes little and its rounds cost more than one pass over all postings (a question's words
# each bring a stem, a cross-script key and concepts: fifteen terms are common).
MANY_TERMS = 8


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
        # Each term's highest weight: what it can add to any document's score at most.
        starts = matrix.indptr[:-1]
        has = starts < matrix.indptr[1:]
        self._bounds = np.zeros(len(self.terms))
        if has.any():
            self._bounds[has] = np.maximum.reduceat(matrix.data, starts[has])

    @classmethod
    def build(cls, documents: Iterable[Sequence[str]]) -> SearchIndex:
        """Index tokenised documents (a token repeated in a document counts again)."""
        documents = [d if isinstance(d, list) else list(d) for d in documents]
        size = len(documents)
        starts = np.zeros(size + 1, dtype=np.int64)
        np.cumsum([len(d) for d in documents], out=starts[1:])
        vocabulary: defaultdict[str, int] = defaultdict()
        vocabulary.default_factory = vocabulary.__len__  # a new token gets the next column
        columns = np.fromiter(
            map(vocabulary.__getitem__, chain.from_iterable(documents)),
            dtype=np.int32,
            count=int(starts[-1]),
        )
        width = len(vocabulary)
        if not len(columns):
            return cls(sparse.csc_matrix((size, 0)), np.zeros(0), [])
        # Documents are rows already in order: one token a cell, summed into term frequencies.
        counts = sparse.csr_matrix((np.ones(len(columns)), columns, starts), shape=(size, width))
        del columns
        counts.sum_duplicates()
        counts = counts.tocsc()  # postings sorted by document within each term
        doc_freq = np.diff(counts.indptr)
        idf = _idf(doc_freq.astype(np.float64), size)
        lengths = np.diff(starts)
        norm = K1 * (1 - B + B * lengths / lengths.mean())
        tf = counts.data
        counts.data = np.repeat(idf, doc_freq) * (tf * (K1 + 1) / (tf + norm[counts.indices]))
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
        """The ``k`` best documents with a positive score, best first (ties: lower number).

        Exactly what sorting ``scores(query)`` gives, without scoring every document that
        shares a common word with the query (the MaxScore idea): documents are scored from the
        postings of the query's terms with the highest possible contribution first, and the
        remaining terms are added only while the sum of their upper bounds could still lift
        some other document above the k-th score found so far.
        """
        indptr = self.matrix.indptr
        columns = [col for t in query if (col := self.vocabulary.get(t)) is not None]
        if not columns or k <= 0:
            return []
        if len(set(columns)) > MANY_TERMS:
            return self._best(*self._dense(columns), k)
        bound: defaultdict[int, float] = defaultdict(float)
        for col in columns:
            bound[col] += self._bounds[col]
        order = sorted(bound, key=lambda c: bound[c])  # smallest possible contribution first
        bound_before = np.cumsum([0.0] + [bound[c] for c in order])
        split = len(order) - 1
        while True:
            essential = order[split:]
            if sum(int(indptr[c + 1] - indptr[c]) for c in essential) > self.size * SPARSE_SHARE:
                return self._best(*self._dense(columns), k)
            docs = self._postings(essential[0])
            if len(essential) > 1:
                docs = np.unique(np.concatenate([self._postings(c) for c in essential]))
            scores = self._scores_of(docs, columns)
            positive = scores > 0
            docs, scores = docs[positive], scores[positive]
            if split == 0:
                break
            if len(docs) >= k:
                kth = float(np.partition(scores, len(scores) - k)[len(scores) - k])
                if bound_before[split] < kth:
                    break  # no document outside ``docs`` can reach the k-th score
                below = int(np.searchsorted(bound_before, kth)) - 1
                split = max(0, min(split - 1, below))
            else:
                split -= 1
        return self._best(docs, scores, k)

    def scores_of(self, docs: Sequence[int], query: Sequence[str]) -> np.ndarray:
        """The scores ``scores(query)`` gives these documents (ascending numbers), without
        scoring every other document that shares a common word with the query."""
        columns = [col for t in query if (col := self.vocabulary.get(t)) is not None]
        if not len(docs) or not columns:
            return np.zeros(len(docs))
        return self._scores_of(np.asarray(docs, dtype=self.matrix.indices.dtype), columns)

    def _postings(self, col: int) -> np.ndarray:
        return self.matrix.indices[self.matrix.indptr[col] : self.matrix.indptr[col + 1]]

    def _scores_of(self, docs: np.ndarray, columns: list[int]) -> np.ndarray:
        """Full scores of some documents, summed in query order as ``scores`` sums them."""
        total = np.zeros(len(docs))
        for col in columns:
            postings = self._postings(col)
            at = np.minimum(np.searchsorted(postings, docs), len(postings) - 1)
            found = postings[at] == docs
            total[found] += self.matrix.data[self.matrix.indptr[col] + at[found]]
        return total

    def _dense(self, columns: list[int]) -> tuple[np.ndarray, np.ndarray]:
        result = np.zeros(self.size)
        indptr, indices, data = self.matrix.indptr, self.matrix.indices, self.matrix.data
        for col in columns:
            start, end = indptr[col], indptr[col + 1]
            result[indices[start:end]] += data[start:end]
        docs = np.flatnonzero(result > 0)
        return docs, result[docs]

    @staticmethod
    def _best(docs: np.ndarray, scores: np.ndarray, k: int) -> list[tuple[int, float]]:
        if len(docs) > k:
            # Keep everything tied with the k-th score, so ties resolve by document number.
            kth = np.partition(scores, len(scores) - k)[len(scores) - k]
            keep = scores >= kth
            docs, scores = docs[keep], scores[keep]
        order = np.lexsort((docs, -scores))[:k]
        return [(int(docs[i]), float(scores[i])) for i in order]

    def token_idf(self, token: str) -> float | None:
        col = self.vocabulary.get(token)
        return float(self.idf[col]) if col is not None else None

    def unseen_idf(self) -> float:
        """The idf a token would have in no document: the weight of an unknown query word."""
        return float(np.log((self.size + 0.5) / 0.5))

    def mean_idf(self) -> float:
        """The idf of an ordinary word of this index."""
        return float(self.idf.mean()) if len(self.idf) else 0.0

    def last_document(self, token: str) -> int | None:
        """The highest-numbered document with ``token`` (postings are sorted), or None."""
        col = self.vocabulary.get(token)
        if col is None or self.matrix.indptr[col] == self.matrix.indptr[col + 1]:
            return None
        return int(self.matrix.indices[self.matrix.indptr[col + 1] - 1])

    def containing(self, tokens: Iterable[str], docs: Sequence[int]) -> dict[str, set[int]]:
        """For each token, which of ``docs`` have it: one binary search per token for all."""
        wanted = np.asarray(sorted(set(docs)), dtype=self.matrix.indices.dtype)
        found: dict[str, set[int]] = {}
        for token in tokens:
            col = self.vocabulary.get(token)
            if col is None or not len(wanted):
                found[token] = set()
                continue
            postings = self._postings(col)
            if not len(postings):
                found[token] = set()
                continue
            at = np.minimum(np.searchsorted(postings, wanted), len(postings) - 1)
            found[token] = set(wanted[postings[at] == wanted].tolist())
        return found

    def contains(self, doc: int, token: str) -> bool:
        """Whether ``doc`` has ``token``: a binary search in the token's sorted postings."""
        col = self.vocabulary.get(token)
        if col is None:
            return False
        postings = self.matrix.indices[self.matrix.indptr[col] : self.matrix.indptr[col + 1]]
        at = int(np.searchsorted(postings, doc))
        return at < len(postings) and int(postings[at]) == doc
