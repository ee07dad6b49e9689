"""The support profile index: ingest files into the store and the lexical index, one document at a time,
under a lock so two ingests never write at once."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock, Timeout
from langchain_core.embeddings import Embeddings

from assistant.config import Settings
from assistant.errors import IndexStoreError, IngestError, SopError
from index.embeddings import BackgroundEmbeddings, load_embeddings, use_cpu_threads
from index.lexical import FORMAT as LEXICAL_FORMAT, ChunkWords, LexicalIndex, search_text, words_of
from index.store import ChunkStore, IndexedProfile
from ingest.loader import SUPPORTED_SUFFIXES
from ingest.pipeline import doc_id_for, file_fingerprint, read_support_profile, reader_version


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

    def __init__(self, settings: Settings, model_in_background: bool = False) -> None:
        self.settings = settings
        self.embeddings: Embeddings
        if model_in_background:
            self.embeddings = BackgroundEmbeddings(settings.embedding_model, settings.embedding_threads)
        else:
            use_cpu_threads(settings.embedding_threads)
            self.embeddings = load_embeddings(settings.embedding_model)
        self.store = ChunkStore(settings, self.embeddings, settings.embedding_model)
        settings.index_dir.mkdir(parents=True, exist_ok=True)
        self._lock = FileLock(str(settings.index_dir / "ingest.lock"))
        self._lexical: LexicalIndex | None = None
        self._lexical_lock = threading.Lock()
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
        # Threads of one app that find the index stale wait for one rebuild instead of each doing their own.
        with self._lexical_lock:
            if self._lexical is not None and self._lexical_stamp == stamp:
                return self._lexical
            folder = self.settings.index_dir / "lexical"
            index = LexicalIndex.load(folder, stamp)
            if index is None:
                index = self._build_lexical(profiles)
                try:
                    index.save(folder, stamp)
                except OSError:
                    pass  # a read-only index folder still answers; it rebuilds in memory next time
            self._lexical, self._lexical_stamp = index, stamp
        return index

    def _build_lexical(self, profiles: dict[str, IndexedProfile]) -> LexicalIndex:
        """BM25 over the manifest's versions; the words of versions seen before come from disk, so after one
        document changed only that document is read from the store and analysed."""
        known = ChunkWords(self.settings.index_dir / "lexical-words")
        ids: list[str] = []
        doc_ids: list[str] = []
        words: list[list[str]] = []
        for doc_id, profile in sorted(profiles.items()):
            found = known.load(doc_id, profile.version)
            if found is None:
                chunks = self.store.chunks_of(doc_id, profile.version)
                found = ([str(chunk.id) for chunk in chunks], [words_of(search_text(chunk)) for chunk in chunks])
                try:
                    known.save(doc_id, profile.version, *found)
                except OSError:
                    pass  # a read-only index folder: the words are worked out again next time
            ids.extend(found[0])
            doc_ids.extend([doc_id] * len(found[0]))
            words.extend(found[1])
        try:
            known.keep_only({doc_id: profile.version for doc_id, profile in profiles.items()})
        except OSError:
            pass
        return LexicalIndex.from_words(ids, doc_ids, words)

    # Writing ----------------------------------------------------------------------------------------------
    def ingest(
        self, paths: Iterable[Path], progress: Callable[[IngestReport], None] | None = None
    ) -> list[IngestReport]:
        """Index every file; each file succeeds or fails on its own and nothing already indexed is lost."""
        with self._locked():
            # Another process may have written since this one opened the store: write on top of what is on disk.
            self.store.reopen()
            # What a killed ingest left behind goes first; its old version stayed searchable all along.
            self.store.recover()
            reports = []
            for path in find_files(paths):
                report = self._ingest_one(path)
                reports.append(report)
                if progress:
                    progress(report)
            self.lexical()
            return reports

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the index's ingest lock: two writers would each keep their own view of the embedded store and
        the lexical index, and the last to save would drop what the other wrote."""
        try:
            self._lock.acquire(timeout=self.settings.lock_timeout)
        except Timeout as exc:
            raise IndexStoreError(
                f"{self.settings.index_dir}: another ingest holds the index lock "
                f"(waited {self.settings.lock_timeout:.0f} s, SOP_LOCK_TIMEOUT); try again later"
            ) from exc
        try:
            yield
        finally:
            self._lock.release()

    def _ingest_one(self, path: Path) -> IngestReport:
        doc_id = doc_id_for(path)
        try:
            fingerprint = file_fingerprint(path)
            reader = reader_version(self.settings.chunk_chars)
            known = self.store.profiles().get(doc_id)
            if known and known.fingerprint == fingerprint and known.reader == reader:
                return IngestReport(str(path), doc_id, known.school, "unchanged", known.chunks, known.pages)
            if known and _another_file(known.path, path):
                raise IngestError(
                    str(path),
                    f"its doc_id '{doc_id}' already belongs to {known.path}, a different file; rename one of them "
                    f"(the doc_id is the slug of the file name) or remove the other first "
                    f"(sop-assistant remove {doc_id})",
                )
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
                reader=reader,
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
        with self._locked():
            self.store.reopen()
            self.store.remove_profile(doc_id)
            self.lexical()


def _another_file(indexed_path: str, path: Path) -> bool:
    """Whether the indexed version of a doc_id came from another file that still exists ('De Linde.txt' beside
    'de-linde.md'): replacing it would silently drop that file's text. A moved or renamed file may replace it."""
    indexed = Path(indexed_path)
    try:
        return indexed.is_file() and not indexed.samefile(path)
    except OSError:
        return False


def _stamp(profiles: dict[str, IndexedProfile]) -> str:
    joined = LEXICAL_FORMAT + "|" + "|".join(f"{doc_id}:{profiles[doc_id].version}" for doc_id in sorted(profiles))
    return hashlib.sha256(joined.encode()).hexdigest()[:16]
