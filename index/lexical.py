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


def analyse(text: str) -> list[str]:
    """Lower-case words, compounds also split at hyphens ('IB-er' → 'ib-er', 'ib', 'er'), stemmed, stop words out."""
    tokens: list[str] = []
    for word in _WORD.findall(text.lower()):
        parts = [word] + (re.split(r"[-/]", word) if ("-" in word or "/" in word) else [])
        tokens.extend(part for part in parts if part and part not in _STOP)
    return _STEMMER.stemWords(tokens)


class LexicalIndex:
    """BM25 over the search text of every chunk; scores for all chunks at once, masked by school when asked."""

    def __init__(self, ids: list[str], doc_ids: list[str], retriever: bm25s.BM25) -> None:
        self.ids = ids
        self.doc_ids = np.array(doc_ids)
        self._retriever = retriever
        self._position = {chunk_id: i for i, chunk_id in enumerate(ids)}

    @classmethod
    def build(cls, chunks: list[Document]) -> "LexicalIndex":
        corpus = [analyse(search_text(chunk)) for chunk in chunks]
        retriever = bm25s.BM25(k1=1.2, b=0.75)
        vocabulary: dict[str, int] = {}
        corpus_ids = [[vocabulary.setdefault(token, len(vocabulary)) for token in tokens] for tokens in corpus]
        retriever.index(bm25s.tokenization.Tokenized(ids=corpus_ids, vocab=vocabulary), show_progress=False)
        return cls([str(chunk.id) for chunk in chunks], [chunk.metadata["doc_id"] for chunk in chunks], retriever)

    def scores(self, query: str, doc_ids: list[str] | None = None) -> dict[str, float]:
        """BM25 score per chunk id (only chunks with a score above zero), optionally within some schools."""
        vocabulary = self._retriever.vocab_dict
        tokens = [token for token in analyse(query) if token in vocabulary]
        if not tokens or not self.ids:
            return {}
        scores = self._retriever.get_scores(tokens)
        if doc_ids:
            scores = np.where(np.isin(self.doc_ids, doc_ids), scores, 0.0)
        hits = np.nonzero(scores > 0)[0]
        return {self.ids[i]: float(scores[i]) for i in hits}

    def save(self, folder: Path, stamp: str) -> None:
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        self._retriever.save(str(tmp))
        (tmp / "sop_ids.json").write_text(json.dumps({"stamp": stamp, "ids": self.ids, "doc_ids": self.doc_ids.tolist()}))
        shutil.rmtree(folder, ignore_errors=True)
        tmp.rename(folder)

    @classmethod
    def load(cls, folder: Path, stamp: str) -> "LexicalIndex | None":
        """The saved index if it matches the manifest ``stamp``, else None (then it is rebuilt)."""
        try:
            meta = json.loads((folder / "sop_ids.json").read_text())
            if meta["stamp"] != stamp:
                return None
            return cls(meta["ids"], meta["doc_ids"], bm25s.BM25.load(str(folder)))
        except (OSError, ValueError, KeyError):
            return None


def search_text(chunk: Document) -> str:
    """What the lexical and dense indexes see: school, section and the chunk, with table rows spelled out."""
    meta = chunk.metadata
    parts = [meta.get("school", ""), meta.get("section", ""), chunk.page_content, meta.get("explained", "")]
    return "\n".join(part for part in parts if part)
