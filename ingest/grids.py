"""Tick-box grids in PDF pages, read from the layout instead of the text layer.

The text layer of a filled-in form loses what was ticked: a drawn cross is no text at all, a "☒" lands on a line of
its own before its label, and the ``Ja``/``X`` in a table come out in a block before the labels they belong to.
This module rebuilds those grids from positions (words, glyphs with their fonts, vector drawings) and writes them as
lines the rest of the pipeline already reads:

* a grid with columns: ``| label column | col 1 | col 2 |`` then ``| label | X |  |`` per row;
* an option list: ``☒ label`` / ``☐ label``, one line per option;
* a grid whose marks exist but cannot be decoded: one ``…: de markeringen van deze tabel zijn niet leesbaar in de
  PDF (labels)`` line, so the labels stay searchable but are not read as answers.

Only PyMuPDF and the standard library; no per-document rules.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

import pymupdf

Rect = tuple[float, float, float, float]


@dataclass(frozen=True)
class Grid:
    bbox: tuple[float, float, float, float]  # the page area the grid replaces
    lines: list[str]  # the lines that stand for it, in reading order


UNREADABLE = "de markeringen van deze tabel zijn niet leesbaar in de PDF"

# Mark kinds. A box (empty or ticked) can start an option ("☐ label"); a tick, cross or filled square only counts
# inside a grid, because on its own it is as often a bullet ("✓ wat we doen", "■ positie") as a mark.
EMPTY, TICKED, TICK, UNKNOWN = "empty", "ticked", "tick", "unknown"

# Unicode glyphs that are tick boxes.
_GLYPHS = {
    **dict.fromkeys("☐□◻❏❐❑❒", EMPTY),
    **dict.fromkeys("☒☑⊠⌧▣", TICKED),
    **dict.fromkeys("✓✔✗✘■", TICK),
}
# Symbol fonts put their glyphs at U+F0xx (Word's "symbol" encoding), so the same code means different things per
# font. Only checkbox glyphs are listed; bullets (Wingdings U+F0A7 "▪") and arrows (U+F0D8 "➢", U+F0E0 "→") are text.
_SYMBOL_FONTS = {
    "wingdings2": {0x2A: EMPTY, 0xA3: EMPTY, 0x52: TICKED, 0x53: TICKED, 0x54: TICKED, 0x4F: TICK, 0x50: TICK},
    "wingdings": {0x6F: EMPTY, 0x71: EMPTY, 0x72: EMPTY, 0xA8: EMPTY, 0x78: TICKED, 0xFD: TICKED, 0xFE: TICKED,
                  0xFB: TICK, 0xFC: TICK},
}
# A word that is a mark on its own when it sits in a grid cell (or stands in for a box, "x gericht op …").
_MARK_WORDS = {"x", "X", "×", "Ja", "Nee", "ja", "nee", "JA", "NEE"}
_CROSS_WORDS = {"x", "X", "×"}
# Characters worth a closer look: the glyphs above, private-use codes and the unmapped NUL some writers emit for a
# box drawn from a symbol font (MS-Gothic in these profiles), which only its shape can tell.
_SPECIAL = re.compile("[\u2610-\u2612\u25a0-\u25ff\u2713-\u2718\u229e-\u22a1\u2327\u274f-\u2752\ue000-\uf8ff\x00\ufffd]")
# Arrows and footnote digits that sit between the boxes of a grid row ("☒→☒", "☒1") and are not labels.
_FILLER = re.compile(r"^[\W\d_]*$")

_BOX_MIN, _BOX_MAX = 4.0, 16.0  # side of a drawn tick box, in points
_RULE_MIN = 5.0  # shortest table rule; a box's own sides are recognised as a box first


@dataclass
class _Mark:
    bbox: Rect
    kind: str  # EMPTY, TICKED, TICK or UNKNOWN


@dataclass
class _Table:
    bbox: Rect
    xs: list[float]  # column boundaries, left to right
    ys: list[float]  # row boundaries, top to bottom
    vertical: list[tuple[float, float, float]] = field(default_factory=list)  # (x, y0, y1), to find merged cells


def find_grids(page: pymupdf.Page, textpage: pymupdf.TextPage | None = None) -> list[Grid]:
    """The tick-box grids and option lists on the page; [] quickly when the page has none. A caller that has the
    page's TextPage already may pass it: making one is half the cost of a page without grids."""
    textpage = textpage or page.get_textpage()
    words = [w[:5] for w in textpage.extractWORDS()]
    drawings = page.get_cdrawings()
    special = any(_SPECIAL.search(w[4]) for w in words)
    marks, rules, graphics = _drawn_marks(drawings)
    # Bail out early: no box glyph, no drawn box, cross or other small graphic, no form field, and no mark word
    # ("x", "Ja") that lines up with another one as a grid column would. This is the path most pages take.
    if not (special or marks or graphics) and page.first_widget is None and not _aligned_mark_words(words):
        return []
    if special:
        words, glyphs = _glyph_marks(page, textpage, words)
        marks += glyphs
    marks += _widget_marks(page)
    tables = _tables(rules)
    # Small pictures in a table's cells are marks too, of a kind not read here.
    pictures = [tuple(i["bbox"]) for i in page.get_image_info() if _small(i["bbox"], 20)] if tables else []
    grids = [grid for table in tables if (grid := _table_grid(table, words, marks, drawings, pictures))]
    # What a ruled grid took is not read again as an option list.
    free_words = [w for w in words if not any(_centre_in(w[:4], g.bbox) for g in grids)]
    free_marks = [m for m in marks if not any(_centre_in(m.bbox, g.bbox) for g in grids)]
    return sorted(grids + _loose_grids(free_words, free_marks), key=lambda g: (g.bbox[1], g.bbox[0]))


