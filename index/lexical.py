"""Lexical index: BM25 over Dutch-stemmed words (Snowball via PyStemmer) without Dutch stop words, scored as
bm25s would (``index.bm25``). Persisted beside the store and brought up to date document by document: a changed
profile's chunks are counted and the others' rows kept, so one upload costs about the same at 10 schools as at
1,000. The words of every indexed version are kept on disk (``ChunkWords``), so only a changed document is read and
analysed; compounds and stems are worked out once per distinct word, not once per occurrence."""

from __future__ import annotations

import bisect
import json
import os
import re
import shutil
import uuid
import zipfile
from functools import cached_property
from pathlib import Path

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_DUTCH
from langchain_core.documents import Document
from rapidfuzz import fuzz, process
from scipy import sparse

from core.data import entries, package_json
from core.fingerprint import files_fingerprint
from index import bm25
from index.bm25 import Bm25, count_rows

# This module and the scorer turn chunks into words, tokens and scores: a saved index or word list made by other
# code is built again.
FORMAT = files_fingerprint([Path(__file__), Path(bm25.__file__)])
# The saved index, one file: word counts per chunk, what its rows and columns are, the manifest stamp it was made for.
_FILE = "index.npz"
_WORD = re.compile(r"[a-zà-ÿ0-9]+(?:[-/][a-zà-ÿ0-9]+)*", re.IGNORECASE)
_STEMMER = Stemmer.Stemmer("dutch")
_STOP = set(STOPWORDS_DUTCH)
# Compounds added per query word; more adds noise from long, rare compounds.
_MAX_COMPOUNDS = 6
_COMPOUND_WEIGHT = 0.3
# Words people ask with rather than name a topic with ('wie zitten er', 'mijn dochter'); see the data file.
_QUESTION_WORDS: set[str] = {
    word
    for words in entries(package_json("index.data", "query_words.json")).values()
    for word in words
}
# Question phrasing still counts a little: it separates two passages that match the topic equally well.
_QUESTION_WORD_WEIGHT = 0.1
# A typo ('dislexie') is read as the closest corpus word when no word of the profiles shares its stem.
_TYPO_MIN_LENGTH = 6
_TYPO_MIN_SIMILARITY = 85
_TYPO_WEIGHT = 0.5


def words_of(text: str) -> list[str]:
    """Lower-case words; hyphenated ones also in their parts ('IB-er' → 'ib-er', 'ib', 'er'); stop words out."""
    tokens: list[str] = []
    for word in _WORD.findall(text.lower()):
        parts = [word] + (re.split(r"[-/]", word) if ("-" in word or "/" in word) else [])
        tokens.extend(part for part in parts if part and part not in _STOP)
    return tokens


def analyse(text: str, vocabulary: set[str] | None = None) -> list[str]:
    """Words of ``text``, compounds also in their known parts when a vocabulary is given, Dutch-stemmed."""
    words = words_of(text)
    if vocabulary:
        words = _with_parts(words, vocabulary)
    return _STEMMER.stemWords(words)


def _compound_parts(word: str, vocabulary: set[str]) -> list[str]:
    """Dutch compounds split into known words: 'invalidetoilet' → 'invalide', 'toilet'; 'dyslexieverklaring' →
    'dyslexie', 'verklaring'. Only splits where both halves occur as words of their own in the corpus."""
    if len(word) < 9 or "-" in word:
        return []
    for cut in range(len(word) - 4, 3, -1):
        head, tail = word[:cut], word[cut:]
        if tail in vocabulary:
            for linked in (head, head[:-1] if head.endswith("s") else None):
                if linked and len(linked) >= 4 and linked in vocabulary:
                    return [linked, tail]
    return []


def _with_parts(words: list[str], vocabulary: set[str]) -> list[str]:
    expanded = list(words)
    for word in words:
        expanded.extend(_compound_parts(word, vocabulary))
    return expanded


@dataclass(frozen=True)
class DocumentWords:
    """The words of one document version's chunks (``words_of`` of each chunk's search text), in chunk order."""

    doc_id: str
    version: str
    ids: list[str]
    words: list[list[str]]


