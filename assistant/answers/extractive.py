"""The extractive composer, the default: it never writes a fact of its own. It quotes the sentences that answer the
question, per school, each marked [n], and says plainly when the profiles do not answer."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from assistant.answers.citations import citation_for, page_of
from assistant.answers.excerpts import Excerpt, between, excerpts, footnotes, frame, with_context
from assistant.answers.glosses import gloss_note
from assistant.answers.model import Answer, Citation, phrase
from assistant.answers.refusal import refusals, school_refusal, sections_of
from assistant.answers.unit_scorer import UnitEvidence, UnitScorer, load_unit_scorer, unit_features
from assistant.question.kinds import gives_asked_fact, kind_strength, verdict
from assistant.question.model import Question
from assistant.question.terms import Term, TermMatcher
from assistant.retrieval import Retrieval
from assistant.vocabulary import ProfileVocabulary
from index.lexical import analyse

# Excerpts with the scorer's ``near_best_share`` of the best one's probability are quoted too, up to this many.
_MAX_QUOTES_PER_SCHOOL = 3
# A list question ('Welke protocollen …') also quotes the other rows and list items the scorer finds likely,
# down to half that share.
_LIST_REACH = 2.0
_MAX_LIST_LINES = 10
_PASSAGES_PER_SCHOOL = 5
# Characters of quoted text per school, context and list lines included.
_QUOTE_BUDGET = 900
# Units whose vectors are kept (a few MB).
_CACHED_UNITS = 20000
# Terms at this weight or more are what a question is about (not a weak verb, not the earlier question's topic).
_STRONG = 1.0


@dataclass
class _Candidate:
    document: Document
    units: list[Excerpt]
    index: int
    evidence: UnitEvidence
    position: int
    # The scorer's probability that this unit answers the question, and the features it rests on.
    score: float = 0.0
    features: tuple[float, ...] = ()


@dataclass
class _Quote:
    document: Document
    text: str
    start: int
    regional: bool


@dataclass
class _Finding:
    """What one school's profile says on the question, or why it does not answer."""

    doc_id: str
    school: str
    documents: list[Document]
    quotes: list[_Quote] = field(default_factory=list)
    best: _Candidate | None = None
    known: list[Term] = field(default_factory=list)

    @property
    def answers(self) -> bool:
        return bool(self.quotes)


class _Coverage:
    """How much of the question's key terms a text holds, each weighted by its rarity in the school's profile."""

    def __init__(self, question: Question, vocabulary: ProfileVocabulary | None) -> None:
        terms = question.terms
        self.known = [t for t in terms if vocabulary is None or vocabulary.knows(t)]
        total = sum(t.weight for t in terms)
        self.known_share = sum(t.weight for t in self.known) / total if total else 0.0
        self.weights = tuple(t.weight * (vocabulary.specificity(t) if vocabulary else 1.0) for t in self.known)
        self.total = sum(self.weights)
        self._matcher = TermMatcher(self.known)

    def of(self, text: str, context_stems: frozenset[str]) -> tuple[float, float]:
        """(share held by the text, share held only by its heading or what frames it)."""
        if not self.total:
            return 0.0, 0.0
        stems = frozenset(analyse(text))
        own = self._matcher.share_in(stems)
        framed = self._matcher.share_in(stems | context_stems)
        return (
            sum(w * held for w, held in zip(self.weights, own)) / self.total,
            sum(w * max(0.0, f - held) for w, held, f in zip(self.weights, own, framed)) / self.total,
        )


