"""Which units of the indexed chunks are template (regional) text, by repetition across the index.

`template_text.TemplateText` compares passages; this module keeps it in step with the store, as the lexical index
is: derived state in the index folder, brought up to date one changed profile at a time (adding a school reads only
that school's chunks), and applied to retrieved chunks: a unit that enough other profiles hold near-verbatim gets
scope ``regional``, and the chunk carries the share of its text that is template (``template_share``).

A profile that shares no template text with any other indexed profile keeps the scope ingest gave it (the phrase
lists of ``ingest/data/scope_signals.json``): its region's other profiles are not in the index, so repetition
cannot tell its standard text from its own — the case of an index of one document, or of two from two regions.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass, replace
from pathlib import Path

from langchain_core.documents import Document

from core.units import decode_units, encode_units
from index.store import ChunkStore, IndexedProfile
from index.template_text import TemplateText, is_common, is_template

_LAYOUT = "layout.json"


@dataclass(frozen=True)
class _Layout:
    """How a profile's passages were handed to TemplateText: per chunk id, how many units, in add order."""

    version: str
    chunks: tuple[tuple[str, int], ...]


class RegionalText:
    """The template-text state of one index folder, for the manifest's profiles at their versions."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._stamp = ""
        self._text: TemplateText | None = None
        self._layouts: dict[str, _Layout] = {}
        self._marks: dict[str, dict[str, tuple[int, ...]]] = {}

    def sync(self, profiles: dict[str, IndexedProfile], store: ChunkStore, stamp: str, save: bool) -> None:
        """Bring the state up to the manifest: profiles added or changed since are read from the store, removed ones
        dropped; with ``save`` (a writer holding the index lock) the result is written to the folder."""
        with self._lock:
            if self._stamp == stamp and self._text is not None:
                return
            if self._text is None:
                self._text, self._layouts = TemplateText(self.folder), self._read_layouts()
            text, layouts = self._text, self._layouts
            for doc_id in [d for d in layouts if d not in profiles or layouts[d].version != profiles[d].version]:
                text.remove(doc_id)
                del layouts[doc_id]
            for doc_id in [d for d in text if d not in layouts]:  # a pack written without its layout
                text.remove(doc_id)
            for doc_id, profile in sorted(profiles.items()):
                if doc_id in layouts and doc_id in text:
                    continue
                chunks = store.chunks_of(doc_id, profile.version)
                passages, shape = [], []
                for chunk in chunks:
                    units = decode_units(str(chunk.metadata.get("units", "")))
                    passages.extend(chunk.page_content[u.start : u.end] for u in units)
                    shape.append((str(chunk.id), len(units)))
                text.add(doc_id, passages)
                layouts[doc_id] = _Layout(profile.version, tuple(shape))
            if save:
                try:
                    text.save()
                    self._write_layouts()
                except OSError:
                    pass  # a read-only index folder: worked out again in memory next time
            self._marks, self._stamp = {}, stamp

    def mark(self, documents: list[Document]) -> list[Document]:
        """The documents with their template units' scope set to ``regional`` and ``template_share`` (the share of
        the units' characters that is template text) and ``form_units`` (which units most profiles share) in their
        metadata."""
        marked = []
        for document in documents:
            flags = self._flags(str(document.metadata["doc_id"])).get(str(document.id))
            units = decode_units(str(document.metadata.get("units", "")))
            if flags is None or len(flags) != len(units):
                marked.append(document)
                continue
            units = tuple(replace(u, scope="regional") if flag else u for u, flag in zip(units, flags))
            total = sum(u.end - u.start for u in units) or 1
            share = sum(u.end - u.start for u, flag in zip(units, flags) if flag) / total
            metadata = {
                **document.metadata,
                "units": encode_units(list(units)),
                "template_share": round(share, 3),
                # Units of the form most profiles share word for word: no evidence of what this school does.
                "form_units": json.dumps([i for i, flag in enumerate(flags) if flag == 2]),
            }
            if share >= 0.5:
                metadata["scope"] = "regional"
            marked.append(Document(page_content=document.page_content, metadata=metadata, id=document.id))
        return marked

    def signature(self, doc_id: str) -> str:
        """A short key of the profile's template units: equal keys, equal marks."""
        flags = self._flags(doc_id)
        joined = "|".join(f"{chunk_id}:" + "".join(str(f) for f in flags[chunk_id]) for chunk_id in sorted(flags))
        return hashlib.sha256(joined.encode()).hexdigest()[:8]

    def _flags(self, doc_id: str) -> dict[str, tuple[int, ...]]:
        """Per chunk id of the profile: which units are template text. Empty when the profile shares no template
        text with any other (ingest's own scope stands then)."""
        with self._lock:
            if doc_id in self._marks:
                return self._marks[doc_id]
            text, layout = self._text, self._layouts.get(doc_id)
            flags: dict[str, tuple[int, ...]] = {}
            if text is not None and layout is not None and doc_id in text:
                documents = len(text)
                # 1: template text; 2: the region's common form text, which most other profiles hold too.
                template = [
                    2 if is_common(shared, documents) else 1 if is_template(shared, documents) else 0
                    for shared in text.shared_by(doc_id)
                ]
                if any(template):
                    at = 0
                    for chunk_id, count in layout.chunks:
                        flags[chunk_id], at = tuple(template[at : at + count]), at + count
            self._marks[doc_id] = flags
            return flags

    def _read_layouts(self) -> dict[str, _Layout]:
        try:
            data = json.loads((self.folder / _LAYOUT).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {
            doc_id: _Layout(item["version"], tuple((str(c), int(n)) for c, n in item["chunks"]))
            for doc_id, item in data.items()
        }

    def _write_layouts(self) -> None:
        data = {doc_id: {"version": l.version, "chunks": list(l.chunks)} for doc_id, l in self._layouts.items()}
        temporary = self.folder / (_LAYOUT + ".tmp")
        temporary.write_text(json.dumps(data), encoding="utf-8")
        os.replace(temporary, self.folder / _LAYOUT)
