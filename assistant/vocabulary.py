"""The words of one school's profile: which question terms it knows at all, and how specific each is."""

from __future__ import annotations

import math
from collections import Counter

from langchain_core.documents import Document

from assistant.question.terms import Term, related
from index.lexical import analyse


class ProfileVocabulary:
    """Stemmed words of a profile with the number of passages each occurs in."""

    def __init__(self, passages: list[Document]) -> None:
        self.passages = max(len(passages), 1)
        self.frequency: Counter[str] = Counter(stem for p in passages for stem in set(analyse(p.page_content)))
        self._related: dict[str, int] = {}

    def passages_with(self, stem: str) -> int:
        """In how many passages the stem, or a word related to it (compound, inflection), occurs."""
        if stem not in self._related:
            self._related[stem] = max((n for word, n in self.frequency.items() if related(stem, word)), default=0)
        return self._related[stem]

    def knows(self, term: Term) -> bool:
        """Whether any form of the term occurs in the profile."""
        return any(all(self.passages_with(part) for part in form) for form in term.forms)

    def specificity(self, term: Term) -> float:
        """Between 0.5 (a word in most passages: 'leerling') and 1 (a word of one passage): rare words say more
        about what the question asks."""
        counts = [min(self.passages_with(part) for part in form) for form in term.forms]
        known = [n for n in counts if n]
        if not known:
            return 1.0
        share = math.log(self.passages / min(known) + 1) / math.log(self.passages + 1)
        return 0.5 + 0.5 * share
