"""The key terms of a question: what a quoted sentence has to contain to answer it.

A term is a word of the question in all the forms a profile may use for it: its Dutch stem, the Dutch terms of an
English word (glossary), the other forms of an abbreviation ('MDO' / 'multidisciplinair overleg'). Words people ask
with ('wie', 'hoeveel', 'mijn dochter') and school names are not terms."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from bm25s.stopwords import STOPWORDS_EN

from assistant.data import generic_question_words, synonyms, weak_question_words
from assistant.question.glossary import phrase_matches
from assistant.question.language import Language
from core.data import entries, package_json
from index.lexical import analyse, words_of

# The profiles' word for one they do not use, if one is close ('dyscalulie' → 'dyscalculie').
Spelling = Callable[[str], str | None] | None
_WORD = re.compile(r"[a-zà-ÿ0-9]+(?:[-/][a-zà-ÿ0-9]+)*", re.IGNORECASE)
# Stems shorter than this only match exactly ('opp', 'mr') or, from four letters, as the start of a longer word
# ('info' / 'informatie').
_MIN_PARTIAL = 5
_MIN_PREFIX = 4
# Words that point back ('daarbij', 'hiervan') or only qualify ('eigen'): they name no topic.
_POINTING = re.compile(r"^(daar|hier|waar)(bij|van|over|in|mee|voor|aan|op|na|door|uit|om|onder|tegen|toe|naast)$|^eigen$|^vaak$")
# An English word the glossary does not know can only match a Dutch profile by chance (cognates: 'model').
_UNTRANSLATED_WEIGHT = 0.5
_WEAK_WEIGHT = 0.5
# Terms of the earlier question of a follow-up count half.
FOLLOW_UP_WEIGHT = 0.5


@lru_cache(maxsize=1)
def _asking_words() -> frozenset[str]:
    """Words people ask with, and words every question about a school carries; none of them names a topic."""
    asking = {word for words in entries(package_json("index.data", "query_words.json")).values() for word in words}
    return frozenset(asking | generic_question_words() | set(STOPWORDS_EN))


@lru_cache(maxsize=1)
def _synonyms() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Each word's stem → the stems of the words that mean the same in a profile ('hulp' → 'ondersteuning' …)."""
    found: dict[str, tuple[tuple[str, ...], ...]] = {}
    for group in synonyms():
        forms = tuple(dict.fromkeys(s for s in (_stems(word) for word in group) if s))
        for form in forms:
            if len(form) == 1:
                found[form[0]] = forms
    return found


def related(asked: str, found: str) -> bool:
    """Whether a stem of the question and a stem of a text are the same word as far as a profile goes: equal,
    one a compound of the other ('toilet' / 'invalidetoilet', 'rekeninterventie' / 'interventie'), or the same
    word inflected past what the stemmer catches ('overslaan' / 'overslat')."""
    return same_word(asked, found) or head_of(asked, found)


def head_of(asked: str, found: str) -> bool:
    """Whether the text's word is the asked compound's last part, which names the kind of thing ('protocol' of
    'pestprotocol', 'interventie' of 'rekeninterventie'); its first part only qualifies it ('school' in
    'schoolzwemmen')."""
    return len(found) >= 6 and len(asked) > len(found) and asked.endswith(found)


def same_word(asked: str, found: str) -> bool:
    """Whether the text's word is the asked word itself: equal, a longer form or compound of it ('toilet' /
    'invalidetoilet'), or inflected past what the stemmer catches ('overslaan' / 'overslat')."""
    if asked == found:
        return True
    if len(asked) >= _MIN_PREFIX and len(found) > len(asked) and found.startswith(asked):
        return True
    if len(asked) < _MIN_PARTIAL or len(found) < _MIN_PARTIAL:
        return False
    if found.endswith(asked):
        return True
    shared = 0
    for a, b in zip(asked, found):
        if a != b:
            break
        shared += 1
    # Inflections differ in their last letters only: 'overslaan' / 'overslat', not 'schoolzwem' / 'school'.
    return abs(len(asked) - len(found)) <= 3 and shared >= max(_MIN_PARTIAL + 1, min(len(asked), len(found)) - 2)


@dataclass(frozen=True)
class Term:
    """One key term of a question: any of its forms (each a set of stems that must all be present) counts."""

    label: str
    forms: tuple[tuple[str, ...], ...]
    weight: float
    # False for a term of the earlier question that a follow-up leans on.
    own: bool = True

    def found_in(self, stems: frozenset[str]) -> bool:
        """Whether the text holds all of the term, in one of its forms."""
        return self.share_in(stems) >= 1.0

    def share_in(self, stems: frozenset[str]) -> float:
        """How much of the term the text holds (see ``TermMatcher``)."""
        return TermMatcher((self,)).share_in(stems)[0]


