"""Cold start of the command line on a warm index: ``sop-assistant ask QUESTION`` in a fresh process, from launch to
exit, N times. Prints figures; asserts nothing (they depend on the machine and its load).

    .venv/bin/python bench/bench_cold_start.py --index DIR [--runs 10] [--question "Heeft Het Kristal een lift?"]
                                                [--compare OTHER_CHECKOUT] [--first-ask]

Variants, run in turn (one run of each, then the next round) so that a change in the machine's load falls on all:
- ``export``: this checkout with the model's ONNX export in its cache (``SOP_CACHE_DIR``, made before timing);
- ``compare``: another checkout (say the main branch before this change), with ``--compare``;
- ``first-ask``: this checkout with an empty cache each time, so the run loads the model and exports it (what the
  first question ever costs), with ``--first-ask``.
Each process is ``python -m assistant`` (what the console script runs) with ``PYTHONPATH`` set to the checkout.
Without ``--index`` the example profiles are indexed first (not timed). One untimed run of each variant goes first,
so every run finds the files in the page cache and the byte code compiled."""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def one_ask(checkout: Path, index: Path, question: str, cache: Path) -> dict[str, float]:
    """Launch one ``ask`` and wait for it: its wall time, its CPU time (user + system, which the other processes on a
    busy machine inflate far less than the wall time) and the load average just before."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SOP_")},
        "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "SOP_LLM": "extractive",
        "SOP_CACHE_DIR": str(cache), "PYTHONPATH": str(checkout),
    }
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "ask", question, "--index", str(index)],
        cwd=checkout, env=env, capture_output=True, text=True,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"ask failed in {checkout}: {done.stderr.strip()[-500:]}")
    return {"wall_s": round(wall, 3), "cpu_s": round(cpu, 3), "load_1min": round(load, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, help="a warm index (default: the example profiles, indexed first)")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--question", default="Heeft Het Kristal een lift?")
    parser.add_argument("--compare", type=Path, metavar="CHECKOUT", help="also time this checkout's ask")
    parser.add_argument("--first-ask", action="store_true", help="also time asks that find no export")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        index = args.index
        if index is None:
            index = work / "index"
            subprocess.run(
                [sys.executable, "-m", "assistant", "ingest", str(ROOT / "examples" / "docs"), "--index", str(index)],
                cwd=ROOT, env={**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}, check=True,
                capture_output=True,
            )
            if args.question == parser.get_default("question"):
                args.question = "Heeft OBS De Regenboog een lift?"
        cache = work / "cache"
        variants = {"export": lambda: one_ask(ROOT, index, args.question, cache)}
        if args.compare:
            variants["compare"] = lambda: one_ask(args.compare.resolve(), index, args.question, work / "compare-cache")
        if args.first_ask:
            counter = iter(range(10**6))
            variants["first-ask"] = lambda: one_ask(ROOT, index, args.question, work / f"empty-{next(counter)}")
        for run in variants.values():  # untimed: makes the export, warms the page cache and the byte code
            run()
        timed: dict[str, list[dict[str, float]]] = {name: [] for name in variants}
        for number in range(args.runs):
            for name, run in variants.items():
                figures = run()
                timed[name].append(figures)
                print(json.dumps({"variant": name, "run": number + 1, **figures}), flush=True)
    for name, runs in timed.items():
        walls = [r["wall_s"] for r in runs]
        cpus = [r["cpu_s"] for r in runs]
        loads = [r["load_1min"] for r in runs]
        print(json.dumps({
            "variant": name, "runs": len(runs), "best_s": min(walls), "median_s": round(statistics.median(walls), 3),
            "worst_s": max(walls), "cpu_best_s": min(cpus), "cpu_median_s": round(statistics.median(cpus), 3),
            "load_1min": f"{min(loads):.1f}-{max(loads):.1f}",
        }))
    print(json.dumps({"cpus": os.cpu_count(), "python": sys.version.split()[0], "question": args.question}))


if __name__ == "__main__":
    main()
