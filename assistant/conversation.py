"""Follow-up questions: which school the conversation is about, and a standalone question for retrieval."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.schools import SchoolName, schools_in

# Short questions that lean on the previous one: "En een invalidetoilet?", "wie zitten daarbij?", "What about ...".
_FOLLOW_UP = re.compile(
    r"^(en|and|ook|also|what about|how about|en wat|en hoe|en de|en het|and the|and what|hoe zit het)\b"
    r"|\b(daar\w*|hierbij|hiervan|dat|die|deze|dit|ze|zij|hun|it|that|those|these|they|them|ones|there)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ResolvedQuestion:
    """A question with its conversation context resolved."""

    question: str
    retrieval_query: str
    schools: list[str]
    follow_up: bool
    # The schools the question names itself (``schools`` may come from the history instead).
    named: list[str] = field(default_factory=list)


def resolve(question: str, history: list[str], names: list[SchoolName]) -> ResolvedQuestion:
    """Carry the school and the topic of earlier questions into a follow-up that names neither."""
    named = asked = schools_in(question, names)
    previous = next((q for q in reversed(history) if q.strip()), "")
    # A short question leans on the previous one, unless it names its own school ('Heeft Balans een lift?'); a
    # question that points back ('En op Balans?', 'wie zitten daarbij?') always does.
    follow_up = bool(previous) and (bool(_FOLLOW_UP.search(question)) or (len(question.split()) <= 8 and not named))
    if not named and history:
        for earlier in reversed(history):
            named = schools_in(earlier, names)
            if named:
                break
    query = f"{question} {previous}" if follow_up else question
    return ResolvedQuestion(question=question, retrieval_query=query, schools=named, follow_up=follow_up, named=asked)
