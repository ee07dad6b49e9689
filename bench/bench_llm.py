"""The golden set answered by an LLM composer: key terms per language, valid citations, refusals, time per answer.

    SOP_LLM_BASE_URL=http://127.0.0.1:8080/v1 .venv/bin/python bench/bench_llm.py \\
        --llm openai:qwen2.5-coder-1.5b-instruct-q4_k_m --index DIR [--golden FILE] [--out answers.jsonl]

Prints figures; asserts nothing (timings depend on the machine)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from assistant.answers.llm import cited_numbers  # noqa: E402
from assistant.evaluation import load_golden, score_answers  # noqa: E402
from assistant.service import SopAssistant  # noqa: E402
from core.config import Settings  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--llm", required=True, metavar="SPEC")
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--golden", type=Path, default=ROOT.parent / "shared" / "eval" / "golden_dev.jsonl")
    parser.add_argument("--out", type=Path, help="write every answer (ask --json shape plus id and seconds) here")
    args = parser.parse_args()
    assistant = SopAssistant(Settings.from_env().with_(index_dir=args.index, llm=args.llm))
    items = load_golden(args.golden)
    results: dict[str, dict] = {}
    seconds: list[float] = []
    # The model's own text, before the checks, is kept for --out (to see what the verifier changed).
    raw: dict[str, str] = {}
    composer = assistant.composer
    finish = composer.finish

    def recording_finish(retrieval, passages, contacts, text):  # type: ignore[no-untyped-def]
        raw[current] = text
        return finish(retrieval, passages, contacts, text)

    composer.finish = recording_finish  # type: ignore[method-assign]
    for item in items:
        current = item["id"]
        started = time.perf_counter()
        results[item["id"]] = assistant.ask(item["question"], item.get("history") or []).to_json()
        seconds.append(time.perf_counter() - started)
        print(f"{item['id']}: {seconds[-1]:.1f} s, refused={results[item['id']]['refused']}", file=sys.stderr, flush=True)
    if args.out:
        with args.out.open("w", encoding="utf-8") as out:
            for item, spent in zip(items, seconds):
                record = {"id": item["id"], "seconds": round(spent, 1), "raw": raw.get(item["id"]), **results[item["id"]]}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    scores = score_answers(items, results)
    answerable = [item for item in items if item.get("evidence")]
    answered = [item for item in answerable if not results[item["id"]]["refused"]]

    def cites_validly(item: dict) -> bool:
        result = results[item["id"]]
        ranks = {s["rank"]: s["doc_id"] for s in result["sources"]}
        markers = cited_numbers(result["answer"])
        return bool(markers) and all(ranks.get(n) in item["schools"] for n in markers)

    print(f"composer: {args.llm}  items: {len(items)}")
    print(f"key terms (must_include share): {', '.join(f'{k} {v:.3f}' for k, v in scores.key_terms.items())}")
    print(f"answerable answered with valid [n] markers of the right school(s): "
          f"{sum(cites_validly(i) for i in answerable)}/{len(answerable)}")
    print(f"answerable refused: {len(answerable) - len(answered)}/{len(answerable)} {scores.answerable_refused}")
    print(f"unanswerable refused: {scores.unanswerable_refused}/{scores.unanswerable_total}")
    print(f"answers quoting evidence: {scores.quotes_evidence:.3f}")
    print(f"wrong-school citations: {len(scores.wrong_school)} {scores.wrong_school}")
    print(f"seconds per answer: mean {sum(seconds) / len(seconds):.1f}, max {max(seconds):.1f}")


if __name__ == "__main__":
    main()
