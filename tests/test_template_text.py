"""Template text found by repetition (index.template_text), on the real Plein013 reports and the two seed SOPs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pymupdf = pytest.importorskip("pymupdf")
pytest.importorskip("datasketch")

from index import template_text
from index.template_text import TemplateText, is_template, normalised

SHARED = Path(__file__).resolve().parents[2] / "shared"
PLEIN013 = SHARED / "sop-plein013"
SEEDS = SHARED / "sop"

# Sentences of the regional introduction (pages 2-4) that every Plein013 report holds.
INTRODUCTION = [
    "Uw school maakt onderdeel uit van samenwerkingsverband Plein013.",
    "Alle scholen hebben te maken met verschillen tussen kinderen.",
    "Dit kan worden gezien als een dimensie die loopt van methode-gestuurd naar leerling-gestuurd.",
    (
        "De ruimte die onderwijs biedt aan verschillen tussen leerlingen wordt in belangrijke mate bepaald door het "
        "onderwijsconcept van de school."
    ),
    "Het teamgesprek is gevoerd aan de hand van een aantal stellingen en uitspraken.",
]
CLOSING = (
    "De Kleine Akkers toont zich net als de andere scholen van het samenwerkingsverband een open, gastvrije school"
)
OWN = {
    "03WT": [
        "De consulent is vanuit Plein013 toegewezen aan de school en werkt er 6 uur per week.",
        "De school werkt met een continurooster.",  # other schools say so too, amid their own text
    ],
    "08RU": ["De Willibrordusschool is een Katholieke school met 308 leerlingen in het dorp Alphen."],
}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9‘“(])")


def passages(path: Path) -> list[str]:
    """A PDF's passages: its text blocks (paragraphs, headings, table cells) cut at list bullets and sentence ends.

    The one place that knows how a document becomes passages; the product's reader may replace it."""
    found: list[str] = []
    with pymupdf.open(path) as pdf:
        for page in pdf:
            for block in page.get_text("blocks"):
                if block[6] != 0:  # an image
                    continue
                for item in re.split(r"\s*•\s*", " ".join(block[4].split())):
                    found.extend(sentence for sentence in _SENTENCE_END.split(item) if sentence)
    return found


def position(doc: list[str], start: str) -> int:
    return next(i for i, passage in enumerate(doc) if passage.startswith(start))


@pytest.fixture(scope="module")
def reports() -> dict[str, list[str]]:
    if not (PLEIN013 / "03WT.pdf").is_file():
        pytest.skip("../shared/sop-plein013 is not beside this checkout")
    return {path.stem: passages(path) for path in sorted(PLEIN013.glob("*.pdf"))}


@pytest.fixture(scope="module")
def region(reports: dict[str, list[str]]) -> TemplateText:
    """All 77 reports in one index (in memory: the folder is only read, and holds nothing)."""
    index = TemplateText(Path("/nonexistent/template-text"))
    for doc_id, doc in reports.items():
        index.add(doc_id, doc)
    return index


@pytest.fixture(scope="module")
def shared(region: TemplateText, reports: dict[str, list[str]]) -> dict[str, list[int]]:
    return {doc_id: region.shared_by(doc_id) for doc_id in reports}


def test_the_introduction_is_template_in_every_report(reports, shared) -> None:
    assert len(reports) == 77
    for doc_id, doc in reports.items():
        for sentence in INTRODUCTION:
            i = doc.index(sentence)
            assert is_template(shared[doc_id][i], len(reports)), (doc_id, sentence, shared[doc_id][i])
            assert shared[doc_id][i] >= 70, (doc_id, sentence)


def test_a_schools_own_sentences_are_not_template(reports, shared) -> None:
    for doc_id, sentences in OWN.items():
        for sentence in sentences:
            i = reports[doc_id].index(sentence)
            assert not is_template(shared[doc_id][i], len(reports)), (doc_id, sentence, shared[doc_id][i])


def test_the_closing_sentence_with_the_schools_name_swapped_in_is_template(reports, shared) -> None:
    i = position(reports["03WT"], CLOSING)
    assert is_template(shared["03WT"][i], len(reports))
    # The same sentence with another school's name, in each report that has it (one rapporteur's closing).
    holders = [
        doc_id for doc_id, doc in reports.items() if any("toont zich net als de andere scholen" in p for p in doc)
    ]
    assert shared["03WT"][i] == len(holders) - 1 >= 5


def test_about_half_of_each_report_is_template(reports, shared) -> None:
    for doc_id, doc in reports.items():
        compared = [i for i, passage in enumerate(doc) if template_text._exact_key(normalised(passage))]
        share = sum(is_template(shared[doc_id][i], len(reports)) for i in compared) / len(compared)
        assert 0.3 < share < 0.75, (doc_id, share)


