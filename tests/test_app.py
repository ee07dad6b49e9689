"""The Streamlit app through ``streamlit.testing.v1.AppTest``: the real app.py over a real index of the example
profiles (plus one profile full of HTML, markdown and script), the way a user clicks through it."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from cli_runs import cli_env, ingest
from conftest import DATA, EXAMPLES, ROOT, copy_index, settings_for
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from assistant import service
from assistant.answers.llm import LlmComposer
from assistant.service import SopAssistant
from assistant.ui.comparison import status_label
from assistant.ui.safe_text import as_text, highlighted, quote_spans
from assistant.uploads import uploads_root
from core.config import Settings

APP = str(ROOT / "app.py")
HOSTILE = DATA / "hostile" / "bs-de-proef.md"
SCHOOLS = {"obs-de-regenboog", "kindcentrum-de-vlinder", "sbo-het-anker", "bs-de-proef"}
# Markdown as a browser would get it, HTML allowed: anything a document could inject would show up here.
RENDER = MarkdownIt("commonmark", {"html": True})


@pytest.fixture(scope="module")
def built_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("app-index")
    reports = ingest([EXAMPLES, HOSTILE], folder, cli_env())
    assert {r["doc_id"] for r in reports if r["status"] == "indexed"} == SCHOOLS
    return folder


@pytest.fixture
def app(built_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The app over its own copy of the index (tests that upload or remove must not affect the others)."""
    index_dir = copy_index(built_index, tmp_path)
    monkeypatch.setenv("SOP_INDEX_DIR", str(index_dir))
    monkeypatch.setenv("SOP_LLM", "extractive")
    at = AppTest.from_file(APP, default_timeout=300)
    at.run()
    assert not at.exception
    return at


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input[0].set_value(question).run()
    assert not at.exception, at.exception
    return at


def answers(at: AppTest) -> list[dict]:
    return [turn.answer.to_json() for turn in at.session_state["turns"] if turn.role == "assistant"]


def plain(markdown: str) -> str:
    """What an escaped markdown text reads as."""
    return re.sub(r"\\(.)", r"\1", markdown)


def cited_schools(answer: dict) -> set[str]:
    return {source["doc_id"] for source in answer["sources"] if source["quote"]}


def test_start_screen_explains_and_offers_examples_per_audience(app: AppTest) -> None:
    assert "schoolondersteuningsprofiel" in app.markdown[0].value
    assert [m.value for m in app.markdown if m.value in ("**Voor ouders**", "**Voor leerkrachten**", "**Voor adviseurs**")]
    example = next(b for b in app.button if b.label.startswith("Welke scholen hebben een lift"))
    example.click().run()
    (answer,) = answers(app)
    assert answer["question"] == "Welke scholen hebben een lift?"
    assert not answer["refused"]
    # The matrix answer names each school's status with a citation.
    assert "Kindcentrum De Vlinder" in answer["answer"] and "[1]" in answer["answer"]


def test_answer_shows_citations_and_a_sources_panel(app: AppTest) -> None:
    ask(app, "Heeft OBS De Regenboog een lift?")
    (answer,) = answers(app)
    assert not answer["refused"] and "geen lift" in answer["answer"]
    shown = [m.value for m in app.markdown]
    # The answer as text, its [n] chips, a panel per cited passage with the quote marked inside the passage.
    assert as_text(answer["answer"], bullets=True) in shown
    chips = next(v for v in shown if v.startswith(":blue-badge["))
    assert r"\[1\] OBS De Regenboog · blz\. 7" in chips
    labels = [e.label for e in app.expander]
    assert any(label.startswith(r"\[1\] OBS De Regenboog · blz\. 7 · 4\.C") for label in labels)
    assert any(r":orange-background[**Op onze school\: ons gebouw uit 1974 heeft twee verdiepingen en geen lift\.**]" in v for v in shown)
    cited = [source for source in answer["sources"] if source["quote"]]
    assert len(cited) >= 2 and app.status[0].label == f"10 passages doorzocht, {len(cited)} geciteerd"
    # The cited page of the original PDF, rendered with the quote highlighted, and the file itself.
    app.toggle(key="original-1-2").set_value(True).run()
    assert app.image and not app.exception
    assert app.get("download_button")
    # Feedback is recorded beside the index.
    app.feedback(key="feedback-1").set_value(0).run()
    feedback_file = Settings.from_env().index_dir / "feedback.jsonl"
    (rating,) = [json.loads(line) for line in feedback_file.read_text().splitlines()]
    assert rating["rating"] == "down" and rating["question"] == "Heeft OBS De Regenboog een lift?"
    assert rating["cited"][0]["doc_id"] == "obs-de-regenboog"


