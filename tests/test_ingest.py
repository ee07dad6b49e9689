"""Ingest of real and generated support profiles: school metadata, pages, cleaning, tables, scope, chunking.

Everything here runs through ``read_support_profile`` (no embedding model), so the module is fast.
"""

from __future__ import annotations

import re
from pathlib import Path

import pymupdf
import pytest
from conftest import EXAMPLES as EXAMPLES_DIR
from conftest import SOP_DIR

from assistant.answers.citations import page_of
from core.units import decode_units
from ingest.pipeline import doc_id_for, read_support_profile
from ingest.template import is_template_instruction

CHUNK_CHARS = 900
MAX_BYTES = 100 * 2**20
REAL_DOCS = ["het-kristal.pdf", "kc-balans.pdf", "het-kristal.txt", "kc-balans.txt"]

if not all((SOP_DIR / name).is_file() for name in REAL_DOCS):
    pytest.skip(f"real support profiles not found in {SOP_DIR}", allow_module_level=True)


def norm(text: str) -> str:
    return " ".join(text.split())


def passage_pattern(passage: str) -> re.Pattern[str]:
    """The passage with any whitespace (line breaks included) between its words."""
    return re.compile(r"\s+".join(re.escape(word) for word in passage.split()))


@pytest.fixture(scope="module")
def profiles():
    return {name: read_support_profile(SOP_DIR / name, CHUNK_CHARS, MAX_BYTES) for name in REAL_DOCS}


@pytest.fixture(scope="module")
def pdf_pages():
    """Whitespace-normalised text of every page of both PDFs, as PyMuPDF reads it."""
    pages = {}
    for name in ("het-kristal.pdf", "kc-balans.pdf"):
        with pymupdf.open(SOP_DIR / name) as pdf:
            pages[name] = [norm(page.get_text()) for page in pdf]
    return pages


def explained_lines(profile, label: str) -> list[str]:
    return [
        line
        for chunk in profile.chunks
        for line in chunk.metadata["explained"].split("\n")
        if label.lower() in line.lower()
    ]


# School metadata -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, expected",
    [
        ("het-kristal.pdf", "Het Kristal"),
        ("het-kristal.txt", "Het Kristal"),
        ("kc-balans.pdf", "Balans"),
        ("kc-balans.txt", "Balans"),
    ],
)
def test_school_name_found(profiles, name, expected):
    profile = profiles[name]
    assert expected in profile.identity.name
    assert profile.doc_id == Path(name).stem
    assert profile.chunks, "no chunks"
    for chunk in profile.chunks:
        assert chunk.metadata["school"] == profile.identity.name
        assert chunk.metadata["doc_id"] == profile.doc_id


@pytest.mark.parametrize("name", ["kc-balans.pdf", "kc-balans.txt"])
def test_balans_brin_city_and_period(profiles, name):
    info = profiles[name].identity
    assert info.brin == "26PT"
    assert info.town == "Den Haag"
    # "een nieuw schoolondersteuningsprofiel is opgesteld voor de periode 2017-2021"
    assert info.period == "2017-2021"


@pytest.mark.parametrize("name", ["het-kristal.pdf", "het-kristal.txt"])
def test_kristal_period(profiles, name):
    assert profiles[name].identity.period == "2021-2025"


def test_pdf_page_counts(profiles, pdf_pages):
    for name, pages in pdf_pages.items():
        assert profiles[name].pages == len(pages)
    assert profiles["het-kristal.txt"].pages is None  # TXT without form feeds has no pages


# Pages ----------------------------------------------------------------------------------------------------

# (document, passage, the passage is not on the first page of the chunk that holds it)
KNOWN_PASSAGES = [
    ("kc-balans.pdf", "In het hoofdgebouw is een lift aanwezig", False),
    # Its chunk opens at "Op onze school:" on the same page: the regional text before it is a chunk of its own.
    ("kc-balans.pdf", "Bij vermoeden van dyslexie worden de leerlingen gericht gevolgd", False),
    ("kc-balans.pdf", "Leerlingen kunnen worden doorverwezen naar de schoolarts", False),
    ("kc-balans.pdf", "Tweemaal per jaar worden de leeropbrengsten op schoolniveau", False),
    ("kc-balans.pdf", "Ondersteuning van leerlingen met behoefte aan oplossingsgerichte", True),
    # It opens a paragraph, and chunks end before a paragraph that does not fit, so its chunk starts on its page.
    ("het-kristal.pdf", "Kortom de groepsbespreking is cruciaal", False),
    ("het-kristal.pdf", "Meer inzicht in soort ondersteuningsvragen waarvoor jeugdhulp", True),
    ("het-kristal.pdf", "Een logopediste en ambulant begeleider van Kentalis", False),
    ("het-kristal.pdf", "Op de begroting van het kalenderjaar 2023", False),
]


