"""Retrieval: the question (with its conversation) → the best passages, from the right school(s)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, PrivateAttr

from assistant.conversation import ResolvedQuestion, resolve
from assistant.language import Language, detect_language
from assistant.schools import SchoolName, school_names, without_school_names
from assistant.vocabulary import ProfileVocabulary
from index.hybrid import FusionWeights, fuse
from index.indexer import SupportProfileIndex

_GLOSSARY: dict[str, list[str]] = {
    term: dutch
    for term, dutch in json.loads(resources.files("assistant.data").joinpath("glossary.json").read_text()).items()
    if not term.startswith("_")
}
_ABBREVIATIONS: list[list[str]] = json.loads(
    resources.files("assistant.data").joinpath("abbreviations.json").read_text()
)["groups"]
_EXPANSIONS: dict[str, list[str]] = json.loads(
    resources.files("assistant.data").joinpath("query_expansions.json").read_text()
)["expansions"]
# How many candidates each ranking contributes before fusion.
_CANDIDATES = 60


@lru_cache(maxsize=4096)
def _pattern(pattern: str) -> re.Pattern[str]:
    # Hundreds of glossary and abbreviation patterns per question overflow the re module's own cache.
    return re.compile(pattern)


def translate_terms(question: str) -> str:
    """Dutch domain terms for the English words and phrases in a question (wheelchair → rolstoel …)."""
    lowered = question.lower()
    found: list[str] = []
    for term, dutch in _GLOSSARY.items():
        if _pattern(r"(?<![\w-])" + re.escape(term) + r"(?![\w-])").search(lowered):
            found.extend(dutch)
    return " ".join(dict.fromkeys(found))


def expand_question_words(question: str) -> str:
    """The words profiles use for what a question asks with ('hoeveel' → 'aantal')."""
    lowered = question.lower()
    found = [word for asked, words in _EXPANSIONS.items() if _pattern(rf"(?<!\w){re.escape(asked)}(?!\w)").search(lowered)
             for word in words]
    return " ".join(dict.fromkeys(found))


def expand_abbreviations(question: str) -> str:
    """The other forms of the abbreviations and written-out terms in a question ('MR' → 'medezeggenschapsraad')."""
    lowered = question.lower()
    found: list[str] = []
    for group in _ABBREVIATIONS:
        # Plurals and person forms count too: 'intern begeleiders', 'IB’ers'.
        if any(_pattern(r"(?<![\w-])" + re.escape(term) + r"(?:s|en|e)?(?!\w)").search(lowered) for term in group):
            found.extend(term for term in group if term not in lowered)
    return " ".join(found)


@dataclass
class Retrieval:
    """What retrieval found for one question."""

    resolved: ResolvedQuestion
    language: Language
    schools: list[str]
    documents: list[Document]
    # Per school: the words of its whole profile (does it mention the asked topic at all?).
    vocabularies: dict[str, ProfileVocabulary] = field(default_factory=dict)


class SopRetriever(BaseRetriever):
    """Hybrid (BM25 + dense) retriever over the support profile index, school-aware and balanced across schools."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: SupportProfileIndex
    k: int = 10
    # None: the weights measured for the index's embedding model.
    weights: FusionWeights | None = None
    school_filter: list[str] | None = None
    _vocabularies: dict[tuple[str, str], ProfileVocabulary] = PrivateAttr(default_factory=dict)
    _names: tuple[tuple[tuple[str, str], ...], list[SchoolName]] | None = PrivateAttr(default=None)

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return self.retrieve(query).documents

    def _school_names(self, profiles: dict) -> list[SchoolName]:
        """The schools' names as questions name them, worked out again only when the schools change (with a
        thousand schools that takes a few milliseconds of every question)."""
        key = tuple(sorted((doc_id, p.school) for doc_id, p in profiles.items()))
        cached = self._names
        if cached is None or cached[0] != key:
            cached = (key, school_names(dict(key)))
            self._names = cached
        return cached[1]

    def names(self) -> list[SchoolName]:
        return school_names({doc_id: p.school for doc_id, p in self.index.profiles().items()})

    def retrieve(self, question: str, history: list[str] | None = None, schools: list[str] | None = None) -> Retrieval:
        """Resolve the question against its history, detect the school(s), search both indexes and fuse."""
        profiles = self.index.profiles()
        names = self._school_names(profiles)
        resolved = resolve(question, history or [], names)
        # A school's name is no evidence of the question's language ('Is OBS De Regenboog wheelchair accessible?').
        language = detect_language(without_school_names(question, names, resolved.named))
        allowed = schools or self.school_filter
        targets = [s for s in resolved.schools if not allowed or s in allowed] or list(allowed or [])
        query = without_school_names(resolved.retrieval_query, names, targets)
        if language != "nl":
            query = f"{query} {translate_terms(query)}"
        query = f"{query} {expand_abbreviations(query)} {expand_question_words(query)}"
        documents = self._search(query, targets or None, profiles)
        if len(targets) >= 2 or (not targets and 2 <= len(profiles) <= 4):
            documents = _balanced(documents, targets or sorted(profiles))
        documents = documents[: self.k]
        for rank, document in enumerate(documents, start=1):
            document.metadata["rank"] = rank
        schools = list(dict.fromkeys(targets + [d.metadata["doc_id"] for d in documents]))
        return Retrieval(resolved, language, targets, documents, self._vocabularies_of(schools, profiles))

    def _vocabularies_of(self, doc_ids: list[str], profiles: dict) -> dict[str, ProfileVocabulary]:
        """The vocabulary of each of these profiles, built once per indexed version."""
        found = {}
        for doc_id in doc_ids:
            key = (doc_id, profiles[doc_id].version)
            if key not in self._vocabularies:
                self._vocabularies[key] = ProfileVocabulary(self.index.store.chunks_of(doc_id))
            found[doc_id] = self._vocabularies[key]
        return found

    def _search(self, query: str, doc_ids: list[str] | None, profiles: dict) -> list[Document]:
        lexical = self.index.lexical(profiles)
        top_lexical = lexical.scores(query, doc_ids, limit=_CANDIDATES)
        vector = self.index.embeddings.embed_query(query)
        dense_hits = self.index.store.search(vector, _CANDIDATES, doc_ids)
        versions = {doc_id: p.version for doc_id, p in profiles.items()}
        by_id = {str(doc.id): doc for doc, _ in dense_hits if versions.get(doc.metadata["doc_id"]) == doc.metadata.get("version")}
        dense_scores = {str(doc.id): score for doc, score in dense_hits if str(doc.id) in by_id}
        missing = [chunk_id for chunk_id in top_lexical if chunk_id not in by_id]
        if missing:
            for doc in self.index.store.get(missing):
                by_id[str(doc.id)] = doc
        weights = self.weights or FusionWeights.for_model(self.index.settings.embedding_model)
        ranked = fuse(top_lexical, dense_scores, weights)
        documents = []
        for chunk_id, score in ranked:
            doc = by_id.get(chunk_id)
            if doc is None:
                continue
            documents.append(Document(page_content=doc.page_content, metadata={**doc.metadata, "score": round(score, 4)}, id=chunk_id))
        return documents


def _balanced(documents: list[Document], doc_ids: list[str]) -> list[Document]:
    """Interleave the schools' own rankings, so a comparison sees every school near the top."""
    per_school = {doc_id: [d for d in documents if d.metadata["doc_id"] == doc_id] for doc_id in doc_ids}
    order = sorted(doc_ids, key=lambda s: -(per_school[s][0].metadata["score"] if per_school[s] else 0))
    merged: list[Document] = []
    depth = max((len(v) for v in per_school.values()), default=0)
    for i in range(depth):
        for doc_id in order:
            if i < len(per_school[doc_id]):
                merged.append(per_school[doc_id][i])
    return merged
