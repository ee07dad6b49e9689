"""The key terms of a question: what a quoted sentence has to contain to answer it.

A term is a word of the question in all the forms a profile may use for it: its Dutch stem, the Dutch terms of an
English word (glossary), the other forms of an abbreviation ('MDO' / 'multidisciplinair overleg'). Words people ask
with ('wie', 'hoeveel', 'mijn dochter') and school names are not terms."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from bm25s.stopwords import STOPWORDS_EN

from assistant.language import Language
from index.lexical import analyse, words_of

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


def _data(package: str, name: str) -> dict:
    return json.loads(resources.files(package).joinpath(name).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _asking_words() -> frozenset[str]:
    """Words people ask with, and words every question about a school carries; none of them names a topic."""
    asking = {w for lang, words in _data("index.data", "query_words.json").items() if not lang.startswith("_") for w in words}
    generic = set(_data("assistant.data", "answer_types.json")["generic_question_words"])
    return frozenset(asking | generic | set(STOPWORDS_EN))


@lru_cache(maxsize=1)
def _weak_words() -> frozenset[str]:
    """Verbs that carry a question ('krijgen', 'hanteren'): a term, but a weak one."""
    return frozenset(_data("assistant.data", "answer_types.json")["weak_question_words"])


@lru_cache(maxsize=1)
def _glossary() -> dict[str, list[str]]:
    return {term: dutch for term, dutch in _data("assistant.data", "glossary.json").items() if not term.startswith("_")}


@lru_cache(maxsize=1)
def _abbreviations() -> list[list[str]]:
    return _data("assistant.data", "abbreviations.json")["groups"]


@lru_cache(maxsize=1)
def _synonyms() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Each word's stem → the stems of the words that mean the same in a profile ('hulp' → 'ondersteuning' …)."""
    found: dict[str, tuple[tuple[str, ...], ...]] = {}
    for group in _data("assistant.data", "synonyms.json")["groups"]:
        forms = tuple(dict.fromkeys(s for s in (_stems(word) for word in group) if s))
        for form in forms:
            if len(form) == 1:
                found[form[0]] = forms
    return found


def related(asked: str, found: str) -> bool:
    """Whether a stem of the question and a stem of a text are the same word as far as a profile goes: equal,
    one a compound of the other ('toilet' / 'invalidetoilet', 'rekeninterventie' / 'interventie'), or the same
    word inflected past what the stemmer catches ('overslaan' / 'overslat')."""
    if asked == found:
        return True
    if len(asked) >= _MIN_PREFIX and len(found) > len(asked) and found.startswith(asked):
        return True
    if len(asked) < _MIN_PARTIAL or len(found) < _MIN_PARTIAL:
        return False
    # A compound of the asked word ('invalidetoilet'), or the asked compound's last part, which names the thing
    # ('rekeninterventie' → 'interventie'); its first part only qualifies it ('school' in 'schoolzwemmen').
    if found.endswith(asked) or (len(found) >= 6 and asked.endswith(found)):
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
        return any(all(any(related(part, stem) for stem in stems) for part in form) for form in self.forms)


def _stems(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(analyse(text)))


def _phrase_in(phrase: str, text: str) -> re.Match[str] | None:
    # Plurals and person forms count too: 'intern begeleiders', 'IB’ers'.
    return _phrase_pattern(phrase).search(text)


@lru_cache(maxsize=4096)
def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    # Compiled once per phrase: a question tries hundreds, more than the re module's own cache holds.
    return re.compile(r"(?<![\w-])" + re.escape(phrase) + r"(?:s|en|e|’?ers?)?(?![\w-])")


def _terms_of(text: str, language: Language, weight: float, school_words: set[str], own: bool = True) -> list[Term]:
    lowered = text.lower().replace("'", "’")
    terms: list[Term] = []
    consumed: set[str] = set()
    groups: list[tuple[str, list[str]]] = []
    if language != "nl":
        # Longer phrases first, so that 'instruction model' is one term, not also 'instruction'.
        groups.extend((term, [term, *dutch]) for term, dutch in sorted(_glossary().items(), key=lambda kv: -len(kv[0])))
    groups.extend((group[0], group) for group in _abbreviations())
    taken: list[tuple[int, int]] = []
    for label, forms in groups:
        match = next((m for m in (_phrase_in(form, lowered) for form in forms) if m), None)
        if match is None or any(match.start() < end and start < match.end() for start, end in taken):
            continue
        taken.append(match.span())
        consumed.update(words_of(match.group(0)))
        stems = tuple(dict.fromkeys(s for s in (_stems(form) for form in forms) if s))
        if stems:
            terms.append(Term(label, stems, weight, own))
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
        forms = tuple(f for f in forms + _synonyms().get(whole[0], ()) if f)
        forms = tuple(dict.fromkeys(forms))
        if not forms:
            continue
        strength = weight * (_UNTRANSLATED_WEIGHT if language == "en" else 1.0) * (_WEAK_WEIGHT if word in _weak_words() else 1.0)
        terms.append(Term(word, forms, strength, own))
    unique: dict[tuple[tuple[str, ...], ...], Term] = {}
    for term in terms:
        unique.setdefault(term.forms, term)
    return list(unique.values())


def question_terms(question: str, earlier: str, language: Language, school_words: set[str]) -> list[Term]:
    """Key terms of a question and, for a follow-up, of the question it follows (at half weight)."""
    terms = _terms_of(question, language, 1.0, school_words)
    if earlier:
        asked = {t.forms for t in terms}
        terms += [t for t in _terms_of(earlier, language, FOLLOW_UP_WEIGHT, school_words, own=False) if t.forms not in asked]
    return terms
