"""Thumbs up/down on answers, kept beside the index as JSON lines (``feedback.jsonl``), so whoever maintains the
index can read which answers people found wrong, with the question and the passages cited."""

from __future__ import annotations

import json
import time
from pathlib import Path

FEEDBACK_FILE = "feedback.jsonl"


def record_feedback(index_dir: Path, answer: dict, thumbs_up: bool) -> Path:
    """Append one rating of an answer (``ask --json``'s object) and return the file it went to."""
    cited = [
        {"doc_id": s["doc_id"], "page": s["page"], "section": s["section"], "quote": s["quote"]}
        for s in answer.get("sources", [])
        if s.get("quote")
    ]
    entry = {
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "rating": "up" if thumbs_up else "down",
        "question": answer.get("question", ""),
        "answer": answer.get("answer", ""),
        "refused": answer.get("refused", False),
        "cited": cited,
    }
    path = index_dir / FEEDBACK_FILE
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
    return path
