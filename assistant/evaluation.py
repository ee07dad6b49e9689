"""The golden-set evaluation: retrieval recall@k and MRR, and answer checks, as the issues define them."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import UsageError

if TYPE_CHECKING:
    from assistant.service import SopAssistant
    from core.config import Settings


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


def score_retrieval(items: list[dict], results: dict[str, dict], ks: tuple[int, ...] = (1, 5, 10)) -> RetrievalScores:
    """Score ``ask --json`` results (by item id) against the golden evidence of the answerable items."""
    ranks = [
        (item["id"], item["kind"], first_hit_rank(results[item["id"]]["sources"], item["evidence"]))
        for item in items
        if item.get("evidence")
    ]

    def summarise(selection: list[int | None]) -> dict[str, float]:
        n = max(len(selection), 1)
        summary = {f"recall@{k}": sum(1 for r in selection if r is not None and r <= k) / n for k in ks}
        summary["mrr"] = sum(1 / r for r in selection if r is not None) / n
        summary["n"] = float(len(selection))
        return summary

    kinds: dict[str, list[int | None]] = defaultdict(list)
    for _, kind, rank in ranks:
        kinds[kind].append(rank)
    overall = summarise([rank for _, _, rank in ranks])
    return RetrievalScores(
        recall={k: overall[f"recall@{k}"] for k in ks},
        mrr=overall["mrr"],
        per_kind={kind: summarise(selection) for kind, selection in sorted(kinds.items())},
        misses=[item_id for item_id, _, rank in ranks if rank is None or rank > 5],
    )


@dataclass
class AnswerScores:
    """The answer checks of the answers issue, over the answer text a user reads."""

    quotes_evidence: float
    not_quoting: list[str]
    wrong_school: list[str]
    unanswerable_refused: int
    unanswerable_total: int
    answerable_refused: list[str]
    key_terms: dict[str, float]


_MARKER = re.compile(r"\[(\d+)\]")


def answer_quotes_evidence(answer: str, evidence: list[dict], share: float = 0.5) -> bool:
    """True when the answer text holds ``share`` of some evidence quote's characters contiguously."""
    return any(contains_quote(answer, item["quote"], share) for item in evidence)


def cited_schools(result: dict) -> set[str]:
    """The schools of the passages an answer cites: its [n] markers and the sources that carry a quote."""
    ranks = {int(n) for n in _MARKER.findall(result["answer"])}
    return {s["doc_id"] for s in result["sources"] if s.get("quote") or s.get("rank") in ranks}


def score_answers(items: list[dict], results: dict[str, dict]) -> AnswerScores:
    """Quoted evidence (50 % of a quote contiguous in the answer text), citations of schools the question did not
    ask about, refusals of unanswerable and answerable questions, and key-term accuracy per language."""
    answerable = [item for item in items if item.get("evidence")]
    unanswerable = [item for item in items if not item.get("evidence")]
    not_quoting = [
        item["id"] for item in answerable
        if results[item["id"]]["refused"] or not answer_quotes_evidence(results[item["id"]]["answer"], item["evidence"])
    ]
    key_hits: dict[str, list[float]] = defaultdict(list)
    for item in items:
        answer = results[item["id"]]["answer"].lower()
        terms = item.get("must_include") or []
        if terms:
            key_hits[item["lang"]].append(sum(term in answer for term in terms) / len(terms))
    return AnswerScores(
        quotes_evidence=(len(answerable) - len(not_quoting)) / max(len(answerable), 1),
        not_quoting=not_quoting,
        wrong_school=[item["id"] for item in items if cited_schools(results[item["id"]]) - set(item["schools"])],
        unanswerable_refused=sum(1 for item in unanswerable if results[item["id"]]["refused"]),
        unanswerable_total=len(unanswerable),
        answerable_refused=[item["id"] for item in answerable if results[item["id"]]["refused"]],
        key_terms={lang: sum(v) / len(v) for lang, v in sorted(key_hits.items())},
    )


def run_golden(assistant: "SopAssistant", items: list[dict]) -> dict[str, dict]:
    """Ask every golden question (with its history); results by item id, in the ``ask --json`` shape."""
    return {item["id"]: assistant.ask(item["question"], item.get("history") or []).to_json() for item in items}


def evaluate_golden(settings: "Settings", golden: Path) -> dict[str, object]:
    """The ``eval`` command: retrieval and answer metrics of a golden set over the index in ``settings``."""
    from assistant.service import SopAssistant

    items = load_golden(golden)
    results = run_golden(SopAssistant(settings), items)
    retrieval = score_retrieval(items, results)
    answers = score_answers(items, results)
    return {
        "items": len(items),
        **{f"recall@{k}": round(v, 3) for k, v in retrieval.recall.items()},
        "mrr": round(retrieval.mrr, 3),
        "retrieval_misses": retrieval.misses,
        "per_kind": retrieval.per_kind,
        **answer_summary(answers),
    }


def answer_summary(answers: AnswerScores) -> dict[str, object]:
    """The answer metrics as ``eval`` prints them (the issue's "done when" list)."""
    return {
        "answers_quoting_evidence": round(answers.quotes_evidence, 3),
        "not_quoting_evidence": answers.not_quoting,
        "wrong_school_citations": answers.wrong_school,
        "unanswerable_refused": f"{answers.unanswerable_refused}/{answers.unanswerable_total}",
        "answerable_refused": answers.answerable_refused,
        "key_terms": {k: round(v, 3) for k, v in answers.key_terms.items()},
    }
