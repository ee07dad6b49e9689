"""The extractive answers over the two real support profiles: refusals that name the school, where it looked and
how to reach it; comparisons per school that never mix the schools' text; regional standard text labelled; English
phrasing around Dutch quotes; follow-ups resolved against the history, school included; yes/no only when the quote
says so plainly. Plus the excerpt rules (lists, scope, context) on real profile text."""

from __future__ import annotations

import re

import pytest

from assistant.answers.excerpts import Excerpt, between, excerpts, frame, with_context
from assistant.answers.model import Answer
from assistant.question.kinds import asked_kind, gives_asked_fact, verdict
from assistant.question.terms import Term, related
from assistant.service import SopAssistant
from index.lexical import analyse

MARKER = re.compile(r"\[(\d+)\]")


@pytest.fixture(scope="module")
def assistant(seed_assistant: SopAssistant) -> SopAssistant:
    return seed_assistant


def flat(text: str) -> str:
    return " ".join(text.split())


def cited_schools(answer: Answer, block: str) -> set[str]:
    by_rank = {s.rank: s for s in answer.sources}
    return {by_rank[int(n)].doc_id for n in MARKER.findall(block)}


def assert_citations_hold(answer: Answer) -> None:
    """Every [n] names a source that carries a quote, and every quote stands in its passage."""
    by_rank = {s.rank: s for s in answer.sources}
    for number in MARKER.findall(answer.answer):
        source = by_rank[int(number)]
        assert source.quote, f"[{number}] cites a source without a quote"
    for source in answer.sources:
        for part in source.quote.split(" … ") if source.quote else []:
            assert flat(part) in flat(source.text), part


def test_refusal_names_the_school_the_sections_searched_and_its_contact(assistant: SopAssistant) -> None:
    answer = assistant.ask("Heeft Balans schoolzwemmen of een eigen zwembad?")
    assert answer.refused and answer.schools == ["kc-balans"]
    assert "Kindcentrum Balans" in answer.answer and "niet" in answer.answer
    searched = answer.answer.split("Ik heb gezocht in:")[1]
    assert any(s.section.split(" › ")[0] in searched for s in answer.sources[:3])
    assert "070-3175214" in answer.answer and "info@kcbalans.nl" in answer.answer
    assert not any(s.quote for s in answer.sources)


def test_refusal_without_contact_data_points_to_the_profiles_point_of_contact(assistant: SopAssistant) -> None:
    answer = assistant.ask("Heeft Het Kristal naschoolse opvang (BSO)?")
    assert answer.refused
    assert "BS Het Kristal" in answer.answer
    assert "De intern begeleider is aanspreekpunt voor de ouders" in answer.answer


def test_questions_for_facts_the_profile_lacks_are_refused(assistant: SopAssistant) -> None:
    for question in ("Hoe heet de intern begeleider van Het Kristal?", "Hoe laat begint de school op Balans?"):
        answer = assistant.ask(question)
        assert answer.refused, answer.answer
    english = assistant.ask("What time does school start in the morning at Balans?")
    assert english.refused and english.language == "en"
    assert english.answer.startswith("The support profile of Kindcentrum Balans does not answer this question.")


def test_comparison_answers_per_school_and_never_mixes_their_text(assistant: SopAssistant) -> None:
    answer = assistant.ask("Welke van de twee scholen heeft een lift, Het Kristal of Balans?")
    assert not answer.refused
    blocks = answer.answer.split("\n\n")
    kristal = next(b for b in blocks if "BS Het Kristal" in b.split("\n")[0])
    balans = next(b for b in blocks if "Kindcentrum Balans" in b.split("\n")[0])
    assert cited_schools(answer, kristal) == {"het-kristal"}
    assert cited_schools(answer, balans) == {"kc-balans"}
    assert kristal.startswith("Nee.") and re.search(r"Lift\s+nvt", kristal)
    assert balans.startswith("Ja.") and "lift aanwezig" in balans
    assert_citations_hold(answer)