class LexicalIndex:
    """BM25 over the search text of every chunk; scores for all chunks at once, masked by school when asked.
    Chunks are kept in doc_id order, so an index updated one document at a time has the same rows, and breaks
    ties the same way, as one built at once. Never changed in place: :meth:`updated` makes the changed copy, so a
    thread still asking the old one is undisturbed."""

    def __init__(
        self,
        ids: list[str],
        doc_ids: np.ndarray,
        versions: dict[str, str],
        vocabulary: list[str],
        counts: sparse.csc_matrix,
        parts: dict[str, tuple[str, str]],
    ) -> None:
        self.ids = ids
        self.doc_ids = doc_ids
        self.versions = versions
        self.vocabulary = vocabulary  # the corpus words, in the order of the columns of ``counts``
        self.words = set(vocabulary)
        self.counts = counts
        self.parts = parts  # the known parts of each compound ('invalidetoilet' → 'invalide', 'toilet')

    @classmethod
    def empty(cls) -> "LexicalIndex":
        return cls([], np.array([], dtype=str), {}, [], sparse.csc_matrix((0, 0), dtype=np.int32), {})

    @classmethod
    def build(cls, chunks: list[Document]) -> "LexicalIndex":
        return cls.from_words(
            [str(chunk.id) for chunk in chunks],
            [chunk.metadata["doc_id"] for chunk in chunks],
            [words_of(search_text(chunk)) for chunk in chunks],
        )

    @classmethod
    def from_words(cls, ids: list[str], doc_ids: list[str], chunk_words: list[list[str]]) -> "LexicalIndex":
        """The index over chunks given by their words (``words_of`` of their search text); the same tokens as
        ``analyse(text, vocabulary)`` per chunk, with compounds split and stems found once per distinct word."""
        grouped: dict[str, tuple[list[str], list[list[str]]]] = {}
        for chunk_id, doc_id, words in zip(ids, doc_ids, chunk_words):
            document = grouped.setdefault(doc_id, ([], []))
            document[0].append(chunk_id)
            document[1].append(words)
        documents = [DocumentWords(doc_id, "", *document) for doc_id, document in grouped.items()]
        return cls.empty().updated([], documents)

    def updated(self, removed: Iterable[str], added: Iterable[DocumentWords]) -> "LexicalIndex":
        """This index without the ``removed`` documents and with the ``added`` ones (a document added again
        replaces its earlier version). Only the added chunks are counted; the rest is sliced, not recomputed."""
        added = list(added)
        dropped = set(removed) | {document.doc_id for document in added}
        kept = np.flatnonzero(~np.isin(self.doc_ids, sorted(dropped)))
        chunk_words = [words for document in added for words in document.words]
        fresh = sorted(set().union(*chunk_words) - self.words)
        vocabulary = self.vocabulary + fresh
        column_of = self._column_of | {word: column for column, word in enumerate(fresh, len(self.vocabulary))}
        old = self.counts.tocsr()[kept]
        rows = sparse.vstack(
            [
                sparse.csr_matrix((old.data, old.indices, old.indptr), shape=(len(kept), len(vocabulary))),
                count_rows(chunk_words, column_of, len(vocabulary)),
            ],
            format="csr",
        )
        ids = [self.ids[row] for row in kept] + [chunk_id for document in added for chunk_id in document.ids]
        doc_ids = np.concatenate(
            [self.doc_ids[kept], np.array([d.doc_id for d in added for _ in d.ids], dtype=str)]
        )
        # The new document's chunks go where a build in doc_id order would put them.
        order = np.argsort(doc_ids, kind="stable")
        counts = rows[order].tocsc()
        # Words only the removed documents had leave the vocabulary (and no longer split other compounds).
        alive = np.diff(counts.indptr) > 0
        if not alive.all():
            counts = counts[:, np.flatnonzero(alive)]
            vocabulary = [word for word, keep in zip(vocabulary, alive) if keep]
        versions = {doc_id: version for doc_id, version in self.versions.items() if doc_id not in dropped}
        versions.update({document.doc_id: document.version for document in added})
        parts = _parts_after(self.parts, self.words, vocabulary)
        return LexicalIndex([ids[row] for row in order], doc_ids[order], versions, vocabulary, counts, parts)

    @cached_property
    def _column_of(self) -> dict[str, int]:
        return {word: column for column, word in enumerate(self.vocabulary)}

    @cached_property
    def _bm25(self) -> Bm25:
        """The scorer: which words make each token (a word its stem; a compound also its parts' stems)."""
        stems = _STEMMER.stemWords(self.vocabulary)
        token_ids: dict[str, int] = {}
        token_rows = [token_ids.setdefault(stem, len(token_ids)) for stem in stems]
        word_columns = list(range(len(self.vocabulary)))
        column_of = self._column_of
        for word, found in self.parts.items():
            for part in found:
                token_rows.append(token_ids[stems[column_of[part]]])
                word_columns.append(column_of[word])
        tokens = sparse.csr_matrix(
            (np.ones(len(token_rows), np.int64), (token_rows, word_columns)),
            shape=(len(token_ids), len(self.vocabulary)),
        )
        tokens.sum_duplicates()
        return Bm25(self.counts, tokens, token_ids)

    def scores(self, query: str, doc_ids: list[str] | None = None, limit: int | None = None) -> dict[str, float]:
        """BM25 score per chunk id (only chunks with a score above zero), optionally within some schools; with
        ``limit``, only the best ``limit`` (picked in numpy: a common word scores nearly every chunk)."""
        query_words = words_of(query)
        topic_words = [word for word in query_words if word not in _QUESTION_WORDS]
        asking_words = [word for word in query_words if word in _QUESTION_WORDS]
        if not topic_words:
            # A question of phrasing only ('wie zitten daarbij?') still searches with its words.
            topic_words, asking_words = asking_words, []
        # "invalide toilet" asks for what the profile calls "invalidetoilet".
        joined = [a + b for a, b in zip(topic_words, topic_words[1:]) if a + b in self.words]
        # Compounds of a topic word and the question's phrasing are weaker evidence than the topic words themselves.
        weighted = [
            (self._known(analyse(" ".join(topic_words + joined), self.words)), 1.0),
            (self._known(_STEMMER.stemWords(self._compounds_with(topic_words))), _COMPOUND_WEIGHT),
            (self._known(_STEMMER.stemWords(self._corrections(topic_words))), _TYPO_WEIGHT),
            (self._known(analyse(" ".join(asking_words), self.words)), _QUESTION_WORD_WEIGHT),
        ]
        if not self.ids or not any(tokens for tokens, _ in weighted):
            return {}
        scores = np.zeros(len(self.ids))
        # Rows are in doc_id order, so the asked schools' chunks are a few ranges: only those are scored.
        ranges = None
        if doc_ids:
            ranges = [
                (int(np.searchsorted(self.doc_ids, doc_id, "left")), int(np.searchsorted(self.doc_ids, doc_id, "right")))
                for doc_id in sorted(set(doc_ids))
            ]
        seen: set[str] = set()
        for tokens, weight in weighted:
            # A token repeated within a group counts repeatedly (several glossary terms agreeing on it), but a
            # token already counted at a stronger weight is not counted again at a weaker one.
            tokens = [token for token in tokens if token not in seen]
            seen.update(tokens)
            if tokens:
                scores = scores + weight * self._bm25.scores(tokens, ranges)
        if doc_ids:
            scores = np.where(np.isin(self.doc_ids, doc_ids), scores, 0.0)
        hits = np.nonzero(scores > 0)[0]
        if limit is not None and len(hits) > limit:
            hits = hits[np.argpartition(scores[hits], -limit)[-limit:]]
            hits = hits[np.argsort(-scores[hits], kind="stable")]
        return {self.ids[i]: float(scores[i]) for i in hits}

    def _known(self, tokens: list[str]) -> list[str]:
        vocabulary = self._bm25.token_ids
        return [token for token in tokens if token in vocabulary]

    def _corrections(self, query_words: list[str]) -> list[str]:
        """The closest corpus word for each query word that the profiles do not know in any form."""
        return [found for found in map(self.corrected, query_words) if found]

    def corrected(self, word: str) -> str | None:
        """The corpus word closest to a word the profiles do not know in any form ('dyscalulie' → 'dyscalculie');
        None for a known word, a short one, or one with no close match."""
        word = word.lower()
        if len(word) < _TYPO_MIN_LENGTH or word in self.words or _STEMMER.stemWord(word) in self._bm25.token_ids:
            return None
        # In sorted order, so two equally close words resolve the same way however the index was built.
        match = process.extractOne(word, self._sorted_words[0], scorer=fuzz.ratio, score_cutoff=_TYPO_MIN_SIMILARITY)
        return match[0] if match else None

    @cached_property
    def _sorted_words(self) -> tuple[list[str], list[str]]:
        """The corpus words sorted, and sorted backwards, so prefixes and suffixes are found by bisection."""
        return _sorted_both_ways(self.words)

    def _compounds_with(self, query_words: list[str]) -> list[str]:
        """Corpus compounds that start or end with a query word: 'overdracht' → 'overdrachtsgesprek'."""
        forwards, backwards = self._sorted_words
        found: list[str] = []
        for word in query_words:
            if len(word) < 6:
                continue
            matches = set(_with_prefix(forwards, word))
            matches.update(w[::-1] for w in _with_prefix(backwards, word[::-1]))
            matches = {w for w in matches if len(w) >= len(word) + 3}
            found.extend(sorted(matches, key=lambda w: (len(w), w))[:_MAX_COMPOUNDS])
        return found

    def save(self, folder: Path, stamp: str) -> None:
        """Write the index beside the store as one file, written under a name of its own and then renamed over
        the old one: a reader opens either the old index or the new one, whole, and a crash leaves the old one."""
        folder.mkdir(parents=True, exist_ok=True)
        # A name of its own: an app and an ingest may both update and save at once.
        tmp = folder / f"{_FILE}.{uuid.uuid4().hex[:8]}.tmp"
        runs = [[doc_id, self.versions.get(doc_id, ""), count] for doc_id, count in _runs(self.doc_ids)]
        meta = {"format": FORMAT, "documents": runs, "parts": self.parts}
        with tmp.open("wb") as out:
            np.savez(
                out,
                stamp=np.array(stamp),
                meta=_text_array(json.dumps(meta, ensure_ascii=False)),
                # Chunk ids and words hold no line breaks; one text each is written and read as a whole, which
                # takes a fraction of the time of a JSON list of tens of thousands of strings.
                ids=_text_array("\n".join(self.ids)),
                vocabulary=_text_array("\n".join(self.vocabulary)),
                data=self.counts.data,
                indices=self.counts.indices,
                indptr=self.counts.indptr,
                shape=np.array(self.counts.shape),
            )
        os.replace(tmp, folder / _FILE)
        for leftover in folder.iterdir():  # what an earlier format kept here
            if leftover.name != _FILE and not leftover.name.endswith(".tmp"):
                shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink(missing_ok=True)

    @staticmethod
    def saved_stamp(folder: Path) -> str | None:
        """The manifest stamp the saved index was made for, read without the rest of it."""
        try:
            with np.load(folder / _FILE) as saved:
                return str(saved["stamp"])
        except (OSError, ValueError, KeyError, zipfile.BadZipFile):
            return None

    @classmethod
    def load(cls, folder: Path) -> "LexicalIndex | None":
        """The saved index if this code made it, else None (then it is built again). It may be of an older
        manifest: its ``versions`` say which document versions it holds."""
        try:
            with np.load(folder / _FILE) as saved:
                meta = json.loads(_text_of(saved["meta"]))
                if meta["format"] != FORMAT:
                    return None
                shape = tuple(int(size) for size in saved["shape"])
                counts = sparse.csc_matrix((saved["data"], saved["indices"], saved["indptr"]), shape=shape)
                ids, vocabulary = _lines_of(saved["ids"]), _lines_of(saved["vocabulary"])
            documents = meta["documents"]
            doc_ids = np.repeat(np.array([run[0] for run in documents], dtype=str), [run[2] for run in documents])
            if shape != (len(ids), len(vocabulary)) or len(doc_ids) != len(ids):
                return None
            versions = {run[0]: run[1] for run in documents}
            parts = {word: (found[0], found[1]) for word, found in meta["parts"].items()}
            return cls(ids, doc_ids, versions, vocabulary, counts, parts)
        except (OSError, ValueError, KeyError, IndexError, TypeError, zipfile.BadZipFile):
            return None


