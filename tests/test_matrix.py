"""The support matrix (``sop-assistant matrix``): statuses read from the profiles' own signals, each resting on a
verbatim quote that is on the cited page of the PDF.

Small hand-made chunks check the rules (regional text outranked, conflicts → border with both citations, 'Grens'
lists); the real profiles from ../shared/sop are checked against ``tests/data/matrix_expected.json``, which was
filled in by reading the PDFs, not by running the code."""

from __future__ import annotations

import json
import re

import pytest
from conftest import DATA, SOP_DIR
from langchain_core.documents import Document

from assistant.matrix.answer import matrix_statuses
from assistant.matrix.cache import MatrixRows
from assistant.matrix.rules import STATUSES, Cell, categories, matrix_rows_for_json, school_matrix
from assistant.question.categories import asks_across_schools
from assistant.question.reading import read_question
from assistant.question.schools import school_names
from core.units import Unit, encode_units
from ingest.model import LIST_MARK

PDFS = {"het-kristal": SOP_DIR / "het-kristal.pdf", "kc-balans": SOP_DIR / "kc-balans.pdf"}
EXPECTED = json.loads((DATA / "matrix_expected.json").read_text(encoding="utf-8"))
CONTRACT_CATEGORIES = [
    "dyslexie", "dyscalculie", "hoogbegaafdheid", "autisme", "gedrag", "nt2_nieuwkomers", "spraak_taal", "motoriek",
    "zieke_leerlingen", "faalangst", "rolstoel", "lift", "invalidetoilet", "slechthorend_doof", "slechtziend_blind",
]


def norm(text: str) -> str:
    return " ".join(text.split())


def chunk(text: str, section: str = "4.C Ondersteuningsvoorzieningen", scope: str = "school", kind: str = "text",
          page: int = 3, index: int = 0) -> Document:
    """A chunk as the indexer stores it: one unit per line (a list item after a bullet, a row in a table), all on
    ``page``."""
    units, position = [], 0
    for line in text.split("\n"):
        unit_kind = "list_item" if LIST_MARK.match(line) else "table_row" if kind == "table" else "text"
        units.append(Unit(position, position + len(line), unit_kind, scope, page))
        position += len(line) + 1
    return Document(
        page_content=text,
        metadata={
            "doc_id": "test-school", "school": "Test School", "page": page, "section": section, "scope": scope,
            "kind": kind, "units": encode_units(units), "chunk_index": index,
        },
    )


def across_schools(question: str, matrix: dict[str, dict[str, Cell]], names: dict[str, str] | None = None) -> list:
    """The statuses a question across schools gets from a matrix (none when it asks no such question)."""
    read = read_question(question, [], school_names(names or {doc_id: doc_id for doc_id in matrix}))
    return matrix_statuses(read, matrix, names or {}) if read.across_schools else []


# The rules, on small hand-made chunks ---------------------------------------------------------------------------
def test_every_contract_category_is_a_key_and_unnamed_ones_are_unknown():
    row = school_matrix([chunk("De school heeft een mooi schoolplein.")])
    assert categories() == CONTRACT_CATEGORIES
    assert list(row) == CONTRACT_CATEGORIES
    assert all(cell == Cell("unknown") for cell in row.values())


def test_table_rows_decide_and_school_text_outranks_regional_text():
    regional = chunk("Op alle scholen is een lift aanwezig.", section="2. Basisondersteuning", scope="regional")
    table = chunk("Voorziening Aanwezig in de school\nLift  nvt\nInvalidetoilet  Ja", kind="table", page=7, index=1)
    row = school_matrix([regional, table])
    assert (row["lift"].status, row["lift"].quote, row["lift"].page) == ("no", "Lift  nvt", 7)
    assert (row["invalidetoilet"].status, row["invalidetoilet"].quote) == ("yes", "Invalidetoilet  Ja")
    only_regional = school_matrix([regional])["lift"]
    assert only_regional.status == "yes" and only_regional.quote == "Op alle scholen is een lift aanwezig."


