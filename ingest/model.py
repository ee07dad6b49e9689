"""Data that crosses the ingest modules: pages of raw lines and the structural blocks found in them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from core.units import Scope

BlockKind = Literal["heading", "text", "list_item", "table_row"]
# The mark that opens a list item: a bullet of any of the signs writers use, a lone 'o', or a number ('1.', '2)').
LIST_MARK = re.compile(r"^\s*(?:[•·▪◦●○❖➢►\-–*]|o(?=\s)|\d{1,2}[.)](?=\s))\s*")

# Between the parts of a section path ("Domein 3: De vijf velden van voorzieningen › Toelichting").
PATH_SEPARATOR = " › "


@dataclass
class Page:
    """The text lines of one page; ``number`` is 1-based, or None where the format has no pages."""

    number: int | None
    lines: list[str]


@dataclass
class Block:
    """One structural unit of a support profile: a heading, a paragraph, a list item or a table row."""

    kind: BlockKind
    text: str
    page: int | None
    level: int = 0
    # Table rows only: the row restated with its column headers, e.g. "Voorziening: Lift — Aanwezig in de school: nvt".
    explained: str | None = None
    section: str = ""
    subsection: str = ""
    # The page the subsection's heading stands on (a chunk that opens with the heading cites it there).
    heading_page: int | None = None
    scope: Scope = "school"
    # The page of each line of ``text``, so a sentence cited from a paragraph that runs over a page break is
    # cited on the page it starts on.
    line_pages: list[int | None] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.line_pages:
            self.line_pages = [self.page] * (self.text.count("\n") + 1)


@dataclass
class LoadedDocument:
    """A file read into pages, before cleaning and structuring."""

    path: str
    file_format: str
    pages: list[Page]
    # Structured formats (DOCX, HTML, MD) mark headings and tables themselves; PDF and TXT leave it to guessing.
    marked_up: bool = False
    title: str | None = None
    page_count: int | None = field(default=None)
