"""What the command line and the HTTP API print, built in one place so the two never drift apart
(../shared/design/CONTRACT.md): the answer as JSON and as text, the schools, the matrix, a batch file's questions.

It imports only the standard library when loaded: the ``SOP_API_URL`` client prints answers through it without
loading the assistant (torch, Chroma, LangChain)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from core.errors import UsageError

if TYPE_CHECKING:
    from assistant.answers.model import Answer
    from assistant.matrix.rules import Cell
    from index.store import IndexedProfile

# Fields of an indexed profile that say where the server keeps its files: the API leaves them out.
SERVER_ONLY_FIELDS = ("path",)


def answer_json(answer: Answer, item_id: object = None, batch: bool = False) -> dict[str, object]:
    """``ask --json``: the answer object; in a batch, ``id`` first and then the object."""
    data = answer.to_json()
    return {"id": item_id, **data} if batch else data


def answer_text(data: Mapping[str, object]) -> str:
    """``ask`` without ``--json``: the answer, a blank line, then one line per cited source."""
    sources = data.get("sources") or []
    cited = [s for s in sources if isinstance(s, Mapping) and s.get("quote")]
    lines = "\n".join(f"[{s['rank']}] {s['school']}, p. {s.get('page') or '–'}, {s['section']}" for s in cited)
    return f"{data['answer']}\n\n{lines}\n"


def schools_json(profiles: Mapping[str, IndexedProfile], server_paths: bool = True) -> dict[str, dict[str, object]]:
    """``schools --json``: every indexed profile with its label (unique in the index); without ``server_paths``
    (the API) the fields that reveal where the server keeps its files are left out."""
    from assistant.directory import school_labels

    labels = school_labels(profiles)  # from the same read of the manifest: an upload meanwhile cannot split them
    result = {}
    for doc_id, profile in profiles.items():
        entry: dict[str, object] = {**asdict(profile), "label": labels[doc_id]}
        if not server_paths:
            for name in SERVER_ONLY_FIELDS:
                entry.pop(name, None)
        result[doc_id] = entry
    return result


def matrix_json(matrix: Mapping[str, Mapping[str, Cell]]) -> dict[str, dict[str, dict[str, object]]]:
    """``matrix --json``: ``{doc_id: {category: {status, page, section, quote}}}``."""
    from assistant.matrix.rules import matrix_rows_for_json

    return matrix_rows_for_json(matrix)


def matrix_csv_text(matrix: Mapping[str, Mapping[str, Cell]], profiles: Mapping[str, IndexedProfile]) -> str:
    """``matrix --csv``: one row per school and category."""
    from assistant.matrix.export import matrix_csv

    return matrix_csv(matrix, {doc_id: profile.school for doc_id, profile in profiles.items()})


@dataclass(frozen=True)
class BatchQuestion:
    """One line of an ``ask --batch`` file."""

    id: object
    question: str
    history: list[str]


def batch_questions(path: Path) -> Iterator[BatchQuestion]:
    """The questions of an ``ask --batch IN.jsonl`` file, one per non-blank line, in order; a line that is no object
    with a ``question`` raises UsageError when it is reached (the answers before it are printed)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UsageError(f"--batch {path}: cannot be read ({exc.strerror or exc})") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            question = str(item["question"])
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise UsageError(f"--batch {path}:{number}: expected an object with 'question' ({exc})") from exc
        yield BatchQuestion(item.get("id"), question, [str(h) for h in item.get("history") or []])
