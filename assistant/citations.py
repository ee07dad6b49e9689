"""Citations: a retrieved passage with the sentence(s) an answer quotes from it, and the page they are on."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from langchain_core.documents import Document


@dataclass
class Citation:
    """One source of an answer, as ``ask --json`` prints it (``sources[]``)."""

    rank: int
    doc_id: str
    school: str
    page: int | None
    section: str
    text: str
    quote: str
    score: float
    scope: str = "school"

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data.pop("scope")
        return data


def page_of(document: Document, offset: int) -> int | None:
    """The page a character offset of the chunk text falls on (chunks can run over a page break)."""
    marks = json.loads(document.metadata.get("sentence_pages") or "[]")
    page = None
    for start, mark_page in marks:
        if start > offset:
            break
        page = mark_page
    if page is None:
        stored = document.metadata.get("page", -1)
        page = stored if isinstance(stored, int) and stored > 0 else None
    return page


def citation_for(document: Document, quote: str) -> Citation:
    """A citation of ``document`` quoting ``quote`` (empty when the passage was retrieved but not quoted)."""
    meta = document.metadata
    offset = document.page_content.find(quote) if quote else 0
    return Citation(
        rank=int(meta.get("rank", 0)),
        doc_id=str(meta.get("doc_id", "")),
        school=str(meta.get("school", "")),
        page=page_of(document, max(offset, 0)),
        section=str(meta.get("section", "")),
        text=document.page_content,
        quote=quote,
        score=float(meta.get("score", 0.0)),
        scope=str(meta.get("scope", "school")),
    )
