"""National scale on a Chroma server: an index of ~7,000 schools built by ``bench/national.py`` (the real profiles and
copies of them with derived vectors), served by a Chroma server on 127.0.0.1, asked from a fresh process as an app
would (``bench_scale.serve``): start-up, retrieval and extractive answer latency, the golden sets' R@5 / MRR, memory
of the server and of the app process, size on disk. Prints figures and writes them as JSON; asserts nothing.

    .venv/bin/python bench/bench_national.py --source /work/runs/p13 --work /work/benchdata/national --schools 7000
    .venv/bin/python bench/bench_national.py --embedded /work/runs/seeds --work /work/benchdata/seeds   # an index as it is

With ``--keep`` an index built earlier in ``--work`` is measured again without building it."""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from bench_scale import folder_mb, load, rss_mb, serve_stage, start_server, stop_server  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"
GOLDEN_SETS = {"golden": EVAL / "golden_dev.jsonl", "golden_plein013": EVAL / "golden_plein013_dev.jsonl"}
_COPY_FORMS = ("Heeft {school} een lift?", "Wie is de intern begeleider van {school}?",
               "Hoe helpt {school} kinderen met dyslexie?")


def questions(profiles: dict, copies: int, seed: int = 7) -> list[dict]:
    """The golden dev questions of both sets (about real profiles, with their evidence), and ``copies`` questions
    naming a random copied school (timed, not scored)."""
    from assistant.evaluation import load_golden

    items = [{**item, "source": name} for name, path in GOLDEN_SETS.items() if path.is_file()
             for item in load_golden(path)]
    copied = sorted(doc_id for doc_id, p in profiles.items() if p.path.startswith("national/"))
    rng = random.Random(seed)
    for number, doc_id in enumerate(rng.sample(copied, min(copies, len(copied)))):
        school = profiles[doc_id].school
        items.append({"id": f"copy-{number}", "question": _COPY_FORMS[number % len(_COPY_FORMS)].format(school=school),
                      "history": [], "source": "copy", "doc_id": doc_id})
    return items


def _profiles(index_dir: Path, port: int | None, model: str) -> dict:
    from core.config import Settings
    from index.store import ChunkStore
    from national import _NoEmbeddings

    settings = Settings.from_env().with_(index_dir=index_dir, embedding_model=model)
    if port:
        settings = settings.with_(chroma_host="127.0.0.1", chroma_port=port)
    return ChunkStore(settings, _NoEmbeddings(), model).profiles()  # type: ignore[arg-type]


def _first_query(port: int) -> None:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.HttpClient(host="127.0.0.1", port=port, settings=ChromaSettings(anonymized_telemetry=False))
    chunks = client.get_collection("sop_chunks")
    vector = chunks.get(limit=1, include=["embeddings"])["embeddings"][0]
    chunks.query(query_embeddings=[vector], n_results=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help="an embedded index of real profiles (copied, never changed)")
    parser.add_argument("--embedded", type=Path, help="measure this embedded index as it is (on a copy)")
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--schools", type=int, default=7000)
    parser.add_argument("--copy-questions", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="measure the index built earlier in --work")
    parser.add_argument("--model", default=os.environ.get("SOP_EMBEDDING_MODEL", "all-minilm-l6-v2"))
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    result: dict[str, object] = {
        "machine": f"{os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}",
        "load_at_start": load(),
    }
    index_dir, server_dir = args.work / "index", args.work / "server"
    if args.embedded:
        shutil.rmtree(index_dir, ignore_errors=True)
        shutil.copytree(args.embedded, index_dir, ignore=shutil.ignore_patterns("ingest.lock"))
        profiles = _profiles(index_dir, None, args.model)
        result.update(store="embedded", schools=len(profiles), chunks=sum(p.chunks for p in profiles.values()),
                      index_mb=folder_mb(index_dir))
        result["serve"] = serve_stage(index_dir, questions(profiles, 0), args.work, None, args.model)
    else:
        if not args.keep:
            from national import build

            result["build"] = build(args.source, index_dir, server_dir / "data", args.schools,
                                    log=lambda line: print(line, flush=True))
            print(json.dumps(result["build"]), flush=True)
        port = start_server(server_dir)
        try:
            server_pid = int((server_dir / "chroma.pid").read_text())
            profiles = _profiles(index_dir, port, args.model)
            result.update(
                store="server", schools=len(profiles), chunks=sum(p.chunks for p in profiles.values()),
                index_mb=folder_mb(index_dir), server_data_mb=folder_mb(server_dir / "data"),
                server_rss_mb_opened=rss_mb(server_pid),
            )
            # A server that has just started loads its vector index at the first query; an app meets a running one.
            started = time.perf_counter()
            _first_query(port)
            result["server_first_query_s"] = round(time.perf_counter() - started, 2)
            result["server_rss_mb_loaded"] = rss_mb(server_pid)
            started = time.perf_counter()
            # The matrix question would work out 7,000 rows (the copies' rows are not derived): not asked here.
            result["serve"] = serve_stage(index_dir, questions(profiles, args.copy_questions), args.work, port,
                                          args.model, matrix_question=False)
            result["serve_wall_s"] = round(time.perf_counter() - started, 1)
            result["server_rss_mb_after_questions"] = rss_mb(server_pid)
        finally:
            stop_server(server_dir)
    result["load_at_end"] = load()
    print(json.dumps(result, indent=1, ensure_ascii=False))
    if args.out:
        args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