def test_follow_up_uses_the_history(app: AppTest) -> None:
    ask(app, "Heeft OBS De Regenboog een lift?")
    ask(app, "En een invalidetoilet?")
    _, follow_up = answers(app)
    assert "invalidetoilet" in follow_up["answer"]
    # Without the history the same words are about every school; with it, only about De Regenboog.
    assert cited_schools(follow_up) == {"obs-de-regenboog"}
    new = next(b for b in app.button if b.label == "Nieuw gesprek")
    new.click().run()
    assert app.session_state["turns"] == []
    ask(app, "En een invalidetoilet?")
    (fresh,) = answers(app)
    assert len(cited_schools(fresh)) > 1


def test_unanswerable_question_is_refused(app: AppTest) -> None:
    ask(app, "Hoeveel kost het schoolreisje bij OBS De Regenboog?")
    (answer,) = answers(app)
    assert answer["refused"]
    assert "beantwoordt deze vraag niet" in answer["answer"]
    assert as_text(answer["answer"], bullets=True) in [m.value for m in app.markdown]
    assert app.status[0].label == "10 passages doorzocht, geen antwoord gevonden"
    assert not app.expander  # nothing cited, no sources panel


def test_school_filter_restricts_answers(app: AppTest) -> None:
    ask(app, "Is er een lift?")
    assert len(cited_schools(answers(app)[0])) > 1
    app.multiselect(key="schools").set_value(["sbo-het-anker"]).run()
    ask(app, "Is er een lift?")
    filtered = answers(app)[1]
    assert cited_schools(filtered) == {"sbo-het-anker"}
    assert "SBO Het Anker" in filtered["answer"]
    assert "Kindcentrum De Vlinder" not in filtered["answer"]


def test_corrupt_upload_shows_an_error_and_leaves_the_index_intact(app: AppTest) -> None:
    index_dir = Settings.from_env().index_dir
    app.file_uploader[0].set_value([("kapot.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage", "application/pdf")])
    app.run()
    next(b for b in app.button if b.label == "Toevoegen aan de index").click().run()
    assert not app.exception
    errors = [plain(e.value) for e in app.error]
    assert len(errors) == 1 and errors[0].startswith("kapot.pdf: niet toegevoegd. ")
    assert len(errors[0]) > len("kapot.pdf: niet toegevoegd. ")  # with the reason
    assert not any(uploads_root_files(index_dir))  # nothing of the failed upload is kept
    schools = [m.value for m in app.sidebar.markdown if m.value.startswith("**")]
    assert len(schools) == 4
    ask(app, "Heeft OBS De Regenboog een lift?")
    assert "geen lift" in answers(app)[0]["answer"]


def uploads_root_files(index_dir: Path) -> list[Path]:
    root = index_dir / "uploads"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_upload_adds_a_school_and_remove_takes_it_out(app: AppTest) -> None:
    profile = (ROOT / "examples" / "docs" / "sbo-het-anker.md").read_text().replace("SBO Het Anker", "SBO De Brug")
    app.file_uploader[0].set_value(
        [("SBO De Brug.md", profile.encode(), "text/markdown"), ("leeg.txt", b"", "text/plain")]
    )
    app.run()
    next(b for b in app.button if b.label == "Toevoegen aan de index").click().run()
    assert [plain(s.value) for s in app.success] == ["SBO De Brug.md: toegevoegd (SBO De Brug, 44 passages)"]
    assert [plain(e.value) for e in app.error] == ["leeg.txt: niet toegevoegd. the file is empty (0 bytes)"]
    assert any(m.value.startswith("**SBO De Brug**") for m in app.sidebar.markdown)
    ask(app, "Heeft SBO De Brug een lift?")
    assert cited_schools(answers(app)[0]) == {"sbo-de-brug"}
    index_dir = Settings.from_env().index_dir
    assert len(uploads_root_files(index_dir)) == 1
    app.button(key="remove-sbo-de-brug").click().run()
    assert not any(m.value.startswith("**SBO De Brug**") for m in app.sidebar.markdown)
    assert uploads_root_files(index_dir) == []


