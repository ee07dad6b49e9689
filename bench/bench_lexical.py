"""The lexical side of one upload at scale: the time to bring the BM25 index up to date after one profile is added,
replaced or removed in an index of about 1,000 schools, and the lexical query latency at that size. Lexical only:
no embeddings and no vector store, so it runs in minutes (the chunks are read by the real ingest pipeline, their
words by the lexical index's own analysis). Prints figures and writes them as JSON; asserts nothing about speed.

    .venv/bin/python bench/bench_lexical.py [--schools 1000] [--work .bench/lexical] [--out lexical.json]

The corpus: the two seed SOPs and the real Plein013 profiles (``../shared``) when present, and synthetic schools
(``bench/corpus.py``, rendered as Markdown: quick to read) up to ``--schools``; one real profile is held back as
the upload. To measure another checkout's lexical index (the figures before a change), run this file with
``BENCH_CODE=/path/to/that/checkout``: where its index has no document-wise update, the update is its rebuild."""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, os.environ.get("BENCH_CODE", str(ROOT)))
sys.path.insert(1, str(ROOT / "bench"))

from corpus import generate_corpus  # noqa: E402

from index.lexical import LexicalIndex, search_text, words_of  # noqa: E402
from ingest.pipeline import read_support_profile  # noqa: E402

SHARED = ROOT.parent / "shared"
SEEDS = [SHARED / "sop" / name for name in ("het-kristal.pdf", "kc-balans.pdf")]
# The limit the retriever asks the lexical side for (assistant/retrieval.py, _CANDIDATES).
CANDIDATES = 60
QUESTIONS = (
    "Heeft de school een lift?", "Is er een invalide toilet?", "Hoe gaat de school om met dislexie?",
    "Wie is de intern begeleider?", "Hoe verloopt de overdracht naar het voortgezet onderwijs?",
    "Is het gebouw rolstoeltoegankelijk?", "Is er een plusklas voor hoogbegaafde leerlingen?",
    "wie zitten er in het ondersteuningsteam", "Bieden jullie logopedie of fysiotherapie op school?",
    "Welke scholen hebben een lift?", "Wat doet de school bij gedragsproblemen?", "Wie is de directeur?",
)


def profile_words(path: Path, cache: Path, texts: bool = False) -> dict:
    """One profile as the index keeps it (doc_id, chunk ids, words per chunk; with ``texts`` also each chunk's
    search text), read once and cached."""
    cached = cache / f"{path.name}{'.texts' if texts else ''}.json"
    if cached.is_file():
        return json.loads(cached.read_text(encoding="utf-8"))
    chunks = read_support_profile(path, 1200, 100 * 2**20).chunks
    found = {
        "doc_id": chunks[0].metadata["doc_id"],
        "ids": [str(chunk.id) for chunk in chunks],
        "words": [words_of(search_text(chunk)) for chunk in chunks],
    }
    if texts:
        found["texts"] = [search_text(chunk) for chunk in chunks]
    cache.mkdir(parents=True, exist_ok=True)
    cached.write_text(json.dumps(found, ensure_ascii=False), encoding="utf-8")
    return found


def corpus(schools: int, work: Path) -> tuple[list[dict], dict, int]:
    """The indexed profiles, the held-back real one (the upload), and how many of the indexed are real."""
    real = [path for path in SEEDS if path.is_file()] + sorted((SHARED / "sop-plein013").glob("*.pdf"))
    upload, real = (real[-1], real[:-1]) if len(real) > 1 else (None, real)
    synthetic = generate_corpus(work / "synthetic", max(schools - len(real), 1), "md")
    paths = real + [work / "synthetic" / school.file for school in synthetic]
    cache = work / "words"
    profiles = [profile_words(path, cache) for path in paths[:schools]]
    held = profile_words(upload, cache, texts=True) if upload else profiles.pop()
    return sorted(profiles, key=lambda p: p["doc_id"]), held, min(len(real), schools)


def flat(profiles: list[dict]) -> tuple[list[str], list[str], list[list[str]]]:
    ids = [chunk_id for p in profiles for chunk_id in p["ids"]]
    doc_ids = [p["doc_id"] for p in profiles for _ in p["ids"]]
    return ids, doc_ids, [words for p in profiles for words in p["words"]]


def timed(function, *args):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def query_figures(index: LexicalIndex, schools: list[str]) -> dict[str, float]:
    """Lexical query latency (``scores`` with the retriever's limit), over the whole index and within one school."""
    rng = random.Random(7)
    whole, one = [], []
    for _ in range(5):
        for question in QUESTIONS:
            whole.append(timed(index.scores, question, None, CANDIDATES)[1] * 1000)
            one.append(timed(index.scores, question, [rng.choice(schools)], CANDIDATES)[1] * 1000)
    ordered = sorted(whole)
    return {
        "query_p50_ms": round(statistics.median(whole), 1),
        "query_p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
        "query_one_school_p50_ms": round(statistics.median(one), 1),
    }