def test_question_naming_no_school_is_answered_for_each_school(assistant: SopAssistant) -> None:
    answer = assistant.ask("is er een invalide toilet op school?")
    assert set(answer.schools) == {"het-kristal", "kc-balans"}
    for block in answer.answer.split("\n\n"):
        school = "het-kristal" if "Het Kristal" in block.split("\n")[0] else "kc-balans"
        assert cited_schools(answer, block) == {school}
    assert "Er is een invalidetoilet beschikbaar" in answer.answer
    assert re.search(r"Invalidetoilet\s+nvt", answer.answer)


def test_regional_standard_text_is_labelled_and_school_text_is_not(assistant: SopAssistant) -> None:
    regional = assistant.ask("Is 'stop-denk-doe' iets wat Balans specifiek zelf doet?")
    quoted = next(line for line in regional.answer.splitlines() if "‘stop-denk-doe’" in line)
    # Labelled in its own line, or, when every quote is regional, in the line that leads them.
    assert "regionale standaardtekst" in quoted or (
        "regionale standaardtekst" in regional.answer and "niet beschrijft wat Kindcentrum Balans zelf doet" in regional.answer
    )
    own = assistant.ask("Heeft Kindcentrum Balans een lift?")
    assert "lift aanwezig" in own.answer and "regionale" not in own.answer


def test_english_question_gets_english_phrasing_around_dutch_quotes(assistant: SopAssistant) -> None:
    answer = assistant.ask("Does Het Kristal have a lift?")
    assert answer.language == "en"
    assert answer.answer.startswith("No. According to the support profile (schoolondersteuningsprofiel) of BS Het Kristal")
    assert re.search(r"“[^”]*Lift nvt[^”]*”", answer.answer)
    assert "nvt = not applicable" in answer.answer
    dutch = assistant.ask("Heeft Het Kristal een lift?")
    assert dutch.answer.startswith("Nee. Volgens het schoolondersteuningsprofiel van BS Het Kristal")


def test_follow_up_takes_topic_and_school_from_the_history(assistant: SopAssistant) -> None:
    answer = assistant.ask("En een invalidetoilet?", ["Heeft Kindcentrum Balans een lift?"])
    assert answer.schools == ["kc-balans"]
    assert answer.answer.startswith("Ja.") and "Er is een invalidetoilet beschikbaar" in answer.answer
    assert cited_schools(answer, answer.answer) == {"kc-balans"}

    who = assistant.ask("wie zitten daarbij?", ["Hoe vaak zijn de groepsbesprekingen op Het Kristal?"])
    assert who.schools == ["het-kristal"]
    assert "Deze besprekingen vinden plaats tussen de leerkracht(en) en de IB-er." in who.answer


def test_follow_up_naming_another_school_keeps_the_topic(assistant: SopAssistant) -> None:
    answer = assistant.ask("En Balans?", ["Heeft Het Kristal een lift?"])
    assert answer.schools == ["kc-balans"]
    assert "lift aanwezig" in answer.answer
    assert cited_schools(answer, answer.answer) == {"kc-balans"}


def test_yes_or_no_only_when_the_quote_says_so_plainly(assistant: SopAssistant) -> None:
    skipping = assistant.ask("kan mijn kind op het kristal een klas overslaan?")
    assert not skipping.refused and "klas overslaat" in skipping.answer
    assert not skipping.answer.startswith(("Ja.", "Nee."))
    # 'Expertise autisme Nee' says nothing about whether the school is suitable.
    suitable = assistant.ask("Is Het Kristal geschikt voor een kind met autisme?")
    assert not suitable.answer.startswith(("Ja.", "Nee."))
    plans = assistant.ask("Werken jullie op Het Kristal met kindplannen?")
    assert plans.answer.startswith("Nee.") and "werken we niet met kindplannen" in plans.answer


def test_list_question_quotes_the_whole_list_with_its_heading(assistant: SopAssistant) -> None:
    answer = assistant.ask("Wat valt bij Balans onder 'grens'?")
    for item in ("(bijna) blind", "ernstige verstandelijke beperkingen", "zelfredzaamheid", "ODD/CD"):
        assert item in answer.answer
    fear = assistant.ask("Mijn dochter heeft last van faalangst, kan Balans haar helpen?")
    # A list item comes with the line that says which list it is on.
    assert "Grensgebied" in fear.answer and "Binnen het normprofiel" in fear.answer
    assert_citations_hold(fear)