def test_upload_reports_progress_per_file(built_index: Path, tmp_path: Path) -> None:
    assistant = SopAssistant(settings_for(copy_index(built_index, tmp_path)))
    events: list[tuple[str, int, str]] = []
    files = [("kapot.docx", b"PK\x03\x04 not a zip"), ("BS De Proef.md", HOSTILE.read_bytes()), ("x.exe", b"MZ\x90\x00" * 20)]
    outcomes = assistant.add_uploads(
        files, lambda i: events.append(("start", i, "")), lambda i, o: events.append(("done", i, o.status))
    )
    assert [o.status for o in outcomes] == ["failed", "unchanged", "failed"]
    assert "kapot.docx" in outcomes[0].name and outcomes[0].error
    assert ("done", 2, "failed") in events and events.index(("start", 1, "")) < events.index(("done", 1, "unchanged"))
    assert not [p for p in uploads_root(assistant.settings).rglob("*") if p.is_file()]
    assert set(assistant.schools()) == SCHOOLS


def test_document_markup_is_shown_as_text(app: AppTest) -> None:
    ask(app, "Heeft BS De Proef een lift?")
    (answer,) = answers(app)
    assert "<script>" in answer["answer"]
    shown = [m.value for m in app.markdown] + [e.label for e in app.expander]
    assert any("script" in value for value in shown)
    for value in shown:
        html = RENDER.render(value)
        assert "<script" not in html and "<img" not in html and "<a " not in html, value
        # Streamlit links bare URLs and e-mail addresses found in the parsed text: they must not be there.
        assert not re.search(r"(?i)https?://|www\.|\w@\w", plain(value)), value
        # No emoji shortcode, no LaTeX: their markers stay escaped.
        assert not re.search(r"(?<!\\)\$|(?<!\\):smile", value), value


def test_comparison_view_shows_the_matrix_with_quotes_and_csv(app: AppTest) -> None:
    app.radio(key="view").set_value("compare").run()
    assert not app.exception
    table = app.dataframe[0].value
    assert list(table.columns) == ["BS De Proef", "Kindcentrum De Vlinder", "OBS De Regenboog", "SBO Het Anker"]
    assert len(table) == 15 and "Lift" in table.index
    assert table.loc["Lift", "Kindcentrum De Vlinder"] == status_label("yes", "nl") == "✔ ja"
    words = {status_label(status, "nl") for status in ("yes", "no", "border", "limit", "unknown")}
    assert set(table.to_numpy().ravel()) <= words  # every cell a sign plus a word
    # A cell's quote on click (the selection a click makes), and per category with the keyboard.
    row = list(table.index).index("Lift")
    app.session_state["matrix-table"] = {"selection": {"rows": [], "columns": [], "cells": [[row, "OBS De Regenboog"]]}}
    app.run()
    shown = [plain(m.value) for m in app.markdown]
    assert f"**OBS De Regenboog — Lift: {table.loc['Lift', 'OBS De Regenboog']}**" in shown
    assert any("lift" in v and v.startswith("“") for v in shown)
    app.selectbox(key="matrix-category").set_value("lift").run()
    lift_lines = [plain(m.value) for m in app.markdown if "— Lift" in plain(m.value)]
    assert {line.split(" — ")[0].strip("*") for line in lift_lines} == {
        "BS De Proef", "Kindcentrum De Vlinder", "OBS De Regenboog", "SBO Het Anker"
    }
    csv = app.get("download_button")[0]
    assert csv.proto.label == "Download als CSV"


def test_english_interface(app: AppTest) -> None:
    app.toggle(key="english").set_value(True).run()
    assert app.title[0].value == "SOP Assistant"
    assert app.markdown[0].value.startswith("Do you want to know")
    assert any(b.label == "New conversation" for b in app.button)


def test_a_quoted_list_item_stays_inside_its_answer_bullet() -> None:
    """A quote keeps the profile's line breaks; its own '- dyslexie,' line must not become a bullet of the answer."""
    answer = "Volgens het profiel:\n- “Hieronder vallen:\n  - dyslexie,\n  - dyscalculie,” [1]\n- “Lift | Nee” [2]"
    lines = as_text(answer, bullets=True).split("\n")
    assert [line for line in lines if line.startswith("- ")] == ["- “Hieronder vallen\\:  ", "- “Lift \\| Nee” \\[2\\]"]
    assert "\\- dyslexie\\,  " in lines


