"""The extractive answer's unit scorer: the shipped model and the fold-A model hold the features the code computes,
each says which fold it was fitted on (the fold-quality tests measure each on the other fold), and a broken model
file is a clear error naming it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import DATA

from assistant.answers.excerpts import Excerpt
from assistant.answers.unit_scorer import FEATURES, UnitEvidence, load_unit_scorer, unit_features
from assistant.question.kinds import asked_kind
from core.errors import UsageError

FOLD_A_MODEL = DATA / "unit_scorer_fold_a.json"


def test_the_shipped_model_is_fitted_on_fold_b_and_the_test_model_on_fold_a() -> None:
    shipped, fold_a = load_unit_scorer(), load_unit_scorer(FOLD_A_MODEL)
    assert shipped.fitted_on.startswith("B") and fold_a.fitted_on.startswith("A")
    assert len(shipped.weights) == len(fold_a.weights) == len(FEATURES)
    assert 0 < shipped.answer_threshold < 1 and 0 < fold_a.answer_threshold < 1


def test_more_of_the_question_in_a_unit_scores_higher() -> None:
    scorer = load_unit_scorer()
    kind = asked_kind("Heeft de school een lift?")
    unit = Excerpt("Lift | nvt", 0, 10, "table_row", True, False)

    def probability(coverage: float, similarity: float) -> float:
        evidence = UnitEvidence(coverage, 0.0, similarity, 0.0, 0, 1.0)
        return scorer.probability(unit_features(unit, evidence, 1.0, 0.6, kind, 1.0))

    assert probability(1.0, 0.6) > probability(0.5, 0.6) > probability(0.0, 0.6)
    assert probability(1.0, 0.6) > probability(1.0, 0.1)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "Expecting property name"),
        (json.dumps({"features": ["coverage"], "weights": [1.0]}), "other features"),
        (json.dumps({"features": list(FEATURES), "weights": [0.0] * len(FEATURES)}), "intercept"),
    ],
)
def test_a_broken_model_file_is_a_clear_error(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "model.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError, match=f"SOP_UNIT_SCORER={path}.*{reason}"):
        load_unit_scorer(path)


def test_a_missing_model_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not a unit scorer model"):
        load_unit_scorer(tmp_path / "none.json")
