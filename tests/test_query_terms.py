"""Query clean-up before search: school names out, abbreviations both ways, question phrasing counted weakly."""

from __future__ import annotations

from langchain_core.documents import Document

from assistant.question.glossary import search_words
from assistant.question.kinds import asked_kind, kind_strength
from assistant.question.reading import read_question
from assistant.question.schools import SchoolRecord, school_names, schools_in, without_school_names
from index.lexical import LexicalIndex, analyse

NAMES = school_names({"het-kristal": "BS Het Kristal", "kc-balans": "Kindcentrum Balans"})


def test_named_school_is_taken_out_but_a_topic_carrying_its_name_stays():
    assert without_school_names("Wie zitten in het MDO op Het Kristal?", NAMES, ["het-kristal"]) == "Wie zitten in MDO op"
    assert without_school_names("Wat is de Kristalis groep op t kristall?", NAMES, ["het-kristal"]) == "Wat is Kristalis groep op"
    # A name written as two words goes as a whole.
    apart = school_names({"bienekebolders": "OBS De Bienekebolders"})
    assert without_school_names("is de bieneke bolders rolstoeltoegankelijk?", apart, ["bienekebolders"]) == "is rolstoeltoegankelijk?"
    # Only the schools the question is about: 'balans' is an ordinary word when Balans is not meant.
    assert "balans" in without_school_names("evenwicht en balans bij Het Kristal", NAMES, ["het-kristal"])


def test_schools_named_with_typos_or_with_their_prefix_are_found():
    assert schools_in("wat doet t kristall met dislexie?", NAMES) == ["het-kristal"]
    assert schools_in("Heeft kcbalans een lift? En Het Kristal?", NAMES) == ["kc-balans", "het-kristal"]


def test_a_school_named_exactly_is_not_also_its_look_alike():
    many = school_names({
        "cbs-de-rode-eik": "CBS De Rode Eik", "sbo-de-ronde-eik": "SBO De Ronde Eik",
        "obs-de-gouden-toren": "OBS De Gouden Toren", "rkbs-de-gouden-vuurtoren": "RKBS De Gouden Vuurtoren",
    })
    assert schools_in("Wie is de directeur van CBS De Rode Eik?", many) == ["cbs-de-rode-eik"]
    assert schools_in("Heeft De Gouden Vuurtoren een lift?", many) == ["rkbs-de-gouden-vuurtoren"]
    # Both named as such, both meant; a typo with no exact rival still finds its school.
    assert schools_in("De Rode Eik en De Ronde Eik", many) == ["cbs-de-rode-eik", "sbo-de-ronde-eik"]
    assert schools_in("de gouden vuurtorn", many) == ["rkbs-de-gouden-vuurtoren"]


def test_a_word_no_profile_uses_may_be_a_name_one_letter_off():
    names = school_names({"sbo-het-anker": "SBO Het Anker", "obs-de-pluim": "OBS De Pluim"})
    known = {"ander", "lokaal", "lift", "heeft"}
    assert schools_in("Heeft Het Ankor een lift?", names, known) == ["sbo-het-anker"]
    # 'ander' is a word of the profiles, not a typo of 'Anker'; without the profiles' words no name is guessed so far.
    assert schools_in("Is er een ander lokaal?", names, known) == []
    assert schools_in("Heeft Het Ankor een lift?", names) == []


def test_a_name_inside_a_longer_name_or_its_town_is_not_another_school():
    """'Den Horst' is in 'lindehorst' and in the town 'Horstdorp', but the question names De Lindehorst exactly; a
    name written with its kind of school ('caeciliaschool') names it as exactly as 'Caecilia', and its town
    ('berkel') then names no other school ('Berkelhof')."""
    names = school_names({
        "lindehorst": SchoolRecord("De Lindehorst", "Horstdorp"), "den-horst": SchoolRecord("Den Horst", "Ravenstein"),
        "caecilia": SchoolRecord("St. Caecilia", "Berkel-Ende"), "berkelhof": SchoolRecord("Basisschool Berkelhof", "Veld"),
    })
    assert schools_in("welke protocollen heeft de lindehorst (horstdorp)?", names) == ["lindehorst"]
    assert schools_in("Heeft Den Horst een lift?", names) == ["den-horst"]
    assert schools_in("hoe vaak is de plusklas op de caeciliaschool in berkel?", names) == ["caecilia"]
    assert schools_in("Heeft Berkelhof een lift?", names) == ["berkelhof"]
    assert schools_in("is st cecilia in berkel ende accessible?", names) == ["caecilia"]