@pytest.mark.parametrize("name, passage, later_page", KNOWN_PASSAGES)
def test_known_passage_cites_its_pdf_page(profiles, pdf_pages, name, passage, later_page):
    pages = [number for number, text in enumerate(pdf_pages[name], start=1) if passage in text]
    assert len(pages) == 1, f"{passage!r} should be on exactly one page of {name}, found on {pages}"
    expected = pages[0]
    pattern = passage_pattern(passage)
    holders = [(chunk, m.start()) for chunk in profiles[name].chunks if (m := pattern.search(chunk.page_content))]
    assert holders, f"no chunk of {name} contains {passage!r}"
    for chunk, offset in holders:
        assert page_of(chunk, offset) == expected, (chunk.metadata["chunk_index"], chunk.metadata["units"])
        assert chunk.metadata["page"] <= expected <= chunk.metadata["page_end"]
    if later_page:
        # The case that matters: a chunk that starts on an earlier page must still cite the passage's own page.
        assert any(chunk.metadata["page"] < expected for chunk, _ in holders)


@pytest.mark.parametrize("name", ["het-kristal.pdf", "kc-balans.pdf"])
def test_every_sentence_cites_the_page_it_is_on(profiles, pdf_pages, name):
    """Each unit stored with a chunk maps (via page_of) to the page PyMuPDF finds it on."""
    checked, wrong = 0, []
    for chunk in profiles[name].chunks:
        text = chunk.page_content
        for unit in decode_units(chunk.metadata["units"]):
            offset = unit.start
            probe = norm(text[unit.start : unit.end])[:50]
            if len(probe) < 25:
                continue
            found = [number for number, page_text in enumerate(pdf_pages[name], start=1) if probe in page_text]
            if len(found) != 1:
                continue  # rejoined hyphenation, or text that repeats: no single answer
            checked += 1
            if page_of(chunk, offset) != found[0]:
                wrong.append((chunk.metadata["chunk_index"], probe, page_of(chunk, offset), found[0]))
    assert checked >= 200, f"only {checked} sentences could be located in {name}"
    assert not wrong, wrong[:5]


# Cleaning -------------------------------------------------------------------------------------------------

_BARE_PAGE_NUMBER = re.compile(r"^\s*(?:pagina\s*)?\d{1,3}\s*(?:(?:-|/|van)\s*\d{1,3})?\s*\.?\s*$", re.IGNORECASE)


def test_sources_do_have_the_running_footer(pdf_pages):
    """Guard for the next test: the footer is really there to remove."""
    assert sum("Model SchoolOndersteuningsProfiel" in text for text in pdf_pages["het-kristal.pdf"]) >= 1
    assert "Model SchoolOndersteuningsProfiel" in (SOP_DIR / "het-kristal.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", REAL_DOCS)
def test_headers_footers_and_page_numbers_removed(profiles, name):
    for chunk in profiles[name].chunks:
        text = chunk.page_content
        assert "Model SchoolOndersteuningsProfiel" not in text
        assert "versie 15 maart 2021" not in text
        assert not re.search(r"\b\d{1,2} - 14\.", text), text
        for line in text.split("\n"):
            assert not _BARE_PAGE_NUMBER.match(line), f"page number line {line!r} in chunk {chunk.metadata['chunk_index']}"


# Tables ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["het-kristal.pdf", "het-kristal.txt"])
def test_kristal_expertise_table_rows_explain_themselves(profiles, name):
    profile = profiles[name]
    for label, value in [("Expertise autisme", "Nee"), ("Expertise gedrag", "Ja"), ("Expertise motoriek", "Nee")]:
        lines = explained_lines(profile, label)
        assert lines, f"no explained row for {label}"
        line = lines[0]
        assert re.search(rf"\b{value}\b", line), line
        # The row says which table and column it belongs to, not just "Expertise autisme Nee".
        assert re.search(r"ja\s*/\s*nee", line, re.IGNORECASE), line
        assert norm(line) != norm(f"{label} {value}")
    holders = [c for c in profile.chunks if "Expertise autisme" in c.page_content]
    assert holders and all(c.metadata["kind"] == "table" for c in holders)


