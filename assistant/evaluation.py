"""The golden-set evaluation: retrieval recall@k and MRR, and answer checks, as the issues define them."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from assistant.errors import UsageError


def normalise_space(text: str) -> str:
    return " ".join(text.split())


def contains_quote(text: str, quote: str, share: float) -> bool:
    """True when ``share`` of the quote's characters appear contiguously in the text (whitespace-normalised)."""
    text, quote = normalise_space(text), normalise_space(quote)
    if not quote:
        return False
    if quote in text:
        return True
    match = SequenceMatcher(None, quote, text, autojunk=False).find_longest_match(0, len(quote), 0, len(text))
    return match.size >= share * len(quote)


def load_golden(path: Path) -> list[dict]:
    """Read a golden JSONL file; a broken line is a usage error naming the file and line."""
    items = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UsageError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            items.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise UsageError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
    return items


@dataclass
class RetrievalScores:
    """Recall@k and MRR over the answerable questions, overall and per kind."""

    recall: dict[int, float]
    mrr: float
    per_kind: dict[str, dict[str, float]] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)


def first_hit_rank(sources: list[dict], evidence: list[dict], share: float = 0.6) -> int | None:
    """Rank (1-based) of the first source containing any evidence quote, or None."""
    for position, source in enumerate(sources, start=1):
        for item in evidence:
            if source.get("doc_id") == item["doc_id"] and contains_quote(source.get("text", ""), item["quote"], share):
                return position
    return None


def score_retrieval(items: Iterable[dict], results: dict[str, dict], ks: tuple[int, ...] = (1, 5, 10)) -> RetrievalScores:
    """Score ``ask --json`` results (by item id) against the golden evidence."""
    ranks: list[tuple[str, int | None]] = []
    for item in items:
        if not item.get("evidence"):
            continue
        ranks.append((item["kind"], first_hit_rank(results[item["id"]]["sources"], item["evidence"])))
        if ranks[-1][1] is None or ranks[-1][1] > 5:
            pass
    def summarise(selection: list[int | None]) -> dict[str, float]:
        n = max(len(selection), 1)
        summary = {f"recall@{k}": sum(1 for r in selection if r is not None and r <= k) / n for k in ks}
        summary["mrr"] = sum(1 / r for r in selection if r is not None) / n
        summary["n"] = float(len(selection))
        return summary
    overall = summarise([r for _, r in ranks])
    kinds: dict[str, list[int | None]] = defaultdict(list)
    for kind, rank in ranks:
        kinds[kind].append(rank)
    misses = [
        item["id"]
        for item in items
        if item.get("evidence") and (first_hit_rank(results[item["id"]]["sources"], item["evidence"]) or 99) > 5
    ] if isinstance(items, list) else []
    return RetrievalScores(
        recall={k: overall[f"recall@{k}"] for k in ks},
        mrr=overall["mrr"],
        per_kind={kind: summarise(r) for kind, r in sorted(kinds.items())},
        misses=misses,
    )
