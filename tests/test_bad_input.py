"""Files that cannot be used: each gets its own clear message, the run goes on, and nothing indexed is lost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pymupdf
import pytest
from cli_runs import MODEL
from conftest import ROOT, SOP_DIR, settings_for

from assistant.service import SopAssistant
from core.errors import IngestError
from ingest.loader import load_file
from ingest.pipeline import file_fingerprint, read_support_profile

GOOD_FIRST = """Schoolondersteuningsprofiel Basisschool De Eik

Op onze school werken wij met het zonnebloemproject voor kinderen die extra uitdaging nodig hebben.
De intern begeleider bespreekt elke periode de voortgang met de ouders.
"""
GOOD_LAST = """Schoolondersteuningsprofiel Basisschool De Beuk

Op onze school is een kikkerdrilgroep voor leerlingen met een taalachterstand.
Twee keer per week krijgen zij extra instructie buiten de groep.
"""
CP1252_TEXT = """Schoolondersteuningsprofiel van Basisschool De Linde in Delft.

Op onze school werken wij met een coöperatieve leerstructuur. Leerlingen met een ondersteuningsbehoefte krijgen één keer per week extra instructie van de remedial teacher. De ideeën van ouders worden serieus genomen. Het team heeft expertise op het gebied van dyslexie, hoogbegaafdheid en gedrag. Voor leerlingen met een eigen leerlijn stellen wij een ontwikkelingsperspectief op, dat twee keer per jaar wordt geëvalueerd. In het gebouw is een lift aanwezig en er is een invalidetoilet. De intern begeleider coördineert de zorg en is het aanspreekpunt voor ouders en leerkrachten. Wij geloven in de kracht van het kind en in een goede samenwerking met de ouders.
"""
BOM_TEXT = """Schoolondersteuningsprofiel van Basisschool De Es