def test_conflicting_signals_give_border_with_both_citations():
    table = chunk("Expertise\nExpertise autisme Nee", kind="table", page=13)
    text = chunk("Op onze school: Wij bieden leerlingen met autisme een prikkelarme werkplek.", section="3.C", page=15,
                 index=1)
    cell = school_matrix([table, text])["autisme"]
    assert cell.status == "border"
    quotes = {cell.quote, cell.second.quote if cell.second else ""}
    offer = "Op onze school: Wij bieden leerlingen met autisme een prikkelarme werkplek."
    assert quotes == {"Expertise autisme Nee", offer}
    assert {cell.page, cell.second.page} == {13, 15}


def test_a_table_no_and_a_grens_item_agree_on_limit():
    table = chunk("Voorziening Aanwezig in de school\nLift  Nee", kind="table", page=7)
    grens = chunk("Grens:\n• Leerlingen in een rolstoel; ons gebouw heeft geen lift.", section="5.B Grens", page=8, index=1)
    cell = school_matrix([table, grens])["lift"]
    assert (cell.status, cell.page) == ("limit", 8)
    assert cell.second is not None and (cell.second.status, cell.second.quote) == ("no", "Lift  Nee")


def test_grens_and_grensgebied_lists():
    lists = chunk(
        "Grens:\n• Leerlingen die doof zijn\nGrensgebied (per kind bekeken):\n• Slechtziendheid\n"
        "Binnen het normprofiel:\n• Dyslexie\n• Hoogbegaafdheid i.c.m. gedragsproblemen\n• Begaafdheid",
        section="5. Grensgebied",
    )
    row = school_matrix([lists])
    assert (row["slechthorend_doof"].status, row["slechthorend_doof"].quote) == ("limit", "Leerlingen die doof zijn")
    assert (row["slechtziend_blind"].status, row["slechtziend_blind"].section) == (
        "border", "5. Grensgebied › Grensgebied (per kind bekeken)")
    assert row["dyslexie"].status == "yes"
    # A combination ('i.c.m.') says less about giftedness than the plain 'Begaafdheid' item.
    assert (row["hoogbegaafdheid"].status, row["hoogbegaafdheid"].quote) == ("yes", "Begaafdheid")


def test_explicit_words_in_a_school_sentence():
    row = school_matrix([chunk("Er is geen lift in het gebouw. Leerlingen met faalangst worden per kind bekeken.")])
    assert (row["lift"].status, row["faalangst"].status) == ("no", "border")


def test_answer_from_matrix_recognises_which_schools_questions():
    matrix = {
        "a": school_matrix([chunk("Lift  nvt", kind="table")]),
        "b": school_matrix([chunk("In het hoofdgebouw is een lift aanwezig.")]),
    }
    found = across_schools("Welke scholen hebben een lift?", matrix, {"a": "School A", "b": "b"})
    assert [(s.doc_id, s.school, s.category, s.status) for s in found] == [
        ("a", "School A", "lift", "no"), ("b", "b", "lift", "yes")]
    assert found[1].cell.quote == "In het hoofdgebouw is een lift aanwezig."
    english = across_schools("Which schools accept children with dyslexia?", matrix)
    assert {s.category for s in english} == {"dyslexie"} and {s.status for s in english} == {"unknown"}
    assert across_schools("Hoe werkt de lift op Het Kristal?", matrix) == []
    assert across_schools("Welke scholen zijn er in Den Haag?", matrix) == []
    assert asks_across_schools("Are there schools with a wheelchair lift?")


# The real profiles ----------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def matrix(seed_assistant):
    index = seed_assistant.index
    chunks = {doc_id: [c.page_content for c in index.store.chunks_of(doc_id)] for doc_id in PDFS}
    return MatrixRows.of(index).matrix(index.profiles()), chunks


@pytest.fixture(scope="module")
def pdf_pages():
    import pymupdf

    pages = {}
    for doc_id, path in PDFS.items():
        if path.is_file():
            with pymupdf.open(path) as pdf:
                pages[doc_id] = [page.get_text() for page in pdf]
    return pages


