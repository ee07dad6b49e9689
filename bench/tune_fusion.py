"""Measure the fusion weight of the dense ranking on a golden set: MRR and recall@5 per weight, overall and on two
halves of the items (even and odd lines), so a weight that only suits some questions shows. Prints, asserts nothing.

    .venv/bin/python bench/tune_fusion.py --index DIR [--index DIR2 ...] [--golden ../shared/eval/golden_dev.jsonl]

The index's embedding model is the one it was built with (set SOP_EMBEDDING_MODEL to match)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from assistant.evaluation import first_hit_rank, load_golden  # noqa: E402
from assistant.retrieval import ProfileSearch  # noqa: E402
from core.config import Settings  # noqa: E402
from index.hybrid import FusionWeights  # noqa: E402
from index.indexer import SupportProfileIndex  # noqa: E402

DENSE_WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 1.0)
GOLDEN = Path(__file__).resolve().parents[2] / "shared" / "eval" / "golden_dev.jsonl"


def ranks(retriever: ProfileSearch, items: list[dict]) -> dict[str, int | None]:
    found = {}
    for item in items:
        documents = retriever.retrieve(retriever.read(item["question"], item.get("history") or [])).documents
        sources = [{"doc_id": d.metadata["doc_id"], "text": d.page_content} for d in documents]
        found[item["id"]] = first_hit_rank(sources, item["evidence"])
    return found


def mrr(found: dict[str, int | None], ids: list[str]) -> float:
    return sum(1 / found[i] for i in ids if found[i]) / max(len(ids), 1)


def recall_at_5(found: dict[str, int | None], ids: list[str]) -> float:
    return sum(1 for i in ids if found[i] and found[i] <= 5) / max(len(ids), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, action="append", required=True)
    parser.add_argument("--golden", type=Path, default=GOLDEN)
    args = parser.parse_args()
    items = [item for item in load_golden(args.golden) if item.get("evidence")]
    ids = [item["id"] for item in items]
    halves = {"all": ids, "even": ids[0::2], "odd": ids[1::2]}
    settings = Settings.from_env()
    print(f"model {settings.embedding_model}, {len(items)} answerable items of {args.golden.name}")
    for folder in args.index:
        retriever = ProfileSearch(SupportProfileIndex(settings.with_(index_dir=folder)))
        for dense in DENSE_WEIGHTS:
            retriever.weights = FusionWeights(lexical=1.0 - dense, dense=dense)
            found = ranks(retriever, items)
            cells = "  ".join(f"{name} MRR {mrr(found, part):.3f}" for name, part in halves.items())
            print(f"{folder}  dense {dense:.1f}  recall@5 {recall_at_5(found, ids):.3f}  {cells}", flush=True)


if __name__ == "__main__":
    main()
