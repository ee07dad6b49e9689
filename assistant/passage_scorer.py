"""The one general scorer that orders the passages retrieval found: the fused BM25 and dense scores say how well a
passage matches the words and the meaning of the question, but not whether the question's terms stand together in
one sentence or row, whether the passage holds the kind of fact asked for, or whether it is a long grid page that
mentions everything once. A few measurable features of each top passage, combined by a small logistic model fitted
on one development fold (``scripts/fit_passage_scorer.py``) and checked on the other, give its order."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from langchain_core.documents import Document

from assistant.data import passage_scorer_model
from assistant.fitted import load_fitted, logistic
from assistant.question.kinds import kind_strength
from assistant.question.model import Question
from assistant.question.terms import TermMatcher
from core.units import decode_units
from index.hybrid import Fused
from index.lexical import analyse

# The features in the order the model's weights follow; each is worked out by ``passage_features``.
FEATURES: tuple[str, ...] = (
    "lexical",  # BM25 over the best candidate's
    "dense",  # cosine, scaled over the candidates' spread
    "fused_rank",  # place in the fused ranking (0 = first, 1 = at the reranked depth), on a log scale
    "coverage",  # weighted share of the question's key terms the passage holds
    "unit_coverage",  # the best share one unit holds, with its section heading: the terms together, not spread
    "heading_coverage",  # share its section path holds
    "asked_fact",  # how well it holds the kind of fact asked for (a number for 'Hoeveel', a role for 'Wie')
    "regional",  # share of its text that is template text many profiles share
    "table",  # a table or grid passage
    "lines_for_list",  # share of its units that are list items or table rows, when the question asks 'welke/which'
)
# Not among them: where a passage stands in its profile and how long it is. Each template puts its facts elsewhere
# (the seeds' summaries come late, Plein013's interview reports early), so a model fitted on one fold's layout
# misplaces the other's: with both, the fold-B model lowered fold A's MRR (0.913 → 0.907); without, it raised it
# (→ 0.939) and the fold-A model raised fold B's about as much as before (0.678 → 0.685).
_FACT_STRENGTH_CAP = 3.0
# Texts whose stems are kept: the units of a few hundred profiles' passages (some MB).
_CACHED_TEXTS = 20000


@dataclass(frozen=True)
class PassageScorer:
    """The fitted model: weights per feature, and how many of the fused candidates it reorders."""

    weights: tuple[float, ...]
    intercept: float
    depth: int
    fitted_on: str

    def probability(self, features: tuple[float, ...]) -> float:
        """The model's probability that the passage holds the answer."""
        return logistic(self.intercept, self.weights, features)


class QuestionTerms:
    """How much of a question's key terms a text holds, each by its weight in the question."""

    def __init__(self, question: Question) -> None:
        self.question = question
        self.total = sum(t.weight for t in question.terms)
        self._weights = tuple(t.weight for t in question.terms)
        self._matcher = TermMatcher(question.terms)

    def share(self, stems: frozenset[str]) -> float:
        if not self.total:
            return 0.0
        return sum(w * held for w, held in zip(self._weights, self._matcher.share_in(stems))) / self.total


@lru_cache(maxsize=_CACHED_TEXTS)
def _stems(text: str) -> frozenset[str]:
    """The stems of a passage, unit or heading: a school's top passages come back question after question."""
    return frozenset(analyse(text))


def passage_features(
    document: Document, fused: Fused, rank: int, depth: int, terms: QuestionTerms
) -> tuple[float, ...]:
    """The feature vector of one passage at ``rank`` (from 0) of the fused ranking, in the order of ``FEATURES``."""
    text = document.page_content
    metadata = document.metadata
    heading = _stems(str(metadata.get("section", "")))
    units = decode_units(str(metadata.get("units", "")))
    unit_coverage = max((terms.share(_stems(text[u.start : u.end]) | heading) for u in units), default=0.0)
    lines = sum(u.kind in ("list_item", "table_row") for u in units) / max(len(units), 1)
    kind = terms.question.kind
    return (
        fused.lexical,
        fused.dense,
        math.log1p(rank) / math.log1p(depth),
        terms.share(_stems(text)),
        unit_coverage,
        terms.share(heading),
        min(kind_strength(kind, text), _FACT_STRENGTH_CAP) / _FACT_STRENGTH_CAP,
        float(metadata.get("template_share", 0.0)),
        float(metadata.get("kind") == "table"),
        lines if kind.list else 0.0,
    )


def load_passage_scorer(path: Path | None = None) -> PassageScorer:
    """The model in ``path`` (SOP_PASSAGE_SCORER), else the shipped one (assistant/data/passage_scorer.json); its
    features must be those this code computes."""
    return load_fitted(
        path, passage_scorer_model, FEATURES, "SOP_PASSAGE_SCORER",
        lambda data: PassageScorer(
            weights=tuple(float(w) for w in data["weights"]),
            intercept=float(data["intercept"]),
            depth=int(data["depth"]),
            fitted_on=str(data["fitted_on"]),
        ),
    )
