"""Fold B: the 77 shared Plein013 reports and the two seed profiles in one index, through the real command line.

Identity per report against the hand-checked table, labels unique, the dev questions (`golden_plein013_dev.jsonl`)
answered without citing a school they are not about, place questions kept to their town, the support matrix on the
hand-read dev cells, and template text labelled as such. Indexing the 79 profiles takes about ten minutes on two
cores; it is done once per session."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

import pytest
from cli_runs import ask_batch, cli_env, ingest, run_cli
from conftest import DATA, GOLDEN_PLEIN013, SEED_PDFS, SHARED, SOP_DIR

from assistant.evaluation import cited_schools, load_golden, score_answers, score_retrieval

MATRIX_DEV = SHARED / "eval" / "matrix_plein013_dev.json"
TABLE = list(csv.DictReader((DATA / "plein013_schools.csv").open(encoding="utf-8")))
# Indexing 79 profiles is the longest set-up of the suite: it starts first, beside the rest (conftest.py).
pytestmark = pytest.mark.heavy
# Ten minutes alone on two cores; beside another test worker it takes longer.
_REGION_INGEST_TIMEOUT = 2400


@pytest.fixture(scope="module")
def region_index(plein013_dir: Path, sop_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("plein013-index")
    reports = ingest([plein013_dir, *(SOP_DIR / name for name in SEED_PDFS)], folder, cli_env(), _REGION_INGEST_TIMEOUT)
    assert [r for r in reports if r["status"] != "indexed"] == []
    return folder


@pytest.fixture(scope="module")
def schools(region_index: Path) -> dict[str, dict]:
    done = run_cli(["schools", "--index", str(region_index), "--json"], cli_env())
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


# Fold B is measured with the unit and passage scorers fitted on fold A (the shipped ones were fitted on fold B).
FOLD_A_SCORER = DATA / "unit_scorer_fold_a.json"
FOLD_A_PASSAGE_SCORER = DATA / "passage_scorer_fold_a.json"


@pytest.fixture(scope="module")
def golden_run(region_index: Path) -> tuple[list[dict], dict[str, dict]]:
    env = cli_env(SOP_UNIT_SCORER=str(FOLD_A_SCORER), SOP_PASSAGE_SCORER=str(FOLD_A_PASSAGE_SCORER))
    return load_golden(GOLDEN_PLEIN013), ask_batch(GOLDEN_PLEIN013, region_index, env)


def test_every_report_has_its_identity(schools: dict[str, dict]) -> None:
    wrong = [
        (row["doc_id"], {k: schools[row["doc_id"]][k] for k in ("school", "town", "brin", "type")})
        for row in TABLE
        if (schools[row["doc_id"]]["school"], schools[row["doc_id"]]["town"], schools[row["doc_id"]]["brin"],
            schools[row["doc_id"]]["type"]) != (row["name"], row["town"], row["brin"], row["type"])
    ]
    assert wrong == []
    labels = [school["label"] for school in schools.values()]
    assert len(set(labels)) == len(labels) == 79


def test_no_answer_cites_a_school_the_question_is_not_about(golden_run) -> None:
    items, results = golden_run
    wrong = {item["id"]: sorted(cited_schools(results[item["id"]]) - set(item["schools"])) for item in items}
    assert {k: v for k, v in wrong.items() if v} == {}


def test_fold_b_quality_floors(golden_run) -> None:
    """Floors at what this version measures with the scorers fitted on fold A (2026-12-04: R@5 0.83, MRR 0.68,
    quoting 0.49 — 0.54 with the models fitted before the last change of features —, 3 of 4 unanswerable refused,
    1 answerable refused), so a change that loses ground on the real profiles fails; the targets of the
    generalisation issue are higher."""
    items, results = golden_run
    retrieval, answers = score_retrieval(items, results), score_answers(items, results)
    assert retrieval.recall[5] >= 0.78 and retrieval.mrr >= 0.64, retrieval
    assert answers.quotes_evidence >= 0.47, answers.not_quoting
    assert answers.unanswerable_refused >= 3 and len(answers.answerable_refused) <= 2, answers


def test_a_yes_or_no_never_rests_on_regional_text_alone(region_index: Path, schools: dict[str, dict], tmp_path: Path) -> None:
    """'Heeft X een lift?' asks what this school has. Every Plein013 report repeats the region's sentence that 'een
    school met veel trappen … is niet passend voor een leerling in een rolstoel': over every report, an answer is
    refused or quotes the school's own text, and its 'Ja.'/'Nee.' never comes from a regional line."""
    questions = tmp_path / "lift.jsonl"
    questions.write_text("".join(
        json.dumps({"id": doc_id, "question": f"Heeft {s['school']} ({s['brin'] or doc_id}) een lift voor een kind in een rolstoel?"}) + "\n"
        for doc_id, s in schools.items()
    ), encoding="utf-8")
    results = ask_batch(questions, region_index, cli_env())
    answered = [r for r in results.values() if not r["refused"]]
    all_regional = [r["id"] for r in answered if "regionale standaardtekst (“Op alle scholen”)" in r["answer"].splitlines()[0]]
    regional_verdict = [
        r["id"] for r in answered
        if r["answer"].startswith(("Ja.", "Nee.")) and "(regionale standaardtekst" in r["answer"].splitlines()[1]
    ]
    assert all_regional == [] and regional_verdict == []
    # Most reports do say it in their own words.
    assert len(answered) >= len(results) / 2