class ExtractiveComposer:
    """Quotes the best-matching excerpts of the top passages, per school; refuses per school when none answers."""

    def __init__(self, embeddings: Embeddings, scorer: UnitScorer | None = None) -> None:
        self.embeddings = embeddings
        self.scorer = scorer or load_unit_scorer()
        # Units' vectors by text: the same passages answer many questions (a batch, a server's day).
        self._unit_vectors: OrderedDict[str, list[float]] = OrderedDict()
        self._cache_lock = threading.Lock()

    def compose(self, retrieval: Retrieval, contacts: Mapping[str, str]) -> Answer:
        question = retrieval.question
        language = question.language
        order = list(dict.fromkeys(retrieval.schools or [d.metadata["doc_id"] for d in retrieval.documents]))
        findings = [self._find(retrieval, doc_id) for doc_id in order]
        answered = [f for f in findings if f.answers]
        if not answered:
            parts = refusals(language, [(f.doc_id, f.school, f.documents) for f in findings], contacts)
        else:
            parts = [self._render(question, finding) for finding in answered]
            silent = [f for f in findings if not f.answers]
            if retrieval.schools:
                parts += [school_refusal(language, f.doc_id, f.school, f.documents, contacts) for f in silent]
            else:
                # No school was named: a school whose profile does not answer is named in one line, not refused at length.
                parts += [
                    phrase(language, "not_in_profiles", school=f.school, sections=sections_of(f.documents)) for f in silent
                ]
        if language == "other":
            parts.insert(0, phrase(language, "other_language"))
        return Answer(
            question=question.text,
            answer="\n\n".join(parts),
            language=language,
            refused=not answered,
            schools=[f.doc_id for f in answered] or order,
            sources=_citations(retrieval.documents, [q for f in answered for q in f.quotes]),
        )

    def _find(self, retrieval: Retrieval, doc_id: str) -> _Finding:
        documents = [d for d in retrieval.documents if d.metadata["doc_id"] == doc_id]
        finding = _Finding(doc_id, retrieval.label(doc_id), documents)
        question = retrieval.question
        candidates, coverage = self.candidates(retrieval, doc_id)
        if question.kind.fact is not None:
            # A question for a name, a time, an amount or how often is answered by the units that give one (with
            # what they are quoted with), not by the likeliest unit that does not.
            candidates = [c for c in candidates if gives_asked_fact(question.kind, [_in_context(c)])]
        threshold = self.scorer.answer_threshold
        if not candidates or candidates[0].score < threshold:
            return finding
        best = candidates[0]
        # The same line in two passages (a heading the next chunk of its section repeats) is picked once: the second
        # would only bring along what follows it there, which the line does not speak for.
        first: dict[str, _Candidate] = {}
        for candidate in candidates:
            if candidate.score >= max(threshold, best.score * self.scorer.near_best_share):
                first.setdefault(candidate.units[candidate.index].text, candidate)
        picked = list(first.values())[:_MAX_QUOTES_PER_SCHOOL]
        if question.kind.list:
            reach = max(threshold, best.score * self.scorer.near_best_share / _LIST_REACH)
            lines = [c for c in candidates if c not in picked and c.units[c.index].is_list_line and c.score >= reach]
            picked += lines[:_MAX_LIST_LINES]
        quotes = self._quotes(picked)
        if question.kind.yes_no and all(q.regional for q in quotes) and not _holds_all_asked(question.terms, best):
            # 'Heeft de school een lift?' asks what this school has: a line every profile of the region shares that
            # holds part of it ('een school met veel trappen is niet passend voor een leerling in een rolstoel') does
            # not say. One that holds all of it ('gedragsregulatie-technieken, zoals stop-denk-doe') is what the
            # profile says about it, and is quoted as regional text.
            return finding
        finding.quotes, finding.best, finding.known = quotes, best, coverage.known
        return finding

    def candidates(self, retrieval: Retrieval, doc_id: str) -> tuple[list[_Candidate], _Coverage]:
        """Every unit of the school's top passages, scored, best first (also what the scorer is fitted on)."""
        question = retrieval.question
        documents = [d for d in retrieval.documents if d.metadata["doc_id"] == doc_id][:_PASSAGES_PER_SCHOOL]
        coverage = _Coverage(question, retrieval.vocabularies.get(doc_id))
        top_score = max((float(d.metadata.get("score", 0.0)) for d in documents), default=0.0) or 1.0
        candidates: list[_Candidate] = []
        for position, document in enumerate(documents):
            units = excerpts(document)
            section = frozenset(analyse(str(document.metadata.get("section", ""))))
            passage_score = float(document.metadata.get("score", 0.0)) / top_score
            for index, unit in enumerate(units):
                lead = frame(units, index)
                context = section if lead is None else section | frozenset(analyse(units[lead].text))
                own, heading = coverage.of(unit.text, context)
                fact = kind_strength(question.kind, unit.text)
                candidates.append(
                    _Candidate(document, units, index, UnitEvidence(own, heading, 0.0, fact, position, passage_score), position)
                )
        if not candidates:
            return [], coverage
        # Only units holding a key term (themselves or through their heading) can be quoted: only they are embedded.
        quotable = [c for c in candidates if c.evidence.coverage > 0 or c.evidence.heading_coverage > 0]
        measured = dict(zip(map(id, quotable), self._similarities(retrieval, [c.units[c.index].text for c in quotable])))
        similarities = [measured.get(id(c), 0.0) for c in candidates]
        best_coverage = max(c.evidence.coverage for c in candidates)
        best_similarity = max(similarities)
        for candidate, similarity in zip(candidates, similarities):
            candidate.evidence = replace(candidate.evidence, similarity=similarity)
            candidate.features = unit_features(
                candidate.units[candidate.index], candidate.evidence, best_coverage, best_similarity, question.kind,
                coverage.known_share,
            )
            candidate.score = self.scorer.probability(candidate.features)
        candidates.sort(key=lambda c: c.score, reverse=True)
        return candidates, coverage

    def _similarities(self, retrieval: Retrieval, texts: list[str]) -> list[float]:
        """Cosine of each text with the question, by the index's embedding model (its vectors are normalised)."""
        query = retrieval.query_vector or tuple(self.embeddings.embed_query(retrieval.question.search_text))
        with self._cache_lock:
            known = {t: self._unit_vectors[t] for t in texts if t in self._unit_vectors}
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        if missing:
            known.update(zip(missing, self.embeddings.embed_documents(missing)))
            with self._cache_lock:
                self._unit_vectors.update((t, known[t]) for t in missing)
                while len(self._unit_vectors) > _CACHED_UNITS:
                    self._unit_vectors.popitem(last=False)
        return [sum(a * b for a, b in zip(known[text], query)) for text in texts]

    def _quotes(self, picked: list[_Candidate]) -> list[_Quote]:
        """The picked excerpts with their context, runs of neighbouring excerpts joined into one quote."""
        chosen: dict[str, tuple[Document, list[Excerpt], set[int], int]] = {}
        budget = _QUOTE_BUDGET
        for candidate in picked:
            key = str(candidate.document.id or candidate.document.metadata.get("rank"))
            indices = with_context(candidate.units, candidate.index, budget)
            length = sum(len(candidate.units[i].text) for i in indices)
            if chosen and length > budget:
                continue
            budget -= length
            entry = chosen.setdefault(key, (candidate.document, candidate.units, set(), candidate.position))
            entry[2].update(indices)
        quotes: list[_Quote] = []
        seen: set[str] = set()
        for document, units, indices, _ in sorted(chosen.values(), key=lambda e: e[3]):
            # Neighbouring passages overlap: a sentence quoted from one is not quoted again from the next.
            indices.difference_update({i for i in indices if units[i].text in seen})
            seen.update(units[i].text for i in indices)
            indices.update(footnotes(units, indices))
            indices.update(i for i in between(units, indices) if units[i].text not in seen)
            run: list[int] = []
            for index in sorted(indices):
                if run and (index != run[-1] + 1 or units[index].regional != units[run[-1]].regional):
                    quotes.append(_joined(document, units, run))
                    run = []
                run.append(index)
            if run:
                quotes.append(_joined(document, units, run))
        return quotes

    def _render(self, question: Question, finding: _Finding) -> str:
        language = question.language
        lead = phrase(language, "lead", school=finding.school)
        if finding.best is not None:
            # A follow-up such as 'En Balans?' asks about the earlier question's topic.
            asked = [t for t in finding.known if t.own] or finding.known
            key_words = [part for t in asked for form in t.forms for part in form]
            best = finding.best.units[finding.best.index]
            # Yes or no only when the quote holds everything asked ('Expertise autisme Nee' does not answer
            # 'Is de school geschikt voor autisme?'), and never from a regional line: it does not speak for this school.
            covers = _holds_all_asked(finding.known, finding.best)
            said = None if best.regional else verdict(question.kind, best.text, key_words, best.row, covers)
            if said:
                lead = f"{phrase(language, said)} {lead}"
        if all(q.regional for q in finding.quotes):
            lead = f"{lead[:-1]} {phrase(language, 'regional_only', school=finding.school)}"
        lines = [lead]
        mixed = not all(q.regional for q in finding.quotes)
        for quote in finding.quotes:
            rank = int(quote.document.metadata["rank"])
            label = f" {phrase(language, 'regional')}" if quote.regional and mixed else ""
            gloss = gloss_note(quote.text) if language == "en" else ""
            lines.append(f"- “{quote.text}” [{rank}]{label}{gloss}".replace("\n", "\n  "))
        return "\n".join(lines)