class TermMatcher:
    """How much of each of a question's terms a text holds: a form counts by its weakest stem, a stem fully when
    the text has the word itself, or its compound's last part together with its first ('protocol' … 'pesten' for
    'pestprotocol'), and only by the share of its letters that the last part holds when the text names the kind of
    thing without saying which ('Er is een protocol voor dyslexie' holds 8 of the 19 letters of
    'dyscalculieprotocol'). Which stems a text's word matches is worked out once per word: one question's forty
    passages of a few hundred words each took 1.4 million comparisons otherwise."""

    def __init__(self, terms: tuple[Term, ...] | list[Term]) -> None:
        self.terms = tuple(terms)
        self._parts = frozenset(part for t in self.terms for form in t.forms for part in form)
        self._same: dict[str, frozenset[str]] = {}
        self._heads: dict[str, frozenset[str]] = {}

    def share_in(self, stems: frozenset[str]) -> tuple[float, ...]:
        """Per term, in order, the share of it the text with these stems holds."""
        shares = self._part_shares(stems)
        return tuple(
            max((min(shares.get(part, 0.0) for part in form) for form in term.forms), default=0.0) for term in self.terms
        )

    def _part_shares(self, stems: frozenset[str]) -> dict[str, float]:
        full: set[str] = set()
        heads: dict[str, list[str]] = {}
        for stem in stems:
            if stem not in self._same:
                self._same[stem] = frozenset(p for p in self._parts if same_word(p, stem))
                self._heads[stem] = frozenset(p for p in self._parts if head_of(p, stem))
            full |= self._same[stem]
            for part in self._heads[stem]:
                heads.setdefault(part, []).append(stem)
        shares = dict.fromkeys(full, 1.0)
        for part, found in heads.items():
            if part not in shares:
                shares[part] = max(
                    1.0 if _names_modifier(part[: -len(stem)], stems) else len(stem) / len(part) for stem in found
                )
        return shares


def _names_modifier(modifier: str, stems: frozenset[str]) -> bool:
    """Whether the text also names a compound's first part, with or without its linking letter
    ('hoogbegaafdheids-' / 'hoogbegaafdheid')."""
    forms = {modifier, modifier[:-1]} if modifier.endswith(("s", "e")) else {modifier}
    forms = {stem for form in forms for stem in (form, *_stems(form)) if len(stem) >= _MIN_PREFIX}
    return any(same_word(form, stem) or same_word(stem, form) for form in forms for stem in stems)


def _stems(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(analyse(text)))


def _terms_of(
    text: str, language: Language, weight: float, school_words: set[str], own: bool = True, spelling: Spelling = None
) -> list[Term]:
    lowered = text.lower().replace("'", "’")
    terms: list[Term] = []
    consumed: set[str] = set()
    for match in phrase_matches(text, english=language != "nl"):
        found = words_of(match.found)
        consumed.update(found)
        if found and all(word in school_words for word in found):
            continue  # 'SBO' of 'SBO Noorderlicht' names the school, not what is asked about it
        stems = tuple(dict.fromkeys(s for s in (_stems(form) for form in match.forms) if s))
        if stems:
            terms.append(Term(match.label, stems, weight, own))
    asking = _asking_words()
    for word in _WORD.findall(lowered):
        if word in consumed or word in asking or word in school_words or _POINTING.match(word):
            continue
        if len(word) < 2 and not word.isdigit():
            continue
        parts = [p for p in re.split(r"[-/]", word) if p and p not in asking and p not in school_words]
        whole = _stems(word)
        if not whole or not parts:
            continue
        forms = (whole[:1],) + ((tuple(s for p in parts for s in _stems(p)),) if len(parts) > 1 else ())
        # A Dutch word no profile uses is most likely misspelt ('dyscalulie'): the profiles' closest word stands for
        # it. An English word is not (the closest Dutch word to 'better' is no translation of it).
        corrected = spelling(word) if spelling and language == "nl" else None
        if corrected:
            forms += (_stems(corrected)[:1],)
        forms = tuple(f for f in forms + _synonyms().get(whole[0], ()) if f)
        forms = tuple(dict.fromkeys(forms))
        if not forms:
            continue
        strength = weight * (_UNTRANSLATED_WEIGHT if language == "en" else 1.0) * (_WEAK_WEIGHT if word in weak_question_words() else 1.0)
        terms.append(Term(word, forms, strength, own))
    unique: dict[tuple[tuple[str, ...], ...], Term] = {}
    for term in terms:
        unique.setdefault(term.forms, term)
    return list(unique.values())


def question_terms(
    question: str, earlier: str, language: Language, school_words: set[str], spelling: Spelling = None
) -> list[Term]:
    """Key terms of a question and, for a follow-up, of the question it follows (at half weight); ``spelling``
    gives the profiles' word for one they do not use (``LexicalIndex.corrected``)."""
    terms = _terms_of(question, language, 1.0, school_words, spelling=spelling)
    if earlier:
        asked = {t.forms for t in terms}
        terms += [
            t for t in _terms_of(earlier, language, FOLLOW_UP_WEIGHT, school_words, own=False, spelling=spelling)
            if t.forms not in asked
        ]
    return terms