Op onze school is er een café-ochtend voor ouders. Leerlingen krijgen één keer per week hulp van een coördinator.
"""


def _pdf_with(path: Path, draw) -> None:
    doc = pymupdf.open()
    page = doc.new_page()
    draw(page)
    doc.save(path)
    doc.close()


def _image_only(page) -> None:
    page.draw_rect(pymupdf.Rect(50, 50, 300, 300), color=(1, 0, 0), fill=(0, 0, 1))
    pixmap = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 64, 64), False)
    pixmap.clear_with(180)
    page.insert_image(pymupdf.Rect(100, 400, 300, 600), pixmap=pixmap)


def _encrypted(path: Path) -> None:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "Op onze school is een geheime lift aanwezig.")
    doc.save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="x", owner_pw="y")
    doc.close()


def _truncated_pdf(path: Path) -> None:
    source = SOP_DIR / "het-kristal.pdf"
    if source.is_file():
        data = source.read_bytes()
        path.write_bytes(data[: len(data) * 3 // 10])
    else:  # a made-up PDF cut off in its first object
        path.write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pa")


# name -> (how to make it, words of which at least one must be in the reason)
BAD_FILES = {
    "corrupt-garbage.pdf": (lambda p: p.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 40), ["readable", "damaged", "corrupt"]),
    "corrupt-truncated.pdf": (_truncated_pdf, ["readable", "damaged", "corrupt", "no pages"]),
    "encrypted.pdf": (_encrypted, ["encrypted", "password"]),
    "blank-page.pdf": (lambda p: _pdf_with(p, lambda page: None), ["no text", "empty"]),
    "zero-bytes.pdf": (lambda p: p.write_bytes(b""), ["empty", "0 bytes"]),
    "zero-bytes.txt": (lambda p: p.write_bytes(b""), ["empty", "0 bytes"]),
    "only-spaces.txt": (lambda p: p.write_text(" \n\n   \n\t\n"), ["empty", "no text"]),
    "image-only.pdf": (lambda p: _pdf_with(p, _image_only), ["no text layer", "image", "ocr"]),
    "plain-text-named.pdf": (lambda p: p.write_text("Dit is gewoon tekst en geen PDF."), ["not a pdf"]),
    "not-a-zip.docx": (lambda p: p.write_bytes(b"Dit is geen Word-document, alleen tekst."), ["not a word document", "docx"]),
    "damaged-zip.docx": (lambda p: p.write_bytes(b"PK\x03\x04" + b"\x00" * 64), ["damaged", "zip", "not a word"]),
    # Word stores a password-protected .docx in an OLE compound file, as old .doc files are.
    "encrypted.docx": (lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504), ["encrypted"]),
    "empty.docx": (lambda p: _empty_docx(p), ["empty", "no text"]),
    "too-big.pdf": (lambda p: _sparse(p, 200 * 2**20), ["mb", "limit"]),
}


def _empty_docx(path: Path) -> None:
    import docx

    docx.Document().save(path)


def _sparse(path: Path, size: int) -> None:
    with path.open("wb") as handle:
        handle.truncate(size)


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad-input-index")
    return SopAssistant(settings_for(folder / "idx"))


@pytest.fixture(scope="module")
def first_good(index, tmp_path_factory):
    """A good profile that is already indexed before the bad files come."""
    path = tmp_path_factory.mktemp("first") / "de-eik.txt"
    path.write_text(GOOD_FIRST, encoding="utf-8")
    [report] = index.ingest([path])
    assert report.status == "indexed", report
    return report


@pytest.fixture(scope="module")
def bad_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad-folder")
    for name, (make, _) in BAD_FILES.items():
        make(folder / name)
    (folder / "html-named.pdf").write_text(
        "<!DOCTYPE html><html><head><title>x</title></head><body><h1>Basisschool De Wilg</h1>"
        "<p>Op onze school is een rolstoellift aanwezig in het hoofdgebouw.</p></body></html>",
        encoding="utf-8",
    )
    (folder / "script.html").write_text(
        "<html><head><script>var geheim = 'SCRIPTGEHEIM';</script><style>p { color: red }</style></head>"
        "<body><h1>Basisschool De Wilg</h1><p>Op onze school is een lift aanwezig in het hoofdgebouw.</p>"
        "<script>document.write('NOGEENSCRIPT')</script></body></html>",
        encoding="utf-8",
    )
    (folder / "cp1252.txt").write_bytes(CP1252_TEXT.encode("cp1252"))
    (folder / "bom.txt").write_bytes(BOM_TEXT.encode("utf-8-sig"))
    (folder / "utf16.txt").write_bytes(BOM_TEXT.encode("utf-16"))  # Windows Notepad's "Unicode": a BOM and UTF-16
    (folder / "Het Kristal — één.txt").write_text(
        "Schoolondersteuningsprofiel BS Het Kristal\n\nOp onze school is een Wereldgroep voor nieuwkomers.\n",
        encoding="utf-8",
    )
    (folder / "zz-good.txt").write_text(GOOD_LAST, encoding="utf-8")  # sorted last: the run must reach it
    return folder


@pytest.fixture(scope="module")
def reports(index, first_good, bad_folder):
    return {Path(r.path).name: r for r in index.ingest([bad_folder])}


def _chunks_text(index, doc_id: str) -> str:
    return "\n".join(c.page_content for c in index.index.store.chunks_of(doc_id))


def test_every_file_in_the_folder_gets_a_report(reports, bad_folder):
    names = {p.name for p in bad_folder.iterdir()}
    assert names <= set(reports), names - set(reports)


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_bad_file_fails_with_a_clear_reason(index, reports, name):
    report = reports[name]
    assert report.status == "failed", report
    assert report.chunks == 0 and report.school is None
    assert report.error and len(report.error) >= 15
    words = BAD_FILES[name][1]
    assert any(word in report.error.lower() for word in words), f"{name}: {report.error!r} names none of {words}"
    assert "Traceback" not in report.error
    assert report.doc_id not in index.schools()


def test_the_run_goes_on_and_good_files_are_indexed_and_searchable(index, reports, first_good):
    last = reports["zz-good.txt"]
    assert last.status == "indexed" and last.chunks >= 1 and last.school and "Beuk" in last.school
    profiles = index.schools()
    assert {"de-eik", "zz-good"} <= set(profiles)
    assert profiles["de-eik"].chunks == first_good.chunks  # nothing already indexed is lost
    assert len(index.index.store.chunks_of("de-eik")) == first_good.chunks
    lexical = index.index.lexical()
    for word, doc_id in (("zonnebloemproject", "de-eik"), ("kikkerdrilgroep", "zz-good")):
        hits = lexical.scores(word)
        assert hits, word
        best = max(hits, key=hits.get)
        assert best.startswith(f"{doc_id}:"), (word, best)


def test_html_saved_as_pdf_is_read_as_html_or_refused_clearly(index, reports):
    """The loader picks by content: a web page named .pdf is either indexed as the page's text
    (no markup) or refused with a message that says it is not a PDF."""
    report = reports["html-named.pdf"]
    if report.status == "failed":
        assert "not a pdf" in report.error.lower() or "web page" in report.error.lower(), report.error
    else:
        assert report.status == "indexed"
        text = _chunks_text(index, report.doc_id)
        assert "rolstoellift aanwezig in het hoofdgebouw" in text
        assert "<" not in text and "DOCTYPE" not in text


def test_html_script_and_style_content_is_not_indexed(index, reports):
    report = reports["script.html"]
    assert report.status == "indexed"
    text = _chunks_text(index, "script")
    assert "lift aanwezig in het hoofdgebouw" in text
    for chunk in index.index.store.chunks_of("script"):
        everything = chunk.page_content + chunk.metadata.get("explained", "") + chunk.metadata.get("section", "")
        assert "SCRIPTGEHEIM" not in everything and "NOGEENSCRIPT" not in everything and "color" not in everything
    assert not index.index.lexical().scores("SCRIPTGEHEIM")


def test_cp1252_text_decodes_its_accents(index, reports):
    assert reports["cp1252.txt"].status == "indexed"
    text = _chunks_text(index, "cp1252")
    for word in ("één", "ideeën", "geëvalueerd", "coöperatieve", "coördineert"):
        assert word in text, (word, text[:200])
    assert "\ufffd" not in text


def test_utf8_bom_is_dropped_and_accents_kept(index, reports):
    assert reports["bom.txt"].status == "indexed"
    text = _chunks_text(index, "bom")
    assert "café-ochtend" in text and "één" in text and "coördinator" in text
    assert "\ufeff" not in text
    assert all("\ufeff" not in c.metadata["school"] for c in index.index.store.chunks_of("bom"))


@pytest.mark.parametrize("source", ["het-kristal.txt", "short"])
def test_cp1252_i_trema_decodes(tmp_path, source):
    if source == "short":
        text = "Op onze school is er een café-achtige ruimte. Leerlingen krijgen één keer per week hulp. Wij zijn niet naïef.\n"
        words = ["café", "één", "naïef"]
    else:
        if not (SOP_DIR / source).is_file():
            pytest.skip("real profile missing")
        text = (SOP_DIR / source).read_text(encoding="utf-8")
        words = ["geïndiceerde", "geëvalueerd", "coöperatieve", "één"]
    path = tmp_path / "windows.txt"
    path.write_bytes(text.encode("cp1252"))
    chunks = "\n".join(c.page_content for c in read_support_profile(path, 900, 2**30).chunks)
    missing = [word for word in words if word not in chunks]
    assert not missing


def test_utf16_with_bom_is_decoded(index, reports):
    assert reports["utf16.txt"].status == "indexed", reports["utf16.txt"]
    text = _chunks_text(index, "utf16")
    assert "café-ochtend" in text and "coördinator" in text and "\ufeff" not in text and "\x00" not in text


def test_file_name_with_spaces_and_diacritics_gets_a_slug(index, reports):
    report = reports["Het Kristal — één.txt"]
    assert report.status == "indexed", report
    assert report.doc_id == "het-kristal-een"
    assert "het-kristal-een" in index.schools()
    assert "Wereldgroep" in _chunks_text(index, "het-kristal-een")


def test_too_big_file_is_refused_by_size_without_reading_it(tmp_path, monkeypatch):
    path = tmp_path / "groot.txt"
    _sparse(path, 200 * 2**20)

    def no_reading(self: Path) -> bytes:
        raise AssertionError(f"{self} was read although its size alone refuses it")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    with pytest.raises(IngestError) as caught:
        load_file(path, 100 * 2**20)
    assert caught.value.path == str(path)
    assert "200 MB" in caught.value.reason and "100 MB" in caught.value.reason


def test_unsupported_extension_given_explicitly_is_reported(index, tmp_path):
    path = tmp_path / "presentatie.pptx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 32)
    [report] = index.ingest([path])
    assert report.status == "failed"
    assert "unsupported" in report.error.lower() and ".pptx" in report.error
    with pytest.raises(IngestError, match="unsupported"):
        load_file(path, 2**30)


def test_missing_path_given_explicitly_is_reported(index, tmp_path):
    [report] = index.ingest([tmp_path / "bestaat-niet.pdf"])
    assert report.status == "failed"
    assert "cannot be read" in report.error or "no such file" in report.error.lower()


def test_folder_with_thousands_of_files_reads_only_the_profiles(index, tmp_path, monkeypatch):
    folder = tmp_path / "export"
    for i in range(3000):
        sub = folder / f"map{i % 10}"
        sub.mkdir(parents=True, exist_ok=True)
        suffix = (".jpg", ".xlsx", ".png", ".tmp", ".db")[i % 5]
        (sub / f"bestand-{i}{suffix}").write_bytes(b"x")
    for i in range(3):
        (folder / f"map{i}" / f"klein-{i}.txt").write_text(
            f"Basisschool De Klimop {i}\n\nOp onze school is er steunles nummer{i} voor rekenen.\n", encoding="utf-8"
        )
    (folder / ".verborgen.txt").write_text("Verborgen bestand.", encoding="utf-8")
    opened: list[str] = []

    def fingerprint(path: Path) -> str:
        opened.append(path.name)
        return file_fingerprint(path)

    # Every file an ingest looks at is fingerprinted first: the 3,000 others must not even be opened.
    monkeypatch.setattr("assistant.indexing.file_fingerprint", fingerprint)
    reports = index.ingest([folder])
    assert sorted(Path(r.path).name for r in reports) == ["klein-0.txt", "klein-1.txt", "klein-2.txt"]
    assert sorted(opened) == ["klein-0.txt", "klein-1.txt", "klein-2.txt"]
    assert all(r.status == "indexed" for r in reports), reports
    assert index.index.lexical().scores("nummer2")


def test_cli_reports_json_lines_and_exit_status_1(tmp_path):
    folder = tmp_path / "mix"
    folder.mkdir()
    (folder / "goed.txt").write_text(GOOD_FIRST, encoding="utf-8")
    (folder / "leeg.pdf").write_bytes(b"")
    _encrypted(folder / "versleuteld.pdf")
    (folder / "webpagina.pdf").write_text("Dit is geen PDF maar gewone tekst.", encoding="utf-8")
    explicit = tmp_path / "dia's.pptx"
    explicit.write_bytes(b"PK\x03\x04")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "SOP_EMBEDDING_MODEL": MODEL, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "ingest", str(folder), str(explicit), "--index", str(tmp_path / "idx"), "--json"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=300,
    )
    assert result.returncode == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    by_name = {Path(item["path"]).name: item for item in lines}
    assert set(by_name) == {"goed.txt", "leeg.pdf", "versleuteld.pdf", "webpagina.pdf", "dia's.pptx"}
    for item in lines:
        assert set(item) >= {"path", "doc_id", "school", "status", "chunks", "pages", "error"}
    assert by_name["goed.txt"]["status"] == "indexed" and by_name["goed.txt"]["chunks"] >= 1
    assert by_name["goed.txt"]["error"] is None
    assert "empty" in by_name["leeg.pdf"]["error"]
    assert "encrypted" in by_name["versleuteld.pdf"]["error"]
    assert "not a PDF" in by_name["webpagina.pdf"]["error"]
    assert "unsupported" in by_name["dia's.pptx"]["error"]
    assert all(by_name[n]["status"] == "failed" for n in by_name if n != "goed.txt")