def test_two_reports_of_one_region(reports) -> None:
    index = TemplateText(Path("/nonexistent/template-text"))
    index.add("03WT", reports["03WT"])
    index.add("08RU", reports["08RU"])
    counts = index.shared_by("08RU")
    for sentence in INTRODUCTION:
        assert is_template(counts[reports["08RU"].index(sentence)], len(index))
    own = reports["08RU"].index(OWN["08RU"][0])
    assert not is_template(counts[own], len(index))


def test_the_two_seed_sops_share_no_standard_text(tmp_path) -> None:
    """Both belong to SPPOH Haaglanden, but in different formats: kc-balans' standard text ("Op alle scholen …")
    is not in het-kristal, so nothing of it is template; spliced into het-kristal, it is."""
    if not (SEEDS / "kc-balans.pdf").is_file():
        pytest.skip("../shared/sop is not beside this checkout")
    kristal, balans = passages(SEEDS / "het-kristal.pdf"), passages(SEEDS / "kc-balans.pdf")
    standard = [p for p in balans if p.startswith("Op alle scholen")]
    assert len(standard) >= 5
    index = TemplateText(tmp_path)
    index.add("het-kristal", kristal)
    index.add("kc-balans", balans)
    counts = index.shared_by("kc-balans")
    assert sum(is_template(count, 2) for count in counts) <= 3  # a few one-word list items ("Dyscalculie")
    assert not any(is_template(counts[balans.index(p)], 2) for p in standard)
    # A second report of the region that does hold the standard text, somewhere in its own text.
    middle = len(kristal) // 2
    index.add("het-kristal", kristal[:middle] + standard + kristal[middle:])
    counts = index.shared_by("kc-balans")
    assert all(is_template(counts[balans.index(p)], 2) for p in standard)


def test_adding_and_removing_a_report_touches_no_other(reports, monkeypatch) -> None:
    *others, last = reports
    index = TemplateText(Path("/nonexistent/template-text"))
    for doc_id in others:
        index.add(doc_id, reports[doc_id])
    before = {doc_id: index.shared_by(doc_id) for doc_id in others}
    hashed: list[str] = []
    monkeypatch.setattr(template_text, "normalised", lambda p: hashed.append(p) or normalised(p))
    index.add(last, reports[last])
    assert hashed == reports[last]  # only the new report's passages were read
    intro = reports["03WT"].index(INTRODUCTION[0])
    assert index.shared_by("03WT")[intro] == before["03WT"][intro] + 1
    index.remove(last)
    assert {doc_id: index.shared_by(doc_id) for doc_id in others} == before
    assert len(hashed) == len(reports[last])


def test_save_and_load(reports, shared, tmp_path) -> None:
    index = TemplateText(tmp_path)
    for doc_id, doc in reports.items():
        index.add(doc_id, doc)
    index.save()
    loaded = TemplateText(tmp_path)
    assert len(loaded) == 77 and all(loaded.shared_by(doc_id) == shared[doc_id] for doc_id in reports)
    # Removing and re-adding appends to the pack; the manifest then points at the new records only.
    loaded.remove("03WT")
    loaded.add("08RU", reports["08RU"])
    loaded.save()
    again = TemplateText(tmp_path)
    assert "03WT" not in again and len(again) == 76
    assert again.shared_by("08RU") == loaded.shared_by("08RU")
    assert again.shared_by("09KK") == loaded.shared_by("09KK")
    # Once removed documents would take more than half of it, the pack is rewritten under a new name.
    for doc_id in list(reports)[:60]:
        again.remove(doc_id)
    again.save()
    packs = sorted(path.name for path in tmp_path.iterdir())
    assert len(packs) == 2 and "template_text.json" in packs and not any(p.endswith(".tmp") for p in packs)
    last = TemplateText(tmp_path)
    assert len(last) == len(again) and all(last.shared_by(d) == again.shared_by(d) for d in list(reports)[60:])


def test_signatures_made_otherwise_are_not_loaded(reports, tmp_path, monkeypatch) -> None:
    index = TemplateText(tmp_path)
    index.add("03WT", reports["03WT"])
    index.save()
    monkeypatch.setitem(template_text._PARAMS, "shingle_words", 4)
    assert len(TemplateText(tmp_path)) == 0  # callers re-add what is missing


def test_normalised() -> None:
    assert normalised("  Uw school¹ maakt  deel uit (zie 2.3)…") == normalised("uw SCHOOL maakt deel uit, zie")
    assert normalised("☒ vergelijkbaar") == normalised("☐ vergelijkbaar") == "vergelijkbaar"
    assert normalised("Geïnterviewden") == "geinterviewden"


def test_the_rule() -> None:
    assert is_template(1, 2) and not is_template(0, 2)
    assert not is_template(1, 77) and is_template(2, 77) and is_template(2, 3) and not is_template(1, 3)
