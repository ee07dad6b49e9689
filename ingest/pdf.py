"""PDF loader (PyMuPDF): one Page per PDF page, text in reading order, ruled tables as rows of cells, tick-box grids
with their marks read from the layout (ingest.grids)."""

from __future__ import annotations

import pymupdf
from pymupdf.table import Table

from core.errors import IngestError
from ingest.grids import find_grids
from ingest.model import LoadedDocument, Page

# A ruled table has at least this many horizontal rules that meet vertical ones, and this many vertical rules (line
# segments or rectangle edges); a page without such a grid is read as plain text right away.
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
    textpage = pdf_page.get_textpage()
    grids = find_grids(pdf_page, textpage)
    # A tick-box grid is often ruled as well: its marks are read by the grid, so it is not read again as a table.
    tables = [t for t in _ruled_tables(pdf_page) if not any(_overlaps(t.bbox, grid.bbox) for grid in grids)]
    # Plain numbers, not PyMuPDF's Point and Rect: a page has hundreds of words to place in dozens of cells.
    words = [(*_centre(word[:4]), word[4]) for word in pdf_page.get_text("words", sort=False)] if tables else []
    text_lines = [
        line for block in pdf_page.get_text("dict", sort=False, textpage=textpage)["blocks"] for line in block.get("lines", [])
    ]
    paragraph_gap = _paragraph_gap(text_lines)
    lines: list[str] = []
    placed: set[int] = set()
    placed_grids: set[int] = set()
    bottom: float | None = None
    for line in text_lines:  # image blocks have no lines
        _, y0, _, y1 = line["bbox"]
        # The white space between paragraphs is the text layer's only trace of the blank line the author typed:
        # without it 'Dyslexie' after '… (basis) onderwijs' (no full stop) would run on as one sentence.
        if bottom is not None and y0 - bottom > paragraph_gap and lines and lines[-1]:
            lines.append("")
        bottom = y1
        x, y = _centre(line["bbox"])
        in_grid = next((n for n, grid in enumerate(grids) if _within(x, y, grid.bbox)), None)
        if in_grid is not None:
            if in_grid not in placed_grids:
                placed_grids.add(in_grid)
                lines.extend(grids[in_grid].lines)
            continue
        inside = next((n for n, table in enumerate(tables) if _within(x, y, table.bbox)), None)
        if inside is None:
            lines.append("".join(span["text"] for span in line["spans"]))
        elif inside not in placed:
            placed.add(inside)
            lines.extend(_table_rows(tables[inside], words))
    return lines


def _paragraph_gap(lines: list[dict]) -> float:
    """The vertical gap above which two lines belong to different paragraphs: more than half a line's height and
    well over the usual gap between the lines of a paragraph."""
    heights = sorted(line["bbox"][3] - line["bbox"][1] for line in lines)
    gaps = sorted(
        later["bbox"][1] - earlier["bbox"][3]
        for earlier, later in zip(lines, lines[1:])
        if later["bbox"][1] >= earlier["bbox"][3] - 1  # the next line below, not beside (columns, table cells)
    )
    height = heights[len(heights) // 2] if heights else 12.0
    usual = gaps[len(gaps) // 2] if gaps else 0.0
    return max(0.5 * height, 2 * usual + 1)


def _centre(bbox: tuple[float, float, float, float]) -> tuple[float, float]:
    x0, y0, x1, y1 = bbox
    return (x0 + x1) / 2, (y0 + y1) / 2


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    """Whether two boxes share more than half of the smaller one's area."""
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    if width <= 0 or height <= 0:
        return False
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return width * height > 0.5 * smaller


def _within(x: float, y: float, box: tuple[float, float, float, float]) -> bool:
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _ruled_tables(pdf_page: pymupdf.Page) -> list[Table]:
    area = _grid_area(pdf_page)
    if area is None:
        return []
    # The rules are what makes these tables: PyMuPDF's layout model (on by default) adds nothing here, and looking
    # only inside the grid spares reading the page's other characters (measured on the example profiles: 0.3 s a
    # page with the model, 0.05 s without, 7 ms inside the grid alone, the same tables found).
    found = pdf_page.find_tables(clip=area, use_layout=False).tables
    return [table for table in found if table.row_count >= 2 and table.col_count >= 2]


def _grid_area(pdf_page: pymupdf.Page) -> pymupdf.Rect | None:
    """Where the page's drawn rules cross into a grid: horizontal rules that meet a vertical one (a running header's
    or footer's lone line does not), with the vertical ones; None when there is no such grid."""
    horizontal: list[tuple[float, float, float]] = []  # (y, x0, x1)
    vertical: list[tuple[float, float, float]] = []  # (x, y0, y1)
    for path in pdf_page.get_cdrawings():
        for item in path["items"]:
            if item[0] == "l":
                (ax, ay), (bx, by) = item[1], item[2]
                if abs(ay - by) < 1:
                    horizontal.append((ay, min(ax, bx), max(ax, bx)))
                elif abs(ax - bx) < 1:
                    vertical.append((ax, min(ay, by), max(ay, by)))
            elif item[0] == "re":  # a cell drawn as a box, or its background
                x0, y0, x1, y1 = item[1]
                horizontal += [(y0, x0, x1), (y1, x0, x1)]
                vertical += [(x0, y0, y1), (x1, y0, y1)]
    crossing = [
        (y, x0, x1) for y, x0, x1 in horizontal
        if any(v0 - 1 <= y <= v1 + 1 and x0 - 1 <= x <= x1 + 1 for x, v0, v1 in vertical)
    ]
    if len(crossing) < _MIN_HORIZONTAL_RULES or len(vertical) < _MIN_VERTICAL_RULES:
        return None
    xs = [x for _, x0, x1 in crossing for x in (x0, x1)] + [x for x, _, _ in vertical]
    ys = [y for y, _, _ in crossing] + [y for _, y0, y1 in vertical for y in (y0, y1)]
    return pymupdf.Rect(min(xs) - 2, min(ys) - 2, max(xs) + 2, max(ys) + 2)


def _table_rows(table: Table, words: list[tuple[float, float, str]]) -> list[str]:
    """One ``| … |`` line per row; a word belongs to the cell its centre lies in (a cell's box touches the lines
    above and below it, so clipping by the box would take their text too)."""
    rows = []
    for row in table.rows:
        cells = []
        for cell in row.cells:
            if cell is None:  # covered by a merged cell
                continue
            cells.append(" ".join(text for x, y, text in words if _within(x, y, cell)))
        if any(cells):
            rows.append("| " + " | ".join(cells) + " |")
    # A blank line ends the table, so the text after it is not read as one more row.
    return rows + [""]
