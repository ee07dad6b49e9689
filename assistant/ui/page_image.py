"""A page of the original PDF as a PNG image with the quoted sentences highlighted, so a reader sees the citation
where it stands in the school's own document."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pymupdf

from core.sentences import split_sentences

_DPI = 110
# PyMuPDF finds a search string across line breaks, but not one much longer than a line or two reliably; a long
# quote is looked up sentence by sentence, and a sentence that is still not found by its opening words.
_OPENING_WORDS = 8


@dataclass(frozen=True)
class PageImage:
    """The rendered page, and whether the quote was found (and so highlighted) on it."""

    png: bytes
    highlighted: bool


def _fragments(quote: str) -> list[str]:
    sentences = [s for line in quote.split("\n") for s in split_sentences(line) if s.strip()]
    return [" ".join(quote.split())] + [" ".join(s.split()) for s in sentences]


def page_image(path: Path, page_number: int, quote: str) -> PageImage | None:
    """Page ``page_number`` (1-based) of the PDF at ``path`` with ``quote`` highlighted; None when the file is not
    a readable PDF or has no such page."""
    try:
        document = pymupdf.open(path)
    except (pymupdf.FileDataError, pymupdf.EmptyFileError, FileNotFoundError, RuntimeError):
        return None
    with document:
        if not document.is_pdf or not 1 <= page_number <= document.page_count:
            return None
        page = document[page_number - 1]
        found = False
        for fragment in _fragments(quote):
            rects = page.search_for(fragment) or page.search_for(" ".join(fragment.split()[:_OPENING_WORDS]))
            if rects:
                page.add_highlight_annot(rects)
                found = True
                if fragment == " ".join(quote.split()):
                    break
        png = page.get_pixmap(dpi=_DPI, annots=True).tobytes("png")
    return PageImage(png, found)
