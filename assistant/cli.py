"""The command line (``sop-assistant``), per ../shared/design/CONTRACT.md: ingest, ask, ask --batch, matrix, eval."""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path

from core.config import Settings
from core.errors import SopError, UsageError

_LLM_HELP = "answer composer: extractive, openai:<model>, ollama:<model>, gguf:<path> (default: $SOP_LLM or extractive)"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # exit 2 with one line, as the contract asks
        self.exit(2, f"sop-assistant: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="sop-assistant", description="Questions and answers over schoolondersteuningsprofielen.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        command = commands.add_parser(name, help=help_text)
        command.add_argument("--index", type=Path, help="index folder (default: $SOP_INDEX_DIR or ./.sop-index)")
        command.add_argument("--json", action="store_true", help="machine-readable output")
        return command

    ingest = add("ingest", "index files or folders (PDF, DOCX, HTML, TXT, MD)")
    ingest.add_argument("paths", nargs="+", type=Path)
    ask = add("ask", "answer a question")
    ask.add_argument("question", nargs="?")
    ask.add_argument("--school", action="append", default=[], metavar="DOC_ID")
    ask.add_argument("--history", action="append", default=[], metavar="Q")
    ask.add_argument("--batch", type=Path, metavar="IN.jsonl")
    ask.add_argument("--llm", metavar="SPEC", help=_LLM_HELP)
    matrix = add("matrix", "support matrix per school and category")
    for command in (ask, matrix):
        command.add_argument("--town", action="append", default=[], metavar="TOWN", help="only schools in this town")
        command.add_argument(
            "--type", action="append", default=[], metavar="TYPE", help="only schools of this type (basisschool, sbo, so, vo)"
        )
    matrix.add_argument("--csv", action="store_true", help="CSV for a spreadsheet (one row per school and category)")
    evaluate = add("eval", "run a golden set and print retrieval and answer metrics")
    evaluate.add_argument("--golden", type=Path, required=True)
    evaluate.add_argument("--llm", metavar="SPEC", help=_LLM_HELP)
    remove = add("remove", "remove a school's profile from the index")
    remove.add_argument("doc_id")
    add("schools", "list the indexed schools")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    settings = Settings.from_env()
    if getattr(args, "llm", None):
        settings = settings.with_(llm=args.llm)
    return settings.with_(index_dir=args.index) if args.index else settings


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _ingest(args: argparse.Namespace) -> int:
    from assistant.service import SopAssistant

    missing = [p for p in args.paths if not p.exists()]
    # Embedding a batch of passages is the bulk of an ingest, and this process answers no questions meanwhile:
    # measured on 2 idle cores, 37 chunks/s with two threads against 20 with one.
    settings = _settings(args)
    assistant = SopAssistant(settings.with_(embedding_threads=settings.ingest_threads))

    def report(item: object) -> None:
        data = asdict(item)  # type: ignore[call-overload]
        if args.json:
            _print_json(data)
        elif data["status"] == "failed":
            sys.stderr.write(f"failed: {data['path']}: {data['error']}\n")
        else:
            sys.stdout.write(f"{data['status']}: {data['path']} → {data['doc_id']} ({data['school']}, {data['chunks']} chunks)\n")

    reports = assistant.ingest(args.paths, progress=report)
    return 1 if missing or any(r.status == "failed" for r in reports) else 0


def _ask(args: argparse.Namespace) -> int:
    from assistant.service import SopAssistant

    if args.batch is None and not args.question:
        raise UsageError("ask: give a QUESTION or --batch IN.jsonl")
    assistant = SopAssistant(_settings(args))
    if args.batch is None:
        answer = assistant.ask(args.question, args.history, args.school or None, args.town, args.type)
        if args.json:
            _print_json(answer.to_json())
        else:
            sys.stdout.write(answer.answer + "\n\n" + _source_lines(answer.sources) + "\n")
        return 0
    try:
        lines = args.batch.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UsageError(f"--batch {args.batch}: cannot be read ({exc.strerror or exc})") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            question = str(item["question"])
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise UsageError(f"--batch {args.batch}:{number}: expected an object with 'question' ({exc})") from exc
        answer = assistant.ask(question, list(item.get("history") or []), args.school or None, args.town, args.type)
        _print_json({"id": item.get("id"), **answer.to_json()})
    return 0


def _source_lines(sources: list) -> str:
    cited = [s for s in sources if s.quote]
    return "\n".join(f"[{s.rank}] {s.school}, p. {s.page or '–'}, {s.section}" for s in cited)


def _matrix(args: argparse.Namespace) -> int:
    from assistant.matrix.rules import matrix_rows_for_json
    from assistant.service import SopAssistant

    assistant = SopAssistant(_settings(args))
    matrix = assistant.matrix(args.town, args.type)
    rows = matrix_rows_for_json(matrix)
    if args.csv:
        from assistant.matrix.export import matrix_csv

        sys.stdout.write(matrix_csv(matrix, {doc_id: p.school for doc_id, p in assistant.schools().items()}))
    elif args.json:
        _print_json(rows)
    else:
        for doc_id, cells in rows.items():
            sys.stdout.write(f"{doc_id}\n")
            for category, cell in cells.items():
                # A quote from a table cell may span lines; the listing keeps one cell per line.
                quote = " ".join(cell["quote"].split())
                sys.stdout.write(f"  {category:<18} {cell['status']:<8} p.{cell['page'] or '–'}  {quote[:80].rstrip()}\n")
    return 0


def _eval(args: argparse.Namespace) -> int:
    from assistant.evaluation import evaluate_golden

    summary = evaluate_golden(_settings(args), args.golden)
    if args.json:
        _print_json(summary)
    else:
        for key, value in summary.items():
            if key != "per_kind":
                sys.stdout.write(f"{key}: {value}\n")
    return 0


def _remove(args: argparse.Namespace) -> int:
    from assistant.service import SopAssistant

    SopAssistant(_settings(args)).remove(args.doc_id)
    return 0


def _schools(args: argparse.Namespace) -> int:
    from assistant.service import SopAssistant

    assistant = SopAssistant(_settings(args))
    profiles, labels = assistant.schools(), assistant.labels()
    if args.json:
        _print_json({doc_id: {**asdict(p), "label": labels[doc_id]} for doc_id, p in profiles.items()})
    else:
        for doc_id, p in sorted(profiles.items()):
            sys.stdout.write(
                f"{doc_id}: {labels[doc_id]} ({p.town or '?'}, {p.type or '?'}, {p.brin or '?'}, {p.period or '?'}) "
                f"{p.pages or '–'} pages, {p.chunks} chunks\n"
            )
    return 0


_COMMANDS = {"ingest": _ingest, "ask": _ask, "matrix": _matrix, "eval": _eval, "remove": _remove, "schools": _schools}


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``sop-assistant`` console script."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    args = _parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except UsageError as exc:
        sys.stderr.write(f"sop-assistant: {exc}\n")
        return 2
    except SopError as exc:
        sys.stderr.write(f"sop-assistant: {exc}\n")
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
