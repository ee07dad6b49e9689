"""Saying plainly that the profiles do not answer: per school, naming where it looked and whom to ask."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from langchain_core.documents import Document

from assistant.answers.model import phrase
from assistant.question.language import Language

# Sections named of the passages looked at, per school.
_PASSAGES_LOOKED_AT = 5
_SECTIONS_NAMED = 4
# Past this many schools one refusal speaks for all of them.
_SCHOOLS_REFUSED_ONE_BY_ONE = 3


def sections_of(documents: Sequence[Document]) -> str:
    """The sections of the passages an answer looked at ('3.C …; 4.C …'), or '—'."""
    names = dict.fromkeys(str(d.metadata.get("section", "")) for d in documents[:_PASSAGES_LOOKED_AT])
    return "; ".join(name for name in list(names)[:_SECTIONS_NAMED] if name) or "—"


def school_refusal(language: Language, doc_id: str, school: str, documents: Sequence[Document],
                   contacts: Mapping[str, str]) -> str:
    """'The profile of X does not answer this; I looked in …. Ask the school: …'."""
    text = phrase(language, "refusal", school=school, sections=sections_of(documents))
    contact = contacts.get(doc_id)
    return f"{text} {phrase(language, 'contact', contact=contact) if contact else phrase(language, 'contact_default')}"


def refusals(language: Language, schools: Sequence[tuple[str, str, Sequence[Document]]],
             contacts: Mapping[str, str]) -> list[str]:
    """A refusal per school (doc_id, name, its passages looked at); one for all when there are many or none."""
    if 0 < len(schools) <= _SCHOOLS_REFUSED_ONE_BY_ONE:
        return [school_refusal(language, doc_id, name, documents, contacts) for doc_id, name, documents in schools]
    looked = [d for _, _, documents in schools for d in documents]
    return [f"{phrase(language, 'refusal_all', sections=sections_of(looked))} {phrase(language, 'contact_default')}"]