def test_quote_is_marked_inside_its_passage() -> None:
    passage = "Intro.\nHet gebouw is oud. De school heeft   geen\nlift. Einde van de tekst."
    assert quote_spans(passage, "De school heeft geen lift.") == [(26, 54)]
    # Two sentences quoted from two places give two marks; an unknown quote none.
    assert len(quote_spans(passage, "Het gebouw is oud. Einde van de tekst.")) == 2
    assert quote_spans(passage, "Niet in de passage.") == []
    # Quotes from two places of one passage, as the sources panel gets them ('… ' between), and table rows.
    rows = "Voorziening | Aanwezig\nLift | Nee\nInvalidetoilet | Nee\nHet gebouw is niet rolstoelvriendelijk."
    assert len(quote_spans(rows, "Lift | Nee Invalidetoilet | Nee … Het gebouw is niet rolstoelvriendelijk.")) == 2
    marked = highlighted(passage, "De school heeft geen lift.")
    assert ":orange-background[**De school heeft   geen**]  \n:orange-background[**lift\\.**]" in marked


class _RecordingChatModel(GenericFakeChatModel):
    """A chat model that writes a fixed answer, token by token, and records that it was streamed."""

    def _stream(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        STREAMED.append(True)
        yield from super()._stream(*args, **kwargs)


STREAMED: list[bool] = []


def test_llm_answer_is_streamed_then_shown_checked(app: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    reply = (
        "Nee. “Op onze school: ons gebouw uit 1974 heeft twee verdiepingen en geen lift.” [2] "
        "Zie [de website](https://evil.example)."
    )
    model = _RecordingChatModel(messages=iter([AIMessage(content=reply)]))
    monkeypatch.setattr(service, "make_composer", lambda settings, embeddings: LlmComposer(model, "fake"))
    # A fresh index folder: st.cache_resource would otherwise hand back the assistant made with the extractive composer.
    index_dir = Settings.from_env().index_dir
    shutil.copytree(index_dir, index_dir.with_name("llm-index"))
    monkeypatch.setenv("SOP_INDEX_DIR", str(index_dir.with_name("llm-index")))
    ask(app, "Heeft OBS De Regenboog een lift?")
    assert STREAMED
    (answer,) = answers(app)
    assert not answer["refused"] and "geen lift" in answer["answer"]
    shown = [m.value for m in app.markdown]
    assert as_text(answer["answer"], bullets=True) in shown
    assert not any(RENDER.render(value).count("<a ") for value in shown)
    assert any(e.label.startswith(r"\[2\] OBS De Regenboog") for e in app.expander)


def test_a_large_index_lists_the_schools_a_search_finds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A region's hundreds of schools do not fill the sidebar: it says how many there are and lists what a search
    finds, each with its remove button."""
    folder = tmp_path / "docs"
    folder.mkdir()
    trees = ["Linde", "Eik", "Beuk", "Wilg", "Berk", "Els", "Es", "Iep", "Den", "Spar", "Hazelaar", "Kastanje", "Plataan",
             "Populier"]
    for tree in trees:
        (folder / f"de-{tree.lower()}.txt").write_text(
            f"Schoolondersteuningsprofiel Basisschool De {tree}\n\nOp onze school is er een lift.\n", encoding="utf-8"
        )
    index_dir = tmp_path / "index"
    ingest([folder], index_dir, cli_env())
    monkeypatch.setenv("SOP_INDEX_DIR", str(index_dir))
    at = AppTest.from_file(APP, default_timeout=300)
    at.run()
    assert not at.exception
    assert "14 scholen in de index, 0 getoond" in plain(at.sidebar.caption[-1].value)
    assert not any(m.value.startswith("**Basisschool De Linde") for m in at.sidebar.markdown)
    at.text_input(key="school-search").set_value("kastanje").run()
    assert [m.value.split("**")[1] for m in at.sidebar.markdown if m.value.startswith("**Basisschool")] == [
        "Basisschool De Kastanje"
    ]
    at.button(key="remove-de-kastanje").click().run()
    assert "13 scholen in de index" in plain(at.sidebar.caption[-1].value)


def test_a_long_cross_school_answer_shows_its_first_page_and_keeps_the_rest() -> None:
    from assistant.ui.chat import _PAGE_SCHOOLS, _first_page

    lines = ["Volgens de schoolondersteuningsprofielen (60 scholen in de index), per school:", "", "Lift: 60 ja (van 60 scholen)"]
    lines += [f"- School {n} (Tilburg): ja — “Er is een lift.” [{n}]" for n in range(1, 61)]
    lines += ["Het profiel zegt hierover niets bij: School X."]
    shown, rest = _first_page("\n".join(lines))
    assert "Lift: 60 ja (van 60 scholen)" in shown
    assert shown.count("\n- ") == _PAGE_SCHOOLS and rest.count("- School") == 60 - _PAGE_SCHOOLS
    assert shown + "\n" + rest == "\n".join(lines)  # nothing lost, nothing doubled
    assert _first_page("Ja. [1]") == ("Ja. [1]", "")