def _bbox(item: _Mark | tuple) -> Rect:
    return item.bbox if isinstance(item, _Mark) else item[:4]


# --------------------------------------------------------------------------------------------------- drawings


def _drawn_marks(drawings: list[dict]) -> tuple[list[_Mark], list[tuple[str, float, float, float]], bool]:
    """Drawn boxes and crosses, the rules (("h", y, x0, x1) / ("v", x, y0, y1)) that may make tables, and whether
    there are other small graphics (which in a table's cell are marks of a kind not read here).

    Word draws a tick box as a small square and its cross as two diagonals inside it; an empty box is the square
    alone. A filled dark square in a cell is a tick too. Light fills are cell shading, not marks."""
    squares: list[tuple[Rect, str]] = []
    diagonals: list[tuple[float, float, float, float]] = []
    rules: list[tuple[str, float, float, float]] = []
    graphics = False
    for path in drawings:
        graphics = graphics or _small(path["rect"], _BOX_MAX)
        stroked = "s" in path.get("type", "")
        fill = path.get("fill")
        dark = fill is not None and sum(fill[:3]) / max(len(fill[:3]), 1) < 0.5
        for item in path["items"]:
            if item[0] == "l":
                (ax, ay), (bx, by) = item[1], item[2]
                w, h = abs(ax - bx), abs(ay - by)
                if h < 1 and w >= _RULE_MIN:
                    rules.append(("h", (ay + by) / 2, min(ax, bx), max(ax, bx)))
                elif w < 1 and h >= _RULE_MIN:
                    rules.append(("v", (ax + bx) / 2, min(ay, by), max(ay, by)))
                elif 2 < w <= _BOX_MAX and 2 < h <= _BOX_MAX:
                    diagonals.append((ax, ay, bx, by))
            elif item[0] in ("re", "qu"):
                x0, y0, x1, y1 = _item_rect(item)
                w, h = x1 - x0, y1 - y0
                if _BOX_MIN <= w <= _BOX_MAX and _BOX_MIN <= h <= _BOX_MAX and abs(w - h) <= 2.5:
                    if dark:  # a filled square: a tick in a grid ("■"), elsewhere often a marker of a place
                        squares.append(((x0, y0, x1, y1), TICK))
                    elif stroked:
                        squares.append(((x0, y0, x1, y1), EMPTY))
                elif h <= 2 and w >= _RULE_MIN:  # a rule drawn as a thin filled rectangle
                    rules.append(("h", (y0 + y1) / 2, x0, x1))
                elif w <= 2 and h >= _RULE_MIN:
                    rules.append(("v", (x0 + x1) / 2, y0, y1))
                elif stroked:  # a framed cell or table: its four sides
                    rules += [("h", y0, x0, x1), ("h", y1, x0, x1), ("v", x0, y0, y1), ("v", x1, y0, y1)]
    crosses = _crosses(diagonals)
    marks: list[_Mark] = []
    seen: list[Rect] = []
    for box, kind in squares:
        if any(_overlap(box, other) > 0.8 for other in seen):  # Word often draws a box twice (fill, then frame)
            continue
        seen.append(box)
        if kind == EMPTY and any(_centre_in(cross, box) for cross in crosses):
            kind = TICKED
        marks.append(_Mark(box, kind))
    # A cross without a box around it is a tick as well.
    marks += [_Mark(c, TICK) for c in crosses if not any(_centre_in(c, box) for box in seen)]
    return marks, rules, graphics


def _item_rect(item: tuple) -> Rect:
    if item[0] == "re":
        x0, y0, x1, y1 = item[1]
    else:  # a quad: its four corners
        xs = [p[0] for p in item[1]]
        ys = [p[1] for p in item[1]]
        x0, y0, x1, y1 = min(xs), min(ys), max(xs), max(ys)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _crosses(diagonals: list[tuple[float, float, float, float]]) -> list[Rect]:
    """Pairs of short diagonals with opposite slopes over the same spot: a drawn "X"."""
    rects = [(min(a, c), min(b, d), max(a, c), max(b, d), (c - a) * (d - b) > 0) for a, b, c, d in diagonals]
    crosses = []
    for i, one in enumerate(rects):
        for other in rects[i + 1:]:
            if one[4] != other[4] and _overlap(one[:4], other[:4]) > 0.5:
                crosses.append((min(one[0], other[0]), min(one[1], other[1]), max(one[2], other[2]), max(one[3], other[3])))
    return crosses


