"""The question as the assistant reads it, once per ask: every later step (retrieval, the composers, the matrix)
reads this object and works nothing out of the question's text again."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.question.kinds import AskedKind
from assistant.question.language import Language
from assistant.question.terms import Term


@dataclass(frozen=True)
class Question:
    """One question of a conversation, analysed."""

    text: str
    # The user's earlier questions, oldest first.
    history: tuple[str, ...]
    language: Language
    # The earlier question a follow-up leans on ('En een invalidetoilet?' after 'Heeft Balans een lift?'); "" when
    # the question stands on its own.
    earlier: str
    # The schools the question names itself, and the schools it is about (named, else those of the conversation,
    # within the user's school filter), as doc_ids in the order named.
    named: tuple[str, ...]
    schools: tuple[str, ...]
    # The towns and kinds of school the question, or the user's filter, limits it to ('Welke scholen in Tilburg …'),
    # and the schools that leaves (empty: every school), within which a question naming no school is answered.
    towns: tuple[str, ...]
    types: tuple[str, ...]
    scope: tuple[str, ...]
    # A school-shaped name ('SBO Het Anker') that is no indexed school, when the question names no indexed one.
    unknown_school: str | None
    kind: AskedKind
    terms: tuple[Term, ...]
    # Support-matrix categories the question names ('lift', 'dyslexie'), in the order it names them.
    categories: tuple[str, ...]
    # 'Welke scholen hebben een lift?': a question across schools, answered from the support matrix.
    across_schools: bool
    # What retrieval searches with: the question (with the one it follows up on) without the schools' names, plus
    # the Dutch terms of English words and the other forms of abbreviations.
    search_text: str

    @property
    def follow_up(self) -> bool:
        return bool(self.earlier)
