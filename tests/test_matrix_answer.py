"""Questions across schools ('Welke scholen hebben een lift?') answered from the support matrix, through the real
command line over the two real profiles: every school gets its own line, each line cites a source of that school
whose quote is in the passage, and a follow-up carries the cross-school question over to its own category."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cli_runs import cli_env, run_cli
from conftest import copy_index


def cli(index: Path, *args: str) -> dict:
    result = run_cli(list(args), cli_env(SOP_INDEX_DIR=str(index)))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout) if "--json" in args else {}


@pytest.fixture(scope="module")
def index(seed_index: Path) -> Path:
    return seed_index


def test_ingest_works_out_the_matrix_rows_of_new_versions(index: Path) -> None:
    """The first 'Welke scholen …?' question finds every row ready (at a thousand schools it would wait long)."""
    assert sorted(path.name.split("@")[0] for path in (index / "matrix").glob("*.json")) == ["het-kristal", "kc-balans"]


def school_lines(answer: str) -> dict[str, tuple[str, int]]:
    """'- Kindcentrum Balans: ja — “…” [1]' (or '“…” (onder “Grens”) [1]') → {'Kindcentrum Balans': ('ja', 1)}."""
    lines = re.findall(r"^- (.+?): (.+?) — “.*”(?: \((?:onder|under) “.*”\))? \[(\d+)\]", answer, re.MULTILINE)
    return {school: (status, int(rank)) for school, status, rank in lines}


def cited(reply: dict, rank: int) -> dict:
    source = next(s for s in reply["sources"] if s["rank"] == rank)
    assert source["quote"], f"[{rank}] cites a source without a quote"
    assert " ".join(source["quote"].split()) in " ".join(source["text"].split())
    return source


def test_which_schools_have_a_lift(index: Path) -> None:
    reply = cli(index, "ask", "--json", "Welke scholen hebben een lift?")
    assert reply["refused"] is False
    lines = school_lines(reply["answer"])
    assert set(lines) == {"BS Het Kristal", "Kindcentrum Balans"}
    balans = cited(reply, lines["Kindcentrum Balans"][1])
    kristal = cited(reply, lines["BS Het Kristal"][1])
    assert lines["Kindcentrum Balans"][0] == "ja" and balans["doc_id"] == "kc-balans"
    assert "lift aanwezig" in balans["quote"]
    assert lines["BS Het Kristal"][0] == "nee" and kristal["doc_id"] == "het-kristal"
    assert re.search(r"Lift\s+nvt", kristal["quote"])
    # The contract's ranked passages are still there: at least ten, ranks 1..n in order.
    assert [s["rank"] for s in reply["sources"]] == list(range(1, len(reply["sources"]) + 1))
    assert len(reply["sources"]) >= 10


def test_follow_up_asks_the_same_across_schools(index: Path) -> None:
    reply = cli(index, "ask", "--json", "--history", "Welke scholen hebben een lift?", "En een invalidetoilet?")
    lines = school_lines(reply["answer"])
    assert "Invalidetoilet:" in reply["answer"] and "Lift:" not in reply["answer"]
    assert lines["Kindcentrum Balans"][0] == "ja"
    assert "invalidetoilet" in cited(reply, lines["Kindcentrum Balans"][1])["quote"].lower()
    assert cited(reply, lines["BS Het Kristal"][1])["doc_id"] == "het-kristal"


def test_english_question_gets_english_status_words(index: Path) -> None:
    reply = cli(index, "ask", "--json", "Which schools have a lift?")
    assert reply["language"] == "en"
    assert reply["answer"].startswith("According to the support profiles")
    lines = school_lines(reply["answer"])
    assert lines["Kindcentrum Balans"][0] == "yes" and lines["BS Het Kristal"][0] == "no"


def test_a_bare_list_item_names_its_list_and_cites_its_page(index: Path) -> None:
    """'Begaafdheid' stands in Balans's 'Binnen het normprofiel' list, in a passage that opens with the Grens list:
    the answer says which list it is in. Every cited page is the page its quote is on (as the matrix has it)."""
    reply = cli(index, "ask", "--json", "Welke scholen bieden hoogbegaafdheid?")
    line = next(line for line in reply["answer"].splitlines() if line.startswith("- Kindcentrum Balans:"))
    assert "“Begaafdheid” (onder “Binnen het normprofiel”)" in line
    english = cli(index, "ask", "--json", "Which schools can take a child with a hearing impairment?")
    matrix = cli(index, "matrix", "--json")
    lines = school_lines(english["answer"])
    for school, doc_id in (("BS Het Kristal", "het-kristal"), ("Kindcentrum Balans", "kc-balans")):
        cell = matrix[doc_id]["slechthorend_doof"]
        assert cited(english, lines[school][1])["page"] == cell["page"], school
    assert "(under “Grensgebied" in english["answer"]


def test_a_category_no_passage_names_is_answered_from_the_schools_matrix(index: Path) -> None:
    """No passage of Balans says 'autisme' (its normprofiel lists 'ADHD, PDDNOS, ADD'), nor 'TOS' (its Grensgebied
    lists 'Spraak- en taalstoornissen'): instead of a refusal, the school's matrix cell with its quote."""
    autism = cli(index, "ask", "--json", "Does Balans have experience with autism?")
    assert not autism["refused"] and autism["language"] == "en"
    assert autism["answer"].startswith("The support profile of Kindcentrum Balans lists this")
    line = school_lines(autism["answer"])["Kindcentrum Balans"]
    assert line[0] == "yes" and "PDDNOS" in cited(autism, line[1])["quote"]
    tos = cli(index, "ask", "--json", "Mijn zoon heeft TOS. Kan hij naar Balans?")
    line = school_lines(tos["answer"])["Kindcentrum Balans"]
    assert not tos["refused"] and line[0].startswith("grensgebied")
    assert "Spraak- en taalstoornissen" in cited(tos, line[1])["quote"]
    assert {s["doc_id"] for s in tos["sources"] if s["quote"]} == {"kc-balans"}
    polish = cli(index, "ask", "--json", "Czy mój syn z TOS może chodzić do Balans?")
    assert polish["answer"].startswith("(Ik antwoord in het Nederlands")
    assert "Spraak- en taalstoornissen" in polish["answer"]
    # What is no category of the matrix is still refused.
    assert cli(index, "ask", "--json", "Heeft Het Kristal naschoolse opvang (BSO)?")["refused"]


