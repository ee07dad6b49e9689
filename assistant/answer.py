"""Answer composers. The default, ``extractive``, never writes a fact of its own: it quotes the sentences that
answer the question, per school, each marked [n], and says plainly when the profiles do not answer."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Protocol

from langchain_core.documents import Document

from assistant.citations import Citation, citation_for
from assistant.language import Language
from assistant.retrieval import Retrieval, translate_terms
from index.lexical import analyse
from ingest.chunking import split_sentences

_PHRASES: dict[str, dict[str, str]] = json.loads(resources.files("assistant.data").joinpath("phrases.json").read_text())
_TYPES = json.loads(resources.files("assistant.data").joinpath("answer_types.json").read_text())
_RULES = [(re.compile(r["question"], re.IGNORECASE), re.compile(r["evidence"])) for r in _TYPES["rules"]]
_GENERIC = set(analyse(" ".join(_TYPES["generic_question_words"])))
_YES_NO = re.compile(
    r"^\s*(heeft|hebben|is|zijn|kan|kunnen|mag|mogen|werken|werkt|biedt|bieden|geeft|doet|doen|krijgt|zit|"
    r"does|do|is|are|can|has|have|will|may)\b",
    re.IGNORECASE,
)
_ROW_YES = re.compile(r"\s(ja|aanwezig)\b", re.IGNORECASE)
_ROW_NO = re.compile(r"\s(nee|nvt|n\.v\.t\.|niet aanwezig)\b", re.IGNORECASE)
_NEGATION = re.compile(r"\b(niet|geen|nooit)\b", re.IGNORECASE)
_PRESENT = re.compile(r"\b(aanwezig|beschikbaar|is er|zijn er|hebben (we|wij) een)\b", re.IGNORECASE)
_CONTACT = re.compile(r"^(Telefoon|Algemeen e-mailadres|E-?mail\w*|Website)\b.*", re.IGNORECASE | re.MULTILINE)
# Fraction of the question's weighted key words a quoted sentence must hold for the profile to count as answering.
ANSWER_THRESHOLD = 0.5
_MAX_QUOTES_PER_SCHOOL = 3
_PASSAGES_PER_SCHOOL = 5


def phrase(language: Language, key: str, **values: str) -> str:
    """Interface text in the answer's language (Dutch for questions in other languages)."""
    table = _PHRASES["en" if language == "en" else "nl"]
    return table[key].format(**values)


@dataclass
class Answer:
    """What ``ask --json`` prints for one question."""

    question: str
    answer: str
    language: Language
    refused: bool
    schools: list[str]
    sources: list[Citation] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "question": self.question,
            "answer": self.answer,
            "language": self.language if self.language != "other" else "nl",
            "refused": self.refused,
            "schools": self.schools,
            "sources": [source.to_json() for source in self.sources],
        }


class AnswerComposer(Protocol):
    """Turns retrieved passages into an answer with [n] citations."""

    def compose(self, retrieval: Retrieval, contacts: dict[str, str]) -> Answer: ...


@dataclass
class _Candidate:
    document: Document
    text: str
    coverage: float
    position: int


def _units(text: str) -> list[str]:
    units: list[str] = []
    for line in text.split("\n"):
        if "  " in line or len(line) < 90:
            units.append(line.strip())
        else:
            units.extend(split_sentences(line))
    return [unit for unit in units if unit]


def question_weights(retrieval: Retrieval, school_words: set[str]) -> dict[str, float]:
    """Stemmed key words of the question (weight 1) and, for a follow-up, of the earlier question (weight 0.5)."""
    resolved = retrieval.resolved
    own = resolved.question
    if retrieval.language != "nl":
        own = f"{own} {translate_terms(own)}"
    weights = {stem: 1.0 for stem in analyse(own) if stem not in _GENERIC and stem not in school_words}
    if resolved.follow_up:
        earlier = resolved.retrieval_query[len(resolved.question) :]
        if retrieval.language != "nl":
            earlier = f"{earlier} {translate_terms(earlier)}"
        for stem in analyse(earlier):
            if stem not in _GENERIC and stem not in school_words:
                weights.setdefault(stem, 0.5)
    return weights


def _coverage(unit: str, weights: dict[str, float], context: str) -> float:
    total = sum(weights.values())
    if not total:
        return 0.0
    stems = set(analyse(unit))
    # A word of the question that is only in the passage's section heading still counts a little.
    context_stems = set(analyse(context))
    hit = sum(w for s, w in weights.items() if s in stems) + 0.5 * sum(
        w for s, w in weights.items() if s not in stems and s in context_stems
    )
    return hit / total


def _answer_type_ok(question: str, quotes: list[str]) -> bool:
    for asks, evidence in _RULES:
        if asks.search(question):
            return any(evidence.search(quote) for quote in quotes)
    return True


def _yes_no(question: str, quotes: list[str], weights: dict[str, float]) -> str | None:
    """'yes'/'no' only when the first quote states it plainly (a table value, or a clear sentence)."""
    if not _YES_NO.search(question) or not quotes:
        return None
    first = quotes[0]
    if not any(stem in analyse(first) for stem, w in weights.items() if w >= 1.0):
        return None
    if "  " in first or len(first) < 60:
        if _ROW_NO.search(first):
            return "no"
        if _ROW_YES.search(first):
            return "yes"
        return None
    if _NEGATION.search(first):
        return "no"
    if _PRESENT.search(first):
        return "yes"
    return None


