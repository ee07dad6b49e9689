"""Answers over the project's own example profiles (a PDF with ruled tables, a DOCX, a Markdown file): an English
question about a school with a Dutch name, table rows quoted on lines of their own, one heading quoted once, and
refusals that find the contact data in a ruled table."""

from __future__ import annotations

import pytest
from langchain_core.documents import Document

from assistant.answers.contacts import contact_lines
from assistant.service import SopAssistant


@pytest.fixture(scope="module")
def assistant(examples_assistant: SopAssistant) -> SopAssistant:
    return examples_assistant


def test_english_question_about_a_school_with_a_dutch_name(assistant: SopAssistant) -> None:
    """'De Regenboog' is a name, not Dutch: the answer is English, says no, and quotes the sentence that says the
    building is not wheelchair-friendly."""
    answer = assistant.ask("Is OBS De Regenboog wheelchair accessible?")
    assert answer.language == "en" and not answer.refused
    assert answer.answer.startswith("No. According to the support profile")
    assert "Rolstoelvriendelijk | Nee Lift" not in answer.answer  # a table row stays on a line of its own
    assert "Het gebouw is niet rolstoelvriendelijk" in answer.answer
    # The section heading that two passages share is quoted once, without the regional sentence after it.
    assert answer.answer.count("Medisch handelen en fysieke toegankelijkheid") <= 1
    assert "protocol medisch handelen" not in answer.answer


def test_refusal_finds_the_contact_data_in_a_ruled_table(assistant: SopAssistant) -> None:
    answer = assistant.ask("Heeft OBS De Regenboog een zwembad?")
    assert answer.refused
    assert "015-2101234" in answer.answer and "info@obs-deregenboog.example" in answer.answer


def test_point_of_contact_is_the_one_for_parents() -> None:
    chunks = [
        Document(page_content="Pesten voorkomen. Op alle scholen is er een aanspreekpunt voor pesten."),
        Document(page_content="De intern begeleider is aanspreekpunt voor de ouders bij extra ondersteuning."),
    ]
    assert contact_lines(chunks) == "“De intern begeleider is aanspreekpunt voor de ouders bij extra ondersteuning”"
    assert contact_lines(chunks[:1]) == ""


def test_a_sentence_that_leans_on_the_one_before_is_quoted_with_it(assistant: SopAssistant) -> None:
    """'Samen vormen zij met de directeur het ondersteuningsteam': who 'zij' are is in the sentence before."""
    answer = assistant.ask("Wie zitten er in het ondersteuningsteam van Kindcentrum De Vlinder?")
    assert "De Vlinder heeft drie intern begeleiders: Anouk de Groot" in answer.answer
    assert "Samen vormen zij met de directeur het ondersteuningsteam" in answer.answer


def test_the_list_a_matrix_quote_stands_in_is_named_as_the_profile_names_it(assistant: SopAssistant) -> None:
    answer = assistant.ask("My daughter is gifted. Which school fits her best?")
    regenboog = next(line for line in answer.answer.splitlines() if line.startswith("- OBS De Regenboog:"))
    assert "(under “Grensgebied (per leerling bekijken wij in een MDO" in regenboog


def test_who_is_in_the_team_quotes_the_members(assistant: SopAssistant) -> None:
    """The start screen's teacher example in English, and the same for the SBO, whose team is the 'commissie van
    begeleiding (CvB)': 'who is in …' asks for members, not for one name."""
    vlinder = assistant.ask("Who is in the support team of Kindcentrum De Vlinder?")
    assert not vlinder.refused and "Samen vormen zij met de directeur het ondersteuningsteam" in vlinder.answer
    anker = assistant.ask("Who is in the support team of SBO Het Anker?")
    assert not anker.refused
    assert "De CvB bestaat uit de adjunct-directeur (voorzitter), de orthopedagoog" in anker.answer
    assert "**" not in anker.answer  # the Markdown profile's bold marks are not quoted


def test_a_school_that_is_not_indexed_is_said_to_be_missing(assistant: SopAssistant) -> None:
    """'BS De Zonnebloem' has no profile here: no other school's passages answer for it."""
    answer = assistant.ask("Heeft BS De Zonnebloem een lift?")
    assert answer.refused and answer.sources == []
    assert "“BS De Zonnebloem”" in answer.answer and "OBS De Regenboog" in answer.answer
    english = assistant.ask("Who is in the support team of IKC De Sterrenwacht?")
    assert english.refused and english.answer.startswith("There is no support profile of “IKC De Sterrenwacht”")
    # A school that is indexed, named in another way, is still answered.
    assert not assistant.ask("Heeft Regenboog een lift?").refused
