"""Fit retrieval's passage scorer (assistant/passage_scorer.py) on one development fold, and measure it on both.

    python scripts/fit_passage_scorer.py --index INDEX --golden GOLDEN.jsonl [MORE.jsonl …] --fold NAME
        [--check-index INDEX2 --check-golden GOLDEN2.jsonl] [--depth 40] [--out MODEL.json]

Every answerable golden question is read as ``ask`` reads it; the top ``--depth`` fused candidates of the schools it
is about are training rows, positive when the passage holds an evidence quote (the evaluation's hit: 60 % of the
quote). A logistic model (scikit-learn) is fitted on the rows. It prints recall@1/5 and MRR of the fused order and
of the fitted model, on the fold fitted on and on the check fold: a model is judged where it was not fitted (then
through ``ask --batch``, answers included). ``--out`` saves it (assistant/data/passage_scorer.json is the shipped
model; SOP_PASSAGE_SCORER picks another)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.evaluation import contains_quote, first_hit_rank, load_golden  # noqa: E402
from assistant.passage_scorer import FEATURES, PassageScorer  # noqa: E402
from assistant.retrieval import ProfileSearch  # noqa: E402
from core.config import Settings  # noqa: E402
from index.indexer import SupportProfileIndex  # noqa: E402

MODEL_FILE = ROOT / "assistant" / "data" / "passage_scorer.json"
_HIT_SHARE = 0.6


def neutral(depth: int) -> PassageScorer:
    """A scorer that keeps the fused order (every passage the same probability; the sort is stable)."""
    return PassageScorer(tuple(0.0 for _ in FEATURES), 0.0, depth, "none")


def answerable(items: list[dict]) -> list[dict]:
    return [item for item in items if item.get("evidence")]


def collect(search: ProfileSearch, items: list[dict]) -> tuple[list[tuple[float, ...]], list[bool]]:
    rows: list[tuple[float, ...]] = []
    labels: list[bool] = []
    for item in answerable(items):
        question = search.read(item["question"], list(item.get("history") or []))
        for document, features in search.passage_candidates(question):
            rows.append(features)
            labels.append(
                any(
                    quote["doc_id"] == document.metadata["doc_id"]
                    and contains_quote(document.page_content, quote["quote"], _HIT_SHARE)
                    for quote in item["evidence"]
                )
            )
    return rows, labels


def measure(search: ProfileSearch, items: list[dict]) -> str:
    ranks = []
    for item in answerable(items):
        documents = search.retrieve(search.read(item["question"], list(item.get("history") or []))).documents
        sources = [{"doc_id": d.metadata["doc_id"], "text": d.page_content} for d in documents]
        ranks.append(first_hit_rank(sources, item["evidence"]))
    n = max(len(ranks), 1)
    at = {k: sum(1 for r in ranks if r is not None and r <= k) / n for k in (1, 5)}
    mrr = sum(1 / r for r in ranks if r) / n
    return f"recall@1 {at[1]:.3f}  recall@5 {at[5]:.3f}  MRR {mrr:.3f}"


def fit(rows: list[tuple[float, ...]], labels: list[bool], depth: int, fold: str) -> dict:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1.0, max_iter=5000)
    model.fit(rows, labels)
    return {
        "_why": "Retrieval's passage scorer, fitted by scripts/fit_passage_scorer.py; see assistant/passage_scorer.py "
        "for the features. Judge it on the fold it was not fitted on.",
        "fitted_on": fold,
        "features": list(FEATURES),
        "weights": [round(float(w), 4) for w in model.coef_[0]],
        "intercept": round(float(model.intercept_[0]), 4),
        "depth": depth,
        "fit": {"passages": len(rows), "evidence_passages": sum(labels)},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--golden", type=Path, nargs="+", required=True, help="one or more golden files of the fold")
    parser.add_argument("--fold", required=True, help="the fold's name, recorded in the model ('A: seeds', 'B: plein013')")
    parser.add_argument("--check-index", type=Path, help="the other fold's index, to measure the model where it was not fitted")
    parser.add_argument("--check-golden", type=Path)
    parser.add_argument("--depth", type=int, default=40, help="how many fused candidates the scorer reorders")
    parser.add_argument("--out", type=Path, help=f"where to save the model (the shipped one: {MODEL_FILE.relative_to(ROOT)})")
    args = parser.parse_args()
    settings = Settings.from_env()
    folds = [("fitted", args.index, [item for golden in args.golden for item in load_golden(golden)])]
    if args.check_index and args.check_golden:
        folds.append(("check", args.check_index, load_golden(args.check_golden)))
    searches = {name: ProfileSearch(SupportProfileIndex(settings.with_(index_dir=folder)), scorer=neutral(args.depth)) for name, folder, _ in folds}
    for name, _, items in folds:
        print(f"{name} fold, fused order:   {measure(searches[name], items)}", file=sys.stderr)
    rows, labels = collect(searches["fitted"], folds[0][2])
    result = fit(rows, labels, args.depth, f"{args.fold} ({' + '.join(g.name for g in args.golden)})")
    scorer = PassageScorer(tuple(result["weights"]), result["intercept"], args.depth, result["fitted_on"])
    for name, _, items in folds:
        searches[name].scorer = scorer
        print(f"{name} fold, fitted scorer: {measure(searches[name], items)}", file=sys.stderr)
    text = json.dumps(result, ensure_ascii=False, indent=2) + "\n"
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
