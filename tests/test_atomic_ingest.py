"""Ingest is atomic per document: an ingest process killed with SIGKILL while it replaces a profile leaves the
previous version searchable (or, once the switch is made, the new one), never half of one; the next ingest cleans
up what the killed one left."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, settings_for

from assistant.service import SopAssistant
from index.indexer import SupportProfileIndex

DOC_ID = "de-ster"
OLD_MARKER, NEW_MARKER = "eekhoorntjesklas", "vossenburchtklas"
FILLER = (
    "De intern begeleider bespreekt drie keer per jaar de resultaten van iedere groep met de leerkracht. "
    "Leerlingen die extra ondersteuning nodig hebben krijgen verlengde instructie in een kleine groep. "
)

# The child ingests the new version; a hook stops it at a chosen point and tells the parent, which kills it.
CHILD = """
import sys, time
from pathlib import Path
from core.config import Settings
from index import store
from assistant.service import SopAssistant

index_dir, document, point = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]

def stop_here():
    print("STOPPED", flush=True)
    time.sleep(600)

if point == "half-written":
    from chromadb.api.models.Collection import Collection
    upsert = Collection.upsert
    def half_upsert(self, ids, **values):
        if self.name == store.CHUNKS:
            half = len(ids) // 2
            upsert(self, ids=ids[:half], **{k: v[:half] for k, v in values.items() if v is not None})
            stop_here()
        return upsert(self, ids=ids, **values)
    Collection.upsert = half_upsert
elif point == "before-switch":
    store.ChunkStore._record = lambda self, profile: stop_here()
elif point == "after-switch":
    record = store.ChunkStore._record
    def record_then_stop(self, profile):
        record(self, profile)
        stop_here()
    store.ChunkStore._record = record_then_stop

assistant = SopAssistant(Settings(index_dir=index_dir, embedding_model="all-minilm-l6-v2"))
print("STARTED", flush=True)
print("DONE", [(r.status, r.error) for r in assistant.ingest([document])], flush=True)
"""


def profile_text(marker: str, sections: int) -> str:
    """A profile of many chunks; every section names ``marker``, so a half-written version shows anywhere."""
    parts = ["Schoolondersteuningsprofiel Basisschool De Ster\n"]
    for number in range(1, sections + 1):
        parts.append(f"{number}. Onderdeel {number}\n\nOp onze school werkt de {marker} met groep {number}. {FILLER * 5}\n")
    return "\n".join(parts)


@pytest.fixture
def index_copy(tmp_path: Path) -> Path:
    """An index holding the old version of de-ster (and a second school)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / f"{DOC_ID}.txt").write_text(profile_text(OLD_MARKER, 6), encoding="utf-8")
    (docs / "de-maan.txt").write_text(
        "Schoolondersteuningsprofiel Basisschool De Maan\n\nOp onze school is een maanlanderklas voor nieuwkomers.\n",
        encoding="utf-8",
    )
    assistant = SopAssistant(settings_for(tmp_path / "index"))
    assert {r.status for r in assistant.ingest([docs])} == {"indexed"}
    return tmp_path / "index"


@pytest.fixture
def new_version(index_copy: Path, tmp_path: Path) -> Path:
    """The same file, changed: the new version of de-ster."""
    path = tmp_path / "docs" / f"{DOC_ID}.txt"
    path.write_text(profile_text(NEW_MARKER, 14), encoding="utf-8")
    return path


def run_child(index_dir: Path, document: Path, point: str, tmp_path: Path) -> subprocess.Popen[str]:
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, str(script), str(index_dir), str(document), point],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=ROOT,
    )


def wait_for(child: subprocess.Popen[str], word: str) -> None:
    assert child.stdout is not None
    lines = []
    for line in child.stdout:
        if line.strip() == word:
            return
        lines.append(line.strip())
    raise AssertionError(f"the ingest process ended (exit {child.wait()}) before printing {word}: {lines}")