def _parts_after(
    parts: dict[str, tuple[str, str]], words: set[str], vocabulary: list[str]
) -> dict[str, tuple[str, str]]:
    """The compound parts over a new vocabulary, given those over the old ``words``. A compound splits
    differently only if a word that came or went is its head or its tail, so only the corpus words that start or
    end with such a word are split again."""
    now = set(vocabulary)
    changed = (now - words) | (words - now)
    if len(changed) * 4 > len(now):  # mostly new words (a first build): as quick to split every word
        return {word: (found[0], found[1]) for word in vocabulary if (found := _compound_parts(word, now))}
    forwards, backwards = _sorted_both_ways(now)
    again: set[str] = set()
    for word in changed:
        again.update(_with_prefix(forwards, word))
        again.update(reversed_word[::-1] for reversed_word in _with_prefix(backwards, word[::-1]))
    kept = {word: found for word, found in parts.items() if word in now and word not in again}
    for word in again:
        if found := _compound_parts(word, now):
            kept[word] = (found[0], found[1])
    return kept


def _sorted_both_ways(words: set[str]) -> tuple[list[str], list[str]]:
    return sorted(words), sorted(word[::-1] for word in words)


def _text_array(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-8"), np.uint8)


def _text_of(array: np.ndarray) -> str:
    return array.tobytes().decode("utf-8")


def _lines_of(array: np.ndarray) -> list[str]:
    text = _text_of(array)
    return text.split("\n") if text else []


def _runs(doc_ids: np.ndarray) -> list[tuple[str, int]]:
    """(doc_id, number of chunks) in row order; a document's chunks are adjacent."""
    if not len(doc_ids):
        return []
    starts = np.flatnonzero(np.r_[True, doc_ids[1:] != doc_ids[:-1]])
    counts = np.diff(np.r_[starts, len(doc_ids)])
    return [(str(doc_ids[start]), int(count)) for start, count in zip(starts, counts)]


def _with_prefix(ordered: list[str], prefix: str) -> list[str]:
    start = bisect.bisect_left(ordered, prefix)
    end = bisect.bisect_left(ordered, prefix + "\uffff")
    return ordered[start:end]


class ChunkWords:
    """The words of each chunk of every indexed document version, one file per version, kept beside the lexical
    index: a rebuild after one document changed reads and analyses only that document."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, doc_id: str, version: str) -> Path:
        return self.folder / f"{doc_id}@{version}.{FORMAT}.json"

    def load(self, doc_id: str, version: str) -> tuple[list[str], list[list[str]]] | None:
        try:
            data = json.loads(self._path(doc_id, version).read_text(encoding="utf-8"))
            return list(data["ids"]), list(data["words"])
        except (OSError, ValueError, KeyError):
            return None

    def save(self, doc_id: str, version: str, ids: list[str], words: list[list[str]]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(doc_id, version)
        tmp = path.with_name(f"{path.name}.{uuid.uuid4().hex[:8]}.tmp")
        tmp.write_text(json.dumps({"ids": ids, "words": words}, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)

    def keep_only(self, versions: dict[str, str]) -> None:
        """Delete the files of versions no longer indexed."""
        wanted = {self._path(doc_id, version).name for doc_id, version in versions.items()}
        for path in self.folder.glob("*.json") if self.folder.is_dir() else []:
            if path.name not in wanted:
                path.unlink(missing_ok=True)


def search_text(chunk: Document) -> str:
    """What the lexical and dense indexes see: school, section and the chunk, with table rows spelled out."""
    meta = chunk.metadata
    parts = [meta.get("school", ""), meta.get("section", ""), chunk.page_content, meta.get("explained", "")]
    return "\n".join(part for part in parts if part)
