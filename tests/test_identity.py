"""School identity read from the profile itself (ingest/identity.py), checked against a hand-checked table of the 77
Plein013 reports, the two Haaglanden seed profiles and the three example profiles."""

from __future__ import annotations

import ast
import csv
import dataclasses
import functools
import re
from importlib import resources
from pathlib import Path

import pytest

from ingest.identity import SchoolIdentity, is_support_profile, read_identity

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
PLEIN013 = SHARED / "sop-plein013"
SEED = SHARED / "sop"
EXAMPLES = ROOT / "examples" / "docs"
TABLE = Path(__file__).with_name("data") / "plein013_schools.csv"
ROWS = list(csv.DictReader(TABLE.open(encoding="utf-8")))

needs_plein013 = pytest.mark.skipif(not PLEIN013.is_dir(), reason="../shared/sop-plein013 is not beside this checkout")
needs_seed = pytest.mark.skipif(
    not (SEED / "het-kristal.pdf").exists(), reason="../shared/sop is not beside this checkout"
)


@functools.lru_cache(maxsize=None)
def pdf_pages(path: Path) -> list[str]:
    import pymupdf

    with pymupdf.open(path) as document:
        return [page.get_text() for page in document]


def docx_pages(path: Path) -> tuple[list[str], str | None]:
    """Paragraphs and table rows ('| School | Kindcentrum De Vlinder |') in document order, as one page."""
    import docx
    from docx.table import Table

    document = docx.Document(str(path))
    lines = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            for row in item.rows:
                cells: list[str] = []
                for cell in row.cells:
                    text = " ".join(cell.text.split())
                    if not cells or cells[-1] != text:
                        cells.append(text)
                lines.append("| " + " | ".join(cells) + " |")
        else:
            lines.append(item.text)
    return ["\n".join(lines)], document.core_properties.title or None


# ---------------------------------------------------------------- the table itself


def test_table_covers_every_report_once():
    assert len(ROWS) == 77
    assert len({row["doc_id"] for row in ROWS}) == 77
    for row in ROWS:
        stem = row["file"].rsplit(".", 1)[0]
        assert row["doc_id"] == re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
        assert row["type"] in {"basisschool", "sbo", "so", "vo"}
        assert row["brin"] == (stem.upper() if re.fullmatch(r"[0-9]{2}[A-Za-z]{2}", stem) else "")
        assert row["name"] and row["name"].upper() != row["brin"]


@needs_plein013
def test_table_lists_the_shared_files():
    assert sorted(row["file"] for row in ROWS) == sorted(path.name for path in PLEIN013.glob("*.pdf"))


# ---------------------------------------------------------------- (a) the 77 Plein013 reports


@needs_plein013
@pytest.mark.parametrize("row", ROWS, ids=[row["doc_id"] for row in ROWS])
def test_plein013_identity(row):
    identity = read_identity(pdf_pages(PLEIN013 / row["file"]), row["file"])
    got = {field: getattr(identity, field) for field in ("name", "town", "brin", "type")}
    assert got == {field: row[field] for field in ("name", "town", "brin", "type")}


@needs_plein013
def test_schools_that_share_a_name_differ_by_town():
    towns = {row["doc_id"]: row["town"] for row in ROWS}
    assert towns["08ru"] == "Alphen" and towns["16vr"] == "Diessen"  # two Willibrordusscholen
    assert (towns["03wt"], towns["so-de-keyzer"]) == ("Goirle", "Goirle")
    identity = read_identity(pdf_pages(PLEIN013 / "03WT.pdf"), "03WT.pdf")
    assert "Zonnesteen" not in identity.name  # the SBO its text mentions is another school
    assert read_identity(pdf_pages(PLEIN013 / "so de keyzer.pdf"), "so de keyzer.pdf").name == "SG De Keyzer"


# ---------------------------------------------------------------- (b) other templates


@needs_seed
@pytest.mark.parametrize(
    "file, name, town, brin",
    [
        ("het-kristal.pdf", "BS Het Kristal", "Rijswijk", ""),
        ("kc-balans.pdf", "Kindcentrum Balans", "Den Haag", "26PT"),
    ],
)
def test_seed_profiles(file, name, town, brin):
    identity = read_identity(pdf_pages(SEED / file), file)
    assert (identity.name, identity.town, identity.brin, identity.type) == (name, town, brin, "basisschool")


def test_example_pdf():
    identity = read_identity(pdf_pages(EXAMPLES / "obs-de-regenboog.pdf"), "obs-de-regenboog.pdf")
    assert (identity.name, identity.town, identity.brin, identity.type) == (
        "OBS De Regenboog", "Delft", "99XA", "basisschool"
    )
    assert identity.period == "2023-2027"
    assert identity.bestuur == "Stichting Openbaar Onderwijs Delftse Kring"


def test_example_docx():
    pages, title = docx_pages(EXAMPLES / "kindcentrum-de-vlinder.docx")
    for given_title in (title, None):
        identity = read_identity(pages, "kindcentrum-de-vlinder.docx", given_title)
        assert (identity.name, identity.town, identity.brin, identity.type) == (
            "Kindcentrum De Vlinder", "Zoetermeer", "99YB", "basisschool"
        )


def test_example_markdown():
    text = (EXAMPLES / "sbo-het-anker.md").read_text(encoding="utf-8")
    identity = read_identity([text], "sbo-het-anker.md")
    assert (identity.name, identity.town, identity.brin, identity.type) == ("SBO Het Anker", "Den Haag", "99ZC", "sbo")
    assert identity.period == "2024-2028"


