"""Answer quality on the dev golden set, through the real command line (``ask --batch --json``) over the two real
support profiles (PDF, default embedding model) — fold A, answered with the shipped unit scorer, which was fitted on
fold B (assistant/data/unit_scorer.json) — measured as the answers issue defines it:

- an answerable question's answer TEXT quotes an evidence passage (whitespace-normalised, at least 50 % of the
  evidence quote's characters contiguous in the answer);
- no answer cites a passage of a school the question did not ask about;
- every unanswerable question is refused, at most two answerable ones are;
- key-term accuracy (``must_include``) per language does not fall below what the composer reaches now.
The even and odd halves of the set are reported beside the whole, to see that it is not one half carrying it."""

from __future__ import annotations

import pytest

from assistant.evaluation import answer_summary, score_answers

MIN_QUOTING_EVIDENCE = 0.90
MAX_ANSWERABLE_REFUSED = 2
# Measured on the dev set (nl 0.79, en 0.82 with the English glosses); a floor against regressions.
MIN_KEY_TERMS = {"nl": 0.70, "en": 0.70}


@pytest.fixture(scope="module")
def golden_run(seed_golden_run) -> tuple[list[dict], dict[str, dict]]:
    return seed_golden_run


def test_answers_carry_the_contract_fields(golden_run) -> None:
    items, results = golden_run
    assert set(results) == {item["id"] for item in items}
    for item in items:
        result = results[item["id"]]
        assert isinstance(result["answer"], str) and result["answer"]
        assert isinstance(result["refused"], bool)
        assert result["language"] == item["lang"], (item["id"], result["language"])
        assert all("quote" in source for source in result["sources"])


def test_golden_answers_reach_the_issue_targets(golden_run) -> None:
    items, results = golden_run
    scores = score_answers(items, results)
    halves = {name: answer_summary(score_answers(half, results)) for name, half in (("even", items[0::2]), ("odd", items[1::2]))}
    summary = f"all: {answer_summary(scores)}; halves: {halves}"
    assert scores.quotes_evidence >= MIN_QUOTING_EVIDENCE, summary
    assert scores.wrong_school == [], summary
    assert scores.unanswerable_refused == scores.unanswerable_total, summary
    assert len(scores.answerable_refused) <= MAX_ANSWERABLE_REFUSED, summary
    for language, floor in MIN_KEY_TERMS.items():
        assert scores.key_terms[language] >= floor, summary
