"""Support-matrix rows per indexed version of each profile, kept in memory and on disk beside the index: with a
thousand schools the whole matrix takes most of a minute to work out, so each row is worked out once per version
(not again after every ingest, nor in every app process) and per state of its template text (a row rests on which
of its passages are the region's standard text, which changes when other reports of the region come in), and the chunks that hold its quotes are remembered, so a
'which schools …' answer fetches those few chunks in one read instead of every school's profile."""

from __future__ import annotations

import json
import os
import threading
import uuid
from dataclasses import asdict
from pathlib import Path

from langchain_core.documents import Document

from assistant.matrix.rules import RULES, Cell, Evidence, school_matrix
from index.indexer import SupportProfileIndex
from index.store import ChunkStore, IndexedProfile


class MatrixRows:
    """The matrix rows of an index's profiles, by doc_id, for the versions the manifest lists (a row worked out by
    other matrix rules is worked out again)."""

    def __init__(self, folder: Path, index: SupportProfileIndex) -> None:
        self.folder = folder
        self.index = index
        self.store: ChunkStore = index.store
        self._rows: dict[tuple[str, str], tuple[dict[str, Cell], list[str]]] = {}
        self._lock = threading.Lock()

    @classmethod
    def of(cls, index: SupportProfileIndex) -> "MatrixRows":
        """The rows kept beside this index (in its folder, also when the chunks live in a Chroma server)."""
        return cls(index.settings.index_dir / "matrix", index)

    def matrix(self, profiles: dict[str, IndexedProfile]) -> dict[str, dict[str, Cell]]:
        """``{doc_id: {category: Cell}}`` for every indexed profile, in doc_id order."""
        everyone = self.index.profiles()
        return {doc_id: self._row(doc_id, profiles, everyone)[0] for doc_id in sorted(profiles)}

    def holding_chunks(self, profiles: dict[str, IndexedProfile], doc_ids: list[str]) -> dict[str, list[Document]]:
        """The chunks that hold the matrix quotes of these schools, read from the store in one go."""
        everyone = self.index.profiles()
        ids = [chunk_id for doc_id in doc_ids for chunk_id in self._row(doc_id, profiles, everyone)[1]]
        found: dict[str, list[Document]] = {doc_id: [] for doc_id in doc_ids}
        for document in self.store.get(ids) if ids else []:
            found.setdefault(document.metadata["doc_id"], []).append(document)
        return found

    def _row(
        self, doc_id: str, profiles: dict[str, IndexedProfile], everyone: dict[str, IndexedProfile]
    ) -> tuple[dict[str, Cell], list[str]]:
        # Template text is what the whole index (``everyone``) shares, whichever schools this matrix is asked for.
        version = f"{profiles[doc_id].version}.{self.index.template_signature(doc_id, everyone)}"
        key = (doc_id, version)
        if key in self._rows:
            return self._rows[key]
        with self._lock:
            if key not in self._rows:
                self._rows[key] = self._load(doc_id, version) or self._compute(doc_id, version, profiles, everyone)
        return self._rows[key]

    def _path(self, doc_id: str, version: str) -> Path:
        return self.folder / f"{doc_id}@{version}.{RULES}.json"

    def _load(self, doc_id: str, version: str) -> tuple[dict[str, Cell], list[str]] | None:
        try:
            data = json.loads(self._path(doc_id, version).read_text(encoding="utf-8"))
            cells = {
                category: Cell(**{**cell, "second": Evidence(**cell["second"]) if cell.get("second") else None})
                for category, cell in data["cells"].items()
            }
            return cells, list(data["chunks"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _compute(
        self, doc_id: str, version: str, profiles: dict[str, IndexedProfile], everyone: dict[str, IndexedProfile]
    ) -> tuple[dict[str, Cell], list[str]]:
        chunks = self.index.with_template_marks(self.store.chunks_of(doc_id, profiles[doc_id].version), everyone)
        cells = school_matrix(chunks)
        quotes = {" ".join(cell.quote.split()) for cell in cells.values() if cell.quote}
        holding = [str(c.id) for c in chunks if any(q in " ".join(c.page_content.split()) for q in quotes)]
        try:
            self._save(doc_id, version, cells, holding)
        except OSError:
            pass  # a read-only index folder: worked out again by the next process
        return cells, holding

    def _save(self, doc_id: str, version: str, cells: dict[str, Cell], holding: list[str]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob(f"{doc_id}@*.json"):
            old.unlink(missing_ok=True)
        path = self._path(doc_id, version)
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
        data = {"cells": {category: asdict(cell) for category, cell in cells.items()}, "chunks": holding}
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
