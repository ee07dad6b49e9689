"""Retrieval: the question (with its conversation) → the best passages, from the right school(s). Its LangChain
face, a ``BaseRetriever``, is ``assistant/retriever.py``: LangChain's runnables and tracers took 0.2–0.4 s of every
cold ``ask``, which needs none of them."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from langchain_core.documents import Document

from assistant.directory import school_labels
from assistant.passage_scorer import PassageScorer, QuestionTerms, load_passage_scorer, passage_features
from assistant.question.model import Question
from assistant.question.reading import read_question
from assistant.question.schools import SchoolName, SchoolRecord, school_names
from assistant.vocabulary import ProfileVocabulary
from index.hybrid import Fused, FusionWeights, fuse
from index.indexer import SupportProfileIndex

# How many candidates each ranking contributes before fusion.
_CANDIDATES = 60


@dataclass(frozen=True)
class Retrieval:
    """What retrieval found for one question: the passages in rank order (``metadata["rank"]``, from 1)."""

    question: Question
    documents: list[Document]
    # Per school: the words of its whole profile (does it mention the asked topic at all?).
    vocabularies: dict[str, ProfileVocabulary] = field(default_factory=dict)
    # Per school: the label that names it in an answer, unique in the index ('Willibrordusschool (Diessen)').
    labels: dict[str, str] = field(default_factory=dict)
    # The question's embedding (of ``question.search_text``), for composers that compare units with it.
    query_vector: tuple[float, ...] = ()

    def label(self, doc_id: str) -> str:
        """The school's label in answers (its doc_id when it is not indexed)."""
        return self.labels.get(doc_id, doc_id)

    @property
    def schools(self) -> tuple[str, ...]:
        """The schools the question is about (empty when it names none)."""
        return self.question.schools


