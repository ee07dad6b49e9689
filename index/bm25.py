"""BM25 scored when asked, from how often each corpus word occurs in each chunk. bm25s precomputes every chunk's
score per token, which rests on the corpus-wide average length and document frequencies, so adding one profile
meant indexing every chunk again (it has no incremental add: xhluca/bm25s#5, #98). Here a chunk is a row of word
counts that is added or dropped on its own, and the same formula as bm25s (Lucene variant, k1 1.2, b 0.75) is
worked out at query time for the columns of the query's tokens only, in the same float types and order, so the
scores are those of a bm25s index over the same tokens."""

from __future__ import annotations

import math

import numpy as np
from scipy import sparse

# The constants of the bm25s configuration this replaces (bm25s.BM25(k1=1.2, b=0.75), method "lucene").
K1 = 1.2
B = 0.75


def count_rows(chunk_words: list[list[str]], column_of: dict[str, int], columns: int) -> sparse.csr_matrix:
    """Occurrences of each word per chunk: one row per chunk, one column per corpus word."""
    lengths = [len(words) for words in chunk_words]
    cols = np.fromiter((column_of[word] for words in chunk_words for word in words), np.int32, sum(lengths))
    rows = np.repeat(np.arange(len(chunk_words), dtype=np.int32), lengths)
    counts = sparse.csr_matrix((np.ones(len(cols), np.int32), (rows, cols)), shape=(len(chunk_words), columns))
    counts.sum_duplicates()
    return counts


class Bm25:
    """Scores of every chunk for a list of tokens. A token is made of corpus words: its stem's words and the
    compounds with a part of that stem (``tokens``: one row per token, a column per word, how often the word
    yields the token); a chunk's token count is its word counts summed over those words."""

    def __init__(self, counts: sparse.csc_matrix, tokens: sparse.csr_matrix, token_ids: dict[str, int]) -> None:
        self.counts = counts
        self.tokens = tokens
        self.token_ids = token_ids
        # A chunk's length in tokens: each word once, plus once per compound part it yields.
        self.lengths = np.asarray(counts @ np.asarray(tokens.sum(axis=0)).ravel().astype(np.int64)).ravel()
        # bm25s takes the mean of the lengths the same way (numpy, float64).
        self.average = self.lengths.mean() if len(self.lengths) else 0.0

    def scores(self, tokens: list[str], ranges: list[tuple[int, int]] | None = None) -> np.ndarray:
        """The summed score per chunk (float32, as bm25s); a token given twice counts twice. With ``ranges`` (row
        ranges [start, end), e.g. one school's chunks), only those rows are scored, the others stay 0: the same
        scores there, with the corpus-wide weights, without working out every chunk of the index."""
        chunks = self.counts.shape[0]
        total = np.zeros(chunks, dtype=np.float32)
        for token in tokens:
            token_id = self.token_ids.get(token)
            if token_id is None or not chunks:
                continue
            rows, frequency = self._frequency(token_id, chunks)
            found = len(rows)
            if ranges is not None and found:  # rows come sorted: each range is one slice of them
                cuts = [(np.searchsorted(rows, start), np.searchsorted(rows, end)) for start, end in ranges]
                rows = np.concatenate([rows[a:b] for a, b in cuts])
                frequency = np.concatenate([frequency[a:b] for a, b in cuts])
            if len(rows):
                total[rows] += self._row_scores(frequency.astype(np.float32), rows, chunks, found)
        return total

    def _frequency(self, token_id: int, chunks: int) -> tuple[np.ndarray, np.ndarray]:
        """The chunks that hold a token and how often: its words' columns summed, read from the column arrays
        directly (scipy's column indexing costs more than the sum for the few columns a token has)."""
        start, end = self.tokens.indptr[token_id], self.tokens.indptr[token_id + 1]
        words, times = self.tokens.indices[start:end], self.tokens.data[start:end]
        starts, ends = self.counts.indptr[words], self.counts.indptr[words + 1]
        if len(words) == 1:  # most tokens: one word form, its column as it is (rows sorted, each once)
            return self.counts.indices[starts[0]:ends[0]], self.counts.data[starts[0]:ends[0]] * times[0]
        sizes = ends - starts
        offsets = np.repeat(starts - np.cumsum(sizes) + sizes, sizes) + np.arange(sizes.sum())
        rows, found = self.counts.indices[offsets], self.counts.data[offsets] * np.repeat(times, sizes)
        if len(rows) * 8 < chunks:  # a rare token: sort its few rows rather than count over every chunk
            rows, where = np.unique(rows, return_inverse=True)
            return rows, np.bincount(where, weights=found)
        frequency = np.bincount(rows, weights=found, minlength=chunks)
        rows = np.flatnonzero(frequency)
        return rows, frequency[rows]

    def _row_scores(self, frequency: np.ndarray, rows: np.ndarray, chunks: int, found: int) -> np.ndarray:
        # The operations of bm25s's _score_idf_lucene and _score_tfc_robertson, in its types: the idf stored as
        # float32, the term part in float64, their product stored as float32. ``found``: the chunks holding the token.
        idf = np.float32(math.log(1 + (chunks - found + 0.5) / (found + 0.5)))
        term = frequency / (K1 * ((1 - B) + B * self.lengths[rows] / self.average) + frequency)
        return (idf * term).astype(np.float32)
