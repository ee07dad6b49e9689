"""The support profile index: ingest files into the store and the lexical index, one document at a time,
under a lock so two ingests never write at once."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from assistant.config import Settings
from assistant.errors import IndexStoreError, IngestError, SopError
from index.embeddings import load_embeddings
from index.lexical import LexicalIndex, search_text
from index.store import ChunkStore, IndexedProfile
from ingest.loader import SUPPORTED_SUFFIXES
from ingest.pipeline import doc_id_for, file_fingerprint, read_support_profile


@dataclass
class IngestReport:
    """The outcome for one file, as printed by ``ingest --json``."""

    path: str
    doc_id: str
    school: str | None
    status: str  # indexed | unchanged | failed
    chunks: int
    pages: int | None
    error: str | None = None


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


class SupportProfileIndex:
    """Store + lexical index + embedding model for one index location."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.embeddings = load_embeddings(settings.embedding_model)
        self.store = ChunkStore(settings, self.embeddings, settings.embedding_model)
        settings.index_dir.mkdir(parents=True, exist_ok=True)
        self._lock = FileLock(str(settings.index_dir / "ingest.lock"))
        self._lexical: LexicalIndex | None = None
        self._lexical_stamp = ""

    # Reading ----------------------------------------------------------------------------------------------
    def profiles(self) -> dict[str, IndexedProfile]:
        return self.store.profiles()

    def lexical(self, profiles: dict[str, IndexedProfile] | None = None) -> LexicalIndex:
        """The BM25 index matching the manifest; loaded from disk or rebuilt from the store when stale."""
        profiles = self.profiles() if profiles is None else profiles
        stamp = _stamp(profiles)
        if self._lexical is not None and self._lexical_stamp == stamp:
            return self._lexical
        folder = self.settings.index_dir / "lexical"
        index = LexicalIndex.load(folder, stamp)
        if index is None:
            versions = {doc_id: profile.version for doc_id, profile in profiles.items()}
            chunks = [c for c in self.store.iter_chunks() if versions.get(c.metadata["doc_id"]) == c.metadata.get("version")]
            index = LexicalIndex.build(chunks)
            try:
                index.save(folder, stamp)
            except OSError:
                pass  # a read-only index folder still answers; it rebuilds in memory next time
        self._lexical, self._lexical_stamp = index, stamp
        return index

    # Writing ----------------------------------------------------------------------------------------------
    def ingest(
        self, paths: Iterable[Path], progress: Callable[[IngestReport], None] | None = None
    ) -> list[IngestReport]:
        """Index every file; each file succeeds or fails on its own and nothing already indexed is lost."""
        try:
            with self._lock.acquire(timeout=600):
                reports = []
                for path in find_files(paths):
                    report = self._ingest_one(path)
                    reports.append(report)
                    if progress:
                        progress(report)
                self.lexical()
                return reports
        except Timeout as exc:
            raise IndexStoreError(f"{self.settings.index_dir}: another ingest holds the index lock; try again later") from exc

    def _ingest_one(self, path: Path) -> IngestReport:
        doc_id = doc_id_for(path)
        try:
            fingerprint = file_fingerprint(path)
            known = self.store.profiles().get(doc_id)
            if known and known.fingerprint == fingerprint:
                return IngestReport(str(path), doc_id, known.school, "unchanged", known.chunks, known.pages)
            profile = read_support_profile(path, self.settings.chunk_chars, self.settings.max_file_mb * 2**20)
            vectors = self.embeddings.embed_documents([search_text(chunk) for chunk in profile.chunks])
            entry = IndexedProfile(
                doc_id=doc_id,
                school=profile.info.school,
                path=str(path),
                fingerprint=fingerprint,
                version=f"{fingerprint[:12]}-{int(time.time())}",
                chunks=len(profile.chunks),
                pages=profile.pages,
                city=profile.info.city,
                period=profile.info.period,
                brin=profile.info.brin,
                file_format=profile.file_format,
            )
            self.store.replace_profile(entry, profile.chunks, vectors)
            return IngestReport(str(path), doc_id, entry.school, "indexed", entry.chunks, entry.pages)
        except IngestError as exc:
            return IngestReport(str(path), doc_id, None, "failed", 0, None, exc.reason)
        except OSError as exc:
            return IngestReport(str(path), doc_id, None, "failed", 0, None, f"cannot be read ({exc.strerror or exc})")
        except SopError as exc:
            return IngestReport(str(path), doc_id, None, "failed", 0, None, str(exc))

    def remove(self, doc_id: str) -> None:
        """Remove one school's profile from the index."""
        with self._lock.acquire(timeout=600):
            self.store.remove_profile(doc_id)
            self.lexical()


def _stamp(profiles: dict[str, IndexedProfile]) -> str:
    joined = "|".join(f"{doc_id}:{profiles[doc_id].version}" for doc_id in sorted(profiles))
    return hashlib.sha256(joined.encode()).hexdigest()[:16]
