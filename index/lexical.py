"""Lexical index: BM25 (bm25s) over Dutch-stemmed words (Snowball via PyStemmer) without Dutch stop words.
Persisted beside the store; rebuilt when missing or out of date. A rebuild analyses only the documents that
changed: the words of every indexed version are kept on disk (``ChunkWords``), and compounds and stems are worked
out once per distinct word, not once per occurrence."""

from __future__ import annotations

import bisect
import json
import os
import re
import shutil
import uuid
from functools import cached_property
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_DUTCH
from langchain_core.documents import Document
from rapidfuzz import fuzz, process

from core.data import entries, package_json
from core.fingerprint import files_fingerprint

# This module turns chunks into words and BM25 tokens: a saved index or word list made by other code is rebuilt.
FORMAT = files_fingerprint([Path(__file__)])
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


class LexicalIndex:
    """BM25 over the search text of every chunk; scores for all chunks at once, masked by school when asked."""

    def __init__(self, ids: list[str], doc_ids: list[str], retriever: bm25s.BM25, words: set[str]) -> None:
        self.ids = ids
        self.words = words
        self.doc_ids = np.array(doc_ids)
        self._retriever = retriever
        self._position = {chunk_id: i for i, chunk_id in enumerate(ids)}

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
        words = {word for chunk in chunk_words for word in chunk}
        distinct = sorted(words)
        token_of = dict(zip(distinct, _STEMMER.stemWords(distinct)))
        parts = {word: found for word in distinct if (found := _compound_parts(word, words))}
        vocabulary: dict[str, int] = {}
        id_of = {word: vocabulary.setdefault(token, len(vocabulary)) for word, token in token_of.items()}
        corpus_ids = [
            [id_of[word] for word in chunk] + [id_of[part] for word in chunk for part in parts.get(word, ())]
            for chunk in chunk_words
        ]
        retriever = bm25s.BM25(k1=1.2, b=0.75)
        if corpus_ids:
            retriever.index(bm25s.tokenization.Tokenized(ids=corpus_ids, vocab=vocabulary), show_progress=False)
        else:  # an index whose every document failed: bm25s cannot index nothing, and nothing scores
            retriever.vocab_dict = {}
        return cls(ids, doc_ids, retriever, words)

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
        seen: set[str] = set()
        for tokens, weight in weighted:
            # A token repeated within a group counts repeatedly (several glossary terms agreeing on it), but a
            # token already counted at a stronger weight is not counted again at a weaker one.
            tokens = [token for token in tokens if token not in seen]
            seen.update(tokens)
            if tokens:
                scores = scores + weight * self._retriever.get_scores(tokens)
        if doc_ids:
            scores = np.where(np.isin(self.doc_ids, doc_ids), scores, 0.0)
        hits = np.nonzero(scores > 0)[0]
        if limit is not None and len(hits) > limit:
            hits = hits[np.argpartition(scores[hits], -limit)[-limit:]]
            hits = hits[np.argsort(-scores[hits], kind="stable")]
        return {self.ids[i]: float(scores[i]) for i in hits}

    def _known(self, tokens: list[str]) -> list[str]:
        vocabulary = self._retriever.vocab_dict
        return [token for token in tokens if token in vocabulary]

    def _corrections(self, query_words: list[str]) -> list[str]:
        """The closest corpus word for each query word that the profiles do not know in any form."""
        vocabulary = self._retriever.vocab_dict
        found = []
        for word in query_words:
            if len(word) < _TYPO_MIN_LENGTH or word in self.words or _STEMMER.stemWord(word) in vocabulary:
                continue
            match = process.extractOne(word, self.words, scorer=fuzz.ratio, score_cutoff=_TYPO_MIN_SIMILARITY)
            if match:
                found.append(match[0])
        return found

    @cached_property
    def _sorted_words(self) -> tuple[list[str], list[str]]:
        """The corpus words sorted, and sorted backwards, so prefixes and suffixes are found by bisection."""
        return sorted(self.words), sorted(word[::-1] for word in self.words)

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
        # A name of its own: an app and an ingest may both rebuild and save at once.
        tmp = folder.with_name(f"{folder.name}.{uuid.uuid4().hex[:8]}.tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        self._retriever.save(str(tmp))
        meta = {"stamp": stamp, "ids": self.ids, "doc_ids": self.doc_ids.tolist(), "words": sorted(self.words)}
        (tmp / "sop_ids.json").write_text(json.dumps(meta))
        shutil.rmtree(folder, ignore_errors=True)
        tmp.rename(folder)

    @classmethod
    def load(cls, folder: Path, stamp: str) -> "LexicalIndex | None":
        """The saved index if it matches the manifest ``stamp``, else None (then it is rebuilt)."""
        try:
            meta = json.loads((folder / "sop_ids.json").read_text())
            if meta["stamp"] != stamp:
                return None
            return cls(meta["ids"], meta["doc_ids"], bm25s.BM25.load(str(folder)), set(meta["words"]))
        except (OSError, ValueError, KeyError):
            return None


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