def without_page_number(text: str) -> str:
    """A page's text without the bare page number PyMuPDF reads at its foot."""
    return re.sub(r"\n\s*\d{1,3}\s*$", "", text.rstrip())


def on_page(quote: str, pages: list[str], page: int) -> bool:
    """The quote is on the cited page, or it is a table row whose label and value a page break separates and the
    cited page holds part of it (the index cites such a row on its value's page)."""
    q = norm(quote)
    here = norm(pages[page - 1])
    if q in here:
        return True
    before = without_page_number(pages[page - 2]) if page >= 2 else ""
    after = pages[page] if page < len(pages) else ""
    across_before = q in norm(before + " " + pages[page - 1]) and q not in norm(before)
    across_after = q in norm(without_page_number(pages[page - 1]) + " " + after) and q not in norm(after)
    return across_before or across_after


def citations(row: dict[str, Cell]):
    for category, cell in row.items():
        if cell.status != "unknown":
            yield category, cell.page, cell.quote
            if cell.second:
                yield category, cell.second.page, cell.second.quote


@pytest.mark.parametrize("doc_id", list(PDFS))
def test_matrix_matches_the_hand_checked_cells(matrix, doc_id):
    support, _ = matrix
    row = support[doc_id]
    expected = {k: v for k, v in EXPECTED[doc_id].items() if not k.startswith("_")}
    assert len(expected) >= 10
    wrong = []
    for category, want in expected.items():
        cell = row[category]
        problems = []
        if cell.status != want["status"]:
            problems.append(f"status {cell.status}")
        if not any(norm(part) in norm(cell.quote) for part in want["quote_contains"]):
            problems.append(f"quote {cell.quote!r}")
        if cell.page not in want["page"]:
            problems.append(f"page {cell.page}")
        if "second_contains" in want and not (
            cell.second and any(norm(part) in norm(cell.second.quote) for part in want["second_contains"])
        ):
            problems.append(f"second {cell.second}")
        if problems:
            wrong.append(f"{category}: expected {want['status']} ({want['source']}); got " + ", ".join(problems))
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("doc_id", list(PDFS))
def test_every_quote_is_verbatim_on_its_cited_page(matrix, pdf_pages, doc_id):
    support, chunks = matrix
    not_found = []
    for category, page, quote in citations(support[doc_id]):
        assert quote and isinstance(page, int), (category, page, quote)
        if not any(quote in text for text in chunks[doc_id]):
            not_found.append(f"{category}: not verbatim in any chunk: {quote!r}")
        elif not on_page(quote, pdf_pages[doc_id], page):
            not_found.append(f"{category}: not on PDF page {page}: {quote!r}")
    assert not not_found, "\n".join(not_found)


def test_json_shape_is_the_contract(matrix):
    support, _ = matrix
    rows = matrix_rows_for_json(support)
    assert set(rows) == set(PDFS)
    for row in rows.values():
        assert list(row) == CONTRACT_CATEGORIES
        for cell in row.values():
            assert set(cell) == {"status", "page", "section", "quote"}
            assert cell["status"] in STATUSES
    json.dumps(rows)
    with_second = matrix_rows_for_json(support, include_second=True)
    assert with_second["kc-balans"]["faalangst"]["second"]["quote"]


def test_which_schools_questions_on_the_real_profiles(matrix):
    support, _ = matrix
    lift = across_schools("Welke scholen hebben een lift?", support)
    assert {(s.doc_id, s.status) for s in lift} == {("het-kristal", "no"), ("kc-balans", "yes")}
    dyslexia = across_schools("Which schools accept children with dyslexia?", support)
    assert {(s.doc_id, s.category, s.status) for s in dyslexia} == {
        ("het-kristal", "dyslexie", "yes"), ("kc-balans", "dyslexie", "yes")}
    assert all(s.cell.quote and s.cell.page for s in dyslexia)
