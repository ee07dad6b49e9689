"""Run the real command line in a subprocess, as other tools drive it (../shared/design/CONTRACT.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODEL = "all-minilm-l6-v2"


def cli() -> list[str]:
    """The installed console script beside this interpreter, else the module."""
    script = Path(sys.executable).with_name("sop-assistant")
    return [str(script)] if script.exists() else [sys.executable, "-m", "assistant"]


def worker_threads() -> int:
    """The cores of this test worker: all of them alone, an equal share beside other pytest-xdist workers (model
    threads beyond the cores wait on each other and make every worker slower)."""
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    return max(1, (os.cpu_count() or 1) // max(1, workers))


def cli_env(**extra: str) -> dict[str, str]:
    """The environment of a user with no hub access and the default model, its model threads this worker's share of
    the cores; Chroma server only when asked."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("SOP_")}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false", SOP_EMBEDDING_MODEL=MODEL)
    threads = str(worker_threads())
    env.update(SOP_INGEST_THREADS=threads, SOP_LLM_THREADS=threads)
    env.update(extra)
    return env


def run_cli(args: list[str], env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cli() + args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def ingest(paths: list[Path], index: Path, env: dict[str, str], timeout: float = 600) -> list[dict]:
    """``ingest --json``: one report per file; fails the test on a non-zero exit."""
    done = run_cli(["ingest", *map(str, paths), "--index", str(index), "--json"], env, timeout)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


def ask_batch(questions: Path, index: Path, env: dict[str, str]) -> dict[str, dict]:
    """``ask --batch IN.jsonl --json``: the answers by question id."""
    done = run_cli(["ask", "--batch", str(questions), "--index", str(index), "--json"], env)
    assert done.returncode == 0, done.stderr
    results = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    return {result["id"]: result for result in results}
