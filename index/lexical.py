"""Lexical index: BM25 (bm25s) over Dutch-stemmed words (Snowball via PyStemmer) without Dutch stop words.
Persisted beside the store; rebuilt from the store when missing or out of date."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_DUTCH
from langchain_core.documents import Document

_WORD = re.compile(r"[a-zà-ÿ0-9]+(?:[-/][a-zà-ÿ0-9]+)*", re.IGNORECASE)
_STEMMER = Stemmer.Stemmer("dutch")
_STOP = set(STOPWORDS_DUTCH)
# Compounds added per query word; more adds noise from long, rare compounds.
_MAX_COMPOUNDS = 6
_COMPOUND_WEIGHT = 0.3


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
        texts = [search_text(chunk) for chunk in chunks]
        words = {word for text in texts for word in words_of(text)}
        corpus = [analyse(text, words) for text in texts]
        retriever = bm25s.BM25(k1=1.2, b=0.75)
        vocabulary: dict[str, int] = {}
        corpus_ids = [[vocabulary.setdefault(token, len(vocabulary)) for token in tokens] for tokens in corpus]
        retriever.index(bm25s.tokenization.Tokenized(ids=corpus_ids, vocab=vocabulary), show_progress=False)
        return cls([str(chunk.id) for chunk in chunks], [chunk.metadata["doc_id"] for chunk in chunks], retriever, words)

    def scores(self, query: str, doc_ids: list[str] | None = None) -> dict[str, float]:
        """BM25 score per chunk id (only chunks with a score above zero), optionally within some schools."""
        vocabulary = self._retriever.vocab_dict
        query_words = words_of(query)
        # "invalide toilet" asks for what the profile calls "invalidetoilet".
        joined = [a + b for a, b in zip(query_words, query_words[1:]) if a + b in self.words]
        tokens = [token for token in analyse(" ".join(query_words + joined), self.words) if token in vocabulary]
        compounds = [t for t in _STEMMER.stemWords(self._compounds_with(query_words)) if t in vocabulary and t not in tokens]
        if not (tokens or compounds) or not self.ids:
            return {}
        scores = self._retriever.get_scores(tokens) if tokens else np.zeros(len(self.ids))
        if compounds:
            # Compounds of a query word are weaker evidence than the word itself.
            scores = scores + _COMPOUND_WEIGHT * self._retriever.get_scores(compounds)
        if doc_ids:
            scores = np.where(np.isin(self.doc_ids, doc_ids), scores, 0.0)
        hits = np.nonzero(scores > 0)[0]
        return {self.ids[i]: float(scores[i]) for i in hits}

    def _compounds_with(self, query_words: list[str]) -> list[str]:
        """Corpus compounds that start or end with a query word: 'overdracht' → 'overdrachtsgesprek'."""
        found: list[str] = []
        for word in query_words:
            if len(word) < 6:
                continue
            matches = [w for w in self.words if len(w) >= len(word) + 3 and (w.startswith(word) or w.endswith(word))]
            found.extend(sorted(matches, key=len)[:_MAX_COMPOUNDS])
        return found

    def save(self, folder: Path, stamp: str) -> None:
        tmp = folder.with_name(folder.name + ".tmp")
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


def search_text(chunk: Document) -> str:
    """What the lexical and dense indexes see: school, section and the chunk, with table rows spelled out."""
    meta = chunk.metadata
    parts = [meta.get("school", ""), meta.get("section", ""), chunk.page_content, meta.get("explained", "")]
    return "\n".join(part for part in parts if part)
