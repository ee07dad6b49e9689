"""The support-matrix categories a question names ('lift', 'dyslexia'), and whether it asks across schools
('Welke scholen hebben een lift?'). The words are the matrix's own (``categories.json``: ``terms`` per category
and the ``which_schools`` patterns)."""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.data import matrix_rules


def _term_pattern(term: str) -> re.Pattern[str]:
    words = r"\s+".join(re.escape(word) for word in term.lower().split())
    # Short terms (nt2, tos, ass, ill) only as whole words; longer ones also with an ending (rolstoel → rolstoelen).
    return re.compile(rf"(?<!\w){words}" + (r"(?!\w)" if len(term) <= 3 else ""), re.IGNORECASE)


@lru_cache(maxsize=1)
def _category_patterns() -> dict[str, tuple[re.Pattern[str], ...]]:
    return {
        category: tuple(_term_pattern(term) for term in spec["terms"])
        for category, spec in matrix_rules()["categories"].items()
    }


@lru_cache(maxsize=1)
def _which_schools() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in matrix_rules()["which_schools"]["patterns"]), re.IGNORECASE)


def categories_in(question: str) -> tuple[str, ...]:
    """Categories whose terms occur in the question, in the order they occur."""
    found = []
    for category, patterns in _category_patterns().items():
        positions = [m.start() for pattern in patterns if (m := pattern.search(question))]
        if positions:
            found.append((min(positions), category))
    return tuple(category for _, category in sorted(found))


def asks_across_schools(question: str) -> bool:
    """'Welke scholen hebben een lift?', 'Which schools accept children with dyslexia?'."""
    return bool(_which_schools().search(question))
