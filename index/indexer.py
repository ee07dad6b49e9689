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
from index.lexical import ChunkWords, LexicalIndex, search_text, words_of
from index.regional import RegionalText
from index.store import ChunkStore, IndexedProfile


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
        self.regional = RegionalText(settings.index_dir / "template-text")

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
            if index is None and not profiles:
                index = LexicalIndex.from_words([], [], [])  # nothing to save: every document failed or is removed
            elif index is None:
                index = self._build_lexical(profiles)
                try:
                    index.save(folder, stamp)
                except OSError:
                    pass  # a read-only index folder still answers; it rebuilds in memory next time
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


def _stamp(profiles: dict[str, IndexedProfile]) -> str:
    joined = LEXICAL_FORMAT + "|" + "|".join(f"{doc_id}:{profiles[doc_id].version}" for doc_id in sorted(profiles))
    return hashlib.sha256(joined.encode()).hexdigest()[:16]
