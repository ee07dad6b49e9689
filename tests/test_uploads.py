"""Uploads through the app (ingest/uploads.py): names never leave the upload folder, the type is read from the
content, and the limits on size, count and total hold, each refusal with its reason."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from cli_runs import MODEL

from assistant.service import SopAssistant
from core.config import Settings
from ingest.uploads import UploadResult, safe_stem, save_uploads

PROFILE = (
    "Schoolondersteuningsprofiel Basisschool De Kastanje\n\n"
    "Op onze school werkt een kastanjecoach twee ochtenden per week met leerlingen die faalangst hebben.\n"
)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(index_dir=tmp_path / "index", embedding_model=MODEL, max_file_mb=1, max_upload_files=4, max_upload_mb=3)


def pdf_bytes() -> bytes:
    import pymupdf

    document = pymupdf.open()
    document.new_page().insert_text((72, 72), "Schoolondersteuningsprofiel De Linde. Op onze school is een lift.")
    data = document.tobytes()
    document.close()
    return data


def files_under(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*") if path.is_file()}


@pytest.mark.parametrize(
    "name",
    [
        "../../outside.txt",
        "..\\..\\outside.txt",
        "/tmp/outside.txt",
        "C:\\Windows\\outside.txt",
        "a/../../outside.txt",
        "....//....//outside.txt",
        "sub/dir/outside.txt",
        "out\x00side.txt",
        "%2e%2e%2foutside.txt",
    ],
)
def test_path_traversal_names_stay_in_the_upload_folder(tmp_path: Path, settings: Settings, name: str) -> None:
    root = tmp_path / "root"
    dest = root / "uploads" / "incoming"
    [result] = save_uploads([(name, PROFILE.encode())], dest, settings)
    assert result.status == "saved", result.error
    assert result.path is not None and result.path.parent == dest
    assert files_under(root) == {result.path}, "a file was written outside the upload folder"
    assert "/" not in result.path.name and "\\" not in result.path.name and ".." not in result.path.name


@pytest.mark.parametrize("name", ["..", ".", "/", "\\\\", "...", "", "\x00\x01"])
def test_names_with_nothing_usable_are_refused(tmp_path: Path, settings: Settings, name: str) -> None:
    [result] = save_uploads([(name, PROFILE.encode())], tmp_path / "up", settings)
    assert result.status == "refused"
    assert "name" in (result.error or "")
    assert files_under(tmp_path) == set()


def test_type_is_read_from_the_content_not_the_name(tmp_path: Path, settings: Settings) -> None:
    html = b"<!DOCTYPE html><html><body><h1>Profiel De Eik</h1><p>Op onze school is een lift.</p></body></html>"
    results = save_uploads(
        [("profiel-de-linde.txt", pdf_bytes()), ("de-eik.pdf", html), ("de-beuk", PROFILE.encode())],
        tmp_path / "up",
        settings,
    )
    assert [(r.status, r.file_format, r.path.name if r.path else None) for r in results] == [
        ("saved", "pdf", "profiel-de-linde.pdf"),
        ("saved", "html", "de-eik.html"),
        ("saved", "txt", "de-beuk.txt"),
    ]


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("profiel.pdf", random.Random(2).randbytes(4096), "not a PDF"),
        ("profiel.txt", random.Random(1).randbytes(4096), "binary"),
        ("profiel.docx", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(200), "not a Word document"),
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(200), "binary"),
        ("archief.docx", b"PK\x03\x04" + bytes(100), "ZIP"),
        ("leeg.pdf", b"", "empty"),
    ],
)
def test_content_that_is_no_supported_type_is_refused(
    tmp_path: Path, settings: Settings, name: str, data: bytes, reason: str
) -> None:
    [result] = save_uploads([(name, data)], tmp_path / "up", settings)
    assert result.status == "refused"
    assert reason.lower() in (result.error or "").lower(), result.error
    assert files_under(tmp_path) == set()


def test_zip_that_is_not_a_word_document_is_refused(tmp_path: Path, settings: Settings) -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "geen Word-document")
    [result] = save_uploads([("profiel.docx", buffer.getvalue())], tmp_path / "up", settings)
    assert result.status == "refused" and "not a Word document" in (result.error or "")


def test_size_count_and_total_limits(tmp_path: Path, settings: Settings) -> None:
    settings = settings.with_(max_upload_files=6)
    big = b"a" * (settings.max_file_mb * 2**20 + 1)
    part = ("x" * (900 * 1024) + "\n").encode()  # under the per-file limit; four of them exceed the total
    files = [("te-groot.txt", big)] + [(f"deel-{i}.txt", part) for i in range(6)]
    results = save_uploads(files, tmp_path / "up", settings)
    assert results[0].status == "refused" and "SOP_MAX_FILE_MB" in (results[0].error or "")
    assert [r.status for r in results[1:4]] == ["saved"] * 3
    assert [r.status for r in results[4:]] == ["refused"] * 3
    assert all("SOP_MAX_UPLOAD_MB" in (r.error or "") for r in results[4:6])
    assert "SOP_MAX_UPLOAD_FILES" in (results[6].error or "")
    assert {p.name for p in files_under(tmp_path)} == {"deel-0.txt", "deel-1.txt", "deel-2.txt"}


def test_same_document_twice_in_one_upload_is_refused_and_reupload_replaces(tmp_path: Path, settings: Settings) -> None:
    dest = tmp_path / "up"
    first, second = save_uploads([("De Linde.txt", PROFILE.encode()), ("de-linde.md", b"# De Linde\n")], dest, settings)
    assert first.status == "saved" and second.status == "refused" and "De Linde.txt" in (second.error or "")
    [again] = save_uploads([("De Linde.pdf", pdf_bytes())], dest, settings)
    assert again.status == "saved" and again.doc_id == "de-linde"
    assert {p.name for p in files_under(dest)} == {"de-linde.pdf"}, "the older upload of the same document stays"


def test_no_partial_file_is_left_visible(tmp_path: Path, settings: Settings) -> None:
    dest = tmp_path / "up"
    save_uploads([("a.txt", PROFILE.encode())], dest, settings)
    assert [p.name for p in dest.iterdir()] == ["a.txt"]


def test_doc_id_is_the_ingest_doc_id() -> None:
    assert safe_stem("Het Kristal.pdf") == "het-kristal"
    assert safe_stem("../SOP 2024 (def).docx") == "sop-2024-def"


def test_saved_uploads_ingest_and_answer(tmp_path: Path, settings: Settings) -> None:
    results: list[UploadResult] = save_uploads([("../../Basisschool De Kastanje.txt", PROFILE.encode())], tmp_path / "up", settings)
    assistant = SopAssistant(settings)
    reports = assistant.ingest([r.path for r in results if r.path])
    assert [(r.doc_id, r.status) for r in reports] == [("basisschool-de-kastanje", "indexed")]
    chunks = assistant.index.store.chunks_of("basisschool-de-kastanje")
    assert any("kastanjecoach" in chunk.page_content for chunk in chunks)