def test_numbers_and_names_are_kept(assistant: SopAssistant) -> None:
    budget = assistant.ask("Hoeveel budget voor basisondersteuning staat er voor 2023 begroot bij BS Het Kristal?")
    for number in ("32.000", "8.500", "106"):
        assert number in budget.answer
    principal = assistant.ask("Who is the principal of Kindcentrum Balans and what's their email?")
    assert "A. Gillet" in principal.answer and "agillet@kcbalans.nl" in principal.answer


def test_how_often_is_answered_by_a_frequency_or_not_at_all(assistant: SopAssistant) -> None:
    """'Hoe vaak …' asks for how often: a sentence on the topic that gives no frequency does not answer it."""
    kind = asked_kind("Hoe vaak komt het zorgteam bij elkaar?")
    assert not gives_asked_fact(kind, ["Het zorgteam komt regelmatig bij elkaar."])
    for said in ("zes keer per jaar", "Eens per 8 weken is er overleg", "Elke donderdag is er een spreekuur",
                 "tien gesprekken in een schooljaar", "wekelijks"):
        assert gives_asked_fact(kind, [said]), said
    pozo = assistant.ask("Hoe vaak komen de deelnemers van de POZO bij elkaar op Het Kristal?")
    assert "4 tot 6 keer per jaar" in pozo.answer
    # Balans's evaluation day is on the topic and says nothing of how often: no quote, rather than that one.
    results = assistant.ask("How often does Kindcentrum Balans discuss the learning results at school level?")
    frequency = re.compile(r"(?i)\b(keer|maal|per jaar|tweemaal|driemaal|wekelijks)\b")
    assert results.refused or all(frequency.search(s.quote) for s in results.sources if s.quote)


def test_a_school_equipped_with_what_is_asked_is_a_yes() -> None:
    kind = asked_kind("Heeft de school een lift?")
    assert verdict(kind, "De school is voorzien van een lift en verbreed toilet.", ["lift"]) == "yes"
    assert verdict(kind, "Het gebouw is niet voorzien van een lift.", ["lift"]) == "no"
    assert verdict(kind, "De lokalen zijn voorzien van digiborden.", ["lift"]) is None


def _units_holding(assistant: SopAssistant, doc_id: str, words: str) -> list:
    chunk = next(c for c in assistant.index.store.chunks_of(doc_id) if words in flat(c.page_content))
    return excerpts(chunk)


def test_excerpts_follow_lists_scope_and_leaning_sentences(assistant: SopAssistant) -> None:
    """The units ingest stored: regional text apart from the school's own, a list item with the line that announces
    its list, a sentence with the one it leans on."""
    chunks = assistant.index.store.chunks_of("kc-balans")
    regional = next(c for c in chunks if "stop-denk-doe" in c.page_content)
    section = [c for c in chunks if c.metadata["section"] == regional.metadata["section"]]
    units = [unit for chunk in section for unit in excerpts(chunk)]
    stop = next(u for u in units if "stop-denk-doe" in u.text)
    own = next(u for u in units if u.text.startswith("Op onze school"))
    assert stop.regional and not own.regional

    units = _units_holding(assistant, "kc-balans", "Faalangst")
    item = next(i for i, u in enumerate(units) if u.kind == "list_item" and "Faalangst" in u.text)
    assert [units[i].text for i in with_context(units, item, 900)][0].startswith("Grensgebied")

    units = _units_holding(assistant, "het-kristal", "Deze besprekingen vinden plaats tussen")
    leaning = next(i for i, u in enumerate(units) if u.text.startswith("Deze besprekingen"))
    assert "groeps-/toetsbespreking gepland" in [units[i].text for i in with_context(units, leaning, 900)][0]

    # A row of Kristal's facilities table comes with the table's header row, which says what its values mean.
    units = _units_holding(assistant, "het-kristal", "Invalidetoilet nvt")
    row = next(i for i, u in enumerate(units) if u.row and u.text.startswith("Invalidetoilet"))
    header = [units[i].text for i in with_context(units, row, 900)][0]
    assert header.startswith("Voorziening") and "Niet van toepassing" in header


