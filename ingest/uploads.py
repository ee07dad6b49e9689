"""Files uploaded through the app, saved for ingest: limits on count, size and type (read from the content, not
the name), and names that cannot leave the upload folder.

    results = save_uploads([(uploaded.name, uploaded.getvalue()) for uploaded in files], upload_dir, settings)
    index.ingest([r.path for r in results if r.path])
"""

from __future__ import annotations

import os
import re
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath
from typing import Literal

from slugify import slugify

from core.config import Settings
from core.errors import IngestError
from ingest.loader import SUPPORTED_SUFFIXES, sniff_format

UploadStatus = Literal["saved", "refused"]
# Bytes that never occur in text (controls other than tab, newline, carriage return, form feed); a few are
# tolerated, since real text files do carry the odd stray one.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))
_MAX_CONTROL_SHARE = 0.001
_SUFFIX = {"pdf": ".pdf", "docx": ".docx", "html": ".html", "md": ".md", "txt": ".txt"}


@dataclass
class UploadResult:
    """What became of one uploaded file: saved (``path`` is where) or refused (``error`` says why)."""

    name: str
    status: UploadStatus
    path: Path | None = None
    doc_id: str | None = None
    file_format: str | None = None
    error: str | None = None


def safe_stem(name: str) -> str:
    """The part of an uploaded name that may name a file: the last path component (Windows or POSIX separators),
    without its extension, as a slug. Empty when nothing usable is left ('..', '/', '.hidden' …)."""
    cleaned = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    last = PureWindowsPath(cleaned.replace("/", "\\")).name
    stem = Path(last).stem if Path(last).suffix.lower() in SUPPORTED_SUFFIXES else last
    return slugify(stem.lstrip("."))


def content_format(name: str, data: bytes) -> str:
    """The upload's real format from its bytes (pdf, docx, html, md, txt); IngestError when it is none of them."""
    found = sniff_format(name, data)
    if found in ("txt", "md"):
        sample = data[:65536]
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            sample = b""  # UTF-16 text has a NUL in every other byte; the loader decodes it
        controls = sum(sample.count(bytes([b])) for b in _CONTROL_BYTES)
        if sample and controls / len(sample) > _MAX_CONTROL_SHARE:
            raise IngestError(name, "not a PDF, Word, HTML, Markdown or text file (binary content)")
    return found


def save_uploads(files: list[tuple[str, bytes]], dest: Path, settings: Settings) -> list[UploadResult]:
    """Save each (name, content) in ``dest`` under a safe name whose extension follows the content; one result per
    file, in order. Files past ``SOP_MAX_UPLOAD_FILES`` or ``SOP_MAX_UPLOAD_MB`` in all, or over
    ``SOP_MAX_FILE_MB`` each, are refused; a file replaces an earlier upload of the same document."""
    dest.mkdir(parents=True, exist_ok=True)
    max_file = settings.max_file_mb * 2**20
    max_total = settings.max_upload_mb * 2**20
    total = 0
    seen: dict[str, str] = {}
    results = []
    for number, (name, data) in enumerate(files, start=1):
        shown = _shown(name)
        if number > settings.max_upload_files:
            results.append(_refused(shown, f"more than {settings.max_upload_files} files in one upload (SOP_MAX_UPLOAD_FILES)"))
            continue
        if not data:
            results.append(_refused(shown, "the file is empty (0 bytes)"))
            continue
        if len(data) > max_file:
            results.append(_refused(shown, f"the file is {_mb(len(data))} MB, above the limit of {settings.max_file_mb} MB (SOP_MAX_FILE_MB)"))
            continue
        if total + len(data) > max_total:
            results.append(_refused(shown, f"the upload would exceed {settings.max_upload_mb} MB in all (SOP_MAX_UPLOAD_MB)"))
            continue
        doc_id = safe_stem(name)
        if not doc_id:
            results.append(_refused(shown, "the file name has nothing usable in it; rename the file"))
            continue
        if doc_id in seen:
            results.append(_refused(shown, f"the same document as '{seen[doc_id]}' in this upload (both are '{doc_id}')"))
            continue
        try:
            file_format = content_format(shown, data)
        except IngestError as exc:
            results.append(_refused(shown, exc.reason))
            continue
        path = _write(dest, doc_id, _SUFFIX[file_format], data)
        seen[doc_id] = shown
        total += len(data)
        results.append(UploadResult(shown, "saved", path, doc_id, file_format))
    return results


def _write(dest: Path, doc_id: str, suffix: str, data: bytes) -> Path:
    """Write atomically (a hidden temporary name that ingest skips, then a rename) and drop an earlier upload of
    the same document under another extension, so the folder holds one file per doc_id."""
    path = dest / f"{doc_id}{suffix}"
    tmp = dest / f".{doc_id}.{uuid.uuid4().hex[:8]}.part"
    with tmp.open("xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    for other in dest.glob(f"{doc_id}.*"):
        if other != path and other.suffix.lower() in SUPPORTED_SUFFIXES and other.stem == doc_id:
            other.unlink(missing_ok=True)
    return path


def _shown(name: str) -> str:
    """The uploaded name as it may be shown in a message: printable, one line, not endless."""
    printable = re.sub(r"[\x00-\x1f\x7f]", "?", name)
    return printable if len(printable) <= 120 else printable[:117] + "..."


def _refused(name: str, reason: str) -> UploadResult:
    return UploadResult(name, "refused", error=reason)


def _mb(size: int) -> str:
    return f"{size / 2**20:.1f}"
