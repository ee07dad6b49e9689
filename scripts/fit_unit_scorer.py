"""Fit the extractive answer's unit scorer (assistant/answers/unit_scorer.py) on one development fold.

    python scripts/fit_unit_scorer.py --index INDEX --golden GOLDEN.jsonl [MORE.jsonl …] --fold NAME [--out MODEL.json]

Every golden question is read and retrieved as ``ask`` does; every unit of the top passages of the schools it is
about is a training row, positive when it holds (part of) an evidence quote. A logistic model (scikit-learn) is
fitted on the rows; the answer threshold is the probability that best separates the schools that should answer
from those that should not (unanswerable questions), and ``near_best_share`` the reach that quotes the evidence most
often for the fewest other lines (as a share of the best unit's probability). Measure the result on the *other* fold with ``ask --batch``: a model is judged
where it was not fitted. ``--out`` saves it (assistant/data/unit_scorer.json is the shipped model; SOP_UNIT_SCORER picks another)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.answers.extractive import ExtractiveComposer  # noqa: E402
from assistant.answers.unit_scorer import FEATURES, UnitScorer, grounded  # noqa: E402
from assistant.evaluation import load_golden, normalise_space  # noqa: E402
from assistant.service import SopAssistant  # noqa: E402
from core.config import Settings  # noqa: E402

MODEL_FILE = ROOT / "assistant" / "data" / "unit_scorer.json"
# A unit is evidence when it holds half of a quote, or lies (four fifths of it) inside one.
_QUOTE_SHARE = 0.5
_UNIT_SHARE = 0.8
_MIN_UNIT = 15
_THRESHOLDS = [i / 100 for i in range(2, 90)]
_SHARES = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
# What one quoted line that is not evidence costs against a school whose evidence is quoted.
_OTHER_LINE_COST = 0.1


@dataclass
class Group:
    """The scored units of one school for one question, and whether that school should answer it."""

    item: str
    answerable: bool
    probabilities: list[float]
    labels: list[bool]
    features: list[tuple[float, ...]]


def is_evidence(unit: str, quotes: list[str]) -> bool:
    unit = normalise_space(unit)
    if len(unit) < _MIN_UNIT:
        return False
    for quote in quotes:
        quote = normalise_space(quote)
        size = SequenceMatcher(None, quote, unit, autojunk=False).find_longest_match(0, len(quote), 0, len(unit)).size
        if size >= _QUOTE_SHARE * len(quote) or size >= _UNIT_SHARE * len(unit):
            return True
    return False


def collect(assistant: SopAssistant, items: list[dict]) -> list[Group]:
    neutral = UnitScorer(tuple(0.0 for _ in FEATURES), 0.0, 0.5, 0.1, "none")
    composer = ExtractiveComposer(assistant.index.embeddings, neutral)
    groups: list[Group] = []
    for item in items:
        question = assistant.retriever.read(item["question"], list(item.get("history") or []))
        if question.across_schools:
            continue  # answered from the support matrix, not by quoting units
        retrieval = assistant.retriever.retrieve(question)
        evidence: dict[str, list[str]] = {}
        for quote in item.get("evidence") or []:
            evidence.setdefault(quote["doc_id"], []).append(quote["quote"])
        schools = list(retrieval.schools) or list(dict.fromkeys(d.metadata["doc_id"] for d in retrieval.documents))
        for doc_id in schools:
            if evidence and doc_id not in evidence:
                continue  # another school's passages say nothing about whether this one's answer is right
            candidates, _ = composer.candidates(retrieval, doc_id)
            quotes = evidence.get(doc_id, [])
            groups.append(
                Group(
                    item["id"], bool(quotes), [],
                    [bool(quotes) and is_evidence(c.units[c.index].text, quotes) for c in candidates],
                    [c.features for c in candidates],
                )
            )
    return groups


def fit(groups: list[Group], fold: str) -> dict:
    from sklearn.linear_model import LogisticRegression

    rows = [f for g in groups for f in g.features]
    labels = [label for g in groups for label in g.labels]
    model = LogisticRegression(C=1.0, max_iter=5000)
    model.fit(rows, labels)
    for group in groups:
        probabilities = model.predict_proba(group.features)[:, 1] if group.features else []
        # As the composer does: a unit holding none of the question's key terms (nor under a heading that does)
        # is never quoted.
        group.probabilities = [p if grounded(f) else 0.0 for p, f in zip(probabilities, group.features)]
    threshold = _answer_threshold(groups)
    share = max(_SHARES, key=lambda r: _quoting(groups, threshold, r))
    return {
        "_why": "The extractive answer's unit scorer, fitted by scripts/fit_unit_scorer.py; see "
        "assistant/answers/unit_scorer.py for the features. Judge it on the fold it was not fitted on.",
        "fitted_on": fold,
        "features": list(FEATURES),
        "weights": [round(float(w), 4) for w in model.coef_[0]],
        "intercept": round(float(model.intercept_[0]), 4),
        "answer_threshold": threshold,
        "near_best_share": share,
        "fit": {
            "groups": len(groups),
            "units": len(rows),
            "evidence_units": sum(labels),
            "decisions_right": round(_decisions_right(groups, threshold) / max(len(groups), 1), 3),
            "quoting": round(_quoting(groups, threshold, share), 3),
        },
    }


def _answer_threshold(groups: list[Group]) -> float:
    """The lowest threshold at which the most schools answer when they should and stay silent when they should.
    (Weighing the fold's handful of unanswerable questions more, or leaving a set share of answerable ones silent,
    placed it where the other fold's answerable questions fell: probabilities run higher on the fold fitted on.)"""
    scores = {t: _decisions_right(groups, t) for t in _THRESHOLDS}
    return max(_THRESHOLDS, key=lambda t: scores[t])


def _decisions_right(groups: list[Group], threshold: float) -> int:
    """Schools that answer when they should (their best unit reaches the threshold) and stay silent otherwise."""
    return sum((max(g.probabilities, default=0.0) >= threshold) == g.answerable for g in groups)


def _quoting(groups: list[Group], threshold: float, share: float) -> float:
    """Per answerable school: 1 when the quoted units hold evidence, less a little per other line quoted."""
    total = 0.0
    answerable = [g for g in groups if g.answerable]
    for group in answerable:
        ranked = sorted(zip(group.probabilities, group.labels), reverse=True)
        if not ranked or ranked[0][0] < threshold:
            continue
        picked = [label for p, label in ranked if p >= max(threshold, ranked[0][0] * share)][:3]
        if any(picked):
            total += 1.0 - _OTHER_LINE_COST * sum(not label for label in picked)
    return total / max(len(answerable), 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--golden", type=Path, nargs="+", required=True, help="one or more golden files of the fold")
    parser.add_argument("--fold", required=True, help="the fold's name, recorded in the model ('A: seeds', 'B: plein013')")
    parser.add_argument("--out", type=Path, help=f"where to save the model (the shipped one: {MODEL_FILE.relative_to(ROOT)})")
    args = parser.parse_args()
    assistant = SopAssistant(Settings.from_env().with_(index_dir=args.index))
    groups = collect(assistant, [item for golden in args.golden for item in load_golden(golden)])
    result = fit(groups, f"{args.fold} ({' + '.join(g.name for g in args.golden)})")
    text = json.dumps(result, ensure_ascii=False, indent=2) + "\n"
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
