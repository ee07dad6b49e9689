"""The support profile index: the vector store, the lexical index and the embedding model of one index location.
Writers hold its lock (``writing``), so two ingests never write at once. What is written comes from the assistant,
which reads the files: this stage knows nothing of file formats."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from filelock import FileLock, Timeout
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from core.config import Settings
from core.errors import IndexStoreError
from index.embeddings import BackgroundEmbeddings, load_embeddings, use_cpu_threads
from index.lexical import FORMAT as LEXICAL_FORMAT
from index.lexical import ChunkWords, DocumentWords, LexicalIndex, search_text, words_of
from index.regional import RegionalText
from index.store import ChunkStore, IndexedProfile


class SupportProfileIndex:
    """Store + lexical index + embedding model for one index location."""

    def __init__(self, settings: Settings, model_in_background: bool = False) -> None:
        self.settings = settings
        self.embeddings: Embeddings
        if model_in_background:
            self.embeddings = BackgroundEmbeddings(
                settings.embedding_model, settings.embedding_threads, settings.cache_dir
            )
        else:
            use_cpu_threads(settings.embedding_threads)
            self.embeddings = load_embeddings(settings.embedding_model, settings.cache_dir)
        self.store = ChunkStore(settings, self.embeddings, settings.embedding_model)
        settings.index_dir.mkdir(parents=True, exist_ok=True)
        self._lock = FileLock(str(settings.index_dir / "ingest.lock"))
        self._lexical: LexicalIndex | None = None
        self._lexical_lock = threading.Lock()
        self._lexical_stamp = ""
        self.regional = RegionalText(settings.index_dir / "template-text")

    # Reading ----------------------------------------------------------------------------------------------
    def profiles(self) -> dict[str, IndexedProfile]:
        return self.store.profiles()

    def lexical(self, profiles: dict[str, IndexedProfile] | None = None) -> LexicalIndex:
        """The BM25 index matching the manifest: the one in memory or on disk, brought up to date document by
        document (built from the store's words only when there is none of this code's format)."""
        profiles = self.profiles() if profiles is None else profiles
        stamp = _stamp(profiles)
        if self._lexical is not None and self._lexical_stamp == stamp:
            return self._lexical
        # Threads of one app that find the index stale wait for one update instead of each doing their own.
        with self._lexical_lock:
            if self._lexical is not None and self._lexical_stamp == stamp:
                return self._lexical
            folder = self.settings.index_dir / "lexical"
            index = self._lexical if self._lexical is not None else LexicalIndex.load(folder)
            wanted = {doc_id: profile.version for doc_id, profile in profiles.items()}
            if index is None or index.versions != wanted:
                index = self._brought_up_to_date(index or LexicalIndex.empty(), wanted)
                # Another process (the ingest that changed the manifest) may have saved this state already.
                if LexicalIndex.saved_stamp(folder) != stamp:
                    try:
                        index.save(folder, stamp)
                    except OSError:
                        pass  # a read-only index folder still answers; it is brought up to date in memory next time
            self._lexical, self._lexical_stamp = index, stamp
        return index

    def with_template_marks(self, documents: list[Document], profiles: dict[str, IndexedProfile]) -> list[Document]:
        """The documents with their template (regional) text marked, by repetition across the index."""
        self.regional.sync(profiles, self.store, _stamp(profiles), save=False)
        return self.regional.mark(documents)

    def template_signature(self, doc_id: str, profiles: dict[str, IndexedProfile]) -> str:
        """A short key of which of this profile's units are template text now (for caches of what rests on it)."""
        self.regional.sync(profiles, self.store, _stamp(profiles), save=False)
        return self.regional.signature(doc_id)

    def _brought_up_to_date(self, index: LexicalIndex, wanted: dict[str, str]) -> LexicalIndex:
        """``index`` with the manifest's versions (``wanted``): documents gone or replaced taken out, new versions
        added. Their words come from disk when seen before, else from the store (and are kept for next time)."""
        known = ChunkWords(self.settings.index_dir / "lexical-words")
        removed = [doc_id for doc_id, version in index.versions.items() if wanted.get(doc_id) != version]
        added = [
            self._words_of(known, doc_id, version)
            for doc_id, version in sorted(wanted.items())
            if index.versions.get(doc_id) != version
        ]
        try:
            known.keep_only(wanted)
        except OSError:
            pass
        return index.updated(removed, added)

    def _words_of(self, known: ChunkWords, doc_id: str, version: str) -> DocumentWords:
        found = known.load(doc_id, version)
        if found is None:
            chunks = self.store.chunks_of(doc_id, version)
            found = ([str(chunk.id) for chunk in chunks], [words_of(search_text(chunk)) for chunk in chunks])
            try:
                known.save(doc_id, version, *found)
            except OSError:
                pass  # a read-only index folder: the words are worked out again next time
        return DocumentWords(doc_id, version, *found)

    # Writing ----------------------------------------------------------------------------------------------
    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the index's ingest lock while writing. Another process may have written since this one opened the
        store, so writing starts on top of what is on disk; what a killed ingest left behind goes first (its old
        version stayed searchable all along). The lexical index is brought up to date at the end."""
        with self._locked():
            self.store.reopen()
            self.store.recover()
            yield
            self._derived_state()

    def add(self, entry: IndexedProfile, documents: list[Document]) -> None:
        """Embed a profile's chunks and switch the index to this version of it (inside :meth:`writing`)."""
        vectors = self.embeddings.embed_documents([search_text(chunk) for chunk in documents])
        self.store.replace_profile(entry, documents, vectors)

    def remove(self, doc_id: str) -> None:
        """Remove one school's profile from the index."""
        with self._locked():
            self.store.reopen()
            self.store.remove_profile(doc_id)
            self._derived_state()

    def _derived_state(self) -> None:
        """Bring what is derived from the store (lexical index, template text) up to date and save it."""
        profiles = self.profiles()
        self.lexical(profiles)
        self.regional.sync(profiles, self.store, _stamp(profiles), save=True)

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


# The stamp of the latest manifest generations seen (a manifest's token names its content).
_STAMPS: dict[str, str] = {}


def _stamp(profiles: dict[str, IndexedProfile]) -> str:
    token = getattr(profiles, "token", "")
    if token and token in _STAMPS:
        return _STAMPS[token]
    stamp = _stamp_of(profiles)
    if token:
        if len(_STAMPS) >= 16:
            _STAMPS.clear()
        _STAMPS[token] = stamp
    return stamp


def _stamp_of(profiles: dict[str, IndexedProfile]) -> str:
    joined = LEXICAL_FORMAT + "|" + "|".join(f"{doc_id}:{profiles[doc_id].version}" for doc_id in sorted(profiles))
    return hashlib.sha256(joined.encode()).hexdigest()[:16]