def test_a_named_schools_matrix_answer_reads_only_that_schools_row(seed_assistant, monkeypatch) -> None:  # noqa: ANN001
    """A refusal answered from the school's matrix cells reads that school's row, not every school's: at thousands
    of schools the whole matrix is thousands of files (or rows to work out) for one question."""
    from assistant.matrix.cache import MatrixRows

    read: list[str] = []
    original = MatrixRows._row

    def counting(self, doc_id, profiles, everyone):  # type: ignore[no-untyped-def]
        read.append(doc_id)
        return original(self, doc_id, profiles, everyone)

    monkeypatch.setattr(MatrixRows, "_row", counting)
    answer = seed_assistant.ask("Does Balans have experience with autism?")
    assert not answer.refused and "Kindcentrum Balans" in answer.answer
    assert set(read) == {"kc-balans"}


def test_school_filter_restricts_the_matrix_answer(index: Path) -> None:
    reply = cli(index, "ask", "--json", "--school", "het-kristal", "Welke scholen hebben een invalidetoilet?")
    assert set(school_lines(reply["answer"])) == {"BS Het Kristal"}
    assert reply["answer"].startswith("Het profiel van BS Het Kristal")  # not '(1 scholen in de index)'
    assert all(s["doc_id"] == "het-kristal" for s in reply["sources"] if s["quote"])


def test_matrix_csv_has_every_cell_of_the_json_matrix(index: Path) -> None:
    import csv
    import io

    done = run_cli(["matrix", "--csv"], cli_env(SOP_INDEX_DIR=str(index)))
    assert done.returncode == 0, done.stderr
    text = done.stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    matrix = cli(index, "matrix", "--json")
    assert len(rows) == sum(len(cells) for cells in matrix.values()) == 30
    for row in rows:
        cell = matrix[row["doc_id"]][row["category"]]
        assert row["status"] == cell["status"]
        assert row["quote"] == " ".join(cell["quote"].split())
        assert row["page"] == ("" if cell["page"] is None else str(cell["page"]))


def test_matrix_listing_has_one_line_per_cell(index: Path) -> None:
    """The plain listing: a school's doc_id, then one line per category with the status, page and quote of the
    JSON matrix, even where the quote comes from a table cell spanning lines."""
    done = run_cli(["matrix"], cli_env(SOP_INDEX_DIR=str(index)))
    assert done.returncode == 0 and done.stderr == ""  # no progress bars or warnings on a command that went well
    text = done.stdout
    matrix = cli(index, "matrix", "--json")
    listed: dict[str, dict[str, list[str]]] = {}
    for line in text.splitlines():
        if not line.startswith("  "):
            school = listed.setdefault(line, {})
        else:
            category, status, page, *quote = line.split()
            school[category] = [status, page, " ".join(quote)]
    assert list(listed) == list(matrix)
    for doc_id, cells in matrix.items():
        assert list(listed[doc_id]) == list(cells)
        for category, cell in cells.items():
            status, page, quote = listed[doc_id][category]
            assert status == cell["status"] and page == f"p.{cell['page'] or '–'}"
            assert " ".join(cell["quote"].split()).startswith(quote)
    assert listed["het-kristal"]["slechthorend_doof"][2] == "Voorzieningen doven/slechthorenden nvt"


def test_matrix_rows_saved_under_other_rules_are_worked_out_again(index: Path, tmp_path: Path) -> None:
    """Rows are kept on disk per document version; after an upgrade of the matrix rules they must not be reused."""
    copy = copy_index(index, tmp_path)
    fresh = cli(copy, "matrix", "--json")
    saved = sorted((copy / "matrix").glob("*.json"))
    assert {path.name.split("@")[0] for path in saved} == set(fresh)
    for path in saved:
        row = json.loads(path.read_text(encoding="utf-8"))
        row["cells"]["lift"] = {**row["cells"]["lift"], "status": "yes", "quote": "STALE ROW OF OLDER RULES"}
        doc_version = path.name.rsplit(".", 2)[0]
        path.unlink()
        # As other rules would have left them, and as rows were named before they carried the rules' fingerprint.
        for stale in (f"{doc_version}.0123456789ab.json", f"{doc_version}.json"):
            (copy / "matrix" / stale).write_text(json.dumps(row), encoding="utf-8")
    assert cli(copy, "matrix", "--json") == fresh