def _holds_all_asked(known: Sequence[Term], candidate: _Candidate) -> bool:
    """Whether the unit holds every strong term the question itself asks (a follow-up's 'En Balans?' asks about
    the earlier question's topic: then those)."""
    asked = [t for t in known if t.own] or known
    required = [t for t in asked if t.weight >= _STRONG] or asked
    stems = frozenset(analyse(candidate.units[candidate.index].text))
    return bool(required) and all(t.found_in(stems) for t in required)


def _in_context(candidate: _Candidate) -> str:
    """The unit's text with what it is quoted with (its list's lead-in, its table's header, a sentence it leans on)."""
    return " ".join(candidate.units[i].text for i in with_context(candidate.units, candidate.index, _QUOTE_BUDGET))


def _citations(documents: list[Document], quotes: list[_Quote]) -> list[Citation]:
    """Every retrieved passage as a source; a quoted one with its quotes (kept apart by ' … ' when they come from
    different places of it, so each stays verbatim) and the page of its first quote."""
    quoted: dict[int, list[_Quote]] = {}
    for quote in quotes:
        quoted.setdefault(int(quote.document.metadata["rank"]), []).append(quote)
    sources = []
    for document in documents:
        own = quoted.get(int(document.metadata["rank"]), [])
        if not own:
            sources.append(citation_for(document))
            continue
        text = " … ".join(q.text for q in own)
        sources.append(citation_for(document, text, page_of(document, own[0].start)))
    return sources


def _joined(document: Document, units: list[Excerpt], run: list[int]) -> _Quote:
    """Neighbouring excerpts as one quote, with the passage's own line breaks: a heading, a table row, a list item
    or a paragraph starts a line ('Rolstoelvriendelijk | Nee' / 'Lift | Nee', not 'Rolstoelvriendelijk | Nee Lift |
    Nee'); sentences of one paragraph stay together."""
    text = units[run[0]].text
    for index in run[1:]:
        text += ("\n" if units[index].line_start else " ") + units[index].text
    return _Quote(document, text, units[run[0]].start, units[run[0]].regional)