def test_a_named_school_whose_profile_gives_no_town_is_not_ruled_out_by_one():
    names = school_names({
        "fatima": SchoolRecord("Basisschool Fatima", ""), "bron": SchoolRecord("De Bron", "Kustdorp"),
        "duin": SchoolRecord("Het Duin", "Zandstad"),
    })
    question = read_question("Hoeveel uur is de consulent op bs Fatima in Zandstad?", [], names)
    assert question.schools == ("fatima",) and question.towns == ("Zandstad",)
    # A school the profile places in another town is still left out.
    question = read_question("Hoeveel uur is de consulent op de Bron in Zandstad?", [], names)
    assert question.schools == ()


def test_abbreviations_expand_both_ways():
    assert "medezeggenschapsraad" in search_words("Welke rol heeft de MR?", english=False)
    assert "ib" in search_words("Hoeveel intern begeleiders zijn er?", english=False).split()
    assert "intern begeleider" in search_words("Wanneer spreek ik de IB’er?", english=False)
    assert search_words("So what does the school offer?", english=True) == ""


def test_how_many_is_searched_as_the_count_profiles_write():
    assert search_words("Hoeveel leerlingen heeft Balans?", english=False) == "aantal"
    assert "aantal" in search_words("How many pupils does the school have?", english=True).split()
    assert search_words("Wie is de directeur?", english=False) == ""


def test_english_words_are_searched_in_the_profiles_dutch():
    assert "rolstoel" in search_words("Is the school wheelchair accessible?", english=True).split()
    assert "rolstoel" not in search_words("Is the school wheelchair accessible?", english=False).split()


def test_the_asked_kind_of_fact_ranks_higher():
    how_many = asked_kind("Hoeveel intern begeleiders heeft Balans?")
    assert kind_strength(how_many, "Aantal intern begeleiders 4") > kind_strength(how_many, "Drie keer per jaar is er overleg.")
    assert kind_strength(how_many, "De intern begeleider bespreekt de groep.") == 0.0
    # A number that names a level or a group counts nothing: the heading 'Zorgniveau 2: …' is no answer to 'Hoeveel'.
    levels = asked_kind("Hoeveel zorgniveaus hanteert de school?")
    assert kind_strength(levels, "Zorgniveau 2: Extra zorg in de groep") == 0.0
    assert kind_strength(levels, "In groep 3 krijgen de kinderen extra leesles.") == 0.0
    assert kind_strength(levels, "Op onze school kennen we vier zorgniveaus.") > 0.0
    whom = asked_kind("Bij wie moet ik zijn als mijn kind extra hulp nodig heeft?")
    contact = kind_strength(whom, "De intern begeleider is aanspreekpunt voor de ouders bij extra ondersteuning.")
    role = kind_strength(whom, "De intern begeleider brengt de problematiek in kaart.")
    assert contact > role > 0.0
    director = asked_kind("Wie is de directeur van IKC De Sterke Wilg?")
    assert kind_strength(director, "Naam directeur | Pieter de Wit") > kind_strength(
        director, "Samen vormen zij met de directeur het ondersteuningsteam."
    )


def _chunk(number: int, text: str) -> Document:
    return Document(page_content=text, metadata={"doc_id": "kc-balans", "school": "", "section": ""}, id=f"c{number}")


def _best(index: LexicalIndex, query: str) -> str:
    scores = index.scores(query)
    return max(scores, key=scores.__getitem__)


def test_question_words_do_not_outweigh_the_topic_word():
    chunks = [
        _chunk(1, "Amplitief werken: geen probleem maar kansen."),
        _chunk(2, "Grens: leerlingen met een lichte lichamelijke handicap (astma, allergieën, etc.) kunnen hier terecht, "
                  "mits de zelfredzaamheid voldoende is en de ouders de medische handelingen met de school afstemmen."),
        _chunk(3, "Ouders van een zoon/dochter met extra ondersteuning worden betrokken bij het plan."),
        _chunk(4, "Bij vermoeden van dyslexie volgen wij het protocol; onderzoek kan leiden tot een verklaring."),
    ] + [_chunk(10 + n, f"Leerkrachten werken in groep {n} met het rekenplan en het leesplan.") for n in range(8)]
    index = LexicalIndex.build(chunks)
    assert _best(index, "mijn dochter heeft astma, is dat een probleem?") == "c2"
    # A question of phrasing only still searches with it.
    assert _best(index, "wat is een probleem?") == "c1"