def test_a_town_question_keeps_to_its_town(region_index: Path, schools: dict[str, dict]) -> None:
    done = run_cli(["ask", "--index", str(region_index), "--json", "Welke scholen in Goirle hebben een lift?"], cli_env())
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    goirle = {doc_id for doc_id, school in schools.items() if school["town"] == "Goirle"}
    assert set(result["schools"]) == goirle
    assert {s["doc_id"] for s in result["sources"] if s["quote"]} <= goirle
    assert f"van {len(goirle)} scholen" in result["answer"]


def test_the_type_filter_on_the_matrix(region_index: Path, schools: dict[str, dict]) -> None:
    done = run_cli(["matrix", "--index", str(region_index), "--type", "sbo", "--json"], cli_env())
    assert done.returncode == 0, done.stderr
    assert set(json.loads(done.stdout)) == {doc_id for doc_id, s in schools.items() if s["type"] == "sbo"}


def test_matrix_dev_cells(region_index: Path) -> None:
    done = run_cli(["matrix", "--index", str(region_index), "--json"], cli_env())
    assert done.returncode == 0, done.stderr
    matrix = json.loads(done.stdout)
    expected = {doc_id: row for doc_id, row in json.loads(MATRIX_DEV.read_text(encoding="utf-8")).items() if not doc_id.startswith("_")}
    per_category: dict[str, list[bool]] = defaultdict(list)
    for doc_id, row in expected.items():
        for category, cell in row.items():
            got = matrix[doc_id][category]["status"]
            per_category[category].append(got == cell["status"] or got in cell.get("also", []))
    right = sum(sum(marks) for marks in per_category.values())
    total = sum(len(marks) for marks in per_category.values())
    report = {category: f"{sum(marks)}/{len(marks)}" for category, marks in per_category.items()}
    assert total == 72 and right / total >= 0.90, report


def test_template_text_is_labelled_in_an_answer(region_index: Path) -> None:
    """The sentence every Plein013 report holds about the team meeting is the region's text, not the school's."""
    done = run_cli(
        ["ask", "--index", str(region_index), "--json", "Hoe is het teamgesprek gevoerd bij De Kleine Akkers in Goirle?"],
        cli_env(),
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["schools"] == ["03wt"]
    assert "Het teamgesprek is gevoerd aan de hand van een aantal stellingen" in result["answer"]
    assert "regionale standaardtekst" in result["answer"]
