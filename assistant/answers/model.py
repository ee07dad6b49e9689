"""What an answer is: its text with [n] markers, its citations, and the composer protocol that writes one."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Protocol

from assistant.data import phrases
from assistant.question.language import Language

if TYPE_CHECKING:
    from collections.abc import Mapping

    from assistant.retrieval import Retrieval


def phrase(language: Language, key: str, **values: str) -> str:
    """Interface text in the answer's language (Dutch for questions in other languages)."""
    return phrases(language)[key].format(**values)


@dataclass(frozen=True)
class Citation:
    """One source of an answer, as ``ask --json`` prints it (``sources[]``)."""

    rank: int
    doc_id: str
    school: str
    page: int | None
    section: str
    text: str
    quote: str
    score: float
    scope: str = "school"

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data.pop("scope")
        return data


@dataclass(frozen=True)
class Answer:
    """What ``ask --json`` prints for one question."""

    question: str
    answer: str
    language: Language
    refused: bool
    schools: list[str]
    sources: list[Citation] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "question": self.question,
            "answer": self.answer,
            "language": self.language if self.language != "other" else "nl",
            "refused": self.refused,
            "schools": self.schools,
            "sources": [source.to_json() for source in self.sources],
        }


class AnswerComposer(Protocol):
    """Turns retrieved passages into an answer with [n] citations; ``contacts`` gives each school's contact lines
    (for a refusal)."""

    def compose(self, retrieval: Retrieval, contacts: Mapping[str, str]) -> Answer: ...
