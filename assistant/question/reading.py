"""Reading a question, once per ask, into a :class:`Question`."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.question.categories import asks_across_schools, categories_in
from assistant.question.conversation import leans_on_earlier, previous_question
from assistant.question.glossary import search_words
from assistant.question.kinds import asked_kind
from assistant.question.language import detect_language
from assistant.question.model import Question
from assistant.question.schools import SchoolName, schools_in, without_school_names
from assistant.question.terms import question_terms
from index.lexical import analyse
from ingest.school import school_names_in


def read_question(
    text: str, history: Sequence[str], names: list[SchoolName], school_filter: Sequence[str] = ()
) -> Question:
    """Analyse a question with its conversation (earlier questions, oldest first) over the indexed schools' names;
    ``school_filter`` limits the schools it can be about (the user's choice)."""
    history = tuple(history)
    named = schools_in(text, names)
    previous = previous_question(history)
    earlier = previous if leans_on_earlier(text, previous, bool(named)) else ""
    about = named
    if not about:
        # A follow-up that names no school is about the school of the conversation.
        about = next((found for found in (schools_in(q, names) for q in reversed(history)) if found), [])
    allowed = list(school_filter)
    schools = [s for s in about if not allowed or s in allowed] or allowed
    # A school's name is no evidence of the question's language ('Is OBS De Regenboog wheelchair accessible?').
    language = detect_language(without_school_names(text, names, named))
    asked = f"{text} {earlier}" if earlier else text
    search = without_school_names(asked, names, schools)
    search = f"{search} {search_words(search, english=language != 'nl')}"
    return Question(
        text=text,
        history=history,
        language=language,
        earlier=earlier,
        named=tuple(named),
        schools=tuple(schools),
        unknown_school=None if schools else next(iter(school_names_in(text)), None),
        kind=asked_kind(text),
        terms=tuple(question_terms(text, earlier, language, _name_words(names, schools))),
        categories=categories_in(text),
        across_schools=asks_across_schools(text) or (bool(previous) and asks_across_schools(previous)),
        search_text=" ".join(search.split()),
    )


def _name_words(names: list[SchoolName], doc_ids: Sequence[str]) -> set[str]:
    """The words (and their stems) of the names of the schools a question is about: no key terms of its answer."""
    school_names = [name.school for name in names if name.doc_id in doc_ids] + list(doc_ids)
    words = {word for name in school_names for word in re.findall(r"[\w’']+", name.lower().replace("-", " "))}
    return words | {stem for name in school_names for stem in analyse(name.replace("-", " "))}