def _widget_marks(page: pymupdf.Page) -> list[_Mark]:
    """Check boxes of a fillable form: the field's value says whether it is ticked ("Off" when it is not)."""
    kinds = (pymupdf.PDF_WIDGET_TYPE_CHECKBOX, pymupdf.PDF_WIDGET_TYPE_RADIOBUTTON)
    return [_Mark(tuple(w.rect), EMPTY if w.field_value in (False, None, "", "Off") else TICKED)
            for w in page.widgets(types=kinds)]


# --------------------------------------------------------------------------------------------------- glyphs


def _glyph_marks(page: pymupdf.Page, textpage: pymupdf.TextPage, words: list[tuple]) -> tuple[list[tuple], list[_Mark]]:
    """The tick-box glyphs as marks, found by searching the page for each such character (much cheaper than
    reading every character's box), and the words with those glyphs cut out: the words list glues a footnote
    number or an arrow to a box ("☒1", "→☒")."""
    chars = {c for w in words if _SPECIAL.search(w[4]) for c in w[4] if _SPECIAL.match(c)}
    if chars & {"\x00", "\ufffd"}:  # a glyph without a code cannot be searched for: go through every character
        return _split_glyphs(page, textpage)
    fonts: dict[str, str] = {}
    if any(0xE000 <= ord(c) <= 0xF8FF for c in chars):  # a private-use code means what its font says
        for block in textpage.extractDICT()["blocks"]:
            for line in block.get("lines", []):
                for span in line["spans"]:
                    for c in chars & set(span["text"]):
                        fonts.setdefault(c, _font_key(span["font"]))
    marks: list[_Mark] = []
    for c in chars:
        for rect in page.search_for(c, textpage=textpage):
            kind = _glyph_kind(page, c, fonts.get(c, ""), tuple(rect))
            if kind is not None:
                marks.append(_Mark(tuple(rect), kind))
    cut = {c for c in chars if _glyph_kind(page, c, fonts.get(c, ""), None, look=False) is not None}
    out: list[tuple] = []
    for w in words:
        if not cut & set(w[4]):
            out.append(w)
            continue
        # The word's pieces between its boxes, each given the room between the boxes around it.
        inside = sorted((m.bbox for m in marks if _centre_in(m.bbox, w[:4])), key=lambda b: b[0])
        pieces = re.split("[" + re.escape("".join(cut)) + "]", w[4])
        edges = [w[0]] + [x for b in inside for x in (b[0], b[2])] + [w[2]]
        for k, piece in enumerate(pieces):
            if piece and 2 * k + 1 < len(edges):
                out.append((edges[2 * k], w[1], edges[2 * k + 1], w[3], piece))
    return out, marks


def _font_key(font: str) -> str:
    return font.lower().replace("-", "").replace(" ", "")


def _split_glyphs(page: pymupdf.Page, textpage: pymupdf.TextPage) -> tuple[list[tuple], list[_Mark]]:
    """Words again, from the characters, with every tick-box glyph as a mark of its own: for pages with glyphs
    that have no character code (NUL), which only their shape can tell."""
    words: list[tuple] = []
    marks: list[_Mark] = []
    for block in textpage.extractRAWDICT()["blocks"]:
        for line in block.get("lines", []):
            current: list[tuple[Rect, str]] = []
            for span in line["spans"]:
                font = _font_key(span["font"])
                for char in span["chars"]:
                    c, bbox = char["c"], tuple(char["bbox"])
                    kind = _glyph_kind(page, c, font, bbox) if _SPECIAL.match(c) else None
                    if kind is not None or c.isspace():
                        _flush(current, words)
                        if kind is not None:
                            marks.append(_Mark(bbox, kind))
                    elif c != "\x00":
                        current.append((bbox, c))
            _flush(current, words)
    return words, marks


def _flush(chars: list[tuple[Rect, str]], words: list[tuple]) -> None:
    if chars:
        words.append((min(b[0] for b, _ in chars), min(b[1] for b, _ in chars), max(b[2] for b, _ in chars),
                      max(b[3] for b, _ in chars), "".join(c for _, c in chars)))
        chars.clear()


def _glyph_kind(page: pymupdf.Page, char: str, font: str, bbox: Rect | None, look: bool = True) -> str | None:
    """What a special character is: a box, a tick, or None (plain text such as a bullet or an arrow). A glyph
    whose code says nothing is looked at (`look`); without looking it counts as a possible box."""
    if char in _GLYPHS:
        return _GLYPHS[char]
    code = ord(char)
    for name, table in _SYMBOL_FONTS.items():  # "wingdings2" before "wingdings"
        if name in font:
            return table.get(code & 0xFF)
    if char in "\x00\ufffd" or (0xE000 <= code <= 0xF8FF and not any(s in font for s in ("symbol", "webdings"))):
        return (_shape(page, bbox) if bbox else None) if look else UNKNOWN
    return None