FACILITY_ROWS = [("Lift", "nvt"), ("Invalidetoilet", "nvt"), ("doven/slechthorenden", "nvt"), ("Ouderkamer", "ja")]


def _assert_facilities_explained(profile):
    for label, value in FACILITY_ROWS:
        lines = explained_lines(profile, label)
        assert lines, f"no explained row for {label}"
        line = lines[0]
        assert re.search(rf"\b{value}\b", line, re.IGNORECASE), line
        assert re.search(r"voorziening", line.replace(label, ""), re.IGNORECASE), f"no column/caption name: {line}"
        assert "Aanwezig in de school" in line, line


def test_kristal_facilities_table_rows_explain_themselves_pdf(profiles):
    _assert_facilities_explained(profiles["het-kristal.pdf"])
    lines = explained_lines(profiles["het-kristal.pdf"], "Lift")
    assert "Bijzondere voorzieningen" in lines[0]  # the table's caption


def test_kristal_facilities_table_rows_explain_themselves_txt(profiles):
    _assert_facilities_explained(profiles["het-kristal.txt"])


# Scope ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["kc-balans.pdf", "kc-balans.txt"])
def test_balans_school_and_regional_passages_are_marked(profiles, name):
    chunks = profiles[name].chunks
    ours = [c for c in chunks if "Op onze school" in c.page_content]
    regional = [c for c in chunks if "Op alle scholen" in c.page_content]
    assert len(ours) >= 8 and len(regional) >= 6
    assert all(c.metadata["scope"] == "school" for c in ours), [c.page_content[:80] for c in ours if c.metadata["scope"] != "school"]
    assert all(c.metadata["scope"] == "regional" for c in regional)
    assert not [c for c in ours if c in regional], "a chunk mixes school text with regional text"


def test_kristal_fixed_regional_text_is_regional(profiles):
    chunks = profiles["het-kristal.pdf"].chunks
    vaste = [c for c in chunks if "Sinds de invoering van passend onderwijs hebben schoolbesturen zorgplicht" in norm(c.page_content)]
    assert vaste and all(c.metadata["scope"] == "regional" for c in vaste)
    visie = [c for c in chunks if "Snappet zijn intrede gedaan" in c.page_content]
    assert visie and all(c.metadata["scope"] == "school" for c in visie)


@pytest.mark.parametrize("name", ["kc-balans.pdf", "kc-balans.txt"])
def test_balans_regional_text_without_op_is_regional(profiles, name):
    for passage in ("Alle scholen maken gebruik van de protocollen", "Alle scholen werken conform de volgende afspraak"):
        holders = [c for c in profiles[name].chunks if passage in norm(c.page_content)]
        assert holders, passage
        for chunk in holders:
            assert chunk.metadata["scope"] == "regional", (passage, chunk.metadata["scope"])
            assert "Op onze school" not in chunk.page_content


# Chunking -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("chunk_chars", [300, 900])
@pytest.mark.parametrize("name", REAL_DOCS)
def test_chunks_stay_near_the_chunk_size(name, chunk_chars):
    profile = read_support_profile(SOP_DIR / name, chunk_chars, MAX_BYTES)
    sizes = [len(c.page_content) for c in profile.chunks]
    assert max(sizes) <= chunk_chars + 60, sorted(sizes)[-3:]
    assert len(profile.chunks) >= 20
    assert all(c.page_content.strip() for c in profile.chunks)
    assert [c.metadata["chunk_index"] for c in profile.chunks] == list(range(len(profile.chunks)))


def _source_text(name: str) -> str:
    path = SOP_DIR / name
    if path.suffix == ".pdf":
        with pymupdf.open(path) as pdf:
            return norm(" ".join(page.get_text() for page in pdf))
    return norm(path.read_text(encoding="utf-8"))


def _mid_sentence_endings(profile, source: str) -> list[tuple[str, str]]:
    """Chunks whose last words continue, in the source, with a lower-case word: cut inside a sentence.
    Table rows and list items end without a full stop but are followed by the next row/item, not lower case."""
    cut = []
    for chunk in profile.chunks:
        text = norm(chunk.page_content)
        if re.search(r"[.!?:;][\"”’)]?$", text) or len(text.split()[-1]) < 2:
            continue
        tail = text[-40:]
        at = source.find(tail)
        if at < 0:
            continue
        following = source[at + len(tail) : at + len(tail) + 30].lstrip()
        if following[:1].islower():
            cut.append((tail, following))
    return cut


