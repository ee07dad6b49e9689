"""Citations: a retrieved passage with the sentence(s) an answer quotes from it, and the page they are on."""

from __future__ import annotations

from langchain_core.documents import Document

from assistant.answers.model import Citation
from core.units import decode_units


def page_of(document: Document, offset: int) -> int | None:
    """The page a character offset of the chunk text falls on (chunks can run over a page break)."""
    page = None
    for unit in decode_units(str(document.metadata.get("units", ""))):
        if unit.start > offset:
            break
        page = unit.page if unit.page is not None else page
    if page is None:
        stored = document.metadata.get("page", -1)
        page = stored if isinstance(stored, int) and stored > 0 else None
    return page


def citation_for(document: Document, quote: str = "", page: int | None = None) -> Citation:
    """A citation of ``document`` quoting ``quote`` (empty when the passage was retrieved but not quoted), on
    ``page`` or else the page where the quote starts."""
    meta = document.metadata
    offset = document.page_content.find(quote) if quote else 0
    return Citation(
        rank=int(meta.get("rank", 0)),
        doc_id=str(meta.get("doc_id", "")),
        school=str(meta.get("school", "")),
        page=page if page is not None else page_of(document, max(offset, 0)),
        section=str(meta.get("section", "")),
        text=document.page_content,
        quote=quote,
        score=float(meta.get("score", 0.0)),
        scope=str(meta.get("scope", "school")),
    )