def test_contact_table_and_prose_variants():
    filler = " Wij bieden ondersteuning aan leerlingen met een extra onderwijsbehoefte." * 3
    table = ["| School | OBS Het Palet |\n| Brinnummer | 17XY00 |\n| Plaats | 's-Gravenhage |\n" + filler]
    assert read_identity(table, "palet.pdf") == SchoolIdentity("OBS Het Palet", "Den Haag", "17XY", "basisschool")
    prose = [
        "Inleiding\nBasisschool De Linde is een kleine school in het dorp Chaam. Veel leerlingen komen uit Breda. "
        "Wij werken samen met SBO De Rotonde in Breda en met De Wissel, een basisschool in Baarle-Nassau." + filler
    ]
    identity = read_identity(prose, "linde.pdf")
    assert (identity.name, identity.town) == ("Basisschool De Linde", "Chaam")
    field = ["Naam onderwijsvoorziening s(b)o:\n SO De Hondsberg te Oisterwijk\nBestuur: Stichting Ons\n" + filler]
    identity = read_identity(field, "hondsberg.pdf")
    assert (identity.name, identity.town, identity.type, identity.bestuur) == (
        "SO De Hondsberg", "Oisterwijk", "so", "Stichting Ons"
    )


# ---------------------------------------------------------------- (c) profile or not


def test_readme_and_letter_are_no_profiles():
    readme = SHARED / "sop-plein013.md"
    if readme.exists():
        assert not is_support_profile([readme.read_text(encoding="utf-8")])
    body = (
        "Volgende week start de extra ondersteuning voor leerlingen van groep 5. De intern begeleider neemt contact "
        "met u op over de begeleiding van uw kind op school en over het onderwijs in de groep. "
    )
    for paragraphs in (1, 15):  # a short note and a long letter full of support vocabulary
        letter = "Beste ouders,\n\n" + body * paragraphs + "\n\nMet vriendelijke groet,\nDe directie"
        assert not is_support_profile([letter])
    assert not is_support_profile(["Appeltaart. Meng bloem, boter en suiker. Bak het deeg een uur op 180 graden." * 60])
    folder = "Deze map bevat profielen van scholen: " + " ".join(f"{n:02d}AB.pdf" for n in range(60))
    assert not is_support_profile([folder + " ondersteuning leerlingen school zorg begeleiding onderwijs" * 40])


def test_every_example_is_a_profile():
    assert is_support_profile(pdf_pages(EXAMPLES / "obs-de-regenboog.pdf"))
    assert is_support_profile(docx_pages(EXAMPLES / "kindcentrum-de-vlinder.docx")[0])
    assert is_support_profile([(EXAMPLES / "sbo-het-anker.md").read_text(encoding="utf-8")])


@needs_seed
def test_seed_profiles_are_profiles():
    for path in sorted(SEED.glob("*.pdf")):
        assert is_support_profile(pdf_pages(path)), path.name


@needs_plein013
def test_every_plein013_report_is_a_profile():
    for row in ROWS:
        assert is_support_profile(pdf_pages(PLEIN013 / row["file"])), row["file"]


# ---------------------------------------------------------------- (d) the file name as last resort


def test_brin_shaped_file_name_is_a_brin_not_a_name():
    pages = ["Dit document beschrijft de ondersteuning op onze school voor alle leerlingen."]
    for file_name in ("08ru.pdf", "08RU.pdf", "/uploads/08Ru.docx"):
        identity = read_identity(pages, file_name)
        assert identity.brin == "08RU"
        assert identity.name.upper() != "08RU" and "08" not in identity.name


def test_other_file_name_names_a_school_only_without_a_name_in_the_text():
    assert read_identity(["Geen naam in deze tekst."], "de-regenboog.pdf").name == "de regenboog"
    named = read_identity(["Naam school: OBS Het Palet"], "08RU.pdf")
    assert (named.name, named.brin) == ("OBS Het Palet", "08RU")


# ---------------------------------------------------------------- the module and its data


def test_identity_is_frozen():
    identity = SchoolIdentity("OBS Het Palet")
    with pytest.raises(dataclasses.FrozenInstanceError):
        identity.name = "x"  # type: ignore[misc]
    assert (identity.town, identity.brin, identity.type, identity.bestuur, identity.period) == ("",) * 5


def test_module_uses_only_the_standard_library():
    tree = ast.parse((ROOT / "ingest" / "identity.py").read_text(encoding="utf-8"))
    nodes = list(ast.walk(tree))
    imported = {alias.name.split(".")[0] for node in nodes if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in nodes if isinstance(node, ast.ImportFrom) and node.module}
    assert imported <= {"__future__", "json", "re", "collections", "dataclasses", "functools", "importlib"}


def test_places_gazetteer():
    lines = resources.files("ingest.data").joinpath("places.txt").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("#")
    names = [line for line in lines if line and not line.startswith("#")]
    assert names == sorted(names, key=lambda name: (name.casefold(), name))
    assert len({name.casefold() for name in names}) == len(names)
    for name in ("'s-Hertogenbosch", "Den Haag", "Alphen-Chaam", "Moergestel", "Haghorst", "Diessen", "Berkel-Enschot",
                 "Udenhout", "Tilburg", "Goirle", "Esbeek", "Biest-Houtakker", "Zoetermeer", "Groningen", "Maastricht"):
        assert name in names


def test_rules_explain_themselves():
    import json

    rules = json.loads(resources.files("ingest.data").joinpath("identity.json").read_text(encoding="utf-8"))
    assert "_why" in rules
    assert all(isinstance(value, dict) and "_why" in value for key, value in rules.items() if key != "_why")
