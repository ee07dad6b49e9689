"""The vector store: chromadb, embedded (persistent folder) by default, a Chroma server when SOP_CHROMA_HOST is set.
It also keeps the manifest (which documents are indexed, in which version) in a collection of its own, so every
app instance that shares a server sees the same index."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass

import chromadb
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings as ChromaEmbeddings
from chromadb.config import Settings as ChromaSettings
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from assistant.config import Settings
from assistant.errors import IndexStoreError

CHUNKS = "sop_chunks"
MANIFEST = "sop_manifest"
# Manifest entries are looked up by id, never by similarity; Chroma still wants a vector for each.
_NO_VECTOR = [1.0]


@dataclass
class IndexedProfile:
    """A manifest entry: one indexed support profile."""

    doc_id: str
    school: str
    path: str
    fingerprint: str
    version: str
    chunks: int
    pages: int | None
    city: str = ""
    period: str = ""
    brin: str = ""
    file_format: str = ""


class _OwnEmbeddingFunction(EmbeddingFunction[Documents]):
    """Handed to Chroma so it never falls back to its default model, which would download weights."""

    def __init__(self, embeddings: Embeddings) -> None:
        self._embeddings = embeddings

    def __call__(self, input: Documents) -> ChromaEmbeddings:  # noqa: A002 - Chroma's parameter name
        return self._embeddings.embed_documents(list(input))  # type: ignore[return-value]

    @staticmethod
    def name() -> str:
        return "sop-assistant"

    def get_config(self) -> dict[str, object]:
        return {}

    @staticmethod
    def build_from_config(config: dict[str, object]) -> "_OwnEmbeddingFunction":
        raise NotImplementedError("the embedding function is always passed in by the assistant")


def make_client(settings: Settings) -> chromadb.api.ClientAPI:
    """An embedded persistent client, or an HTTP client for a Chroma server."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    try:
        if settings.chroma_host:
            return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
        settings.index_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.index_dir / "chroma"), settings=chroma_settings)
    except Exception as exc:
        where = f"{settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host else str(settings.index_dir)
        raise IndexStoreError(f"index at {where} cannot be opened ({exc})") from exc


