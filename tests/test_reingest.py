"""Re-ingest: an unchanged folder indexes nothing, a changed file replaces its chunks (no duplicates, no stale text)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from cli_runs import MODEL
from conftest import settings_for

from assistant.cli import main
from assistant.service import SopAssistant

PARAGRAPH = (
    "Op onze school bespreekt de intern begeleider drie keer per jaar de resultaten van iedere groep met de "
    "leerkracht. Leerlingen die extra ondersteuning nodig hebben, krijgen verlengde instructie in een kleine "
    "groep. De ouders worden bij elke stap betrokken en tekenen het plan van aanpak. "
)


def long_profile(school: str, marker: str) -> str:
    """A profile of several chunks; ``marker`` is a word that occurs once, in the second section."""
    return (
        f"Schoolondersteuningsprofiel {school}\n\n1. Visie\n\n{PARAGRAPH * 4}\n\n"
        f"2. Ondersteuning\n\nOp onze school werken wij met {marker} in de bovenbouw. {PARAGRAPH * 3}\n\n"
        f"3. Grenzen\n\n{PARAGRAPH * 3}\n"
    )


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reingest-index")
    return SopAssistant(settings_for(folder / "idx"))


def by_name(reports):
    return {Path(r.path).name: r for r in reports}


def chunk_ids(index, doc_id):
    return [c.id for c in index.index.store.chunks_of(doc_id)]


def all_text(index, doc_id):
    return "\n".join(c.page_content for c in index.index.store.chunks_of(doc_id))


def assert_no_duplicates(index, doc_id, expected):
    chunks = index.index.store.chunks_of(doc_id)
    assert len(chunks) == expected == index.schools()[doc_id].chunks
    assert len({c.id for c in chunks}) == len(chunks)
    assert sorted(int(c.metadata["chunk_index"]) for c in chunks) == list(range(expected))
    assert len({c.metadata["version"] for c in chunks}) == 1, "chunks of two versions side by side"


def lexical_docs(index, word):
    return {chunk_id.split(":")[0] for chunk_id in index.index.lexical().scores(word)}


def test_unchanged_folder_indexes_nothing(index, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "de-ster.txt").write_text(long_profile("Basisschool De Ster", "sterrenkijkers"), encoding="utf-8")
    (folder / "de-maan.md").write_text(
        "# Basisschool De Maan\n\n## Ondersteuning\n\nOp onze school is een maanlanderklas voor nieuwkomers.\n",
        encoding="utf-8",
    )
    first = by_name(index.ingest([folder]))
    assert {r.status for r in first.values()} == {"indexed"}
    assert first["de-ster.txt"].chunks >= 3
    before = {doc_id: chunk_ids(index, doc_id) for doc_id in ("de-ster", "de-maan")}
    versions = {doc_id: p.version for doc_id, p in index.schools().items()}

    again = by_name(index.ingest([folder]))
    assert {name: r.status for name, r in again.items()} == {"de-ster.txt": "unchanged", "de-maan.md": "unchanged"}
    for name, report in again.items():
        assert report.chunks == first[name].chunks and report.school == first[name].school and report.error is None
    for doc_id in ("de-ster", "de-maan"):
        assert chunk_ids(index, doc_id) == before[doc_id]
        assert index.schools()[doc_id].version == versions[doc_id]
        assert_no_duplicates(index, doc_id, len(before[doc_id]))


def test_changed_file_replaces_its_chunks(index, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    path = folder / "de-zon.txt"
    other = folder / "de-wolk.txt"
    path.write_text(long_profile("Basisschool De Zon", "kastanjes"), encoding="utf-8")
    other.write_text("Basisschool De Wolk\n\nOp onze school is een regenboogklas.\n", encoding="utf-8")
    first = by_name(index.ingest([folder]))
    assert first["de-zon.txt"].status == "indexed"
    assert "kastanjes" in all_text(index, "de-zon")
    assert "de-zon" in lexical_docs(index, "kastanjes")

    # Same size, same modification time: only the content tells that it changed.
    stat = path.stat()
    path.write_text(long_profile("Basisschool De Zon", "eikeltjes"), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size

    second = by_name(index.ingest([folder]))
    assert second["de-zon.txt"].status == "indexed"
    assert second["de-wolk.txt"].status == "unchanged"
    assert_no_duplicates(index, "de-zon", second["de-zon.txt"].chunks)
    text = all_text(index, "de-zon")
    assert "eikeltjes" in text and "kastanjes" not in text
    assert "de-zon" in lexical_docs(index, "eikeltjes")
    assert "de-zon" not in lexical_docs(index, "kastanje")

    # Shorter version: the chunks the old version had beyond the new count must go too.
    path.write_text("Basisschool De Zon\n\nOp onze school werken wij met dennenappels.\n", encoding="utf-8")
    third = by_name(index.ingest([folder]))
    assert third["de-zon.txt"].status == "indexed"
    assert third["de-zon.txt"].chunks < second["de-zon.txt"].chunks
    assert_no_duplicates(index, "de-zon", third["de-zon.txt"].chunks)
    text = all_text(index, "de-zon")
    assert "dennenappels" in text and "eikeltjes" not in text and "verlengde instructie" not in text
    assert "de-zon" not in lexical_docs(index, "eikeltjes")
    assert "de-zon" in lexical_docs(index, "dennenappels")

    # Store-wide: every stored chunk belongs to the version the manifest lists.
    profiles = index.schools()
    stored = list(index.index.store.iter_chunks())
    assert len(stored) == sum(p.chunks for p in profiles.values())
    assert all(c.metadata["version"] == profiles[c.metadata["doc_id"]].version for c in stored)


def test_failed_reingest_keeps_the_indexed_version(index, tmp_path):
    path = tmp_path / "de-boom.txt"
    original = "Basisschool De Boom\n\nOp onze school is een boomhutproject voor de bovenbouw.\n"
    path.write_text(original, encoding="utf-8")
    [first] = index.ingest([path])
    assert first.status == "indexed"

    path.write_bytes(b"")  # the file is damaged between two runs
    [broken] = index.ingest([path])
    assert broken.status == "failed" and "empty" in broken.error
    assert index.schools()["de-boom"].chunks == first.chunks
    assert "boomhutproject" in all_text(index, "de-boom")
    assert "de-boom" in lexical_docs(index, "boomhutproject")

    path.write_text(original, encoding="utf-8")  # repaired: identical to what is indexed
    [repaired] = index.ingest([path])
    assert repaired.status == "unchanged"


def test_cli_reingest_of_unchanged_folder_exits_0(index, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SOP_EMBEDDING_MODEL", MODEL)
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "de-vos.txt").write_text("Basisschool De Vos\n\nOp onze school is een vossenklas.\n", encoding="utf-8")
    (folder / "de-das.txt").write_text("Basisschool De Das\n\nOp onze school is een dassenburcht.\n", encoding="utf-8")
    target = str(index.settings.index_dir)

    assert main(["ingest", str(folder), "--index", target, "--json"]) == 0
    first = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert sorted(item["status"] for item in first) == ["indexed", "indexed"]

    assert main(["ingest", str(folder), "--index", target, "--json"]) == 0
    second = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert sorted((item["doc_id"], item["status"]) for item in second) == [("de-das", "unchanged"), ("de-vos", "unchanged")]
    assert {item["doc_id"]: item["chunks"] for item in second} == {item["doc_id"]: item["chunks"] for item in first}


def test_two_files_with_the_same_doc_id_are_not_silently_overwritten(index, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "De Linde.txt").write_text("Basisschool De Linde\n\nOp onze school zijn er lindebloesems.\n", encoding="utf-8")
    (folder / "de-linde.md").write_text("# Basisschool De Linde\n\nOp onze school zijn er lindezaadjes.\n", encoding="utf-8")
    first = index.ingest([folder])
    text = all_text(index, "de-linde")
    statuses = [r.status for r in first]
    # Either both texts are kept, or the clash is reported as a failure naming the other file.
    assert ("lindebloesems" in text and "lindezaadjes" in text) or (
        "failed" in statuses and any(r.error and "de-linde" in r.error for r in first)
    ), (statuses, text)
    again = index.ingest([folder])
    assert "indexed" not in [r.status for r in again]
    # The file that came first keeps the doc_id and is unchanged; the other one keeps failing with the same reason.
    assert {Path(r.path).name: r.status for r in again} == {"De Linde.txt": "unchanged", "de-linde.md": "failed"}
    assert [r.error for r in again if r.status == "failed"] == [r.error for r in first if r.status == "failed"]
    assert "De Linde.txt" in again[1].error and "rename" in again[1].error


def test_a_later_run_does_not_let_another_file_take_over_a_doc_id(index, tmp_path):
    """The clash is also caught across runs; a file that moved (the indexed one is gone) does replace its doc_id."""
    first_dir, second_dir = tmp_path / "a", tmp_path / "b"
    first_dir.mkdir()
    second_dir.mkdir()
    (first_dir / "De Iep.txt").write_text("Basisschool De Iep\n\nOp onze school zijn er iepenbladeren.\n")
    (second_dir / "de-iep.txt").write_text("Basisschool De Iep\n\nOp onze school zijn er iepenzaden.\n")
    [first] = index.ingest([first_dir])
    assert first.status == "indexed"

    [clash] = index.ingest([second_dir])
    assert clash.status == "failed" and "de-iep" in clash.error and "De Iep.txt" in clash.error
    assert "iepenbladeren" in all_text(index, "de-iep") and "iepenzaden" not in all_text(index, "de-iep")
    assert index.schools()["de-iep"].path == str(first_dir / "De Iep.txt")

    (first_dir / "De Iep.txt").unlink()  # moved away: the new file may take the doc_id
    [moved] = index.ingest([second_dir])
    assert moved.status == "indexed"
    assert "iepenzaden" in all_text(index, "de-iep") and "iepenbladeren" not in all_text(index, "de-iep")
    assert "de-iep" not in lexical_docs(index, "iepenbladeren")


def test_an_unchanged_file_read_by_other_code_or_chunk_size_is_read_again(index, tmp_path, monkeypatch):
    """After an upgrade of the reader (or a new SOP_CHUNK_CHARS) an unchanged file is not left as the old code cut it."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "de-beuk.txt").write_text(long_profile("Basisschool De Beuk", "beukennootjes"), encoding="utf-8")
    [first] = index.ingest([folder])
    assert first.status == "indexed"

    monkeypatch.setattr("assistant.indexing.reader_version", lambda chunk_chars: f"an-older-reader-{chunk_chars}")
    [upgraded] = index.ingest([folder])
    assert upgraded.status == "indexed"
    assert_no_duplicates(index, "de-beuk", upgraded.chunks)
    [again] = index.ingest([folder])
    assert again.status == "unchanged"

    smaller = SopAssistant(index.settings.with_(chunk_chars=400))
    [rechunked] = smaller.ingest([folder])
    assert rechunked.status == "indexed" and rechunked.chunks > upgraded.chunks
    assert_no_duplicates(smaller, "de-beuk", rechunked.chunks)
    assert "beukennootjes" in all_text(smaller, "de-beuk")
