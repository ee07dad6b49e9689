"""The command line (``sop-assistant``), per ../shared/design/CONTRACT.md: ingest, ask, ask --batch, matrix, eval."""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path

from assistant.contract import answer_text, batch_questions, matrix_csv_text, matrix_json, schools_json
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
    serve = commands.add_parser("serve", help="answer over HTTP (FastAPI; OpenAPI page at /docs)")
    serve.add_argument("--index", type=Path, help="index folder (default: $SOP_INDEX_DIR or ./.sop-index)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
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
    if args.batch is None and not args.question:
        raise UsageError("ask: give a QUESTION or --batch IN.jsonl")
    settings = _settings(args)
    if settings.api_url:
        return _ask_remote(args, settings.api_url)
    from assistant.service import SopAssistant

    assistant = SopAssistant(settings)
    if args.batch is None:
        answer = assistant.ask(args.question, args.history, args.school or None, args.town, args.type)
        _print_answer(answer.to_json(), args.json)
        return 0
    for item in batch_questions(args.batch):
        answer = assistant.ask(item.question, item.history, args.school or None, args.town, args.type)
        _print_json({"id": item.id, **answer.to_json()})
    return 0


def _ask_remote(args: argparse.Namespace, url: str) -> int:
    """``ask`` with SOP_API_URL set: the running ``serve`` answers, so this process loads no model."""
    from assistant.api.client import ApiClient

    if args.index or args.llm:
        option = "--index" if args.index else "--llm"
        raise UsageError(f"{option}: the server at {url} (SOP_API_URL) answers from its own; unset SOP_API_URL to use it here")
    with ApiClient(url) as client:
        if args.batch is None:
            _print_answer(client.ask(args.question, args.history, args.school, args.town, args.type), args.json)
            return 0
        for item in batch_questions(args.batch):
            data = client.ask(item.question, item.history, args.school, args.town, args.type)
            _print_json({"id": item.id, **data})
    return 0


def _print_answer(data: dict, as_json: bool) -> None:
    if as_json:
        _print_json(data)
    else:
        sys.stdout.write(answer_text(data))


def _matrix(args: argparse.Namespace) -> int:
    from assistant.service import SopAssistant

    assistant = SopAssistant(_settings(args))
    matrix = assistant.matrix(args.town, args.type)
    rows = matrix_json(matrix)
    if args.csv:
        sys.stdout.write(matrix_csv_text(matrix, assistant.schools()))
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
        _print_json(schools_json(profiles))
    else:
        for doc_id, p in sorted(profiles.items()):
            sys.stdout.write(
                f"{doc_id}: {labels[doc_id]} ({p.town or '?'}, {p.type or '?'}, {p.brin or '?'}, {p.period or '?'}) "
                f"{p.pages or '–'} pages, {p.chunks} chunks\n"
            )
    return 0


def _serve(args: argparse.Namespace) -> int:
    from assistant.api.server import serve

    serve(_settings(args), args.host, args.port)
    return 0


_COMMANDS = {
    "ingest": _ingest, "ask": _ask, "matrix": _matrix, "eval": _eval, "remove": _remove, "schools": _schools,
    "serve": _serve,
}


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
