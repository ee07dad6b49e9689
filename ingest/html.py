"""HTML loader (BeautifulSoup): headings, paragraphs, list items and table rows; scripts and styles dropped."""

from __future__ import annotations

from bs4 import BeautifulSoup
from bs4.element import Tag

from ingest.model import LoadedDocument, Page
from ingest.text import decode_text

_BLOCKS = ["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "tr", "pre", "blockquote", "dt", "dd"]


def _clean(text: str) -> str:
    return " ".join(text.split())


def _line(tag: Tag) -> str:
    if tag.name and tag.name[0] == "h" and tag.name[1:].isdigit():
        return "#" * int(tag.name[1]) + " " + _clean(tag.get_text(" "))
    if tag.name == "li":
        return "• " + _clean(tag.get_text(" "))
    if tag.name == "tr":
        cells = [_clean(cell.get_text(" ")) for cell in tag.find_all(["th", "td"], recursive=False)]
        return "| " + " | ".join(cells) + " |" if any(cells) else ""
    return _clean(tag.get_text(" "))


def load_html(path: str, data: bytes) -> LoadedDocument:
    """Read an HTML page as text blocks; markup and scripts never reach the index as markup."""
    soup = BeautifulSoup(decode_text(path, data), "lxml")
    for tag in soup(["script", "style", "noscript", "template", "iframe", "svg", "nav", "footer"]):
        tag.decompose()
    lines: list[str] = []
    table = None
    for tag in soup.find_all(_BLOCKS):
        # Only the innermost block counts, so nested <li><p> or a <p> inside a table cell is not read twice.
        if tag.name != "tr" and (tag.find(_BLOCKS) or tag.find_parent("tr")):
            continue
        if tag.name == "tr" and tag.find_parent("table") is not table:
            table = tag.find_parent("table")
            if lines and lines[-1]:
                lines.append("")  # a blank line ends a table, so the next one is read with its own header row
        line = _line(tag)
        if line:
            lines.extend([line, ""] if not line.startswith("|") else [line])
    if not lines:  # text straight in <body> or <div>s, without block tags
        lines = [_clean(line) for line in soup.get_text("\n").splitlines()]
    title = _clean(soup.title.get_text()) if soup.title else None
    return LoadedDocument(
        path=path, file_format="html", pages=[Page(number=None, lines=lines)], marked_up=True, title=title or None
    )
