"""TXT and Markdown loaders: decode whatever encoding the file uses; form feeds mark pages."""

from __future__ import annotations

import re

from charset_normalizer import from_bytes

from core.errors import IngestError
from ingest.model import LoadedDocument, Page

# Letters and signs of Dutch text beyond ASCII: accented vowels (also in loanwords), typographic quotes, dashes,
# bullets and the euro sign.
_DUTCH_NON_ASCII = frozenset("áàâäéèêëíìîïóòôöúùûüçñÁÀÂÄÉÈÊËÍÌÎÏÓÒÔÖÚÙÛÜÇÑ‘’‚“”„–—…•·€°×½¼¾«»§©®™\xa0")
_MD_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
# Bold marks ('**oktober, februari en juni**') are layout, not text: a quote must not carry them.
_MD_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")


def decode_text(path: str, data: bytes) -> str:
    """Decode bytes as UTF-8 (with or without BOM), else the most likely legacy encoding (cp1252 and friends)."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IngestError(path, "binary data, not text (NUL bytes found)")
    for encoding in ("utf-8-sig", "utf-16") if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig",):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    dutch = _as_dutch_cp1252(data)
    if dutch is not None:
        return dutch
    best = from_bytes(data).best()
    if best is None:
        raise IngestError(path, "the text encoding cannot be recognised")
    return str(best)


def _as_dutch_cp1252(data: bytes) -> str | None:
    """The text as Windows-1252 when every byte is defined there and gives only characters Dutch text uses.
    charset_normalizer scores Dutch cp1252 the same as cp1250 and mac_latin2 (measured on the real profiles and a
    short text) and may pick any of them, turning 'ï' into 'ď'. A text really in cp850, Mac Roman or cp1250 gives
    characters outside that set here (such as '‰', 'Ž', 'š') and is left to charset_normalizer."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    return text if all(ch < "\x80" or ch in _DUTCH_NON_ASCII for ch in text) else None


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
    """Load Markdown: ``#`` headings and ``|`` tables are kept as markup, table rules and bold marks dropped."""
    pages = _pages(decode_text(path, data))
    for page in pages:
        page.lines = [_MD_STRONG.sub(r"\2", line) for line in page.lines if not _MD_TABLE_RULE.match(line)]
    return LoadedDocument(path=path, file_format="md", pages=pages, marked_up=True, page_count=_page_count(pages))


def _page_count(pages: list[Page]) -> int | None:
    return len(pages) if pages[0].number is not None else None