def _lines(*lines: tuple[str, str]) -> list[Excerpt]:
    """Excerpts of a passage of one unit a line: (kind, text)."""
    units, start = [], 0
    for kind, text in lines:
        units.append(Excerpt(text, start, start + len(text), kind, True, False))
        start += len(text) + 1
    return units


def test_a_question_of_the_profile_frames_what_follows_it() -> None:
    """A form's question ('• buiten de groep: welke functies …?') is what the school's lines below it answer: an
    item is quoted with it, and the question's words count for the item as a heading's do. A web address cut at
    its '?' asks nothing."""
    units = _lines(
        ("text", "Extra begeleiding"),
        ("list_item", "• buiten de groep: welke functies zijn er, voor hoeveel uur per week?"),
        ("list_item", "- Remedial teacher, 4 uur per week"),
        ("list_item", "- Logopedist op dinsdag"),
        ("text", "Zie https://scholenopdekaart.nl/zoek?"),
        ("text", "De school werkt samen met het wijkteam."),
    )
    assert frame(units, 3) == 1 and with_context(units, 3, 900) == [1, 3]
    assert units[1].asks and not units[4].asks
    assert frame(units, 5) is None


def test_two_sentences_of_a_paragraph_are_quoted_with_the_one_between() -> None:
    units = [
        Excerpt("Het eigenaarschap ligt bij de leerkracht.", 0, 41, "text", True, False),
        Excerpt("Afstemming met derden gebeurt door de leerkracht zelf.", 42, 96, "text", False, False),
        Excerpt("Contact met het samenwerkingsverband loopt via de IB.", 97, 150, "text", False, False),
        Excerpt("Groepsplannen", 151, 164, "heading", True, False),
        Excerpt("De plannen worden twee keer per jaar bijgesteld.", 165, 213, "text", True, False),
    ]
    assert between(units, {0, 2}) == [1]
    # Not across a line: a heading or a new paragraph between them stays out.
    assert between(units, {2, 4}) == [] and between(units, {0, 1, 2}) == []


def test_a_table_row_is_framed_by_its_header_row() -> None:
    units = _lines(("text", "Voorzieningen"), ("table_row", "Voorziening | Aanwezig"), ("table_row", "Lift | Nee"),
                   ("table_row", "Invalidetoilet | Ja"))
    assert frame(units, 3) == 1 and frame(units, 1) is None
    assert with_context(units, 3, 900)[0] == 1


def test_a_compound_is_held_whole_only_with_its_first_part() -> None:
    """'Er is een protocol voor dyslexie' names a protocol, not which one: it holds part of 'gedragsprotocol', all
    of it only with 'gedrag' beside it; the longer the missing first part, the less it holds."""
    def held(word: str, text: str) -> float:
        return Term(word, (tuple(analyse(word)),), 1.0).share_in(frozenset(analyse(text)))

    assert held("gedragsprotocol", "Er is een protocol voor gedrag.") == 1.0
    assert 0 < held("leesprotocol", "Er is een protocol voor dyslexie.") < 1.0
    assert held("gedragsprotocol", "Er is een protocol voor dyslexie.") < held("leesprotocol", "Er is een protocol voor dyslexie.")
    assert not Term("leesprotocol", (("leesprotocol",),), 1.0).found_in(frozenset(analyse("een protocol voor dyslexie")))
    assert held("toilet", "Er is een invalidetoilet.") == 1.0


def test_related_words_are_compounds_and_inflections_not_first_parts() -> None:
    assert related("toilet", "invalidetoilet")
    assert related("rekeninterventie", "interventie")
    assert related("overslaan", "overslat")
    assert related("info", "informatie")
    assert not related("schoolzwem", "school")
    assert not related("opp", "oppervlak")


def test_who_sits_in_a_committee_quotes_its_members(assistant: SopAssistant) -> None:
    """'De IZC bestaat uit de volgende leden: …' names no 'interne zorgcommissie', only its abbreviation."""
    answer = assistant.ask("Wie zitten er in de interne zorgcommissie van Het Kristal?")
    assert "De IZC bestaat uit de volgende leden: de directie" in flat(answer.answer)
    assert_citations_hold(answer)