def _shape(page: pymupdf.Page, bbox: Rect) -> str | None:
    """Tell an unmapped glyph by its ink: a square outline is a box, ticked when its inside is inked as well.
    Anything else (a bullet, a letter in a private font) is None."""
    pix = page.get_pixmap(clip=pymupdf.Rect(bbox), dpi=288, colorspace=pymupdf.csGRAY, alpha=False)
    w, h, data = pix.width, pix.height, pix.samples
    dark = [(x, y) for y in range(h) for x in range(w) if data[y * pix.stride + x] < 128]
    if len(dark) < 8:
        return None
    x0, x1 = min(x for x, _ in dark), max(x for x, _ in dark)
    y0, y1 = min(y for _, y in dark), max(y for _, y in dark)
    bw, bh = x1 - x0 + 1, y1 - y0 + 1
    if bw < 0.3 * h or not 0.75 <= bw / bh <= 1.33:  # too small or not square: a bullet or text
        return None
    inked = set(dark)
    # The four sides of the ink's bounding box must be (nearly) solid lines for a box.
    sides = [(x, y0) for x in range(x0, x1 + 1)] + [(x, y1) for x in range(x0, x1 + 1)]
    sides += [(x0, y) for y in range(y0, y1 + 1)] + [(x1, y) for y in range(y0, y1 + 1)]
    near = sum(1 for x, y in sides if any((x + dx, y + dy) in inked for dx in (-1, 0, 1) for dy in (-1, 0, 1)))
    if near < 0.8 * len(sides):
        return None
    inner = [(x, y) for y in range(y0 + bh // 4, y1 - bh // 4 + 1) for x in range(x0 + bw // 4, x1 - bw // 4 + 1)]
    filled = sum(1 for p in inner if p in inked) / max(len(inner), 1)
    return TICKED if filled > 0.08 else EMPTY


# --------------------------------------------------------------------------------------------------- tables


def _tables(rules: list[tuple[str, float, float, float]]) -> list[_Table]:
    """Ruled tables: groups of horizontal and vertical rules that cross each other, with their row and column
    boundaries. Drawn tick boxes were taken out as marks before, so they do not split cells."""
    horizontal = [r for r in rules if r[0] == "h"]
    vertical = [r for r in rules if r[0] == "v"]
    if len(horizontal) < 2 or len(vertical) < 2:
        return []
    # Union-find over rules that touch (within 1.5 pt).
    parent = list(range(len(horizontal) + len(vertical)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (_, y, hx0, hx1) in enumerate(horizontal):
        for j, (_, x, vy0, vy1) in enumerate(vertical):
            if hx0 - 1.5 <= x <= hx1 + 1.5 and vy0 - 1.5 <= y <= vy1 + 1.5:
                parent[root(i)] = root(len(horizontal) + j)
    groups: dict[int, list[int]] = {}
    for i in range(len(parent)):
        groups.setdefault(root(i), []).append(i)
    tables = []
    for members in groups.values():
        hs = [horizontal[i] for i in members if i < len(horizontal)]
        vs = [vertical[i - len(horizontal)] for i in members if i >= len(horizontal)]
        ys = _merge([y for _, y, _, _ in hs])
        xs = _merge([x for _, x, _, _ in vs])
        if len(ys) < 3 or len(xs) < 3:  # at least two rows and two columns (labels and marks)
            continue
        tables.append(_Table((xs[0], ys[0], xs[-1], ys[-1]), xs, ys, [(x, y0, y1) for _, x, y0, y1 in vs]))
    return tables


def _merge(values: list[float], tolerance: float = 2.0) -> list[float]:
    """Sorted values with near-equal ones (a double rule, a rule drawn per cell) merged."""
    merged: list[float] = []
    for value in sorted(values):
        if not merged or value - merged[-1] > tolerance:
            merged.append(value)
    return merged


def _table_grid(table: _Table, words: list[tuple], marks: list[_Mark], drawings: list[dict],
                pictures: list[Rect]) -> Grid | None:
    """A ruled table whose cells hold tick marks, as a header line plus one line per row; None for other tables."""
    nrows, ncols = len(table.ys) - 1, len(table.xs) - 1
    cells: list[list[list]] = [[[] for _ in range(ncols)] for _ in range(nrows)]
    spans: list[list[int]] = [list(range(ncols)) for _ in range(nrows)]  # per row: the column each cell starts in
    for r in range(nrows):
        mid = (table.ys[r] + table.ys[r + 1]) / 2
        # A column boundary counts in this row only where a rule crosses it: merged header cells stay one cell.
        present = [any(abs(x - bx) < 2 and y0 - 1 <= mid <= y1 + 1 for x, y0, y1 in table.vertical) for bx in table.xs]
        start = 0
        for c in range(ncols):
            if c > 0 and present[c]:
                start = c
            spans[r][c] = start
    for item in words + marks:
        cell = _cell_of(table, _bbox(item))
        if cell is not None:
            r, c = cell
            cells[r][spans[r][c]].append(item)
    mark_cells = [(r, c) for r in range(nrows) for c in range(ncols) if _is_mark_cell(cells[r][c], remarks=True)]
    boxes = [m for row in cells for cell in row for m in cell if isinstance(m, _Mark)]
    unknown = _unknown_graphics(table, drawings, marks, pictures)
    # A tick grid: a drawn or glyph mark in a cell, or two cells that start with a mark word ("x", "Ja").
    if not boxes and len(mark_cells) < 2 and not unknown:
        return None
    mark_columns = sorted({c for _, c in mark_cells} | {c for _, c in unknown})
    marked_rows = {r for r, _ in mark_cells} | {r for r, _ in unknown}
    text = [[_cell_text(cells[r][c]) if spans[r][c] == c else "" for c in range(ncols)] for r in range(nrows)]
    label = _label_column([text[r] for r in sorted(marked_rows)], mark_columns)
    # The header: the top rows without a row label and without drawn or glyph marks. Words may be there: a
    # second header row names the answers ("binnen de school" over "Ja | Nee"). A first row with a label is a
    # header only when it holds no mark at all.
    header_rows = 0
    while header_rows < nrows and any(text[header_rows]) and not any(
            isinstance(i, _Mark) for cell in cells[header_rows] for i in cell) and (
            (label is not None and not text[header_rows][label])
            or (header_rows == 0 and header_rows not in marked_rows)):
        header_rows += 1
    # Column names: the header cells' text, top down; a merged header cell names every column under it.
    names = [" ".join(p for r in range(header_rows) if (p := _cell_text(cells[r][spans[r][c]], header=True)))
             for c in range(ncols)]
    body = text[header_rows:]
    keep = [c for c in range(ncols) if names[c] or any(row[c] for row in body)]
    order = ([label] if label is not None else []) + [c for c in keep if c != label]
    rows = [[row[c] for c in order] for row in body if any(row[c] for c in order)]
    if unknown:
        # Graphics sit in the cells but are no box, cross or word we know: the labels stay, the answers do not.
        labels = [row[0] for row in rows if row[0]] if label is not None else []
        caption = " / ".join(names[c] for c in mark_columns if names[c]) or "Tabel"
        return Grid(table.bbox, [f"{caption}: {UNREADABLE} ({', '.join(labels)})", ""])
    header = "| " + " | ".join(names[c] for c in order) + " |"
    return Grid(table.bbox, [header] + ["| " + " | ".join(row) + " |" for row in rows] + [""])


def _cell_of(table: _Table, bbox: Rect) -> tuple[int, int] | None:
    x, y = (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2
    if not (table.xs[0] <= x <= table.xs[-1] and table.ys[0] <= y <= table.ys[-1]):
        return None
    c = max(i for i, bx in enumerate(table.xs[:-1]) if bx <= x)
    r = max(i for i, by in enumerate(table.ys[:-1]) if by <= y)
    return r, c


def _is_mark_cell(items: list, remarks: bool = False) -> bool:
    """A cell whose content is a mark: a box or cross, or a lone mark word, give or take a footnote sign; with
    `remarks`, also a mark word followed by a remark ("X (pilot met fysio in school)")."""
    if any(isinstance(i, _Mark) for i in items):
        return True
    if remarks:
        lines = _visual_lines(items)
        return bool(lines) and lines[0][0][4] in _MARK_WORDS
    texts = [i[4] for i in items]
    return any(t in _MARK_WORDS for t in texts) and all(t in _MARK_WORDS or _FILLER.match(t) for t in texts)


def _label_column(rows: list[list[str]], mark_columns: list[int]) -> int | None:
    """The column of row labels: of the columns without marks, the one with text in the most marked rows (the left
    one on a tie). Some templates put it last ("Nee | Ja | visuele beperkingen"); it goes first in the output."""
    candidates = [c for c in range(len(rows[0]) if rows else 0) if c not in mark_columns]
    if not candidates:
        return None
    return max(candidates, key=lambda c: (sum(1 for row in rows if row[c]), -c))


def _cell_text(items: list, header: bool = False) -> str:
    """The cell's content in reading order. Words stay as written, except a cross word ("x") in a cell of marks,
    which becomes "X" like a drawn cross; a ticked box is "X" and an empty one nothing, unless a label follows it
    in the cell ("☒ ja"), where it keeps its box."""
    parts: list[str] = []
    marks_only = not header and _is_mark_cell(items)
    for line in _visual_lines(items):
        for i, item in enumerate(line):
            if isinstance(item, _Mark):
                following = line[i + 1] if i + 1 < len(line) else None
                if following is not None and not isinstance(following, _Mark) and not _FILLER.match(following[4]):
                    parts.append("☐" if item.kind == EMPTY else "☒")
                elif item.kind != EMPTY:
                    parts.append("X")
            elif marks_only and item[4] in _CROSS_WORDS:
                parts.append("X")
            elif parts and parts[-1][-1:] == "-" and parts[-1][-2:-1].isalpha() and item[4][:1].islower() \
                    and item is line[0]:
                parts[-1] += item[4]  # a word broken at the end of a line in a narrow cell: "ondersteunings-school"
            else:
                parts.append(item[4])
    return " ".join(parts)


def _unknown_graphics(table: _Table, drawings: list[dict], marks: list[_Mark],
                      pictures: list[Rect]) -> list[tuple[int, int]]:
    """Cells (row, column) holding a small graphic that is no mark we read: a drawn check, a picture of a cross.
    They make the grid unreadable rather than empty."""
    known = [m.bbox for m in marks]
    found = []
    for path in drawings:
        rect = tuple(path["rect"])
        if not _small(rect, _BOX_MAX) or min(rect[2] - rect[0], rect[3] - rect[1]) < 1.5:  # rules are thin
            continue
        if any(_overlap(rect, k) > 0.3 for k in known):
            continue
        fill = path.get("fill")
        if fill is not None and "s" not in path.get("type", "") and sum(fill[:3]) / 3 > 0.5:
            continue  # light shading
        if (cell := _cell_of(table, rect)) is not None:
            found.append(cell)
    found += [cell for rect in pictures if (cell := _cell_of(table, rect)) is not None]
    return found


def _small(rect: Rect | tuple, most: float) -> bool:
    return 2 <= rect[2] - rect[0] <= most and 2 <= rect[3] - rect[1] <= most


# --------------------------------------------------------------------------------------------------- loose grids


def _loose_grids(words: list[tuple], marks: list[_Mark]) -> list[Grid]:
    """Unruled grid rows ("label ☐ ☐ ☒ ☐ label") and option lists ("☒ label") outside ruled tables."""
    if not marks:
        return []
    grids: list[Grid] = []
    # Rows of a grid: lines with two or more marks and nothing but arrows or footnote digits between them. A
    # comment paragraph may sit between rows; the rows still share their columns and captions.
    lines = _visual_lines(words + marks)
    rows = [n for n, line in enumerate(lines) if _is_grid_row(line)]
    for system in _row_systems(rows, lines):
        grids += _row_grid(system, lines)
    in_rows = {id(m) for g in grids for m in marks if _centre_in(m.bbox, g.bbox)}
    boxes = [m for m in marks if m.kind in (EMPTY, TICKED) and id(m) not in in_rows]
    if boxes:
        grids += _options(words, boxes)
    return grids


def _is_grid_row(line: list) -> bool:
    """Two or more marks with nothing but arrows or footnote digits between them: a row of a grid, not options
    side by side ("☐ ja ☒ nee")."""
    positions = [i for i, item in enumerate(line) if isinstance(item, _Mark)]
    return len(positions) >= 2 and all(
        isinstance(item, _Mark) or _FILLER.match(item[4]) for item in line[positions[0]:positions[-1] + 1])


def _row_systems(rows: list[int], lines: list[list]) -> list[list[int]]:
    """Grid rows grouped into grids: rows whose first mark stands in the same place belong together."""
    systems: list[list[int]] = []
    for n in rows:
        first = next(m for m in lines[n] if isinstance(m, _Mark)).bbox
        if systems:
            last = next(m for m in lines[systems[-1][-1]] if isinstance(m, _Mark)).bbox
            if abs(first[0] - last[0]) <= first[2] - first[0] and first[1] - last[3] < 200:
                systems[-1].append(n)
                continue
        systems.append([n])
    return [system for system in systems if len(system) >= 2]


def _options(words: list[tuple], boxes: list[_Mark]) -> list[Grid]:
    """One Grid per option: the box (or an "x" typed where the other options have a box) and its label: the words
    right of it on the lines beside it, and the lines above and below that wrap the label. Form templates put the
    box at the top, the middle or the bottom of a label of several lines, so a line belongs to the nearest box."""
    if not words:
        return []
    text_lines = _visual_lines(words)
    # The right margin: where the longer lines end (a wide table or a page number may stick out further).
    ends = sorted(line[-1][2] for line in text_lines if len(line) >= 4) or [max(w[2] for w in words)]
    right_edge = ends[int(0.9 * (len(ends) - 1))]
    # An "x" at the start of a line (after a bullet, if any), where the options around it have their box, is a
    # ticked box: "x gericht op …" among "☐ gericht op …".
    stand_ins: list[_Mark] = []
    taken: set[int] = set()  # words already used: stand-ins, earlier labels
    for line in text_lines:
        first = next((i for i, w in enumerate(line) if not _FILLER.match(w[4])), len(line))
        if first + 1 < len(line) and line[first][4] in _CROSS_WORDS and any(
                abs(line[first][0] - b.bbox[0]) <= 4 and abs(line[first][1] - b.bbox[1]) < 150 for b in boxes):
            stand_ins.append(_Mark(line[first][:4], TICKED))
            taken.add(id(line[first]))
    starts = sorted(boxes + stand_ins, key=lambda m: (m.bbox[1], m.bbox[0]))
    spans = [(min(w[1] for w in line), max(w[3] for w in line)) for line in text_lines]
    grids = []
    for mark in starts:
        x0, y0, x1, y1 = mark.bbox
        h = y1 - y0
        nearby = [n for n, (top, bottom) in enumerate(spans) if top < y1 + 2 * h and bottom > y0 - 2 * h]
        # The next box to the right on the same row ends this label ("☐ ja ☒ nee").
        stop = min((b.bbox[0] for b in starts if b.bbox[0] > x1 and _v_overlap(b.bbox, mark.bbox) > 0.5), default=1e9)
        anchors = [(n, label) for n in nearby
                   if (label := [w for w in text_lines[n] if x1 - 1 <= w[0] < stop and id(w) not in taken])
                   and _v_overlap(_union([w[:4] for w in label]), mark.bbox) > 0.2]
        if not anchors:  # the label a little above or below the box: the nearest line that starts beside it
            near = [(abs(_mid(text_lines[n]) - (y0 + y1) / 2), n) for n in nearby
                    if x1 - 1 <= text_lines[n][0][0] < x1 + 80 and not any(id(w) in taken for w in text_lines[n])]
            near = [(d, n) for d, n in near if d < 1.5 * (y1 - y0) and _owner(text_lines[n], starts) is mark]
            if not near:
                continue
            n = min(near)[1]
            anchors = [(n, text_lines[n])]
        # An "x" typed right before the box ticks it ("x☐ alternatieve methodes").
        before = [w for w in words if w[4] in _CROSS_WORDS and 0 <= x0 - w[2] < 4 and _v_overlap(w[:4], mark.bbox) > 0.5]
        kind = TICKED if before else mark.kind
        left = before[0][0] if before else x0
        label_x0 = anchors[0][1][0][0]
        above = _wrapped(text_lines, anchors[0][0], -1, mark, label_x0, left, right_edge, starts, taken)
        below = _wrapped(text_lines, anchors[-1][0], 1, mark, label_x0, left, right_edge, starts, taken)
        label_lines = [text_lines[n] for n in reversed(above)] + [ws for _, ws in anchors] + [text_lines[n] for n in below]
        label_words = [w for ws in label_lines for w in ws]
        taken |= {id(w) for w in label_words}
        covered = [mark.bbox] + [w[:4] for w in label_words + before]
        box = "☒" if kind == TICKED else "☐"
        grids.append(Grid(_union(covered), [f"{box} {' '.join(w[4] for w in label_words)}"]))
    return grids


def _wrapped(text_lines: list[list], n: int, step: int, mark: _Mark, label_x0: float, box_x0: float,
             right_edge: float, starts: list[_Mark], taken: set[int]) -> list[int]:
    """Indexes of the lines that continue a label from line n downwards (step 1) or upwards (step -1). Such a line
    follows without a paragraph gap (templates with 1.5 line spacing leave half a line), has no box of its own,
    and starts under the label (a hanging indent) or, going down right below a line that ran to the margin, under
    the box. Going up it must also be nearer to this box than to any other."""
    found: list[int] = []
    current = text_lines[n]
    while 0 <= n + step < len(text_lines):
        n += step
        line = text_lines[n]
        upper, lower = (current, line) if step > 0 else (line, current)
        gap = min(w[1] for w in lower) - max(w[3] for w in upper)
        height = max(w[3] for w in upper) - min(w[1] for w in upper)
        if gap > 0.6 * height or any(id(w) in taken for w in line) or _boxed(line, starts):
            break
        if step < 0 and _owner(line, starts) is not mark:  # the lines above a box may be the end of the option before
            break
        x0 = line[0][0]
        hanging = abs(x0 - label_x0) <= 3
        # Without a hanging indent a wrapped line goes back under the box. Its first word must not have fitted on
        # the line above, and it must not start anew: "Toelichting:" after the last option is no part of it.
        first, last = line[0][4], current[-1][4]
        wrapped = (step > 0 and box_x0 - 3 <= x0 < label_x0 and gap < 0.3 * height
                   and current[-1][2] + 0.3 * height + (line[0][2] - line[0][0]) > right_edge
                   and not (len(line) == 1 and first.endswith(":"))
                   and not (first[:1].isupper() and last[-1:] in ".:!?"))
        if not (hanging or wrapped):
            break
        found.append(n)
        current = line
    return found


def _boxed(line: list, starts: list[_Mark]) -> bool:
    """Does a box stand beside this line (left of its text or in it)? Then the line starts an option of its own."""
    bbox = _union([w[:4] for w in line])
    return any(_v_overlap(m.bbox, bbox) > 0.2 and m.bbox[2] <= bbox[2] and bbox[0] - m.bbox[2] < 120 for m in starts)


def _owner(line: list, starts: list[_Mark]) -> _Mark | None:
    """The box a line of text belongs to: of the boxes left of its start, the nearest in height."""
    x0, middle = line[0][0], _mid(line)
    beside = [m for m in starts if m.bbox[0] - 4 <= x0 and x0 - m.bbox[2] < 120]
    return min(beside, key=lambda m: abs((m.bbox[1] + m.bbox[3]) / 2 - middle), default=None)


def _mid(line: list) -> float:
    return (min(w[1] for w in line) + max(w[3] for w in line)) / 2


def _row_grid(system: list[int], lines: list[list]) -> list[Grid]:
    """Unruled grid rows ("overdragen van kennis ☐ ☐ ☒ ☐ zelf ontdekken"): columns from where the marks stand,
    named by the line of short captions above the first row ("1 2 3 4") when there is one. Each run of adjacent
    rows is a Grid of its own, with the header repeated, so the comments between runs stay where they are."""
    rows = [lines[n] for n in system]
    row_marks = [m for row in rows for m in row if isinstance(m, _Mark)]
    width = statistics.median(m.bbox[2] - m.bbox[0] for m in row_marks)
    columns = _clusters(sorted((m.bbox[0] + m.bbox[2]) / 2 for m in row_marks), 0.8 * width)
    left, right = columns[0] - width, columns[-1] + width
    above = lines[system[0] - 1] if system[0] > 0 else []
    captions = []
    if above and all(not isinstance(w, _Mark) and left - width <= w[0] and w[2] <= right + width for w in above):
        captions = above
        if len(captions) >= 2:  # the captions say where the columns are better than boxes shifted by an arrow
            columns = [(w[0] + w[2]) / 2 for w in captions]
    names = [""] * len(columns)
    for w in captions:
        c = _nearest(columns, (w[0] + w[2]) / 2)
        names[c] = f"{names[c]} {w[4]}".strip()
    header = "|  | " + " | ".join(names) + " |"
    grids = []
    runs: list[list[int]] = []
    for n in system:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    for run in runs:
        out = [header]
        covered = [_bbox(i) for n in run for i in lines[n]]
        if run[0] == system[0]:
            covered += [_bbox(w) for w in captions]
        for n in run:
            row = lines[n]
            cells = [""] * len(columns)
            text = [w for w in row if not isinstance(w, _Mark)]
            before = " ".join(w[4] for w in text if w[2] <= left)
            after = " ".join(w[4] for w in text if w[0] >= right)
            for i, m in enumerate(row):
                if isinstance(m, _Mark) and m.kind != EMPTY:
                    # A footnote number glued to the box stays with its mark ("☒5" -> "X5"), as in the labels.
                    note = row[i + 1][4] if i + 1 < len(row) and not isinstance(row[i + 1], _Mark) \
                        and row[i + 1][4].isdigit() and row[i + 1][0] - m.bbox[2] < 1 else ""
                    cells[_nearest(columns, (m.bbox[0] + m.bbox[2]) / 2)] = "X" + note
            label = " – ".join(p for p in (before, after) if p)
            out.append(f"| {label} | " + " | ".join(cells) + " |")
        grids.append(Grid(_union(covered), out + [""]))
    return grids


def _clusters(values: list[float], tolerance: float) -> list[float]:
    """Sorted values grouped where they lie within `tolerance` of their group's first value."""
    groups: list[list[float]] = []
    for value in values:
        if groups and value - groups[-1][0] <= tolerance:
            groups[-1].append(value)
        else:
            groups.append([value])
    return [statistics.fmean(g) for g in groups]


def _nearest(columns: list[float], x: float) -> int:
    return min(range(len(columns)), key=lambda i: abs(columns[i] - x))


# --------------------------------------------------------------------------------------------------- geometry


def _visual_lines(items: list) -> list[list]:
    """Items grouped into lines by where they stand, not by text order: a "☐" and its label are separate blocks
    in the text layer but share a line on the page. Each line is sorted left to right."""
    lines: list[list] = []
    spans: list[tuple[float, float]] = []
    for item in sorted(items, key=lambda i: ((_bbox(i)[1] + _bbox(i)[3]) / 2, _bbox(i)[0])):
        x0, y0, x1, y1 = _bbox(item)
        centre = (y0 + y1) / 2
        if lines and spans[-1][0] <= centre <= spans[-1][1]:
            lines[-1].append(item)
        else:
            lines.append([item])
            spans.append((y0 + 0.2 * (y1 - y0), y1 - 0.2 * (y1 - y0)))
    for line in lines:
        line.sort(key=lambda i: _bbox(i)[0])
    return lines


def _aligned_mark_words(words: list[tuple]) -> bool:
    """Two mark words ("x", "Ja") one above the other, or four anywhere: the cheap sign of a grid written in
    words (the words of a cell with a remark, "X (pilot)", are not centred in their column)."""
    xs = sorted(((w[0] + w[2]) / 2, w[1]) for w in words if w[4] in _MARK_WORDS)
    return len(xs) >= 4 or any(b[0] - a[0] < 3 and abs(b[1] - a[1]) > 5 for a, b in zip(xs, xs[1:]))


def _v_overlap(a: Rect, b: Rect) -> float:
    """The share of the lower of the two heights that the rectangles have in common vertically."""
    h = min(a[3], b[3]) - max(a[1], b[1])
    smaller = min(a[3] - a[1], b[3] - b[1])
    return h / smaller if h > 0 and smaller > 0 else 0.0


def _centre_in(inner: Rect, outer: Rect) -> bool:
    x, y = (inner[0] + inner[2]) / 2, (inner[1] + inner[3]) / 2
    return outer[0] <= x <= outer[2] and outer[1] <= y <= outer[3]


def _overlap(a: Rect, b: Rect) -> float:
    """The share of the smaller rectangle that the two have in common."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return w * h / smaller if smaller > 0 else 0.0


def _union(rects: list[Rect]) -> Rect:
    return min(r[0] for r in rects), min(r[1] for r in rects), max(r[2] for r in rects), max(r[3] for r in rects)
