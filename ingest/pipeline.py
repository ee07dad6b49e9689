"""From a file to LangChain Documents: load → clean → structure → chunk, with school metadata on every chunk."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from langchain_core.documents import Document
from slugify import slugify

from core.errors import IngestError
from core.fingerprint import package_fingerprint
from core.units import encode_units
from ingest.chunking import chunk_blocks
from ingest.clean import clean_pages
from ingest.loader import load_file
from ingest.identity import SchoolIdentity, is_support_profile, read_identity
from ingest.structure import find_blocks


@dataclass
class SupportProfile:
    """One school's support profile, read and cut into chunks."""

    doc_id: str
    path: str
    identity: SchoolIdentity
    pages: int | None
    file_format: str
    chunks: list[Document]


def doc_id_for(path: Path) -> str:
    """The contract's document id: the slug of the file name without extension (`Het Kristal.pdf` → `het-kristal`)."""
    return slugify(path.stem) or "document"


def reader_version(chunk_chars: int) -> str:
    """What read a file into chunks: this package's code and the chunk size. A file indexed by another reader is
    read again on the next ingest, even when the file itself is unchanged."""
    return f"{package_fingerprint('ingest')}-{chunk_chars}"


def file_fingerprint(path: Path) -> str:
    """SHA-256 of the file's bytes; an unchanged file is skipped on re-ingest."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_support_profile(path: Path, chunk_chars: int, max_bytes: int) -> SupportProfile:
    """Read one file into chunks; raises IngestError naming the file and the reason when that is impossible."""
    loaded = load_file(path, max_bytes)
    pages = ["\n".join(page.lines) for page in loaded.pages]
    if not any(page.strip() for page in pages):
        raise IngestError(str(path), "no text found to index (the document is empty)")
    if not is_support_profile(pages):
        raise IngestError(
            str(path), "not a school support profile (too little of the words a profile uses, or it describes files "
            "or is a letter); nothing was indexed"
        )
    identity = read_identity(pages, path.name, loaded.title)
    blocks = find_blocks(clean_pages(loaded.pages), loaded.marked_up)
    chunks = chunk_blocks(blocks, chunk_chars)
    if not chunks:
        raise IngestError(str(path), "no text found to index (the document is empty after cleaning)")
    doc_id = doc_id_for(path)
    documents = [
        Document(
            page_content=chunk.text,
            metadata={
                "doc_id": doc_id,
                "school": identity.name,
                "brin": identity.brin,
                "town": identity.town,
                "type": identity.type,
                "period": identity.period,
                "source": str(path),
                "page": chunk.page if chunk.page is not None else -1,
                "page_end": chunk.page_end if chunk.page_end is not None else -1,
                "section": chunk.section_path or chunk.section,
                "chapter": chunk.section,
                "scope": chunk.scope,
                "kind": chunk.kind,
                "explained": "\n".join(chunk.explained),
                "units": encode_units(chunk.units),
                "chunk_index": index,
            },
            id=f"{doc_id}:{index}",
        )
        for index, chunk in enumerate(chunks)
    ]
    return SupportProfile(
        doc_id=doc_id,
        path=str(path),
        identity=identity,
        pages=loaded.page_count,
        file_format=loaded.file_format,
        chunks=documents,
    )
