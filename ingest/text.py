"""TXT and Markdown loaders: decode whatever encoding the file uses; form feeds mark pages."""

from __future__ import annotations

import re

from charset_normalizer import from_bytes

from assistant.errors import IngestError
from ingest.model import LoadedDocument, Page

_MD_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def decode_text(path: str, data: bytes) -> str:
    """Decode bytes as UTF-8 (with or without BOM), else the most likely legacy encoding (cp1252 and friends)."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IngestError(path, "binary data, not text (NUL bytes found)")
    for encoding in ("utf-8-sig", "utf-16") if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig",):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    best = from_bytes(data).best()
    if best is None:
        raise IngestError(path, "the text encoding cannot be recognised")
    return str(best)


def _pages(text: str) -> list[Page]:
    parts = text.split("\f")
    if len(parts) == 1:
        return [Page(number=None, lines=text.splitlines())]
    return [Page(number=i, lines=part.splitlines()) for i, part in enumerate(parts, start=1)]


def load_text(path: str, data: bytes) -> LoadedDocument:
    """Load plain text; headings and tables are guessed later by the structure step."""
    pages = _pages(decode_text(path, data))
    return LoadedDocument(path=path, file_format="txt", pages=pages, page_count=_page_count(pages))


def load_markdown(path: str, data: bytes) -> LoadedDocument:
    """Load Markdown: ``#`` headings and ``|`` tables are kept as markup, table rules dropped."""
    pages = _pages(decode_text(path, data))
    for page in pages:
        page.lines = [line for line in page.lines if not _MD_TABLE_RULE.match(line)]
    return LoadedDocument(path=path, file_format="md", pages=pages, marked_up=True, page_count=_page_count(pages))


def _page_count(pages: list[Page]) -> int | None:
    return len(pages) if pages[0].number is not None else None
