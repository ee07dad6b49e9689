"""The one general scorer that picks what an extractive answer quotes: for every unit (sentence, list item, table
row, heading) of a school's top passages, a few measurable features — how much of the question's key terms it
holds, how close its meaning is to the question by the index's own embedding model, where its passage ranks, what
kind of unit it is, whether it holds the kind of fact asked for — combined by a small logistic model fitted on one
development fold (``scripts/fit_unit_scorer.py``) and checked on the other. The model's probability also decides
refusal: a school whose best unit stays below the answer threshold does not answer the question."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.answers.excerpts import Excerpt
from assistant.data import unit_scorer_model
from assistant.fitted import load_fitted, logistic
from assistant.question.kinds import AskedKind

# The features in the order the model's weights follow; each is worked out by ``unit_features``.
FEATURES: tuple[str, ...] = (
    "coverage",  # weighted share of the question's key terms the unit holds
    "coverage_gap",  # the same, less the best unit's of this school (how far below the best match it is)
    "heading_coverage",  # share held only by the section heading above it
    "similarity",  # cosine of unit and question by the index's embedding model
    "similarity_gap",  # the same, less the best unit's of this school
    "asked_fact",  # how well it holds the kind of fact asked for (a number for 'Hoeveel', a role for 'Wie')
    "position",  # the passage's place in the school's ranking (0 = first)
    "passage_score",  # the passage's retrieval score over the school's best passage's
    "heading",
    "list_item",
    "table_row",
    "list_line_for_list",  # a list item or table row when the question asks 'welke/which'
    "row_for_yes_no",  # a table row ('Lift | nvt') when the question asks yes or no
    "regional",  # template text many profiles share
    "length",  # the unit's length, capped at 400 characters, as a share of that
    "known_share",  # share of the question's key terms the school's whole profile uses at all
)
_LENGTH_CAP = 400
_POSITIONS = 5


@dataclass(frozen=True)
class UnitEvidence:
    """What is measured of one unit before the model weighs it."""

    coverage: float
    heading_coverage: float
    similarity: float
    asked_fact: float
    position: int
    passage_score: float


def unit_features(
    unit: Excerpt, evidence: UnitEvidence, best_coverage: float, best_similarity: float, kind: AskedKind,
    known_share: float,
) -> tuple[float, ...]:
    """The feature vector of one unit, in the order of ``FEATURES``."""
    line = unit.kind in ("list_item", "table_row")
    return (
        evidence.coverage,
        evidence.coverage - best_coverage,
        evidence.heading_coverage,
        evidence.similarity,
        evidence.similarity - best_similarity,
        evidence.asked_fact,
        min(evidence.position, _POSITIONS) / _POSITIONS,
        evidence.passage_score,
        float(unit.kind == "heading"),
        float(unit.kind == "list_item"),
        float(unit.kind == "table_row"),
        float(line and kind.list),
        float(unit.kind == "table_row" and kind.yes_no),
        float(unit.regional),
        min(len(unit.text), _LENGTH_CAP) / _LENGTH_CAP,
        known_share,
    )


def grounded(features: tuple[float, ...]) -> bool:
    """Whether the unit holds a key term of the question, itself or in its section heading: an extractive answer
    quotes nothing that shares no word with what was asked, however close the model finds its meaning."""
    return features[0] > 0 or features[2] > 0


@dataclass(frozen=True)
class UnitScorer:
    """The fitted model: weights per feature, and the thresholds chosen on the fold it was fitted on."""

    weights: tuple[float, ...]
    intercept: float
    # A school answers when its best unit reaches this probability; units with at least this share of the best
    # one's probability are quoted too (a share, not a difference: probabilities run lower on harder questions).
    answer_threshold: float
    near_best_share: float
    fitted_on: str

    def probability(self, features: tuple[float, ...]) -> float:
        """The model's probability that the unit is (part of) the answer; 0 for a unit that is not ``grounded``."""
        if not grounded(features):
            return 0.0
        return logistic(self.intercept, self.weights, features)


def load_unit_scorer(path: Path | None = None) -> UnitScorer:
    """The model in ``path`` (SOP_UNIT_SCORER), else the shipped one (assistant/data/unit_scorer.json); its features
    must be those this code computes."""
    return load_fitted(
        path, unit_scorer_model, FEATURES, "SOP_UNIT_SCORER",
        lambda data: UnitScorer(
            weights=tuple(float(w) for w in data["weights"]),
            intercept=float(data["intercept"]),
            answer_threshold=float(data["answer_threshold"]),
            near_best_share=float(data["near_best_share"]),
            fitted_on=str(data["fitted_on"]),
        ),
    )
