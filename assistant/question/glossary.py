"""The domain's words in the forms a question may use them: English terms with their Dutch equivalents
(``glossary.json``), abbreviations with their written-out forms (``abbreviations.json``), and the words a profile
writes for a question word ('hoeveel' → 'aantal'). One matcher serves both the search words and the key terms."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.data import abbreviations, glossary, query_expansions


@dataclass(frozen=True)
class PhraseMatch:
    """A glossary entry or abbreviation group found in a question: its label, every form, and where it stands."""

    label: str
    forms: tuple[str, ...]
    span: tuple[int, int]
    found: str


@lru_cache(maxsize=4096)
def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    # Plurals and person forms count too: 'intern begeleiders', 'IB’ers', 'lifts'. Compiled once per phrase: a
    # question tries hundreds, more than the re module's own cache holds.
    return re.compile(r"(?<![\w-])" + re.escape(phrase) + r"(?:s|en|e|’?ers?)?(?![\w-])")


def _lowered(text: str) -> str:
    return text.lower().replace("'", "’")


@lru_cache(maxsize=1)
def _groups(english: bool) -> tuple[tuple[str, tuple[str, ...]], ...]:
    groups: list[tuple[str, tuple[str, ...]]] = []
    if english:
        # Longer phrases first, so that 'instruction model' is one term, not also 'instruction'.
        groups.extend((term, (term, *dutch)) for term, dutch in sorted(glossary().items(), key=lambda kv: -len(kv[0])))
    groups.extend((group[0], group) for group in abbreviations())
    return tuple(groups)


def phrase_matches(text: str, english: bool, overlapping: bool = False) -> list[PhraseMatch]:
    """The glossary entries (only for a question that is not in Dutch) and abbreviation groups a text holds,
    longest first; unless ``overlapping``, none overlaps a longer one ('wheelchair accessible' is one term)."""
    lowered = _lowered(text)
    found: list[PhraseMatch] = []
    for label, forms in _groups(english):
        match = next((m for m in (_phrase_pattern(form).search(lowered) for form in forms) if m), None)
        if match is None:
            continue
        if not overlapping and any(match.start() < f.span[1] and f.span[0] < match.end() for f in found):
            continue
        found.append(PhraseMatch(label, forms, match.span(), match.group(0)))
    return found


def search_words(text: str, english: bool) -> str:
    """What the search adds to a question: the Dutch terms of its English words, the other forms of its
    abbreviations ('MR' → 'medezeggenschapsraad'), and the words profiles use for its question words."""
    lowered = _lowered(text)
    words: list[str] = []
    # Every entry counts here, also one inside a longer one: 'wheelchair' adds what 'wheelchair accessible' does not.
    for match in phrase_matches(text, english, overlapping=True):
        words.extend(form for form in match.forms if form != match.found and form not in lowered)
    for asked, written in query_expansions().items():
        if _phrase_pattern(asked).search(lowered):
            words.extend(written)
    return " ".join(dict.fromkeys(words))
