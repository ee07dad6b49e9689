"""Follow-up questions: whether a question leans on the one before it in the conversation."""

from __future__ import annotations

import re

# Short questions that lean on the previous one: "En een invalidetoilet?", "wie zitten daarbij?", "What about ...".
_FOLLOW_UP = re.compile(
    r"^(en|and|ook|also|what about|how about|en wat|en hoe|en de|en het|and the|and what|hoe zit het)\b"
    r"|\b(daar\w*|hierbij|hiervan|dat|die|deze|dit|ze|zij|hun|it|that|those|these|they|them|ones|there)\b",
    re.IGNORECASE,
)
_SHORT = 8


def leans_on_earlier(question: str, previous: str, names_a_school: bool) -> bool:
    """A short question leans on the previous one, unless it names its own school ('Heeft Balans een lift?'); a
    question that points back ('En op Balans?', 'wie zitten daarbij?') always does."""
    if not previous:
        return False
    return bool(_FOLLOW_UP.search(question)) or (len(question.split()) <= _SHORT and not names_a_school)


def previous_question(history: tuple[str, ...]) -> str:
    """The last non-empty question of the conversation."""
    return next((q for q in reversed(history) if q.strip()), "")
