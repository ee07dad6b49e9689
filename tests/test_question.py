"""The question is read once per ask: every analysis (language, schools, follow-up, kind of answer, key terms,
matrix categories, search words) runs once for the question, and nothing downstream works it out again."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable

import pytest

from assistant.question import categories, conversation, glossary, kinds, language, schools, terms
from assistant.question.reading import read_question
from assistant.question.schools import SchoolRecord, school_names
from assistant.service import SopAssistant

# Each analysis and how often one ask may run it: the schools a text names are looked up for the question and, for a
# follow-up that names none, once per earlier question; the across-schools test for the question and the one before.
ANALYSES: dict[str, tuple[Callable, int]] = {
    "detect_language": (language.detect_language, 1),
    "schools_in": (schools.schools_in, 3),
    "leans_on_earlier": (conversation.leans_on_earlier, 1),
    "asked_kind": (kinds.asked_kind, 1),
    "question_terms": (terms.question_terms, 1),
    "categories_in": (categories.categories_in, 1),
    "asks_across_schools": (categories.asks_across_schools, 2),
    "search_words": (glossary.search_words, 1),
}


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Every module's reference to each analysis replaced by one that counts its calls."""
    calls: Counter[str] = Counter()
    for name, (function, _) in ANALYSES.items():
        def counting(*args, _name=name, _function=function, **kwargs):  # type: ignore[no-untyped-def]
            calls[_name] += 1
            return _function(*args, **kwargs)

        for module in list(sys.modules.values()):
            if getattr(module, "__name__", "").startswith(("assistant", "index", "ingest")):
                for attribute, value in list(vars(module).items()):
                    if value is function:
                        monkeypatch.setattr(module, attribute, counting)
    return calls


@pytest.mark.parametrize(
    ("question", "history"),
    [
        ("Heeft Kindcentrum Balans een lift?", []),
        ("En een invalidetoilet?", ["Heeft Kindcentrum Balans een lift?"]),
        ("Welke scholen hebben een lift?", []),
        ("Does Het Kristal have experience with autism?", []),
    ],
)
def test_each_analysis_runs_once_per_ask(seed_assistant: SopAssistant, counted: Counter[str], question: str,
                                         history: list[str]) -> None:
    seed_assistant.ask(question, history)
    for name, (_, most) in ANALYSES.items():
        assert 1 <= counted[name] <= most, f"{name} ran {counted[name]} times for {question!r}"


def test_a_follow_up_carries_school_and_topic_of_the_conversation() -> None:
    names = school_names({"het-kristal": "BS Het Kristal", "kc-balans": "Kindcentrum Balans"})
    question = read_question("En een invalidetoilet?", ["Heeft Kindcentrum Balans een lift?"], names)
    assert question.schools == ("kc-balans",) and question.named == ()
    assert question.earlier == "Heeft Kindcentrum Balans een lift?"
    assert "lift" in question.search_text and "Balans" not in question.search_text
    own = [t.label for t in question.terms if t.own]
    assert own == ["invalidetoilet"] and "lift" in {t.label for t in question.terms if not t.own}


def test_the_school_filter_limits_the_schools_a_question_is_about() -> None:
    names = school_names({"het-kristal": "BS Het Kristal", "kc-balans": "Kindcentrum Balans"})
    assert read_question("Heeft de school een lift?", [], names, ["kc-balans"]).schools == ("kc-balans",)
    assert read_question("Heeft Het Kristal een lift?", [], names, ["kc-balans"]).schools == ("kc-balans",)


def test_the_words_that_name_the_school_are_no_key_terms() -> None:
    """The kind, name and town that say which school (and a misspelt compound of its name) are out of the search
    text and out of the key terms an answer is scored on: every passage of the school holds them."""
    names = school_names({
        "zs": SchoolRecord("SBO De Zevensprong", "Breda", "12AB", "sbo"),
        "mg": SchoolRecord("Mariagaarde", "Hoeven", "34CD", "basisschool"),
    })
    named = read_question("Hoe werkt de zorgstructuur op SBO De Zevensprong in Breda?", [], names)
    assert named.schools == ("zs",)
    assert "zorgstructuur" in {t.label for t in named.terms}
    assert not {"sbo", "zevensprong", "breda"} & {t.label for t in named.terms}
    misspelt = read_question("Heeft de margaardschool een lift?", [], names)
    assert misspelt.schools == ("mg",)
    assert [t.label for t in misspelt.terms] == ["lift"] and "margaardschool" not in misspelt.search_text
