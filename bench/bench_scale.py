"""Speed at scale: ingest throughput, index size, memory and warm query latency for the two real SOPs plus 0, 10,
100 or 1000 synthetic schools (bench/corpus.py), with the embedded store and with a Chroma server.
Prints figures and writes them as JSON; asserts nothing (timings depend on the machine and its load).

    .venv/bin/python bench/bench_scale.py --sizes 0,10,100,1000 [--server] [--work .bench] [--out results.json]

Per size the index grows (the smaller corpus is a prefix of the larger), so every document is embedded once per
store. With ``--server``, sizes above ``--server-ingest-max`` are not ingested again into the server: their chunks
and vectors are copied from the embedded store (the server's query figures are then comparable; its ingest
figures stop at that size). Queries run in a fresh process per size, as an app would: the start-up time is from
launching that process to its first answer, with the index already built ("warm index")."""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

SOP_DIR = ROOT.parent / "shared" / "sop"
GOLDEN = ROOT.parent / "shared" / "eval" / "golden_dev.jsonl"
REAL_SOPS = ("het-kristal.pdf", "kc-balans.pdf")


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (p99 of 100 values is the 99th slowest but one)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(share * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summary_ms(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(1000 * statistics.median(values), 1),
        "p95_ms": round(1000 * percentile(values, 0.95), 1),
        "p99_ms": round(1000 * percentile(values, 0.99), 1),
        "max_ms": round(1000 * max(values), 1),
        "n": len(values),
    }


def folder_mb(*folders: Path) -> float:
    total = sum(f.stat().st_size for folder in folders if folder.exists() for f in folder.rglob("*") if f.is_file())
    return round(total / 2**20, 1)


def rss_mb(pid: int | None = None) -> float:
    import psutil

    return round(psutil.Process(pid or os.getpid()).memory_info().rss / 2**20, 1)


def load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


# Questions --------------------------------------------------------------------------------------------------------
def questions_for(schools: list[dict], count: int, seed: int = 7) -> list[dict]:
    """The golden dev questions (about the two real SOPs, with their evidence) and questions about synthetic
    schools whose right source is known (the director's name is in that school's contact table)."""
    from assistant.evaluation import load_golden

    items = [{**item, "source": "golden"} for item in load_golden(GOLDEN)]
    rng = random.Random(seed)
    picked = rng.sample(schools, min(len(schools), count)) if schools else []
    forms = (
        ("director", "Wie is de directeur van {school}?"),
        ("lift", "Heeft {school} een lift?"),
        ("dyslexie", "Hoe helpt {school} kinderen met dyslexie?"),
    )
    for number, school in enumerate(picked):
        kind, form = forms[number % len(forms)]
        items.append({
            "id": f"synthetic-{number}", "question": form.format(school=school["school"]), "history": [],
            "source": "synthetic", "kind": kind, "doc_id": school["doc_id"], "director": school["director"],
        })
    return items


# Ingest -----------------------------------------------------------------------------------------------------------
class Timed:
    """Wraps a callable and adds up the seconds spent in it."""

    def __init__(self, function):  # type: ignore[no-untyped-def]
        self.function, self.seconds = function, 0.0

    def __call__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return self.function(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - started


def ingest_stage(index, paths: list[Path]) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Ingest ``paths`` into ``index`` and measure where the time went."""
    embed = Timed(index.embeddings.embed_documents)
    build = Timed(index._brought_up_to_date)
    index.embeddings.embed_documents = embed
    index._brought_up_to_date = build
    started, load_before = time.perf_counter(), load()
    try:
        from assistant.indexing import ingest_files

        reports = ingest_files(index, paths)
    finally:
        del index.embeddings.embed_documents
        del index._brought_up_to_date
    seconds = time.perf_counter() - started
    # As the ingest command does: the new versions' support-matrix rows are worked out right after.
    from assistant.matrix.cache import MatrixRows

    rows_started = time.perf_counter()
    MatrixRows.of(index).matrix(index.profiles())
    matrix_rows_s = time.perf_counter() - rows_started
    failed = [r for r in reports if r.status == "failed"]
    pages = sum(r.pages or 0 for r in reports if r.status == "indexed")
    chunks = sum(r.chunks for r in reports if r.status == "indexed")
    return {
        "files": len(reports), "failed": [f"{r.path}: {r.error}" for r in failed], "pages": pages, "chunks": chunks,
        "seconds": round(seconds, 1), "pages_per_s": round(pages / seconds, 2) if seconds else None,
        "chunks_per_s": round(chunks / seconds, 2) if seconds else None,
        "embedding_share": round(embed.seconds / seconds, 3) if seconds else None,
        "lexical_update_s": round(build.seconds, 1), "matrix_rows_s": round(matrix_rows_s, 1),
        "ingest_rss_mb": rss_mb(), "load": f"{load_before} → {load()}",
    }


def copy_stage(source, target, doc_ids: list[str]) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Put documents already embedded in ``source`` into ``target`` (another store) without embedding again."""
    from langchain_core.documents import Document

    started = time.perf_counter()
    profiles = source.profiles()
    for doc_id in doc_ids:
        profile = profiles[doc_id]
        got = source.store._chunks.get(
            where={"$and": [{"doc_id": doc_id}, {"version": profile.version}]},
            include=["documents", "metadatas", "embeddings"],
        )
        order = sorted(range(len(got["ids"])), key=lambda i: int(got["metadatas"][i].get("chunk_index", 0)))
        documents = [Document(page_content=got["documents"][i], metadata=dict(got["metadatas"][i])) for i in order]
        target.store.replace_profile(profile, documents, [list(map(float, got["embeddings"][i])) for i in order])
    target.lexical()
    return {"copied": len(doc_ids), "seconds": round(time.perf_counter() - started, 1)}


# Serving (in a fresh process) -------------------------------------------------------------------------------------
def serve(
    index_dir: Path, questions_file: Path, chroma_port: int | None, model: str, matrix_question: bool = True
) -> None:
    """Child process: open the index as the app would, answer once, then time every question warm. Without
    ``matrix_question`` the cross-school question (every school's matrix row) is not asked."""
    started = time.perf_counter()
    from assistant.evaluation import first_hit_rank, score_retrieval
    from assistant.service import SopAssistant
    from core.config import Settings

    imported = time.perf_counter()
    settings = Settings.from_env().with_(index_dir=index_dir, embedding_model=model)
    if chroma_port:
        settings = settings.with_(chroma_host="127.0.0.1", chroma_port=chroma_port)
    items = [json.loads(line) for line in questions_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    assistant = SopAssistant(settings)
    opened = time.perf_counter()
    assistant.ask(items[0]["question"], items[0].get("history") or [])
    answered = time.perf_counter()
    print(json.dumps({"ready": True}), flush=True)
    startup = {
        "imports_s": round(imported - started, 2),
        "open_s": round(opened - imported, 2),  # the embedding model (and its libraries), the store, the manifest
        "first_answer_s": round(answered - opened, 2),  # the lexical index is loaded here
    }

    for item in items[:5]:  # warm-up: first calls of each code path
        assistant.ask(item["question"], item.get("history") or [])
    retrieval_s, answer_s, results, synthetic_hits = [], [], {}, []
    for item in items:
        started = time.perf_counter()
        assistant.retriever.retrieve(assistant.retriever.read(item["question"], item.get("history") or []))
        retrieval_s.append(time.perf_counter() - started)
    for item in items:
        started = time.perf_counter()
        answer = assistant.ask(item["question"], item.get("history") or []).to_json()
        answer_s.append(time.perf_counter() - started)
        results[item["id"]] = answer
        if item["source"] == "synthetic" and item["kind"] == "director":
            sources = [{"doc_id": s["doc_id"], "text": s["text"]} for s in answer["sources"]]
            synthetic_hits.append(first_hit_rank(sources, [{"doc_id": item["doc_id"], "quote": item["director"]}], 1.0))
    matrix_first = matrix_again = None
    if matrix_question:
        started = time.perf_counter()
        assistant.ask("Welke scholen hebben een lift?")
        matrix_first = time.perf_counter() - started
        started = time.perf_counter()
        assistant.ask("Welke scholen hebben een lift?")
        matrix_again = time.perf_counter() - started
    # Per golden set ("golden": the dev set over the seeds; others such as "golden_plein013").
    golden_sets = {}
    for name in sorted({item["source"] for item in items if item["source"].startswith("golden")}):
        chosen = [item for item in items if item["source"] == name]
        found = score_retrieval(chosen, {item["id"]: results[item["id"]] for item in chosen}, ks=(1, 5))
        golden_sets[name] = {"recall_at_1": round(found.recall[1], 3), "recall_at_5": round(found.recall[5], 3),
                             "mrr": round(found.mrr, 3), "questions": len(chosen),
                             "mrr_per_kind": {kind: round(v["mrr"], 3) for kind, v in found.per_kind.items()}}
    scores = golden_sets.get("golden", {"recall_at_5": None, "mrr": None})
    print(json.dumps({
        "startup_parts": startup,
        "retrieval": summary_ms(retrieval_s),
        "answer": summary_ms(answer_s),
        "matrix_question_first_ms": round(1000 * matrix_first, 1) if matrix_first is not None else None,
        "matrix_question_again_ms": round(1000 * matrix_again, 1) if matrix_again is not None else None,
        "golden_recall_at_5": scores["recall_at_5"],
        "golden_mrr": scores["mrr"],
        "golden_sets": golden_sets,
        # The right school's contact table (which names the director) among the first 1 / 5 sources.
        "synthetic_director_hit_at_1": _share(synthetic_hits, 1),
        "synthetic_director_hit_at_5": _share(synthetic_hits, 5),
        # Where the tail is: the slowest questions of each kind of timing.
        "slowest_retrievals_ms": _slowest(items, retrieval_s),
        "slowest_answers_ms": _slowest(items, answer_s),
        "app_rss_mb": rss_mb(),
        "app_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }), flush=True)


def _slowest(items: list[dict], seconds: list[float], count: int = 5) -> list[list[object]]:
    ordered = sorted(zip(seconds, (item["id"] for item in items)), reverse=True)[:count]
    return [[item_id, round(1000 * value, 1)] for value, item_id in ordered]


def _share(ranks: list[int | None], k: int) -> float | None:
    return round(sum(1 for rank in ranks if rank and rank <= k) / len(ranks), 3) if ranks else None


def serve_stage(
    index_dir: Path, questions: list[dict], work: Path, chroma_port: int | None, model: str,
    matrix_question: bool = True,
) -> dict[str, object]:
    questions_file = work / "questions.jsonl"
    questions_file.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in questions), encoding="utf-8")
    command = [sys.executable, __file__, "--serve", str(index_dir), "--questions-file", str(questions_file),
               "--model", model]
    if chroma_port:
        command += ["--chroma-port", str(chroma_port)]
    if not matrix_question:
        command.append("--no-matrix-question")
    load_before = load()
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert child.stdout is not None
    lines = []
    startup = None
    for line in child.stdout:
        lines.append(line)
        if startup is None and '"ready"' in line:
            startup = time.perf_counter() - started
    if child.wait() != 0:
        raise SystemExit(f"the query process failed (exit {child.returncode})")
    figures = json.loads(lines[-1])
    return {"startup_s": round(startup or 0.0, 2), **figures, "questions": len(questions), "load": f"{load_before} → {load()}"}


# Chroma server ----------------------------------------------------------------------------------------------------
def start_server(folder: Path) -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "CHROMA": str(Path(sys.executable).with_name("chroma"))}
    subprocess.run([str(ROOT / "scripts" / "chroma-server.sh"), "start", str(port), str(folder)], env=env, check=True)
    import urllib.request

    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2):
                return port
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the chroma server gave no heartbeat; see {folder / 'chroma.log'}")


def stop_server(folder: Path) -> None:
    subprocess.run([str(ROOT / "scripts" / "chroma-server.sh"), "stop", str(folder)], check=False)


# Main -------------------------------------------------------------------------------------------------------------
def run_mode(mode: str, sizes: list[int], work: Path, schools: list[dict], args: argparse.Namespace) -> list[dict]:
    from core.config import Settings
    from index.indexer import SupportProfileIndex

    index_dir = work / f"index-{mode}"
    if not (args.keep and mode == "embedded"):
        shutil.rmtree(index_dir, ignore_errors=True)
    server_dir = work / "chroma-server"
    settings = Settings.from_env().with_(index_dir=index_dir, embedding_model=args.model)
    port = None
    if mode == "server":
        shutil.rmtree(server_dir, ignore_errors=True)
        port = start_server(server_dir)
        settings = settings.with_(chroma_host="127.0.0.1", chroma_port=port)
    rows = []
    try:
        # Ingest as the ingest command does it (all cores); the query process uses the app's settings.
        index = SupportProfileIndex(settings.with_(embedding_threads=settings.ingest_threads))
        embedded = SupportProfileIndex(settings.with_(index_dir=work / "index-embedded", chroma_host=None)) \
            if mode == "server" else None
        done: set[str] = set(index.profiles())
        for size in sizes:
            wanted = [SOP_DIR / name for name in REAL_SOPS] + [work / "corpus" / s["file"] for s in schools[:size]]
            new = [path for path in wanted if path.stem not in done]
            if not new:
                stage: dict[str, object] = {"kept": "already in the index (--keep): see the earlier run's figures"}
            elif mode == "server" and size > args.server_ingest_max and embedded is not None:
                stage = copy_stage(embedded, index, [path.stem for path in new])
            else:
                stage = ingest_stage(index, new)
            done.update(path.stem for path in new)
            profiles = index.profiles()
            size_mb = folder_mb(index_dir) + (folder_mb(server_dir / "data") if mode == "server" else 0.0)
            row = {
                "mode": mode, "schools": len(profiles), "synthetic": size,
                "chunks_total": sum(p.chunks for p in profiles.values()),
                "pages_total": sum(p.pages or 0 for p in profiles.values()),
                "index_mb": size_mb, "ingest": stage,
            }
            if port:
                row["server_rss_mb"] = rss_mb(int((server_dir / "chroma.pid").read_text()))
            row["serve"] = serve_stage(index_dir, questions_for(schools[:size], args.questions), work, port, args.model)
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
    finally:
        if mode == "server":
            stop_server(server_dir)
    return rows


def print_table(rows: list[dict]) -> None:
    print()
    print("| store | schools | pages | chunks | ingest pages/s | chunks/s | embedding share | index MB | startup s "
          "| retrieval p50/p95/p99 ms | answer p50/p95/p99 ms | app RSS MB | golden R@5 / MRR |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---|")
    for row in rows:
        ingest, serve_ = row["ingest"], row["serve"]
        r, a = serve_["retrieval"], serve_["answer"]
        speed = ingest.get("pages_per_s", "copied" if "copied" in ingest else "kept")
        print(
            f"| {row['mode']} | {row['schools']} | {row['pages_total']} | {row['chunks_total']} | {speed} "
            f"| {ingest.get('chunks_per_s', '–')} | {ingest.get('embedding_share', '–')} | {row['index_mb']} "
            f"| {serve_['startup_s']} | {r['p50_ms']} / {r['p95_ms']} / {r['p99_ms']} "
            f"| {a['p50_ms']} / {a['p95_ms']} / {a['p99_ms']} | {serve_['app_rss_mb']} "
            f"| {serve_['golden_recall_at_5']} / {serve_['golden_mrr']} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0,10,100", help="numbers of synthetic schools, beside the 2 real SOPs")
    parser.add_argument("--server", action="store_true", help="also measure with a Chroma server")
    parser.add_argument("--server-ingest-max", type=int, default=100)
    parser.add_argument("--work", type=Path, default=ROOT / ".bench")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--keep", action="store_true", help="add to the embedded index of an earlier run")
    parser.add_argument("--questions", type=int, default=30, help="questions about synthetic schools per size")
    parser.add_argument("--model", default=os.environ.get("SOP_EMBEDDING_MODEL", "all-minilm-l6-v2"))
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--questions-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--chroma-port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--no-matrix-question", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.questions_file, args.chroma_port, args.model, not args.no_matrix_question)
        return
    from corpus import generate_corpus

    sizes = sorted(int(size) for size in args.sizes.split(","))
    args.work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    schools = [vars(s) for s in generate_corpus(args.work / "corpus", max(sizes))] if max(sizes) else []
    print(f"corpus: {len(schools)} synthetic schools in {time.perf_counter() - started:.0f} s; "
          f"{os.cpu_count()} CPUs, load {load()}", flush=True)
    rows = []
    for mode in ("embedded", "server") if args.server else ("embedded",):
        rows += run_mode(mode, sizes, args.work, schools, args)
    print_table(rows)
    if args.out:
        args.out.write_text(json.dumps(rows, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
