"""Fifty schools called "De Regenboog" in fifty towns, and two in one town: a question resolves its school by name
*and* place (or BRIN), a name alone gets every namesake labelled apart, and a town filter keeps to that town.

The profiles are written here, not taken from a shared document, so that what each one says (lift or not) is known
per school and the assertions can check the answer against the right school's own text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runs import cli_env, ingest, run_cli
from conftest import settings_for

TOWNS = [
    "Zwolle", "Deventer", "Apeldoorn", "Enschede", "Hengelo", "Almelo", "Arnhem", "Nijmegen", "Ede", "Wageningen",
    "Utrecht", "Amersfoort", "Zeist", "Houten", "Leiden", "Delft", "Gouda", "Dordrecht", "Schiedam", "Vlaardingen",
    "Haarlem", "Alkmaar", "Hoorn", "Purmerend", "Zaandam", "Hilversum", "Almere", "Lelystad", "Emmen", "Assen",
    "Groningen", "Leeuwarden", "Sneek", "Heerenveen", "Drachten", "Meppel", "Kampen", "Harderwijk", "Tiel", "Breda",
    "Tilburg", "Eindhoven", "Helmond", "Venlo", "Roermond", "Maastricht", "Heerlen", "Sittard", "Middelburg", "Goes",
]
_BRIN_LETTERS = "ABCDEFGHJKLMNPRSTVWXYZ"


def brin_of(n: int) -> str:
    return f"{10 + n:02d}{_BRIN_LETTERS[n % 22]}{_BRIN_LETTERS[(n * 7) % 22]}"


def has_lift(n: int) -> bool:
    return n % 2 == 0


# A street of its own per school (7 × 8 names): template detection reads text without its digits, so sentences
# that differed only in a year or a number would be the same sentence in three schools, and rightly template text.
_STREET_NAMES = ["Kerk", "Molen", "School", "Dorps", "Linde", "Beuken", "Stations"]
_STREET_KINDS = ["straat", "weg", "laan", "plein", "singel", "kade", "dreef", "hof"]
_FLOORS = ["eerste", "tweede", "bovenste"]
_ARCHITECTS = ["Berlage", "Dudok", "Rietveld", "Duiker", "Oud", "Kramer", "Wijdeveld"]
_COLOURS = ["rode", "blauwe", "groene", "gele", "grijze", "witte", "zwarte", "bruine"]


def profile(n: int, town: str, brin: str) -> str:
    """A school's profile in words of its own (numbers, streets and years differ per school), as real schools write
    theirs: what all fifty shared word for word would be template text, and rightly read as such."""
    street, floor, year = _STREET_NAMES[n % 7] + _STREET_KINDS[n // 7], _FLOORS[n % 3], 1961 + n
    architect, colour = _ARCHITECTS[n % 7], _COLOURS[n // 7]
    lift = (
        f"Sinds architect {architect} het gebouw in {year + 40} verbouwde, brengt een {colour} lift leerlingen naar de "
        f"{floor} verdieping aan de {street}."
        if has_lift(n)
        else f"Het {colour} gebouw aan de {street}, door {architect} ontworpen in {year}, heeft geen lift; wie naar de "
        f"{floor} verdieping moet, neemt de trap."
    )
    return f"""# Schoolondersteuningsprofiel OBS De Regenboog

OBS De Regenboog is een openbare basisschool in {town}. Brinnummer: {brin}.

## Basisondersteuning

Onze {n + 120} leerlingen zitten in {n % 5 + 6} groepen. De intern begeleider werkt {n % 4 + 2} dagen per week en
bespreekt elke leerling {n % 3 + 2} keer per jaar in de groepsbespreking met de leerkracht.

## Voorzieningen

{lift} De school heeft {n + 3} lokalen en een speelzaal.

## Contact

