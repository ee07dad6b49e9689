"""Which school(s) a question is about: names as people type them ('t kristal', 'Kc Balans', 'kristall')."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

# Words that every school name may carry; they say nothing about which school is meant.
_GENERIC = {
    "bs", "obs", "cbs", "pcbs", "rkbs", "ikc", "kc", "sbo", "so", "kindcentrum", "integraal", "basisschool",
    "school", "openbare", "de", "het", "t", "'t", "’t", "van", "der", "den", "en", "sint", "st",
}
_WORD = re.compile(r"[\w’'-]+")


@dataclass(frozen=True)
class SchoolName:
    """An indexed school and the distinctive words that identify it in a question."""

    doc_id: str
    school: str
    keys: tuple[str, ...]


def school_names(schools: dict[str, str]) -> list[SchoolName]:
    """Distinctive words per school (from its name and its doc_id), e.g. kc-balans → ('balans',)."""
    names = []
    for doc_id, school in schools.items():
        words = [w.lower() for w in _WORD.findall(school)] or doc_id.split("-")
        keys = tuple(w for w in words if w not in _GENERIC and len(w) >= 3)
        if not keys:
            keys = tuple(w for w in doc_id.split("-") if w not in _GENERIC and len(w) >= 3) or (doc_id,)
        names.append(SchoolName(doc_id, school, keys))
    return names


def _matches(key: str, words: list[str]) -> bool:
    if len(key) <= 4:
        return key in words
    # Typos and inflections: 'kristall', 'kristals', 'balans' in 'kcbalans'.
    return any(fuzz.ratio(key, word) >= 85 or (len(word) > len(key) and key in word) for word in words)


def schools_in(question: str, names: list[SchoolName]) -> list[str]:
    """doc_ids of the schools the question names, in the order they are named. A school found through a likeness
    (a typo, a longer word) is left out when the words it rests on are another school's name exactly ('De Rode Eik'
    does not also mean 'De Ronde Eik', 'De Gouden Vuurtoren' not 'De Gouden Toren')."""
    words = [w.lower().strip("’'-") for w in _WORD.findall(question)]
    found: list[tuple[int, str, set[int], set[int]]] = []
    for name in names:
        if not all(_matches(key, words) for key in name.keys):
            continue
        exact = {i for i, w in enumerate(words) for k in name.keys if k == w}
        # The words that only look like, or hold, a key the question does not hold as such ('vuurtoren' for 'toren').
        alike = {
            i for k in name.keys if k not in words
            for i, w in enumerate(words) if _matches(k, [w])
        }
        found.append((min(exact | alike, default=0), name.doc_id, exact, alike))
    claimed = {i for _, _, exact, _ in found for i in exact}
    kept = [(position, doc_id) for position, doc_id, _, alike in found if not (alike and alike <= claimed)]
    return [doc_id for _, doc_id in sorted(kept)]


def without_school_names(question: str, names: list[SchoolName], doc_ids: list[str]) -> str:
    """The question with the names of the given schools taken out: the school filter already covers them, and in
    the lexical index every passage of a school carries its name, so they only reward short passages."""
    keys = [key for name in names if name.doc_id in doc_ids for key in name.keys]
    if not keys:
        return question

    def is_name(word: str) -> bool:
        word = word.lower().strip("’'-?!.,;:()")
        # Stricter than detection: 'Kristalis groep' is a topic of Het Kristal, not its name.
        return word in _GENERIC or any(word == key or fuzz.ratio(key, word) >= 90 for key in keys)

    return " ".join(word for word in question.split() if not is_name(word))
