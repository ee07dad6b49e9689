"""PDF loader (PyMuPDF): one Page per PDF page, text in reading order, ruled tables as rows of cells."""

from __future__ import annotations

import pymupdf
from pymupdf.table import Table

from assistant.errors import IngestError
from ingest.model import LoadedDocument, Page

# A ruled table has at least this many horizontal and vertical rules (line segments or rectangle edges). Looking
# for tables costs about 50 ms a page, so pages with fewer rules (a header line, a footer line) are read as plain
# text right away.
_MIN_HORIZONTAL_RULES = 3
_MIN_VERTICAL_RULES = 2


def load_pdf(path: str, data: bytes) -> LoadedDocument:
    """Read a PDF's text layer page by page; encrypted, damaged and image-only PDFs raise IngestError."""
    try:
        pdf = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:  # PyMuPDF raises several unrelated types for damaged files
        raise IngestError(path, f"not a readable PDF ({exc})") from exc
    with pdf:
        if pdf.needs_pass:
            raise IngestError(path, "the PDF is encrypted with a password; save an unprotected copy and ingest that")
        if pdf.page_count == 0:
            raise IngestError(path, "the PDF has no pages")
        pages = []
        for number, pdf_page in enumerate(pdf, start=1):
            try:
                lines = page_lines(pdf_page)
            except Exception as exc:
                raise IngestError(path, f"page {number} cannot be read ({exc})") from exc
            pages.append(Page(number=number, lines=lines))
        title = (pdf.metadata or {}).get("title") or None
    if not any(line.strip() for page in pages for line in page.lines):
        raise IngestError(
            path,
            f"no text layer in any of its {len(pages)} pages (a scan or image-only PDF); "
            "run OCR on it first (e.g. ocrmypdf) and ingest the result",
        )
    return LoadedDocument(path=path, file_format="pdf", pages=pages, title=title, page_count=len(pages))


def page_lines(pdf_page: pymupdf.Page) -> list[str]:
    """The page's text lines. A ruled table (Word and most PDF writers draw its grid) becomes one line per row,
    ``| cell | cell |`` as the DOCX loader writes it, so a row keeps its cells together and its column headers
    can explain it; the text layer alone gives one cell per line, and 'Lift' and 'Nee' lose each other."""
    tables = _ruled_tables(pdf_page)
    if not tables:
        return pdf_page.get_text("text", sort=False).splitlines()
    areas = [pymupdf.Rect(table.bbox) for table in tables]
    words = pdf_page.get_text("words", sort=False)
    lines: list[str] = []
    placed: set[int] = set()
    for block in pdf_page.get_text("dict", sort=False)["blocks"]:
        for line in block.get("lines", []):  # image blocks have none
            inside = next((n for n, area in enumerate(areas) if _centre(line["bbox"]) in area), None)
            if inside is None:
                lines.append("".join(span["text"] for span in line["spans"]))
            elif inside not in placed:
                placed.add(inside)
                lines.extend(_table_rows(tables[inside], words))
    return lines


def _centre(bbox: tuple[float, float, float, float]) -> pymupdf.Point:
    x0, y0, x1, y1 = bbox[:4]
    return pymupdf.Point((x0 + x1) / 2, (y0 + y1) / 2)


def _ruled_tables(pdf_page: pymupdf.Page) -> list[Table]:
    horizontal = vertical = 0
    for path in pdf_page.get_cdrawings():
        for item in path["items"]:
            if item[0] == "re":
                horizontal, vertical = horizontal + 2, vertical + 2
            elif item[0] == "l":
                (ax, ay), (bx, by) = item[1], item[2]
                horizontal += abs(ay - by) < 1
                vertical += abs(ax - bx) < 1
    if horizontal < _MIN_HORIZONTAL_RULES or vertical < _MIN_VERTICAL_RULES:
        return []
    # The rules are what makes these tables: PyMuPDF's layout model (on by default) adds nothing here and cost
    # 0.3 s a page, against 0.05 s for the rules alone (measured on the example profiles).
    found = pdf_page.find_tables(use_layout=False).tables
    return [table for table in found if table.row_count >= 2 and table.col_count >= 2]


def _table_rows(table: Table, words: list[tuple]) -> list[str]:
    """One ``| … |`` line per row; a word belongs to the cell its centre lies in (a cell's box touches the lines
    above and below it, so clipping by the box would take their text too)."""
    rows = []
    for row in table.rows:
        cells = []
        for cell in row.cells:
            if cell is None:  # covered by a merged cell
                continue
            area = pymupdf.Rect(cell)
            cells.append(" ".join(word[4] for word in words if _centre(word) in area))
        if any(cells):
            rows.append("| " + " | ".join(cells) + " |")
    # A blank line ends the table, so the text after it is not read as one more row.
    return rows + [""]
