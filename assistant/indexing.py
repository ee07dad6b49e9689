"""Files into the index: each file read by ``ingest`` (load, clean, structure, chunk) and written by ``index``
(embed, store, lexical words), one document at a time, under the index's lock. The one way in for the command line,
the app's upload and the API alike."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from core.errors import IngestError, SopError
from index.indexer import SupportProfileIndex
from index.store import IndexedProfile
from ingest.loader import find_files
from ingest.pipeline import doc_id_for, file_fingerprint, read_support_profile, reader_version


@dataclass(frozen=True)
class IngestReport:
    """The outcome for one file, as printed by ``ingest --json``."""

    path: str
    doc_id: str
    school: str | None
    status: str  # indexed | unchanged | failed
    chunks: int
    pages: int | None
    error: str | None = None


def ingest_files(
    index: SupportProfileIndex, paths: Iterable[Path], progress: Callable[[IngestReport], None] | None = None
) -> list[IngestReport]:
    """Index every file; each file succeeds or fails on its own and nothing already indexed is lost."""
    reports = []
    with index.writing():
        for path in find_files(paths):
            report = _ingest_one(index, path)
            reports.append(report)
            if progress:
                progress(report)
    return reports


def _ingest_one(index: SupportProfileIndex, path: Path) -> IngestReport:
    settings = index.settings
    doc_id = doc_id_for(path)
    try:
        fingerprint = file_fingerprint(path)
        reader = reader_version(settings.chunk_chars)
        known = index.profiles().get(doc_id)
        if known and known.fingerprint == fingerprint and known.reader == reader:
            return IngestReport(str(path), doc_id, known.school, "unchanged", known.chunks, known.pages)
        if known and _another_file(known.path, path, settings.index_dir / "uploads"):
            raise IngestError(
                str(path),
                f"its doc_id '{doc_id}' already belongs to {known.path}, a different file; rename one of them "
                f"(the doc_id is the slug of the file name) or remove the other first "
                f"(sop-assistant remove {doc_id})",
            )
        profile = read_support_profile(path, settings.chunk_chars, settings.max_file_mb * 2**20)
        entry = IndexedProfile(
            doc_id=doc_id,
            school=profile.identity.name,
            path=str(path),
            fingerprint=fingerprint,
            version=f"{fingerprint[:12]}-{int(time.time())}",
            chunks=len(profile.chunks),
            pages=profile.pages,
            town=profile.identity.town,
            type=profile.identity.type,
            bestuur=profile.identity.bestuur,
            period=profile.identity.period,
            brin=profile.identity.brin,
            file_format=profile.file_format,
            reader=reader,
        )
        index.add(entry, profile.chunks)
        return IngestReport(str(path), doc_id, entry.school, "indexed", entry.chunks, entry.pages)
    except IngestError as exc:
        return IngestReport(str(path), doc_id, None, "failed", 0, None, exc.reason)
    except OSError as exc:
        return IngestReport(str(path), doc_id, None, "failed", 0, None, f"cannot be read ({exc.strerror or exc})")
    except SopError as exc:
        return IngestReport(str(path), doc_id, None, "failed", 0, None, str(exc))


def _another_file(indexed_path: str, path: Path, uploads: Path) -> bool:
    """Whether the indexed version of a doc_id came from another file that still exists ('De Linde.txt' beside
    'de-linde.md'): replacing it would silently drop that file's text. A moved or renamed file may replace it, and so
    may a new upload of an uploaded profile (each upload has a folder of its own under ``uploads``; the old file
    goes once the new version is in)."""
    indexed = Path(indexed_path)
    try:
        if indexed.resolve().parent.parent == uploads.resolve() == path.resolve().parent.parent:
            return False
        return indexed.is_file() and not indexed.samefile(path)
    except OSError:
        return False