class ExtractiveComposer:
    """Quotes the best-matching sentences of the top passages, grouped per school; refuses when none answers."""

    def __init__(self, threshold: float = ANSWER_THRESHOLD) -> None:
        self.threshold = threshold

    def compose(self, retrieval: Retrieval, contacts: dict[str, str]) -> Answer:
        documents = retrieval.documents
        language = retrieval.language
        question = retrieval.resolved.question
        school_words = {stem for doc in documents for stem in analyse(doc.metadata.get("school", ""))}
        weights = question_weights(retrieval, school_words)
        order = list(dict.fromkeys(retrieval.schools or [d.metadata["doc_id"] for d in documents]))
        quoted: dict[str, list[_Candidate]] = {}
        for doc_id in order:
            picked = self._pick(question, [d for d in documents if d.metadata["doc_id"] == doc_id], weights)
            if picked:
                quoted[doc_id] = picked
        if not retrieval.schools and quoted:
            # No school named: keep only schools whose best quote is about as good as the best school's.
            best = max(c.coverage for picks in quoted.values() for c in picks)
            quoted = {k: v for k, v in quoted.items() if max(c.coverage for c in v) >= best - 0.25}
        sources = [citation_for(doc, "") for doc in documents]
        by_rank = {source.rank: source for source in sources}
        parts: list[str] = []
        for doc_id, picks in quoted.items():
            school = picks[0].document.metadata.get("school", doc_id)
            lines = [phrase(language, "lead", school=school)]
            verdict = _yes_no(question, [c.text for c in picks], weights)
            if verdict:
                lines[0] = f"{phrase(language, verdict)} {lines[0]}"
            for candidate in picks:
                rank = int(candidate.document.metadata["rank"])
                source = by_rank[rank]
                source.quote = f"{source.quote} {candidate.text}".strip() if source.quote else candidate.text
                source.page = citation_for(candidate.document, candidate.text).page
                regional = " " + phrase(language, "regional") if candidate.document.metadata.get("scope") == "regional" else ""
                lines.append(f"- “{candidate.text}” [{rank}]{regional}")
            parts.append("\n".join(lines))
        missing = [doc_id for doc_id in order if doc_id not in quoted and retrieval.schools]
        for doc_id in missing:
            parts.append(self._refusal(language, [d for d in documents if d.metadata["doc_id"] == doc_id], contacts, doc_id))
        refused = not quoted
        if refused and not missing:
            parts = [self._refusal(language, documents, contacts, None)]
        if language == "other":
            parts.insert(0, phrase(language, "other_language"))
        return Answer(
            question=question,
            answer="\n\n".join(parts),
            language=language,
            refused=refused,
            schools=list(quoted) or order,
            sources=sources,
        )

    def _pick(self, question: str, documents: list[Document], weights: dict[str, float]) -> list[_Candidate]:
        candidates: list[_Candidate] = []
        for position, document in enumerate(documents[:_PASSAGES_PER_SCHOOL]):
            context = f"{document.metadata.get('section', '')}\n{document.metadata.get('explained', '')}"
            for unit in _units(document.page_content):
                coverage = _coverage(unit, weights, context) - 0.03 * position
                candidates.append(_Candidate(document, unit, coverage, position))
        if not candidates:
            return []
        candidates.sort(key=lambda c: c.coverage, reverse=True)
        best = candidates[0]
        if best.coverage < self.threshold or not _answer_type_ok(question, [c.text for c in candidates[:5]]):
            return []
        picked = [c for c in candidates if c.coverage >= max(self.threshold, best.coverage - 0.2)][:_MAX_QUOTES_PER_SCHOOL]
        seen: set[str] = set()
        unique = [c for c in picked if not (c.text in seen or seen.add(c.text))]
        return sorted(unique, key=lambda c: (c.position, c.document.page_content.find(c.text)))

    def _refusal(self, language: Language, documents: list[Document], contacts: dict[str, str], doc_id: str | None) -> str:
        sections = ", ".join(dict.fromkeys(d.metadata.get("section", "") for d in documents[:5] if d.metadata.get("section"))) or "—"
        if doc_id is None:
            text = phrase(language, "refusal_all", sections=sections)
            return f"{text} {phrase(language, 'contact_default')}"
        school = documents[0].metadata.get("school", doc_id) if documents else doc_id
        text = phrase(language, "refusal", school=school, sections=sections)
        contact = contacts.get(doc_id)
        return f"{text} {phrase(language, 'contact', contact=contact) if contact else phrase(language, 'contact_default')}"


def contact_lines(chunks: list[Document]) -> str:
    """The profile's own contact data (telephone, e-mail, website), for pointing a refused question at the school."""
    found: list[str] = []
    for chunk in chunks:
        found.extend(" ".join(match.group(0).split()) for match in _CONTACT.finditer(chunk.page_content))
        if len(found) >= 3:
            break
    return "; ".join(dict.fromkeys(found[:3]))
