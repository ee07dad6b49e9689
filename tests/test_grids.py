"""Tick-box grids read from the layout (ingest/grids.py), checked against what the page images show.

Every expectation on a real page below was read off that page rendered to PNG (page.get_pixmap(dpi=110)), not
off the text layer. A few synthetic pages cover what the 77 Plein013 reports do not have: marks that are
graphics of an unknown kind, a header of two rows, a fillable form."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import pymupdf
import pytest

from ingest.grids import UNREADABLE, Grid, find_grids

SHARED = Path(__file__).resolve().parents[2] / "shared"
PLEIN013 = SHARED / "sop-plein013"
MATRIX = SHARED / "eval" / "matrix_plein013_dev.json"

pytestmark = pytest.mark.skipif(not (PLEIN013 / "03WT.pdf").is_file(), reason="../shared/sop-plein013 is missing")


@lru_cache(maxsize=None)
def _grids(report: str, page: int) -> tuple[Grid, ...]:
    with pymupdf.open(PLEIN013 / f"{report}.pdf") as doc:
        return tuple(find_grids(doc[page - 1]))


def lines(report: str, page: int) -> list[str]:
    return [line for grid in _grids(report, page) for line in grid.lines]


def table(report: str, page: int, header_word: str) -> list[str]:
    """The lines of the grid on the page whose header line holds `header_word`."""
    found = [g.lines for g in _grids(report, page) if header_word in g.lines[0]]
    assert found, f"no grid with {header_word!r} on {report} p{page}: {lines(report, page)}"
    return found[0]


# --------------------------------------------------------------------------------------------- option lists


def test_glyph_options_are_joined_to_their_labels() -> None:
    # 03WT p7: "☐" / "meer homogeen" / "☒" / "vergelijkbaar" are separate lines in the text layer.
    assert lines("03WT", 7) == ["☐ meer homogeen", "☒ vergelijkbaar", "☐ meer heterogeen"]


def test_glyph_options_with_labels_of_several_lines() -> None:
    found = lines("03WT", 8)
    # The box stands at the middle line of a three-line label, and between the two lines of another.
    assert ("☒ de ruimtelijke omgeving, m.b.t. speciale bewegingsbehoeften (rolstoeltoegankelijkheid, time-out "
            "ruimte, extra grootte van lokalen, gangen en speel-/gymruimten), verzorging en therapie, speciale "
            "leerbehoeften (handenarbeidlokaal, keuken).") in found
    assert ("☒ mede door een duidelijke aanpak, gedragen door het volledige team (passend bij een brede "
            "ondersteuningsschool)") in found
    assert ("☐ intensief, in een stevig netwerk met veel partners (passend bij een brede ondersteuningsschool en "
            "een inclusieve school)") in found
    assert "☒ matig intensief met enkele partners, beperkt met andere (passend bij een netwerkschool plus)" in found
    assert "☐ extra ‘handen’ in de klas" in found
    assert len(found) == 17


def test_nested_glyph_options() -> None:
    found = lines("03WT", 12)
    assert found[:6] == [
        "☐ weinig, het opleidingsniveau en de sociaaleconomische achtergrond is over het algemeen",
        "☐ laag", "☐ gemiddeld", "☐ hoog", "☐ matig", "☒ sterk",
    ]


def test_boxes_at_the_bottom_of_spaced_labels() -> None:
    # 10VR p8: 1.5 line spacing, the box beside the last line of its label or above it.
    found = lines("10VR", 8)
    assert "☒ Onderwijsmaterialen" in found
    assert ("☒ specialistische expertise op het gebied van visuele beperkingen, spraak-taalstoornissen, motorische "
            "beperkingen, ASS, ADHD en ADD, Gedragsproblematiek, onderwijsachterstanden en andere culturen.") in found
    assert "☐ contacten met externe relaties" in found


def test_drawn_boxes_of_a_facility_list() -> None:
    # 03WT p20: every box is a drawn square with a drawn cross; the text layer has only the labels.
    found = lines("03WT", 20)
    for label in ("keuken (voor leerlingen)", "rolstoeltoegankelijkheid", "time-out ruimte7", "speel-/gymlokaal",
                  "verzorgingsruimte8", "rustruimte10"):
        assert f"☒ {label}" in found
    assert ("☒ een klein schoolplein met verschillende speeltoestellen: goals, basket, tafeltennistafel, groot "
            "klimrek, zandbak en een bank rond een boom.") in found


def test_drawn_boxes_ticked_and_not() -> None:
    found = lines("11DG", 18)
    assert "☒ gericht op visuele informatieverwerking, nl. Gynzy" in found
    assert "☐ gericht op sensomotorische informatieverwerking, nl." in found
    assert "☐ uitdaging tot alertheid en activiteit, nl." in found
    assert ("☒ het ervaren van successen en het ontvangen van beloningen, nl. groene kaart, diverse passende "
            "beloningssystemen.") in found


def test_wrapped_label_under_the_box_and_a_heading_that_is_not() -> None:
    found = lines("01FX", 28)
    assert ("☒ een speelplein met extra kwaliteit, er zijn gescheiden speelpleinen voor onder- en bovenbouw. Het "
            "speelplein voor de bovenbouw voldoet echter niet meer aan de eisen van de school.") in found
    assert "☒ schooltuin" in found
    # 11XT p29: "Toelichting:" follows the last option without a gap; it is no part of it.
    assert [line for line in lines("11XT", 29) if line.startswith("☐")][-1] == (
        "☐ Competenties om ouders als partner te betrekken bij de onderwijszorg voor hun kind")


def test_an_x_typed_before_or_instead_of_the_box() -> None:
    # 03YB p21: "x☐ alternatieve methodes" (ticked) against "☐ gericht op visuele …" (not).
    found = lines("03YB", 21)
    assert "☒ alternatieve methodes, nl. Veilig in stapjes / de letterdoos" in found
    assert "☐ gericht op visuele informatieverwerking, nl." in found
    # 04UZ p18: "x gericht op visuele …" where the other lines have a box.
    found = lines("04UZ", 18)
    assert "☒ gericht op visuele informatieverwerking, nl. Kurzweil" in found
    assert "☐ gericht op auditieve informatieverwerking, nl." in found
    assert "☒ anders, nl coöperatieve Spelen" in found
    # 06WT p21: the same after a bullet.
    assert "☒ alternatieve methodes, nl. leespraat en aangepaste schrijfmethode voor leerling met SvD" in lines("06WT", 21)


def test_wingdings_and_unmapped_box_glyphs() -> None:
    # 10WH p19: Wingdings U+F078 is a box with a cross.
    assert "☒ begrenzing van het gedrag: Gedragsprotocol" in lines("10WH", 19)
    # 11XT p29 and 12FU p23: MS-Gothic boxes with no character code (NUL), told apart by their shape (empty).
    assert "☐ Kennis over onderwijszorgvoorzieningen rond de school en in de regio" in lines("11XT", 29)
    assert lines("12FU", 23) == ["☐ een speelplein met extra kwaliteit",
                                 "☐ schooltuin, deel van brede school samen met wijkbewoners"]


def test_bullets_and_markers_are_not_boxes() -> None:
    # 23CG p19: Wingdings "➢" bullets; 03WT p23: Wingdings "▪" bullets; 03WT p7 "bevindt zich op positie ■".
    assert lines("23CG", 19) == []
    assert lines("03WT", 23) == []
    assert not any("positie" in line for line in lines("03WT", 7))


# --------------------------------------------------------------------------------------------- grids


def test_expertise_grid_with_words_label_column_last() -> None:
    # 03WT p20: "Nee | Ja | visuele beperkingen", the header split over three lines and shaded.
    grid = table("03WT", 20, "binnen")
    assert grid[0] == "|  | binnen de school zelf beschikbaar | buiten de school snel toegankelijk |"
    assert "| visuele beperkingen | Nee | Nee |" in grid
    assert "| auditieve beperkingen | Nee | Ja |" in grid
    assert "| dyslexie | Ja | Ja |" in grid
    assert "| onderwijsachterstanden andere culturen | Nee | Ja |" in grid
    assert len(grid) == 1 + 12 + 1


def test_expertise_grid_with_single_crosses() -> None:
    # 15DX p21 and 03MK p18: one "X" or "x" per row; its column is kept.
    grid = table("15DX", 21, "binnen")
    assert "| visuele beperkingen |  |  |" in grid
    assert "| spraak/taal belemmeringen |  | X |" in grid
    assert "| dyslexie | X |  |" in grid
    assert "| onderwijsachterstanden andere culturen |  | X |" in grid
    grid = table("03MK", 18, "binnen")
    assert "| visuele beperkingen |  | X |" in grid
    assert "| dyslexie | X |  |" in grid
    assert "| anders, nl. Hoogbegaafdheid | X |  |" in grid


def test_expertise_grid_lower_case_words() -> None:
    grid = table("11XT", 29, "binnen")
    assert "| visuele beperkingen | nee | nee |" in grid
    assert "| spraak/taal belemmeringen | Ja | Ja |" in grid
    assert "| overige psychiatrische aandoeningen | nee | Ja |" in grid


def test_cooperation_grid_of_drawn_crosses() -> None:
    # 03WT p21: the crosses are drawings; the text layer has only the labels.
    grid = table("03WT", 21, "nooit")
    assert grid[0] == "|  | nooit | soms | regelmatig | vaak |"
    assert grid[1:6] == [
        "| SMW |  |  |  | X |",
        "| Bureau Jeugdzorg |  |  | X |  |",
        "| GGD |  |  |  | X |",
        "| GGZ |  |  | X |  |",
        "| MEE |  | X |  |  |",
    ]
    assert "| Gemeente: schakelklassen | X |  |  |  |" in grid
    # 21MX p21: labels wrapped in their cells stay one row.
    grid = table("21MX", 21, "nooit")
    assert "| Gemeente brede school |  |  | X |  |" in grid
    assert "| Gemeente schakelklassen | X |  |  |  |" in grid


def test_cooperation_grid_of_words_and_empty_boxes() -> None:
    # 12FU p25: empty drawn boxes, an "x" where a box was ticked, and a column of names.
    grid = table("12FU", 25, "Nooit")
    assert grid[0] == "|  | Nooit | Sporadisch | Regelmatig | Vaak | GHP6 | Contact-persoon7 |"
    assert "| SMW |  |  | X |  |  | Kim Wouda |" in grid
    assert "| Bureau Jeugdzorg | X |  |  |  |  |  |" in grid
    assert "| Gemeente: brede school |  |  |  | X |  | Léonie Aarts Elja Barten |" in grid
    # 15CK p20: "x **": the cross with its footnote sign.
    assert "| Revalidatiekliniek |  | X ** |  |  |" in table("15CK", 20, "nooit")


def test_scale_grid_of_glyphs() -> None:
    grid = table("03WT", 14, "| 1 |")
    assert grid[0] == "|  | 1 | 2 | 3 | 4 |"
    assert "| overdragen van kennis – zelf ontdekken |  |  | X |  |" in grid
    assert "| sturing van het leren door de leerkracht – leerlingen sturen eigen leren |  |  | X | X |" in grid
    assert "| beoordeling door leerkracht – zelfbeoordeling door leerling |  | X | X |  |" in grid
    # 09KK p16: arrows between the boxes ("☒→☒") shift them; the captions place the columns.
    grid = table("09KK", 16, "| 1 |")
    assert "| overdragen van kennis – zelf ontdekken |  | X | X |  |" in grid
    assert "| beoordeling door leerkracht – zelfbeoordeling door leerling | X | X |  |  |" in grid
    assert "| alle leerlingen op basisniveau brengen – het maximale uit elke leerling halen |  |  |  | X |" in grid


def test_scale_grid_keeps_footnote_numbers() -> None:
    # 09MT p16: "☒1" … "☒10", a footnote per row under the page.
    grid = table("09MT", 16, "| 1 |")
    assert "| overdragen van kennis – zelf ontdekken | X1 |  |  |  |" in grid
    assert "| sturing van het leren door de leerkracht – leerlingen sturen eigen leren | X4 | X |  |  |" in grid
    assert "| evaluatie onderwijs door leerkracht – evaluatie samen met leerlingen |  | X10 |  |  |" in grid


def test_scale_grid_rows_apart_share_their_captions() -> None:
    # 12AT p14: a comment under each row; every run of rows is a grid of its own with the captions.
    grids = [g.lines for g in _grids("12AT", 14)]
    assert all(g[0] == "|  | 1 | 2 | 3 | 4 |" for g in grids)
    rows = [row for g in grids for row in g[1:-1]]
    assert rows[0] == "| overdragen van kennis – zelf ontdekken | X |  |  | X |"
    assert "| evaluatie onderwijs door leerkracht – evaluatie samen met leerlingen | X |  |  |  |" in rows
    assert len(rows) == 10


def test_ruled_scale_grid_of_drawn_boxes() -> None:
    grid = table("02ZX", 20, "Onderwijsconcept")
    assert grid[0] == "| Onderwijsconcept | 1 | 2 | 3 | 4 |  |"
    assert "| Overdragen van kennis |  |  | X |  | Zelf ontdekken |" in grid
    assert "| Klassikaal leren |  | X C-D | X B | X A | Individueel en groepsleren |" in grid
    assert "| Evaluatie onderwijs door leerkrachten | X |  |  |  | Evaluatie onderwijs samen met leerlingen |" in grid


def test_profile_grid() -> None:
    grid = table("01FX", 10, "Netwerkschool")
    assert grid[0] == "|  | Netwerkschool | Smalle ondersteunings-school | Brede ondersteunings-school | Inclusieve school |"
    assert "| Onderwijsconcept |  |  |  | X |" in grid
    assert "| Onderwijsvoorzieningen: |  |  |  |  |" in grid


def test_plain_tables_and_text_pages_are_left_alone() -> None:
    # 03WT p14 also holds two ordinary tables (numbers per school year); 11KC p23 a table of hours.
    assert not any("schooljaar" in line or "arrangementen" in line for line in lines("03WT", 14))
    assert lines("11KC", 23) == []
    for page in range(1, 6):
        assert lines("03WT", page) == []


def test_a_grid_covers_the_text_it_replaces() -> None:
    """The loader drops the text lines whose centre lies in a grid's box: those must be the grid's own."""
    with pymupdf.open(PLEIN013 / "03WT.pdf") as doc:
        page = doc[7]
        grids = find_grids(page)
        text = [(ln["bbox"], "".join(s["text"] for s in ln["spans"]).strip())
                for b in page.get_text("dict")["blocks"] for ln in b.get("lines", [])]
    inside = [t for bbox, t in text if t and any(_centre_in(bbox, g.bbox) for g in grids)]
    outside = [t for bbox, t in text if t and not any(_centre_in(bbox, g.bbox) for g in grids)]
    assert "☒" in inside and "vergelijkbaar" not in outside
    assert any(t.startswith("Domein 3.") for t in outside)  # the question above the options stays text
    assert not any(t in "☐☒" for t in outside)


def _centre_in(bbox: tuple, box: tuple) -> bool:
    x, y = (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


# --------------------------------------------------------------------------------------------- the matrix

def test_matrix_cells_that_rest_on_a_grid() -> None:
    """The hand-read matrix cells (../shared/eval) whose quote is a grid's label, and that the reader did not mark
    "also unknown", agree with the mark read here: "yes" on a ticked option or a row with X/Ja, else not."""
    matrix = json.loads(MATRIX.read_text(encoding="utf-8"))
    checked, wrong = [], []
    for doc, cells in matrix.items():
        for category, cell in cells.items() if not doc.startswith("_") else ():
            if "page" not in cell or "unknown" in cell.get("also", []):
                continue
            quote = re.sub(r"\s+", " ", cell["quote"]).strip().lower()[:40]
            rows = [line for line in lines(doc.upper(), cell["page"]) if quote in line.lower()]
            if not rows or rows[0].startswith("|  |"):
                continue  # the quote is running text, not a grid's label
            ticked = rows[0].startswith("☒") or bool(re.search(r"\| (X|Ja|ja)\b", rows[0]))
            checked.append((doc, category))
            if ticked != (cell["status"] == "yes"):
                wrong.append((doc, category, cell["status"], rows[0]))
    # 16VR p8 (autisme, slechthorend/doof, motoriek), 11XT p26 (motoriek) and p27 (hoogbegaafdheid).
    assert len(checked) >= 5, checked
    assert not wrong, wrong


# --------------------------------------------------------------------------------------------- synthetic pages


def _ruled_grid(page: pymupdf.Page, xs: list[float], ys: list[float], merged_top: set[int] = frozenset()) -> None:
    for y in ys:
        page.draw_line((xs[0], y), (xs[-1], y), width=0.5)
    for i, x in enumerate(xs):
        top = ys[1] if i in merged_top else ys[0]  # no rule in the first row: a merged header cell
        page.draw_line((x, top), (x, ys[-1]), width=0.5)


def test_two_header_rows_and_drawn_crosses() -> None:
    """"Ja Nee Ja Nee" under two merged header cells, the answers drawn: each column is named by both rows."""
    doc = pymupdf.open()
    page = doc.new_page()
    xs, ys = [60, 220, 280, 340, 400, 460], [100, 120, 140, 160, 180]
    _ruled_grid(page, xs, ys, merged_top={2, 4})
    page.insert_text((225, 114), "binnen de school", fontsize=9)
    page.insert_text((345, 114), "buiten de school", fontsize=9)
    for x, word in zip(xs[1:5], ["Ja", "Nee", "Ja", "Nee"]):
        page.insert_text((x + 5, 134), word, fontsize=9)
    page.insert_text((65, 154), "dyslexie", fontsize=9)
    page.insert_text((65, 174), "visuele beperkingen", fontsize=9)
    for x, y in [(245, 145), (425, 145), (305, 165), (365, 165)]:
        page.draw_rect((x, y, x + 9, y + 9), width=0.5)
        page.draw_line((x, y), (x + 9, y + 9), width=0.5)
        page.draw_line((x, y + 9), (x + 9, y), width=0.5)
    (grid,) = find_grids(page)
    assert grid.lines[:3] == [
        "|  | binnen de school Ja | binnen de school Nee | buiten de school Ja | buiten de school Nee |",
        "| dyslexie | X |  |  | X |",
        "| visuele beperkingen |  | X | X |  |",
    ]
    assert grid.bbox == (60, 100, 460, 180)


def test_marks_of_an_unknown_kind_are_said_to_be_unreadable() -> None:
    """Check marks drawn as curves, which are no box, cross or word: the labels stay, flagged, without answers."""
    doc = pymupdf.open()
    page = doc.new_page()
    xs, ys = [60, 220, 280, 340], [100, 120, 140, 160, 180]
    _ruled_grid(page, xs, ys)
    for x, word in zip(xs[1:], ["nooit", "soms"]):
        page.insert_text((x + 5, 114), word, fontsize=9)
    for y, label in zip(ys[1:], ["SMW", "GGD", "MEE"]):
        page.insert_text((65, y + 14), label, fontsize=9)
    for x, y in [(245, 125), (305, 145), (245, 165)]:
        shape = page.new_shape()
        shape.draw_bezier((x, y + 5), (x + 2, y + 8), (x + 3, y + 9), (x + 4, y + 10))
        shape.draw_bezier((x + 4, y + 10), (x + 6, y + 5), (x + 8, y + 2), (x + 10, y))
        shape.finish(width=0.8)
        shape.commit()
    (grid,) = find_grids(page)
    assert grid.lines[0] == f"nooit / soms: {UNREADABLE} (SMW, GGD, MEE)"


def test_check_boxes_of_a_form() -> None:
    doc = pymupdf.open()
    page = doc.new_page()
    for n, (label, value) in enumerate([("rolstoeltoegankelijkheid", True), ("lift", False)]):
        widget = pymupdf.Widget()
        widget.field_type = pymupdf.PDF_WIDGET_TYPE_CHECKBOX
        widget.field_name = f"box{n}"
        widget.rect = pymupdf.Rect(60, 300 + 20 * n, 70, 310 + 20 * n)
        widget.field_value = value
        page.add_widget(widget)
        page.insert_text((75, 308 + 20 * n), label, fontsize=9)
    assert [line for g in find_grids(page) for line in g.lines] == ["☒ rolstoeltoegankelijkheid", "☐ lift"]


def test_a_page_without_marks_costs_no_grid() -> None:
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((60, 100), "Een gewone alinea zonder vakjes, met x en Ja in de tekst.", fontsize=11)
    assert find_grids(page) == []
