"""Retrieval's passage scorer: the shipped model and the fold-A model hold the features the code computes, each says
which fold it was fitted on (the fold-quality tests measure each on the other fold), a passage whose one sentence
holds the question's terms outranks one that spreads them over a page, and a broken model file is a clear error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import DATA
from langchain_core.documents import Document

from assistant.passage_scorer import FEATURES, QuestionTerms, load_passage_scorer, passage_features
from assistant.question.reading import read_question
from assistant.question.schools import SchoolRecord, school_names
from core.errors import UsageError
from core.units import Unit, encode_units
from index.hybrid import Fused

FOLD_A_MODEL = DATA / "passage_scorer_fold_a.json"


def test_the_shipped_model_is_fitted_on_fold_b_and_the_test_model_on_fold_a() -> None:
    shipped, fold_a = load_passage_scorer(), load_passage_scorer(FOLD_A_MODEL)
    assert shipped.fitted_on.startswith("B") and fold_a.fitted_on.startswith("A")
    assert len(shipped.weights) == len(fold_a.weights) == len(FEATURES)
    assert shipped.depth >= 10 and fold_a.depth >= 10


def _passage(sentences: list[str]) -> Document:
    text, units = "", []
    for sentence in sentences:
        start = len(text)
        text += sentence + " "
        units.append(Unit(start, start + len(sentence), "text", "school", 3))
    return Document(text.strip(), metadata={"doc_id": "zs", "section": "Domein 4", "kind": "text", "units": encode_units(units)})


@pytest.mark.parametrize("model", [None, FOLD_A_MODEL], ids=["shipped", "fold-a"])
def test_terms_together_in_one_sentence_outrank_terms_spread_over_a_page(model: Path | None) -> None:
    scorer = load_passage_scorer(model)
    names = school_names({"zs": SchoolRecord("SBO De Zevensprong", "Breda", "12AB", "sbo")})
    question = read_question("Hoe vaak is er een groepsbespreking met de orthopedagoog op De Zevensprong?", [], names)
    terms = QuestionTerms(question)
    together = _passage(["Vier keer per jaar is er een groepsbespreking met de orthopedagoog.", "De school telt 120 leerlingen."])
    apart = _passage(["Elke groepsbespreking volgt een vast format.", "De orthopedagoog test leerlingen op verzoek."])
    same = Fused(score=0.5, lexical=0.8, dense=0.5)
    features = {name: passage_features(doc, same, 0, scorer.depth, terms) for name, doc in (("together", together), ("apart", apart))}
    unit_coverage = FEATURES.index("unit_coverage")
    assert features["together"][unit_coverage] > features["apart"][unit_coverage]
    assert scorer.probability(features["together"]) > scorer.probability(features["apart"])


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "Expecting property name"),
        (json.dumps({"features": ["lexical"], "weights": [1.0]}), "other features"),
        (json.dumps({"features": list(FEATURES), "weights": [0.0] * len(FEATURES), "intercept": 0.0}), "depth"),
    ],
)
def test_a_broken_model_file_is_a_clear_error(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "model.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError, match=f"SOP_PASSAGE_SCORER={path}.*{reason}"):
        load_passage_scorer(path)


def test_a_missing_model_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not a passage scorer model"):
        load_passage_scorer(tmp_path / "none.json")