@pytest.mark.parametrize("name", ["het-kristal.pdf", "kc-balans.pdf", "het-kristal.txt"])
def test_no_chunk_ends_mid_sentence(profiles, name):
    assert _mid_sentence_endings(profiles[name], _source_text(name)) == []


def test_no_chunk_ends_mid_sentence_double_spaced_txt(profiles):
    assert _mid_sentence_endings(profiles["kc-balans.txt"], _source_text("kc-balans.txt")) == []


CONTACT_ROWS = [
    ("School", "Kindcentrum Balans"),
    ("Website school", "www.kcbalans.nl"),
    ("Algemeen e-mailadres", "info@kcbalans.nl"),
    ("Naam directeur", "A. Gillet"),
    ("e-mail directeur", "agillet@kcbalans.nl"),
    ("Naam adjunct-directeur onderbouw", "M. Dries"),
    ("Naam adjunct-directeur bovenbouw", "D. van der Meer"),
    ("Aantal intern begeleiders", "4"),
]


@pytest.mark.parametrize("name", ["kc-balans.pdf", "kc-balans.txt"])
def test_balans_contact_table_is_one_chunk_of_explained_rows(profiles, name):
    """Rows parted by one space ('Naam adjunct-directeur onderbouw M. Dries') and a label followed by its values
    ('Verdeling leerjaren intern begeleiders' / '1-2') are rows of the table, not sub-headings that split it."""
    holders = [c for c in profiles[name].chunks if "Kindcentrum Balans" in c.page_content and "26PT" in c.page_content]
    assert len(holders) == 1
    chunk = holders[0]
    assert chunk.metadata["kind"] == "table" and chunk.metadata["section"] == "1. Contactgegevens van de school"
    for label, value in CONTACT_ROWS:
        assert f"{label} {value}" in norm(chunk.page_content), label
        assert any(
            label in line and line.endswith(value) and "Contactgegevens van de school" in line
            for line in chunk.metadata["explained"].split("\n")
        ), (label, chunk.metadata["explained"])
    assert "Verdeling leerjaren intern begeleiders" in chunk.page_content
    assert "1. " not in chunk.metadata["explained"]  # the chapter names the table; its number is no column name


@pytest.mark.parametrize("chunk_chars", [900, 1200])
@pytest.mark.parametrize("name", ["het-kristal.pdf", "het-kristal.txt"])
def test_kristal_dim_model_paragraph_is_not_cut_after_its_first_sentence(name, chunk_chars):
    profile = read_support_profile(SOP_DIR / name, chunk_chars, MAX_BYTES)
    texts = [norm(c.page_content) for c in profile.chunks]
    paragraph = (
        "Wij gebruiken het DIM-model. Klassenmanagement heeft niet alleen tot doel de groep als geheel te managen, "
        "maar het accent ligt op het organiseren van zinvolle instructies en leermomenten voor alle kinderen."
    )
    assert any(paragraph in text for text in texts)
    assert not [text[-80:] for text in texts if text.endswith("Wij gebruiken het DIM-model.")]