def test_a_typo_is_read_as_the_closest_word_of_the_profiles():
    chunks = [
        _chunk(1, "Bij vermoeden van dyslexie volgen wij het protocol; onderzoek kan leiden tot een verklaring."),
        _chunk(2, "De kindercoach begeleidt leerlingen met faalangst."),
    ] + [_chunk(10 + n, f"Leerkrachten werken in groep {n} met het rekenplan en het leesplan.") for n in range(8)]
    index = LexicalIndex.build(chunks)
    assert _best(index, "dislexie?") == "c1"
    assert _best(index, "kindercoatch") == "c2"
    # A word the profiles know in some form is left alone.
    assert "c2" not in index.scores("leerkracht")


def test_a_misspelt_dutch_word_is_a_key_term_in_the_profiles_spelling():
    """'dyscalulie' is held by a sentence with 'dyscalculie'; an English word is not 'corrected' into a Dutch one."""
    index = LexicalIndex.build([
        _chunk(1, "De intern begeleider is opgeleid als behandelaar dyscalculie."),
        _chunk(2, "Het is beter om eerst met de leerkracht te praten."),
    ])
    dutch = read_question("Heeft de school mensen met verstand van dyscalulie?", [], NAMES, correct=index.corrected)
    term = next(t for t in dutch.terms if t.label == "dyscalulie")
    assert term.found_in(frozenset(analyse("behandelaar dyscalculie")))
    english = read_question("Which school suits her better?", [], NAMES, correct=index.corrected)
    assert not any(t.found_in(frozenset(analyse("beter"))) for t in english.terms)
    assert index.corrected("dyscalculie") is None and index.corrected("dyscalulie") == "dyscalculie"


def test_language_of_questions_in_latin_letters_that_are_neither_dutch_nor_english():
    from assistant.question.language import detect_language

    # Polish shares 'do' with English, Turkish writes ğ and ş: both are answered in Dutch, saying so.
    assert detect_language("Czy mój syn z TOS może chodzić do Balans?") == "other"
    assert detect_language("Çocuğum disleksi, okula gidebilir mi?") == "other"
    assert detect_language("Does Balans have experience with autism?") == "en"
    assert detect_language("Mijn zoon heeft TOS. Kan hij naar Balans?") == "nl"
    assert detect_language("Is the school wheelchair accessible?") == "en"


def test_asking_to_compare_names_no_topic():
    """'Vergelijk … op dyslexie': the topic is dyslexie; 'vergelijk' would match 'zoek-en-vergelijk' in a URL."""
    from assistant.question.terms import question_terms

    terms = question_terms("Vergelijk Het Kristal en Balans op dyslexie", "", "nl", {"het", "kristal", "balans"})
    assert [t.label for t in terms] == ["dyslexie"]
    english = question_terms("Compare the gifted support of Balans versus Kristal", "", "en", {"balans", "kristal"})
    assert "compare" not in {t.label for t in english} and "versus" not in {t.label for t in english}


def test_the_name_lookup_finds_the_keys_that_comparing_every_key_with_every_word_finds():
    """schools_in compares a question's words with the keys that can match them (by first letter, substring and
    prefix) instead of with every key of every school: the same keys, for typos, compounds and prefixes alike."""
    from itertools import product

    from assistant.question import schools

    cores = ["Rode Eik", "Ronde Eik", "Gouden Toren", "Gouden Vuurtoren", "Kristal", "Regenboog", "Vonder",
             "Wingerd", "Bodde", "Zonnesteen", "Kleine Akkers", "Akker"]
    kinds = ["CBS", "OBS", "SBO", "Kindcentrum", "Basisschool", ""]
    records = {f"{kind}-{core}-{n}".lower(): f"{kind} De {core}".strip() for n, (kind, core) in enumerate(product(kinds, cores))}
    records.update({
        "jan-ligthart": "Eerste Jan Ligthartschool", "driecant": "Basisschool Jan Ligthart Driecant",
        "willibrordus": "Willibrordusschool", "mytyl": "Mytylschool Tilburg", "kc-balans": "Kindcentrum Balans",
        "st-caecilia": "St. Caecilia", "dn-hazennest": "d’n Hazennest",
    })
    names = school_names(records)
    lookup = schools._NameLookup(names)
    questions = [
        "wat doet t kristall met dislexie?", "Heeft kcbalans een lift?", "willibrordus alphen", "mytilschool",
        "Jan Ligthart school", "onder de lift", "De Rode Eik of de Ronde Eik?", "vuurtoren en toren",
        "Heeft de Kleine Akker een lift?", "zonnesteenschool", "regenbogen", "caecilia hazennest", "wingerdschool",
        "Heeft Bode een ib'er?", "Wat is de Kristalis groep?", "zonnest", "",
    ]
    for question in questions:
        words = schools._words(question)
        joined = words + [a + b for a, b in zip(words, words[1:])]
        assert lookup.matched_keys(joined) == {key for key in lookup.holders if schools._matches(key, joined)}, question
