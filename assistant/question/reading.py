"""Reading a question, once per ask, into a :class:`Question`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from assistant.data import generic_name_words
from assistant.question.categories import asks_across_schools, categories_in
from assistant.question.conversation import leans_on_earlier, previous_question
from assistant.question.glossary import search_words
from assistant.question.kinds import asked_kind
from assistant.question.language import detect_language
from assistant.question.model import Question
from assistant.question.schools import SchoolName, bare_word, schools_in, towns_in, types_in, without_school_names
from assistant.question.terms import Spelling, question_terms
from index.lexical import analyse
from ingest.identity import place_named, school_names_in


def read_question(
    text: str,
    history: Sequence[str],
    names: list[SchoolName],
    school_filter: Sequence[str] = (),
    towns: Sequence[str] = (),
    types: Sequence[str] = (),
    known_words: AbstractSet[str] = frozenset(),
    correct: Spelling = None,
) -> Question:
    """Analyse a question with its conversation (earlier questions, oldest first) over the indexed schools' names;
    ``school_filter``, ``towns`` and ``types`` limit the schools it can be about (the user's choice).
    ``known_words`` are the words (stems) the profiles use: a word outside them may be a misspelt name, or a
    misspelt word that ``correct`` gives the profiles' word for."""
    history = tuple(history)
    named = schools_in(text, names, known_words)
    # A town or kind of school the question names limits it as the user's filter does, unless it names its school.
    indexed_towns = sorted({n.town for n in names if n.town})
    spelling = {town.casefold(): town for town in indexed_towns}
    towns = (
        tuple(spelling.get(town.casefold(), town) for town in towns)
        or tuple(towns_in(text, indexed_towns))
        or _town_not_indexed(text, indexed_towns)
    )
    types = tuple(kind.casefold() for kind in types) or tuple(types_in(text))
    scope = tuple(
        n.doc_id for n in names
        if (not towns or n.town in towns) and (not types or n.type in types) and (not school_filter or n.doc_id in school_filter)
    ) if towns or types else tuple(school_filter)
    previous = previous_question(history)
    earlier = previous if leans_on_earlier(text, previous, bool(named)) else ""
    about = named
    if not about:
        # A follow-up that names no school is about the school of the conversation.
        about = next((found for found in (schools_in(q, names, known_words) for q in reversed(history)) if found), [])
    allowed = list(school_filter)
    schools = [s for s in about if not allowed or s in allowed] or allowed
    if towns or types:
        # Within the town or kind asked about: the namesakes there (of "De Regenboog" in Zwolle), or the school of
        # the conversation if it is there; a filter by place covers the rest. A school the question names whose
        # profile gives no town (or kind) is not ruled out by one: nothing says it lies elsewhere.
        unplaced = {n.doc_id for n in names if n.doc_id in named and (towns and not n.town or types and not n.type)}
        schools = [s for s in schools if s in scope or s in unplaced]
    # A school's name is no evidence of the question's language ('Is OBS De Regenboog wheelchair accessible?').
    language = detect_language(without_school_names(text, names, named))
    asked = f"{text} {earlier}" if earlier else text
    search = without_school_names(asked, names, schools)
    # The words that name a school ('mytilschool', its town) are no key terms of its answer either.
    name_words = _name_words(names, schools) | (_bare_words(asked) - _bare_words(search) - generic_name_words())
    search = f"{search} {search_words(search, english=language != 'nl')}"
    return Question(
        text=text,
        history=history,
        language=language,
        earlier=earlier,
        named=tuple(named),
        schools=tuple(schools),
        towns=towns,
        types=types,
        scope=scope,
        unknown_school=None if schools or towns or types else next(iter(school_names_in(text)), None),
        kind=asked_kind(text),
        terms=tuple(question_terms(text, earlier, language, name_words, correct)),
        categories=categories_in(text),
        across_schools=asks_across_schools(text) or (bool(previous) and asks_across_schools(previous)),
        search_text=" ".join(search.split()),
    )


# 'in Delft', 'te Berkel Enschot', 'near Tilburg': where a question says where it asks about.
_PLACED = re.compile(r"\b(?:in|te|uit|bij|rond|rondom|near|around)\s+((?:['’]s-)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2})")


def _town_not_indexed(text: str, indexed_towns: list[str]) -> tuple[str, ...]:
    """A Dutch town the question asks about that no indexed school is in ('Welke scholen in Delft …' over an index
    of Tilburg's schools): the question is then about no school, not about every school."""
    for match in _PLACED.finditer(text):
        words = match.group(1).split()
        for end in range(len(words), 0, -1):
            town = place_named(" ".join(words[:end]))
            if town and town not in indexed_towns:
                return (town,)
            if town:
                return ()
    return ()


def _bare_words(text: str) -> set[str]:
    return {bare_word(word) for word in text.split()}


def _name_words(names: list[SchoolName], doc_ids: Sequence[str]) -> set[str]:
    """The words (and their stems) of the names of the schools a question is about, with their towns and BRINs
    (as ``without_school_names`` takes them out of the search text): no key terms of its answer."""
    school_names = [
        part for name in names if name.doc_id in doc_ids for part in (name.school, name.town, name.brin) if part
    ] + list(doc_ids)
    words = {word for name in school_names for word in re.findall(r"[\w’']+", name.lower().replace("-", " "))}
    return words | {stem for name in school_names for stem in analyse(name.replace("-", " "))}