class ChunkStore:
    """Chunks with their embeddings, and the manifest of indexed profiles."""

    def __init__(self, settings: Settings, embeddings: Embeddings, model_name: str) -> None:
        self._client = make_client(settings)
        self._embeddings = embeddings
        function = _OwnEmbeddingFunction(embeddings)
        self._chunks = self._client.get_or_create_collection(
            CHUNKS,
            embedding_function=function,  # type: ignore[arg-type]
            metadata={"hnsw:space": "cosine", "embedding_model": model_name},
        )
        stored_model = (self._chunks.metadata or {}).get("embedding_model")
        if stored_model and stored_model != model_name and self._chunks.count():
            raise IndexStoreError(
                f"the index was built with embedding model '{stored_model}', not '{model_name}'; "
                "set SOP_EMBEDDING_MODEL back, or ingest into a new --index folder"
            )
        self._manifest = self._client.get_or_create_collection(MANIFEST, embedding_function=function)  # type: ignore[arg-type]

    # Manifest -------------------------------------------------------------------------------------------------
    def profiles(self) -> dict[str, IndexedProfile]:
        """Every indexed profile by doc_id."""
        got = self._manifest.get(include=["metadatas"])
        profiles = {}
        for metadata in got["metadatas"] or []:
            entry = json.loads(str(metadata["entry"]))
            profiles[entry["doc_id"]] = IndexedProfile(**entry)
        return profiles

    def _record(self, profile: IndexedProfile) -> None:
        self._manifest.upsert(
            ids=[profile.doc_id],
            documents=[profile.school],
            embeddings=[_NO_VECTOR],
            metadatas=[{"entry": json.dumps(asdict(profile))}],
        )

    # Chunks ---------------------------------------------------------------------------------------------------
    def replace_profile(self, profile: IndexedProfile, documents: list[Document], vectors: list[list[float]]) -> None:
        """Add the new version of a profile, then switch the manifest to it, then drop older versions.
        A crash in between leaves the old version searchable: retrieval only trusts the manifest's version."""
        ids = [f"{profile.doc_id}:{profile.version}:{i}" for i in range(len(documents))]
        metadatas = [{**doc.metadata, "version": profile.version} for doc in documents]
        batch = 2000
        for start in range(0, len(ids), batch):
            self._chunks.upsert(
                ids=ids[start : start + batch],
                documents=[doc.page_content for doc in documents[start : start + batch]],
                embeddings=vectors[start : start + batch],  # type: ignore[arg-type]
                metadatas=metadatas[start : start + batch],
            )
        self._record(profile)
        self._chunks.delete(where={"$and": [{"doc_id": profile.doc_id}, {"version": {"$ne": profile.version}}]})

    def remove_profile(self, doc_id: str) -> None:
        """Take a school's profile out of the index."""
        self._manifest.delete(ids=[doc_id])
        self._chunks.delete(where={"doc_id": doc_id})

    def drop_orphans(self, profiles: dict[str, IndexedProfile]) -> None:
        """Remove chunks of versions the manifest does not list (left by an interrupted ingest)."""
        for doc_id, profile in profiles.items():
            self._chunks.delete(where={"$and": [{"doc_id": doc_id}, {"version": {"$ne": profile.version}}]})

    def search(
        self, vector: list[float], k: int, doc_ids: list[str] | None = None
    ) -> list[tuple[Document, float]]:
        """Nearest chunks by cosine similarity, optionally within some schools."""
        where = None
        if doc_ids:
            where = {"doc_id": doc_ids[0]} if len(doc_ids) == 1 else {"doc_id": {"$in": doc_ids}}
        count = self._chunks.count()
        if count == 0:
            return []
        result = self._chunks.query(
            query_embeddings=[vector],  # type: ignore[arg-type]
            n_results=min(k, count),
            where=where,  # type: ignore[arg-type]
            include=["documents", "metadatas", "distances"],
        )
        hits = []
        for chunk_id, text, metadata, distance in zip(
            result["ids"][0], result["documents"][0], result["metadatas"][0], result["distances"][0]  # type: ignore[index]
        ):
            hits.append((Document(page_content=text, metadata=dict(metadata), id=chunk_id), 1.0 - float(distance)))
        return hits

    def iter_chunks(self, batch: int = 5000) -> Iterator[Document]:
        """Every stored chunk, in pages of ``batch`` (used to rebuild the lexical index)."""
        offset = 0
        while True:
            got = self._chunks.get(include=["documents", "metadatas"], limit=batch, offset=offset)
            if not got["ids"]:
                return
            for chunk_id, text, metadata in zip(got["ids"], got["documents"], got["metadatas"]):  # type: ignore[arg-type]
                yield Document(page_content=text, metadata=dict(metadata), id=chunk_id)
            offset += len(got["ids"])

    def get(self, chunk_ids: list[str]) -> list[Document]:
        """Chunks by id."""
        got = self._chunks.get(ids=chunk_ids, include=["documents", "metadatas"])
        return [
            Document(page_content=text, metadata=dict(metadata), id=chunk_id)
            for chunk_id, text, metadata in zip(got["ids"], got["documents"], got["metadatas"])  # type: ignore[arg-type]
        ]

    def chunks_of(self, doc_id: str) -> list[Document]:
        """All chunks of one profile, in document order."""
        got = self._chunks.get(where={"doc_id": doc_id}, include=["documents", "metadatas"])
        docs = [
            Document(page_content=text, metadata=dict(metadata), id=chunk_id)
            for chunk_id, text, metadata in zip(got["ids"], got["documents"], got["metadatas"])  # type: ignore[arg-type]
        ]
        return sorted(docs, key=lambda doc: int(doc.metadata.get("chunk_index", 0)))