class ProfileSearch:
    """Hybrid (BM25 + dense) search over the support profile index, school-aware and balanced across schools."""

    def __init__(
        self,
        index: SupportProfileIndex,
        k: int = 10,
        weights: FusionWeights | None = None,
        school_filter: list[str] | None = None,
        scorer: PassageScorer | None = None,
    ) -> None:
        self.index = index
        # None: the model in SOP_PASSAGE_SCORER, else the shipped one.
        self.scorer = scorer or load_passage_scorer(index.settings.passage_scorer)
        self.k = k
        # None: the weights measured for the index's embedding model.
        self.weights = weights
        self.school_filter = school_filter
        self._vocabularies: dict[tuple[str, str], ProfileVocabulary] = {}
        # The names and labels, the key they were made for, and the manifest token they are known to match.
        self._names: tuple[tuple[tuple[str, ...], ...], list[SchoolName], dict[str, str], str] | None = None

    def _directory(self, profiles: dict) -> tuple[list[SchoolName], dict[str, str]]:
        """The schools' names and their labels in answers, both worked out again only when the schools change (the
        labels of 7,000 schools took 20 ms of every question)."""
        token = getattr(profiles, "token", "")
        cached = self._names
        if cached is not None and token and cached[3] == token:
            return cached[1], cached[2]
        key = tuple(sorted((doc_id, p.school, p.town, p.brin, p.type) for doc_id, p in profiles.items()))
        if cached is None or cached[0] != key:
            names = school_names({doc_id: SchoolRecord(*record) for doc_id, *record in key})
            cached = (key, names, school_labels(profiles), token)
        self._names = (cached[0], cached[1], cached[2], token)
        return cached[1], cached[2]

    def read(
        self,
        text: str,
        history: list[str] | None = None,
        schools: list[str] | None = None,
        towns: list[str] | None = None,
        types: list[str] | None = None,
    ) -> Question:
        """The question read over the indexed schools' names and the words their profiles use, within ``schools``
        (else the retriever's filter), ``towns`` and ``types``."""
        # One manifest read for both: with a Chroma server each is a round trip.
        profiles = self.index.profiles()
        lexical = self.index.lexical(profiles)
        return read_question(
            text, history or [], self._directory(profiles)[0], schools or self.school_filter or [], towns or [],
            types or [], lexical.words, lexical.corrected,
        )

    def retrieve(self, question: Question) -> Retrieval:
        """Search both indexes within the question's schools and fuse; a comparison (or a question over a handful
        of schools that names none) sees every school near the top."""
        profiles = self.index.profiles()
        targets = list(question.schools)
        vector = self.index.embeddings.embed_query(question.search_text)
        documents = self._search(question, vector, _searched(question), profiles)
        if len(targets) >= 2 or (not targets and 2 <= len(profiles) <= 4):
            documents = _balanced(documents, targets or sorted(profiles))
        ranked = [
            Document(page_content=d.page_content, metadata={**d.metadata, "rank": rank}, id=d.id)
            for rank, d in enumerate(documents[: self.k], start=1)
        ]
        schools = list(dict.fromkeys(targets + [d.metadata["doc_id"] for d in ranked]))
        labels = self._directory(profiles)[1]
        return Retrieval(
            question, ranked, self._vocabularies_of(schools, profiles), {s: labels[s] for s in schools}, tuple(vector)
        )

    def _vocabularies_of(self, doc_ids: list[str], profiles: dict) -> dict[str, ProfileVocabulary]:
        """The vocabulary of each of these profiles, built once per indexed version."""
        found = {}
        for doc_id in doc_ids:
            key = (doc_id, profiles[doc_id].version)
            if key not in self._vocabularies:
                self._vocabularies[key] = ProfileVocabulary(self.index.store.chunks_of(doc_id))
            found[doc_id] = self._vocabularies[key]
        return found

    def passage_candidates(self, question: Question) -> list[tuple[Document, tuple[float, ...]]]:
        """The fused candidates the passage scorer reorders, in fused order, with their features (for fitting it)."""
        profiles = self.index.profiles()
        vector = self.index.embeddings.embed_query(question.search_text)
        found = self._fused(question.search_text, vector, _searched(question), profiles)[: self.scorer.depth]
        return list(zip([doc for doc, _ in found], self._features(question, found)))

    def _search(
        self, question: Question, vector: list[float], doc_ids: list[str] | None, profiles: dict
    ) -> list[Document]:
        """The fused candidates, the top ``depth`` of them in the passage scorer's order, with its probability as
        their score (the rest below, in fused order)."""
        found = self._fused(question.search_text, vector, doc_ids, profiles)
        depth = self.scorer.depth
        probabilities = [self.scorer.probability(f) for f in self._features(question, found)]
        head = sorted(zip((doc for doc, _ in found[:depth]), probabilities), key=lambda pair: -pair[1])
        floor = min(probabilities, default=1.0)
        edge = max(found[depth][1].score, 1e-9) if len(found) > depth else 1.0
        tail = [(doc, floor * fused.score / edge) for doc, fused in found[depth:]]
        return [
            Document(page_content=doc.page_content, metadata={**doc.metadata, "score": round(score, 4)}, id=doc.id)
            for doc, score in head + tail
        ]

    def _features(self, question: Question, found: list[tuple[Document, Fused]]) -> list[tuple[float, ...]]:
        depth = self.scorer.depth
        terms = QuestionTerms(question)
        return [passage_features(doc, fused, rank, depth, terms) for rank, (doc, fused) in enumerate(found[:depth])]

    def _fused(
        self, query: str, vector: list[float], doc_ids: list[str] | None, profiles: dict
    ) -> list[tuple[Document, Fused]]:
        """Both rankings fused, template text ranked below the school's own, best first."""
        lexical = self.index.lexical(profiles)
        top_lexical = lexical.scores(query, doc_ids, limit=_CANDIDATES)
        dense_hits = self.index.store.search(vector, _CANDIDATES, doc_ids)
        versions = {doc_id: p.version for doc_id, p in profiles.items()}
        by_id = {str(doc.id): doc for doc, _ in dense_hits if versions.get(doc.metadata["doc_id"]) == doc.metadata.get("version")}
        dense_scores = {str(doc.id): score for doc, score in dense_hits if str(doc.id) in by_id}
        missing = [chunk_id for chunk_id in top_lexical if chunk_id not in by_id]
        if missing:
            for doc in self.index.store.get(missing):
                by_id[str(doc.id)] = doc
        weights = self.weights or FusionWeights.for_model(self.index.settings.embedding_model)
        ranked = [(by_id[chunk_id], fused) for chunk_id, fused in fuse(top_lexical, dense_scores, weights) if chunk_id in by_id]
        marked = self.index.with_template_marks([doc for doc, _ in ranked], profiles)
        # Template text answers what the region writes, not what this school does: it ranks below the school's own.
        penalty = self.index.settings.template_penalty
        scored = [
            (doc, replace(fused, score=fused.score * (1 - penalty * float(doc.metadata.get("template_share", 0.0)))))
            for doc, (_, fused) in zip(marked, ranked)
        ]
        scored.sort(key=lambda pair: -pair[1].score)
        return scored


def _searched(question: Question) -> list[str] | None:
    """The schools whose passages are searched: those the question is about, else those of its town or kind of
    school; None: every school."""
    return list(question.schools) or list(question.scope) or None


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
