"""Pick the loader by what a file contains, not by its name, and refuse what cannot be a support profile."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from importlib import import_module
from pathlib import Path

from core.errors import IngestError
from ingest.model import LoadedDocument

SUPPORTED_SUFFIXES = {".pdf", ".docx", ".html", ".htm", ".txt", ".md", ".markdown"}

Loader = Callable[[str, bytes], LoadedDocument]


def sniff_format(path: str, data: bytes) -> str:
    """The file's real format from its first bytes: pdf, docx, html, md or txt."""
    head = data[:2048].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile as exc:
            raise IngestError(path, f"a damaged ZIP/DOCX file ({exc})") from exc
        if "word/document.xml" in names:
            return "docx"
        raise IngestError(path, "a ZIP archive that is not a Word document; unpack it and ingest the files inside")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "docx"  # the DOCX loader explains: encrypted or old .doc
    lowered = head[:512].lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in lowered or b"<body" in lowered:
        return "html"
    suffix = Path(path).suffix.lower()
    if suffix == ".pdf":
        raise IngestError(path, "named .pdf but not a PDF (no %PDF header); it may be a web page saved under the wrong name")
    if suffix == ".docx":
        raise IngestError(path, "named .docx but not a Word document")
    return "md" if suffix in {".md", ".markdown"} else "txt"


# Each format's module (and its library) is imported when a file of that format comes: PyMuPDF alone took over a
# second of every command's start, and a question reads no file.
_LOADERS: dict[str, tuple[str, str]] = {
    "pdf": ("ingest.pdf", "load_pdf"),
    "docx": ("ingest.docx", "load_docx"),
    "html": ("ingest.html", "load_html"),
    "md": ("ingest.text", "load_markdown"),
    "txt": ("ingest.text", "load_text"),
}


def _loader(kind: str) -> Loader:
    module, function = _LOADERS[kind]
    return getattr(import_module(module), function)  # type: ignore[no-any-return]


def load_file(path: Path, max_bytes: int) -> LoadedDocument:
    """Read one file into pages; every reason it cannot be used becomes an IngestError naming the file."""
    name = str(path)
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise IngestError(name, f"unsupported file type '{path.suffix or '(none)'}'; use PDF, DOCX, HTML, TXT or MD")
    try:
        size = path.stat().st_size
        if size == 0:
            raise IngestError(name, "the file is empty (0 bytes)")
        if size > max_bytes:
            raise IngestError(
                name, f"the file is {size / 2**20:.0f} MB, above the limit of {max_bytes / 2**20:.0f} MB (SOP_MAX_FILE_MB)"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(name, f"cannot be read ({exc.strerror or exc})") from exc
    return _loader(sniff_format(name, data))(name, data)


def find_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files under the given paths (folders searched recursively), supported types only, in a stable order.
    Files given by name are always yielded, so an unsupported one is reported instead of silently skipped."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in SUPPORTED_SUFFIXES and not child.name.startswith("."):
                    yield child
        else:
            yield path