def kill(child: subprocess.Popen[str]) -> None:
    os.kill(child.pid, signal.SIGKILL)
    assert child.wait(timeout=60) == -signal.SIGKILL


def visible_version(index_dir: Path) -> str:
    """Which version a fresh reader sees; fails when it sees anything but one whole version."""
    index = SupportProfileIndex(settings_for(index_dir))
    profile = index.profiles()[DOC_ID]
    chunks = index.store.chunks_of(DOC_ID)
    texts = "\n".join(chunk.page_content for chunk in chunks)
    assert len(chunks) == profile.chunks, "the manifest and the chunks a reader gets disagree"
    old, new = OLD_MARKER in texts, NEW_MARKER in texts
    assert old != new, "a reader sees chunks of two versions of one document"
    lexical_docs = {chunk_id for chunk_id in index.lexical().scores(NEW_MARKER if old else OLD_MARKER)}
    assert not lexical_docs, "the lexical index finds the version that is not indexed"

    assistant = SopAssistant(settings_for(index_dir))
    for marker in (OLD_MARKER, NEW_MARKER):
        answer = assistant.ask(f"Werkt Basisschool De Ster met een {marker}?")
        found = [source for source in answer.sources if marker in source.text]
        if (marker == OLD_MARKER) == old:
            assert found and found[0].rank == 1, f"the indexed version's {marker} is not found first"
        else:
            assert not found, f"retrieval shows {marker}, from a version that is not indexed"
    return "old" if old else "new"


def orphans(index_dir: Path) -> list[str]:
    """Stored chunks of de-ster whose version the manifest does not list."""
    index = SupportProfileIndex(settings_for(index_dir))
    version = index.profiles()[DOC_ID].version
    return [str(c.id) for c in index.store.iter_chunks() if c.metadata["doc_id"] == DOC_ID and c.metadata["version"] != version]


@pytest.mark.parametrize(
    ("point", "expected"), [("half-written", "old"), ("before-switch", "old"), ("after-switch", "new")]
)
def test_kill_at_each_step_leaves_one_whole_version(index_copy, new_version, tmp_path, point, expected):
    child = run_child(index_copy, new_version, point, tmp_path)
    wait_for(child, "STOPPED")
    kill(child)
    assert visible_version(index_copy) == expected
    if expected == "old":
        assert orphans(index_copy), "the killed ingest should have left chunks of its version behind"

    # The next ingest, even of another document, removes what the killed one left.
    other = tmp_path / "other" / "de-zon.txt"
    other.parent.mkdir()
    other.write_text("Schoolondersteuningsprofiel Basisschool De Zon\n\nOp onze school is een zonnewijzerklas.\n")
    assistant = SopAssistant(settings_for(index_copy))
    assert [r.status for r in assistant.ingest([other])] == ["indexed"]
    assert orphans(index_copy) == []
    assert visible_version(index_copy) == expected

    # And the new version goes in whole when nobody kills it (it is in already when the switch was made).
    assert [r.status for r in assistant.ingest([new_version])] == ["unchanged" if expected == "new" else "indexed"]
    assert visible_version(index_copy) == "new"
    assert orphans(index_copy) == []


@pytest.mark.parametrize("delay", [0.0, 0.3, 1.0, 2.5])
def test_kill_at_an_arbitrary_moment_leaves_one_whole_version(index_copy, new_version, tmp_path, delay):
    child = run_child(index_copy, new_version, "none", tmp_path)
    wait_for(child, "STARTED")
    time.sleep(delay)
    os.kill(child.pid, signal.SIGKILL)
    # A late kill may find the ingest already done (it exited 0, or is exiting); either way one whole version shows.
    assert child.wait(timeout=60) in {0, -signal.SIGKILL}
    assert visible_version(index_copy) in {"old", "new"}
    assistant = SopAssistant(settings_for(index_copy))
    assert [r.status for r in assistant.ingest([new_version])] in (["indexed"], ["unchanged"])
    assert visible_version(index_copy) == "new"
    assert orphans(index_copy) == []