def same_ranking(first: LexicalIndex, second: LexicalIndex) -> bool:
    return all(
        list(first.scores(q, None, CANDIDATES).items()) == list(second.scores(q, None, CANDIDATES).items())
        for q in QUESTIONS
    )


def measure(profiles: list[dict], upload: dict, folder: Path) -> dict[str, object]:
    """The figures; ``profiles`` is emptied on the way: an app holds no chunk's words, and a garbage collector
    walking millions of them would add pauses to the bench that the app does not have."""
    figures: dict[str, object] = {}
    words_dir = folder / "words"
    words_dir.mkdir(parents=True, exist_ok=True)
    for p in profiles:
        (words_dir / f"{p['doc_id']}.json").write_text(json.dumps(p, ensure_ascii=False), encoding="utf-8")
    updating = hasattr(LexicalIndex, "updated")
    before = LexicalIndex.from_words(*flat(profiles)) if updating else None
    schools = sorted(p["doc_id"] for p in profiles)
    replaced = profiles[len(profiles) // 2]
    profiles.clear()
    gc.collect()
    # A full build, as after an upload before this change (the words of every profile read as kept on disk).
    started = time.perf_counter()
    read = [json.loads(path.read_text(encoding="utf-8")) for path in sorted(words_dir.glob("*.json"))]
    figures["read_all_words_s"] = round(time.perf_counter() - started, 2)
    built, seconds = timed(LexicalIndex.from_words, *flat(read + [upload]))
    figures["full_build_s"] = round(seconds, 2)
    del read
    gc.collect()
    _, seconds = timed(built.scores, QUESTIONS[0], None, CANDIDATES)
    figures["first_query_after_build_s"] = round(seconds, 2)
    _, seconds = timed(built.save, folder / "full", "stamp")
    figures["save_s"] = round(seconds, 2)
    figures["index_mb"] = round(sum(f.stat().st_size for f in (folder / "full").rglob("*") if f.is_file()) / 2**20, 1)
    figures.update(query_figures(built, schools))
    if before is None:
        parts = ("read_all_words_s", "full_build_s", "save_s", "first_query_after_build_s")
        figures["upload_s"] = round(sum(float(figures[part]) for part in parts), 2)  # type: ignore[arg-type]
        return figures
    loaded, seconds = timed(LexicalIndex.load, folder / "full")
    figures["load_s"] = round(seconds, 2)
    _, seconds = timed(loaded.scores, QUESTIONS[0], None, CANDIDATES)
    figures["first_query_after_load_s"] = round(seconds, 2)
    # One upload: the new profile's words are worked out, the index updated and saved, the first question asked.
    from index.lexical import DocumentWords

    _, analyse_s = timed(lambda: [words_of(text) for text in upload.get("texts", [])])
    document = DocumentWords(upload["doc_id"], "v1", upload["ids"], upload["words"])
    after, update_s = timed(before.updated, [], [document])
    _, save_s = timed(after.save, folder / "incremental", "stamp")
    _, query_s = timed(after.scores, QUESTIONS[0], None, CANDIDATES)
    figures.update({
        "upload_words_s": round(analyse_s, 3), "upload_update_s": round(update_s, 2), "upload_save_s": round(save_s, 2),
        "upload_first_query_s": round(query_s, 2),
        "upload_s": round(analyse_s + update_s + save_s + query_s, 2),
        "upload_same_ranking_as_full_build": same_ranking(after, built),
    })
    # A new version of an indexed profile (its last chunk dropped), and a removal.
    shorter = DocumentWords(replaced["doc_id"], "v2", replaced["ids"][:-1], replaced["words"][:-1])
    changed, seconds = timed(after.updated, [], [shorter])
    timed(changed.scores, QUESTIONS[0], None, CANDIDATES)
    figures["replace_update_s"] = round(seconds, 2)
    removed, seconds = timed(after.updated, [upload["doc_id"]], [])
    _, query_s = timed(removed.scores, QUESTIONS[0], None, CANDIDATES)
    figures["remove_update_and_first_query_s"] = round(seconds + query_s, 2)
    figures["remove_same_ranking_as_full_build"] = same_ranking(removed, before)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=1000)
    parser.add_argument("--work", type=Path, default=ROOT / ".bench" / "lexical")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    profiles, upload, real = corpus(args.schools, args.work)
    schools, chunks = len(profiles), sum(len(p["ids"]) for p in profiles)
    with tempfile.TemporaryDirectory(dir=args.work) as folder:
        figures = measure(profiles, upload, Path(folder))
    result = {
        "code": os.environ.get("BENCH_CODE", str(ROOT)), "schools": schools, "real_profiles": real, "chunks": chunks,
        "upload": f"{upload['doc_id']} ({len(upload['ids'])} chunks)",
        "machine": f"{os.cpu_count()} CPUs, {platform.machine()}, Python {platform.python_version()}",
        "load": " ".join(f"{value:.2f}" for value in os.getloadavg()), **figures,
    }
    print(json.dumps(result, indent=1))
    if args.out:
        args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