def test_paragraphs_that_fit_are_not_cut_between_chunks(tmp_path):
    repeated = "Leerlingen krijgen hierbij extra instructie in een kleine groep. " * 5
    paragraphs = [
        f"Op onze school werken wij in periode {n} met het project {word}. {repeated}"
        for n, word in enumerate(["zonnebloem", "regenboog", "klimrek", "vlieger", "kompas", "molen"], start=1)
    ]
    path = tmp_path / "de-eik.txt"
    path.write_text("Basisschool De Eik\n\n1. Ondersteuning\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    profile = read_support_profile(path, 900, MAX_BYTES)
    texts = [norm(c.page_content) for c in profile.chunks]
    assert len(texts) >= 3
    for paragraph in paragraphs:
        assert any(norm(paragraph) in text for text in texts), paragraph[:60]
    # Each chunk ends where a paragraph ends, not after the first sentence of the next one.
    assert all(any(text.endswith(norm(paragraph)) for paragraph in paragraphs) for text in texts), texts


@pytest.mark.parametrize("name", ["het-kristal.pdf", "het-kristal.txt"])
def test_template_instructions_of_the_sop_model_are_not_indexed(profiles, name):
    text = norm(" ".join(c.page_content for c in profiles[name].chunks))
    assert "Beschrijf kort de visie op passend onderwijs" not in text
    assert "Voor uitgebreidere informatie kan verwezen worden naar het schoolplan" not in text
    assert "De school kan hier ook verwijzen naar het schoolplan" not in text
    # What the school wrote right after the instruction stays.
    assert "Het bieden van goede zorg aan onze leerlingen staat centraal in onze school." in text
    assert "relatie – autonomie – competentie" in text


@pytest.mark.parametrize(
    "sentence, instruction",
    [
        ("Beschrijf kort de visie op passend onderwijs van de school.", True),
        ("Geef hier aan welke expertise in het team aanwezig is.", True),
        ("Vul de tabel hieronder in.", True),
        ("* De school kan hier ook verwijzen naar de schoolgids.", True),
        ("Wij beschrijven hier onze visie op passend onderwijs.", False),
        ("Geef de leerling de ruimte om in eigen tempo te werken.", False),
        ("De school kan de leerling doorverwijzen naar het speciaal basisonderwijs.", False),
        ("Voor meer informatie verwijzen wij naar onze schoolgids.", False),
    ],
)
def test_template_instruction_recognised(sentence, instruction):
    assert is_template_instruction(sentence) is instruction


@pytest.mark.parametrize("name", ["kc-balans.pdf", "kc-balans.txt"])
def test_entries_of_a_semicolon_list_are_no_headings(profiles, name):
    """Table 1 of Balans lists expertise as 'Cursussen begrijpend lezen en begrijpend luisteren;' / 'Engels' / ...:
    an entry without its ';' is not a sub-heading that starts a chunk of its own."""
    sections = {c.metadata["section"] for c in profiles[name].chunks}
    for entry in ("Engels", "VI ZON groep", "VI klanken", "Herzie Dyslexie", "Deelname techniekmenu"):
        assert not [s for s in sections if s.endswith(f"› {entry}")], entry
    holders = [c for c in profiles[name].chunks if "VI klanken Engels in alle leerjaren" in norm(c.page_content)]
    assert holders and holders[0].metadata["section"].startswith("4.A")


@pytest.mark.parametrize("name", ["het-kristal.pdf", "het-kristal.txt"])
def test_kristal_zorgniveaus_are_sections_of_their_own(profiles, name):
    """Each of the five zorgniveaus is a sub-heading, the long titles of levels 3 and 5 included, so the list of
    what falls under the basisondersteuning is cited under 'Zorgniveau 3', where the profile puts it."""
    sections = {c.metadata["section"].split(" › ")[-1] for c in profiles[name].chunks}
    for level in range(1, 6):
        assert any(s.startswith(f"Zorgniveau {level}:") for s in sections), (level, sections)
    holders = [c for c in profiles[name].chunks if "onder de basisondersteuning die wij op onze school" in norm(c.page_content)]
    assert holders and holders[0].metadata["section"].endswith(
        "Zorgniveau 3: Extra zorg op schoolniveau door interne deskundigen"
    )


def test_semicolon_list_entry_is_no_heading_but_a_real_heading_is(tmp_path):
    path = tmp_path / "de-es.txt"
    path.write_text(
        "Basisschool De Es\n\n1. Expertise\n\nIn het team is expertise op deze gebieden:\nCursus leescoördinator;\n"
        "Opleiding rekencoördinator;\nEngels\nVerlengde instructie buiten de groep;\nInzet Remedial Teachers.\n\n"
        "Fysieke toegankelijkheid\n\nHet gebouw heeft een lift en een invalidetoilet.\n",
        encoding="utf-8",
    )
    chunks = read_support_profile(path, CHUNK_CHARS, MAX_BYTES).chunks
    sections = [c.metadata["section"] for c in chunks]
    assert not [s for s in sections if s.endswith("Engels")], sections
    assert any(s.endswith("› Fysieke toegankelijkheid") for s in sections), sections
    assert any("Opleiding rekencoördinator; Engels" in norm(c.page_content) for c in chunks)


# DOCX, HTML and Markdown ----------------------------------------------------------------------------------

SCHOOL = "OBS De Zonnewijzer"
OURS = "Op onze school is het gebouw goed toegankelijk voor rolstoelen."
REGIONAL = "Op alle scholen in Haaglanden is basisondersteuning aanwezig voor leerlingen met dyslexie."
FACILITIES = [("Voorziening", "Aanwezig in de school"), ("Lift", "Ja"), ("Invalidetoilet", "Nee")]


def _write_docx(path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading(f"Schoolondersteuningsprofiel {SCHOOL}", level=0)
    document.add_heading("1. Fysieke toegankelijkheid", level=1)
    document.add_paragraph(OURS)
    table = document.add_table(rows=len(FACILITIES), cols=2)
    for r, (label, value) in enumerate(FACILITIES):
        table.cell(r, 0).text = label
        table.cell(r, 1).text = value
    document.add_heading("2. Expertise", level=1)
    document.add_paragraph(REGIONAL)
    document.add_heading("Specialisten", level=2)
    document.add_paragraph("Expertise dyslexie is aanwezig.", style="List Bullet")
    document.add_paragraph("Expertise autisme is in ontwikkeling.", style="List Bullet")
    document.save(path)


def _write_html(path: Path) -> None:
    rows = "".join(
        f"<tr><th>{a}</th><th>{b}</th></tr>" if i == 0 else f"<tr><td>{a}</td><td>{b}</td></tr>"
        for i, (a, b) in enumerate(FACILITIES)
    )
    path.write_text(
        f"""<!DOCTYPE html><html><head><title>SOP</title><style>.x {{ color: red }}</style>
<script>var geheim = "SCRIPTTEKST";</script></head><body>
<h1>Schoolondersteuningsprofiel {SCHOOL}</h1>
<h2>1. Fysieke toegankelijkheid</h2><p>{OURS}</p><table>{rows}</table>
<h2>2. Expertise</h2><p>{REGIONAL}</p>
<h3>Specialisten</h3><ul><li>Expertise dyslexie is aanwezig.</li><li>Expertise autisme is in ontwikkeling.</li></ul>
<script>document.write("MEERSCRIPT")</script></body></html>""",
        encoding="utf-8",
    )


def _write_md(path: Path) -> None:
    table = "\n".join(
        [f"| {FACILITIES[0][0]} | {FACILITIES[0][1]} |", "|---|---|"] + [f"| {a} | {b} |" for a, b in FACILITIES[1:]]
    )
    path.write_text(
        f"""# Schoolondersteuningsprofiel {SCHOOL}

## 1. Fysieke toegankelijkheid

{OURS}

{table}

## 2. Expertise

{REGIONAL}

### Specialisten

- Expertise dyslexie is aanwezig.
- Expertise autisme is in ontwikkeling.
""",
        encoding="utf-8",
    )


WRITERS = {"docx": _write_docx, "html": _write_html, "md": _write_md}


@pytest.fixture(scope="module")
def structured(tmp_path_factory):
    folder = tmp_path_factory.mktemp("structured")
    out = {}
    for suffix, write in WRITERS.items():
        path = folder / f"De Zonnewijzer SOP.{suffix}"
        write(path)
        out[suffix] = read_support_profile(path, CHUNK_CHARS, MAX_BYTES)
    return out


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_structured_formats_headings_become_sections(structured, fmt):
    profile = structured[fmt]
    assert profile.file_format == fmt
    assert profile.doc_id == "de-zonnewijzer-sop"
    assert "Zonnewijzer" in profile.identity.name
    assert profile.pages is None
    assert all(c.metadata["page"] == -1 for c in profile.chunks)

    ours = [c for c in profile.chunks if OURS in norm(c.page_content)]
    assert len(ours) == 1
    assert "Fysieke toegankelijkheid" in ours[0].metadata["section"]
    assert ours[0].metadata["scope"] == "school"

    regional = [c for c in profile.chunks if REGIONAL in norm(c.page_content)]
    assert len(regional) == 1
    assert "Expertise" in regional[0].metadata["section"]
    assert regional[0].metadata["scope"] == "regional"

    items = [c for c in profile.chunks if "Expertise dyslexie is aanwezig." in c.page_content]
    assert items and "Specialisten" in items[0].metadata["section"]
    assert "Expertise autisme is in ontwikkeling." in items[0].page_content


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_structured_formats_table_rows_explained_with_headers(structured, fmt):
    profile = structured[fmt]
    lift = explained_lines(profile, "Lift")
    toilet = explained_lines(profile, "Invalidetoilet")
    assert lift and toilet
    assert re.search(r"Voorziening:\s*Lift\b.*Aanwezig in de school:\s*Ja\b", lift[0]), lift[0]
    assert re.search(r"Voorziening:\s*Invalidetoilet\b.*Aanwezig in de school:\s*Nee\b", toilet[0]), toilet[0]
    holders = [c for c in profile.chunks if "Lift" in c.page_content]
    assert holders and holders[0].metadata["kind"] == "table"
    assert "Fysieke toegankelijkheid" in holders[0].metadata["section"]
    for chunk in profile.chunks:
        assert "|---" not in chunk.page_content and "<t" not in chunk.page_content


def test_html_scripts_and_styles_never_reach_chunks(structured):
    text = "\n".join(c.page_content + c.metadata["explained"] for c in structured["html"].chunks)
    assert "SCRIPTTEKST" not in text and "MEERSCRIPT" not in text and "color" not in text


def _two_tables(fmt: str, path: Path) -> None:
    expertise = [("Expertise", "Ja/nee"), ("Expertise autisme", "Nee")]
    facilities = [("Voorziening", "Aanwezig in de school"), ("Lift", "Ja")]
    if fmt == "md":
        def md(rows):
            return "\n".join([f"| {rows[0][0]} | {rows[0][1]} |", "|---|---|"] + [f"| {a} | {b} |" for a, b in rows[1:]])

        path.write_text(f"# Basisschool De Linde\n\n## Ondersteuning\n\n{md(expertise)}\n\n{md(facilities)}\n", encoding="utf-8")
    elif fmt == "html":
        def html(rows):
            head = f"<tr><th>{rows[0][0]}</th><th>{rows[0][1]}</th></tr>"
            return "<table>" + head + "".join(f"<tr><td>{a}</td><td>{b}</td></tr>" for a, b in rows[1:]) + "</table>"

        path.write_text(f"<html><body><h1>Basisschool De Linde</h1><h2>Ondersteuning</h2>{html(expertise)}{html(facilities)}</body></html>")
    else:
        _docx_tables(path, "Ondersteuning", [expertise, facilities])


def _docx_tables(path: Path, heading: str, tables: list[list[tuple[str, str]]]) -> None:
    """A Word document: a heading, then two-column tables one after the other."""
    import docx

    document = docx.Document()
    document.add_heading(heading, level=1)
    for rows in tables:
        table = document.add_table(rows=len(rows), cols=2)
        for r, (a, b) in enumerate(rows):
            table.cell(r, 0).text = a
            table.cell(r, 1).text = b
    document.save(path)


@pytest.mark.parametrize("fmt", ["docx", "html", "md"])
def test_second_adjacent_table_uses_its_own_header(tmp_path, fmt):
    path = tmp_path / f"linde.{fmt}"
    _two_tables(fmt, path)
    profile = read_support_profile(path, CHUNK_CHARS, MAX_BYTES)
    assert re.search(r"Expertise autisme.*Ja/nee:\s*Nee", "\n".join(explained_lines(profile, "Expertise autisme")))
    lift = explained_lines(profile, "Lift")
    assert lift and "Voorziening" in lift[0] and "Aanwezig in de school" in lift[0] and "Ja/nee" not in lift[0], lift


CONTACT = [("School", SCHOOL), ("Brinnummer", "99XA"), ("Telefoon", "015-2101234")]


def _write_ruled_pdf(path: Path) -> None:
    """A PDF as Word or reportlab writes it: tables drawn with a grid, each cell its own text block."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    styles = getSampleStyleSheet()
    grid = TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black")])

    def ruled(rows: list[tuple[str, str]]) -> Table:
        table = Table(rows)
        table.setStyle(grid)
        return table

    SimpleDocTemplate(str(path), pagesize=A4).build([
        Paragraph(f"Schoolondersteuningsprofiel {SCHOOL}", styles["Title"]),
        ruled(CONTACT),
        Paragraph("1. Fysieke toegankelijkheid", styles["Heading1"]),
        Paragraph(OURS, styles["Normal"]),
        ruled(FACILITIES),
        Paragraph("Het gebouw is gelijkvloers en heeft brede deuren.", styles["Normal"]),
        PageBreak(),
        Paragraph("2. Expertise", styles["Heading1"]),
        Paragraph(REGIONAL, styles["Normal"]),
    ])


def test_ruled_pdf_table_rows_keep_their_cells_and_headers(tmp_path):
    path = tmp_path / "zonnewijzer.pdf"
    _write_ruled_pdf(path)
    profile = read_support_profile(path, CHUNK_CHARS, MAX_BYTES)
    lift = explained_lines(profile, "Lift")
    toilet = explained_lines(profile, "Invalidetoilet")
    assert lift and re.search(r"Voorziening:\s*Lift\b.*Aanwezig in de school:\s*Ja\b", lift[0]), lift
    assert toilet and re.search(r"Voorziening:\s*Invalidetoilet\b.*Aanwezig in de school:\s*Nee\b", toilet[0]), toilet
    holders = [c for c in profile.chunks if "Lift" in c.page_content]
    assert holders and holders[0].metadata["page"] == 1 and holders[0].metadata["kind"] == "table"
    assert "Fysieke toegankelijkheid" in holders[0].metadata["section"]
    # Read one cell per line, the cells would pass for headings ('› Ja') and the rows would be lost.
    sections = {c.metadata["section"] for c in profile.chunks}
    assert not any(s.endswith(("› Ja", "› Nee", "› Lift", "› Aanwezig in de school")) for s in sections), sections
    text = norm("\n".join(c.page_content for c in profile.chunks))
    assert "Het gebouw is gelijkvloers en heeft brede deuren." in text and REGIONAL in text
    assert [c.metadata["page"] for c in profile.chunks if REGIONAL in norm(c.page_content)] == [2]


def _key_value_table(fmt: str, path: Path) -> None:
    if fmt == "pdf":
        _write_ruled_pdf(path)
    elif fmt == "md":
        rows = [f"| {a} | {b} |" for a, b in CONTACT]
        path.write_text(f"# {SCHOOL}\n\n## Contact\n\n" + "\n".join([rows[0], "|---|---|", *rows[1:]]) + "\n")
    else:
        _docx_tables(path, SCHOOL, [CONTACT])


@pytest.mark.parametrize("fmt", ["pdf", "docx", "md"])
def test_key_value_table_rows_are_not_explained_by_the_first_row(tmp_path, fmt):
    """'School | OBS …' is the first row of a contact table, not the names of its columns."""
    path = tmp_path / f"zonnewijzer.{fmt}"
    _key_value_table(fmt, path)
    brin = explained_lines(read_support_profile(path, CHUNK_CHARS, MAX_BYTES), "Brinnummer")
    assert brin and "Brinnummer — 99XA" in brin[0] and "School:" not in brin[0], brin


@pytest.mark.parametrize(
    "filename, content",
    [
        ("wilg.html", "<html><body><h1>Basisschool De Wilg</h1><p>Op onze school is er een lift.</p></body></html>"),
        ("wilg.txt", "Schoolondersteuningsprofiel OBS De Wilg\n\nVoorwoord\n\nDit is ons profiel. Wij bieden extra hulp.\n"),
    ],
    ids=["html", "txt"],
)
def test_school_name_does_not_run_into_the_next_line(tmp_path, filename, content):
    path = tmp_path / filename
    path.write_text(content, encoding="utf-8")
    school = read_support_profile(path, CHUNK_CHARS, MAX_BYTES).identity.name
    assert school in {"Basisschool De Wilg", "OBS De Wilg"}, school


# Example documents ----------------------------------------------------------------------------------------

SUPPORTED = {".pdf", ".docx", ".html", ".htm", ".txt", ".md"}


def _example_files() -> list[Path]:
    if not EXAMPLES_DIR.is_dir():
        return []
    return sorted(p for p in EXAMPLES_DIR.iterdir() if p.suffix.lower() in SUPPORTED and not p.name.startswith("."))


@pytest.mark.skipif(not _example_files(), reason=f"no example documents in {EXAMPLES_DIR}")
@pytest.mark.parametrize("path", _example_files(), ids=lambda p: p.name)
def test_example_documents_ingest_and_name_their_school(path):
    profile = read_support_profile(path, CHUNK_CHARS, MAX_BYTES)
    school = profile.identity.name
    text = "\n".join(c.page_content for c in profile.chunks)
    # The name comes from the document itself (it occurs verbatim), not from a guess.
    assert len(school.split()) >= 2 and school in text, f"{school!r} is not a school name found in {path.name}"
    assert not school.lower().endswith((" op", " wij", " we", " voorwoord", " inleiding")), school
    assert len(profile.chunks) >= 5
    assert profile.doc_id == doc_id_for(path)
    assert max(len(c.page_content) for c in profile.chunks) <= CHUNK_CHARS + 60
    assert {c.metadata["scope"] for c in profile.chunks} <= {"school", "regional"}


def test_markdown_bold_marks_are_layout_not_text():
    """The example profile in Markdown writes '**oktober, februari en juni**': quotes carry the words, not the marks."""
    profile = read_support_profile(EXAMPLES_DIR / "sbo-het-anker.md", CHUNK_CHARS, MAX_BYTES)
    text = "\n".join(c.page_content for c in profile.chunks)
    assert "in oktober, februari en juni, bespreekt" in text
    assert "**" not in text and "__" not in text
    assert any(c.metadata["section"].endswith("Groepsbesprekingen en commissie van begeleiding") for c in profile.chunks)
