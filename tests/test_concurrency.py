"""Concurrency: two ingest processes into one index both land whole (a lock serialises them, so neither takes
the other's unfinished version for debris, and each writes on top of what the other left on disk); an ingest that
cannot get the lock says so; 20 questions asked at the same moment from 20 threads of one app get the answers they
get one by one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from cli_runs import ROOT, cli, cli_env
from conftest import GOLDEN_DEV, settings_for

from assistant.evaluation import load_golden, score_retrieval
from assistant.service import SopAssistant
from core.errors import IndexStoreError
from index.indexer import SupportProfileIndex

FILLER = (
    "De intern begeleider bespreekt drie keer per jaar de resultaten van iedere groep met de leerkracht. "
    "Leerlingen die extra ondersteuning nodig hebben krijgen verlengde instructie in een kleine groep. "
)
MARKERS = {
    "a": ["zeepaardjesklas", "kikkerkoor", "mierenhoop"],
    "b": ["uilenbos", "vlinderkas", "egelburcht"],
}


def write_profiles(folder: Path, group: str) -> dict[str, str]:
    """Three profiles of several chunks each; every school has a word of its own. Returns doc_id → word."""
    folder.mkdir(parents=True)
    found = {}
    for number, marker in enumerate(MARKERS[group]):
        doc_id = f"school-{group}{number}"
        sections = "\n\n".join(
            f"{n}. Onderdeel {n}\n\nOp onze school werkt de {marker} met groep {n}. {FILLER * 4}" for n in range(1, 6)
        )
        (folder / f"{doc_id}.txt").write_text(f"Schoolondersteuningsprofiel Basisschool {doc_id}\n\n{sections}\n")
        found[doc_id] = marker
    return found


# The first ingest stops for a while between writing its chunks and switching the manifest to them: the moment
# a second ingest, unlocked, would take its unfinished version for one a crash left and remove it.
SLOW_INGEST = """
import sys, time
from pathlib import Path
from core.config import Settings
from index import store
from assistant.service import SopAssistant

record = store.ChunkStore._record
def slow_record(self, profile):
    print("WRITTEN", flush=True)
    time.sleep(4)
    record(self, profile)
store.ChunkStore._record = slow_record
assistant = SopAssistant(Settings(index_dir=Path(sys.argv[1]), embedding_model="all-minilm-l6-v2"))
print(sorted({r.status for r in assistant.ingest([Path(sys.argv[2])])}), flush=True)
"""


def test_two_ingest_processes_at_once_both_land_whole(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    markers = {**write_profiles(tmp_path / "a", "a"), **write_profiles(tmp_path / "b", "b")}
    script = tmp_path / "slow_ingest.py"
    script.write_text(SLOW_INGEST, encoding="utf-8")
    first = subprocess.Popen([sys.executable, str(script), str(index_dir), str(tmp_path / "a")], cwd=ROOT,
                             env={**cli_env(), "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, text=True)
    assert first.stdout is not None
    lines = []
    while (line := first.stdout.readline()) and line.strip() != "WRITTEN":
        lines.append(line)
    assert line, f"the first ingest ended before writing its chunks: {lines}"
    second = subprocess.run(cli() + ["ingest", str(tmp_path / "b"), "--index", str(index_dir), "--json"],
                            cwd=ROOT, env=cli_env(), capture_output=True, text=True, timeout=600)
    assert second.returncode == 0, second.stderr
    assert {json.loads(line)["status"] for line in second.stdout.splitlines()} == {"indexed"}
    out, _ = first.communicate(timeout=600)
    assert first.returncode == 0 and out.splitlines()[-1] == "['indexed']", out

    index = SupportProfileIndex(settings_for(index_dir))
    profiles = index.profiles()
    assert sorted(profiles) == sorted(markers)
    for doc_id, marker in markers.items():
        chunks = index.store.chunks_of(doc_id)
        assert len(chunks) == profiles[doc_id].chunks, f"{doc_id}: chunks lost to the other ingest"
        dense = index.store.search(index.embeddings.embed_query(marker), 50, [doc_id])
        assert len(dense) == len(chunks), f"{doc_id}: the vector index lost chunks another process wrote"
        assert {chunk_id.split(":")[0] for chunk_id in index.lexical().scores(marker)} == {doc_id}
    assistant = SopAssistant(settings_for(index_dir))
    for doc_id, marker in markers.items():
        answer = assistant.ask(f"Wat doet de {marker}?")
        assert answer.sources[0].doc_id == doc_id and marker in answer.sources[0].text


def test_an_ingest_that_cannot_get_the_lock_says_so(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    write_profiles(tmp_path / "a", "a")
    assistant = SopAssistant(settings_for(index_dir, lock_timeout=1))
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\nfrom filelock import FileLock\n"
         "lock = FileLock(sys.argv[1]); lock.acquire(); print('LOCKED', flush=True); time.sleep(600)",
         str(index_dir / "ingest.lock")],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "LOCKED"
        with pytest.raises(IndexStoreError, match="another ingest holds the index lock") as raised:
            assistant.ingest([tmp_path / "a"])
        assert str(index_dir) in str(raised.value)
        assert assistant.schools() == {}

        done = subprocess.run(
            cli() + ["ingest", str(tmp_path / "a"), "--index", str(index_dir)],
            cwd=ROOT, env=cli_env(SOP_LOCK_TIMEOUT="1"), capture_output=True, text=True, timeout=300,
        )
        assert done.returncode == 1
        assert "another ingest holds the index lock" in done.stderr and "Traceback" not in done.stderr
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
    # The holder died without unlocking: the operating system released its lock.
    assert {r.status for r in assistant.ingest([tmp_path / "a"])} == {"indexed"}


def test_twenty_simultaneous_questions_answer_as_one_by_one(seed_index: Path) -> None:
    items = [item for item in load_golden(GOLDEN_DEV)][:20]
    settings = settings_for(seed_index)
    one_by_one = SopAssistant(settings)
    expected = {item["id"]: one_by_one.ask(item["question"], item["history"]).to_json() for item in items}

    # A fresh app: its first questions also race to load the lexical index and fill its caches.
    app = SopAssistant(settings)
    start = threading.Barrier(len(items))

    def ask(item: dict) -> tuple[str, dict]:
        start.wait()
        return item["id"], app.ask(item["question"], item["history"]).to_json()

    with ThreadPoolExecutor(max_workers=len(items)) as pool:
        together = dict(pool.map(ask, items))
    for item in items:
        assert together[item["id"]] == expected[item["id"]], f"{item['id']}: answer differs when asked concurrently"
    scores = score_retrieval(items, together, ks=(5,))
    assert scores.recall[5] >= 0.9, scores.misses
