"""Server mode: a real Chroma server process (scripts/chroma-server.sh), the CLI pointed at it with
SOP_CHROMA_HOST / SOP_CHROMA_PORT. Retrieval must be as good as with the embedded store, and a second index folder
(another app instance) must see what the first one ingested, since the manifest lives on the server."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from cli_runs import ROOT, ask_batch, cli_env, ingest
from conftest import GOLDEN_DEV

from assistant.evaluation import load_golden, score_retrieval

pytestmark = pytest.mark.server

SCRIPT = ROOT / "scripts" / "chroma-server.sh"
SCHOOLS = ("het-kristal", "kc-balans")
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def wait_for_heartbeat(port: int, pid_file: Path, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/api/v2/heartbeat", timeout=2) as response:
                if "nanosecond heartbeat" in json.loads(response.read()):
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
            pass
        time.sleep(0.3)
    log_tail = log.read_text(errors="replace")[-2000:] if log.exists() else "(no log)"
    raise AssertionError(f"chroma server (PID {pid_file.read_text().strip()}) gave no heartbeat: {log_tail}")


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    chroma = Path(sys.executable).with_name("chroma")
    if not chroma.exists():
        pytest.skip("no chroma executable beside this Python")
    folder = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    env = {**os.environ, "CHROMA": str(chroma), "CHROMA_HOST": HOST}
    subprocess.run([str(SCRIPT), "start", str(port), str(folder)], env=env, check=True, capture_output=True)
    pid = int((folder / "chroma.pid").read_text())
    try:
        wait_for_heartbeat(port, folder / "chroma.pid", folder / "chroma.log")
        yield port
    finally:
        subprocess.run([str(SCRIPT), "stop", str(folder)], env=env, check=True, capture_output=True)
        assert not chroma_running(pid), f"chroma server PID {pid} still running after stop"


def chroma_running(pid: int) -> bool:
    """Whether ``pid`` is a live chroma process (a reaped or zombie process has no command line)."""
    try:
        return b"chroma" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def test_retrieval_and_reingest_against_a_server(chroma_server, sop_dir, tmp_path):
    env = cli_env(SOP_CHROMA_HOST=HOST, SOP_CHROMA_PORT=str(chroma_server))
    pdfs = [sop_dir / f"{school}.pdf" for school in SCHOOLS]

    first = ingest(pdfs, tmp_path / "first", env)
    assert [report["status"] for report in first] == ["indexed", "indexed"]
    assert not (tmp_path / "first" / "chroma").exists(), "server mode must not write an embedded store"

    again = ingest(pdfs, tmp_path / "first", env)
    assert [(r["doc_id"], r["status"], r["chunks"]) for r in again] == [
        (r["doc_id"], "unchanged", r["chunks"]) for r in first
    ]

    # A second instance with its own (empty) folder answers from the server's chunks and manifest.
    items = load_golden(GOLDEN_DEV)
    results = ask_batch(GOLDEN_DEV, tmp_path / "second", env)
    assert set(results) == {item["id"] for item in items}
    scores = score_retrieval(items, results, ks=(1, 5, 10))
    summary = f"server: recall@5 {scores.recall[5]:.3f}, MRR {scores.mrr:.3f}, misses {scores.misses}"
    assert scores.recall[5] >= 0.95, summary
    assert scores.mrr >= 0.85, summary