De directeur van OBS De Regenboog in {town} is bereikbaar via het schoolnummer.
"""


@pytest.fixture(scope="module")
def namesakes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, tuple[str, str, int]]]:
    """The index and, per doc_id, (town, BRIN, number). Two more share the name and the town Zwolle."""
    docs = tmp_path_factory.mktemp("namesake-docs")
    schools = {}
    for n, town in enumerate(TOWNS):
        path = docs / f"regenboog-{n:02d}.md"
        path.write_text(profile(n, town, brin_of(n)), encoding="utf-8")
        schools[path.stem] = (town, brin_of(n), n)
    for n in (50, 51):  # two more in Zwolle: name and town clash, the BRIN tells them apart
        path = docs / f"regenboog-{n:02d}.md"
        path.write_text(profile(n, "Zwolle", brin_of(n)), encoding="utf-8")
        schools[path.stem] = ("Zwolle", brin_of(n), n)
    index = tmp_path_factory.mktemp("namesake-index")
    reports = ingest([docs], index, cli_env())
    assert {r["status"] for r in reports} == {"indexed"}, reports
    return index, schools


@pytest.fixture(scope="module")
def assistant(namesakes):
    from assistant.service import SopAssistant

    return SopAssistant(settings_for(namesakes[0]))


def test_identity_and_unique_labels(assistant, namesakes) -> None:
    _, schools = namesakes
    profiles, labels = assistant.schools(), assistant.labels()
    assert len(set(labels.values())) == len(labels) == 52
    for doc_id, (town, brin, _) in schools.items():
        assert profiles[doc_id].town == town and profiles[doc_id].brin == brin
    assert labels["regenboog-03"] == "OBS De Regenboog (Enschede)"
    # Name and town clash in Zwolle: the BRIN goes in the label.
    assert labels["regenboog-50"] == f"OBS De Regenboog (Zwolle, {brin_of(50)})"


def _cited(answer) -> set[str]:
    return {source.doc_id for source in answer.sources if source.quote}


@pytest.mark.parametrize(
    "question, doc_id",
    [
        ("Heeft De Regenboog in Enschede een lift?", "regenboog-03"),
        ("regenboog deventer lift", "regenboog-01"),
        ("Is De Regenboog in Maastricht toegankelijk met een lift?", "regenboog-45"),
        (f"Heeft {brin_of(12)} een lift?", "regenboog-12"),
        ("Does De Regenboog in Tilburg have a lift?", "regenboog-40"),
    ],
)
def test_name_and_place_name_one_school(assistant, question: str, doc_id: str) -> None:
    answer = assistant.ask(question)
    assert not answer.refused, answer.answer
    assert list(answer.schools) == [doc_id]
    assert _cited(answer) == {doc_id}
    n = int(doc_id.split("-")[1])
    quoted = " ".join(source.quote for source in answer.sources if source.quote)
    assert ("geen lift" in quoted) == (not has_lift(n)), quoted


def test_a_name_alone_is_answered_per_school_or_asked_back(assistant) -> None:
    answer = assistant.ask("Heeft OBS De Regenboog een lift?")
    # Never one merged answer: either each school cited is named with its town, or the answer asks which one.
    cited = _cited(answer)
    if cited:
        labels = assistant.labels()
        assert all(labels[doc_id] in answer.answer for doc_id in cited), answer.answer
    else:
        assert sum(town in answer.answer for town in TOWNS) >= 2, answer.answer


def test_a_town_filters_a_question_across_schools(assistant, namesakes) -> None:
    answer = assistant.ask("Welke scholen in Arnhem hebben een lift?")
    assert set(answer.schools) == {"regenboog-06"}
    assert _cited(answer) <= {"regenboog-06"}


def test_a_town_without_a_school_in_the_index_is_said_so(assistant) -> None:
    answer = assistant.ask("Welke scholen in Rotterdam hebben een lift?")
    assert answer.refused and not answer.sources
    assert "Rotterdam" in answer.answer


def test_cli_town_filter_on_ask_and_matrix(namesakes) -> None:
    index, schools = namesakes
    env = cli_env()
    done = run_cli(["ask", "--index", str(index), "--town", "zwolle", "--json", "Heeft De Regenboog een lift?"], env)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    zwolle = {doc_id for doc_id, (town, _, _) in schools.items() if town == "Zwolle"}
    assert set(result["schools"]) <= zwolle and result["schools"]
    assert {s["doc_id"] for s in result["sources"]} <= zwolle
    done = run_cli(["matrix", "--index", str(index), "--town", "Zwolle", "--json"], env)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert set(rows) == zwolle
    # A row rests on the whole index (which text is template is decided over every school), not on the filter.
    whole = run_cli(["matrix", "--index", str(index), "--json"], env)
    assert whole.returncode == 0, whole.stderr
    assert rows == {doc_id: row for doc_id, row in json.loads(whole.stdout).items() if doc_id in zwolle}


def test_a_cross_school_answer_counts_per_status_first(assistant) -> None:
    answer = assistant.ask("Welke scholen hebben een lift?")
    lines = answer.answer.splitlines()
    counts = next(line for line in lines[:4] if "(van 52 scholen)" in line)
    listed = [line for line in lines if line.startswith("- ")]
    unknown = next((line for line in lines if line.startswith("Het profiel zegt hierover niets bij:")), "")
    said = {"ja": sum(": ja —" in line for line in listed), "nee": sum(": nee —" in line for line in listed)}
    said["niet vermeld"] = unknown.count("OBS De Regenboog")
    # The counts say what the list below them says, and every school is in one or the other.
    for word, count in said.items():
        assert (f"{count} {word}" in counts) == (count > 0), (counts, said)
    assert sum(said.values()) == 52
    # Sorted by status: every 'ja' before the first 'nee'.
    statuses = ["nee" if ": nee —" in line else "ja" for line in listed if ": ja —" in line or ": nee —" in line]
    assert statuses == sorted(statuses)
