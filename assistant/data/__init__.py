"""The assistant's word lists and texts, one typed accessor per JSON file of this folder. Each file says why its
entries are there (its ``_why`` notes); each is read once per process, as UTF-8 (``core.data``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from core.data import entries, package_json


def _json(name: str) -> Any:
    return package_json(__name__, name)


@lru_cache(maxsize=1)
def glossary() -> dict[str, tuple[str, ...]]:
    """English words and phrases of the domain → the Dutch terms the profiles use for them."""
    return {term: tuple(dutch) for term, dutch in entries(_json("glossary.json")).items()}


@lru_cache(maxsize=1)
def abbreviations() -> tuple[tuple[str, ...], ...]:
    """Groups of an abbreviation and its written-out forms ('mr', 'medezeggenschapsraad')."""
    return tuple(tuple(group) for group in _json("abbreviations.json")["groups"])


@lru_cache(maxsize=1)
def synonyms() -> tuple[tuple[str, ...], ...]:
    """Groups of Dutch words that people and profiles use for the same thing ('hulp', 'ondersteuning')."""
    return tuple(tuple(group) for group in _json("synonyms.json")["groups"])


@lru_cache(maxsize=1)
def query_expansions() -> dict[str, tuple[str, ...]]:
    """Words a question asks with → words a profile writes for them ('hoeveel' → 'aantal'); search words only."""
    return {asked: tuple(words) for asked, words in _json("query_expansions.json")["expansions"].items()}


@lru_cache(maxsize=1)
def language_words() -> dict[str, frozenset[str]]:
    """Frequent function words per language ('nl', 'en')."""
    return {language: frozenset(words) for language, words in entries(_json("languages.json")).items()}


@dataclass(frozen=True)
class FactRule:
    """A question asking for one kind of fact (a name, a time, an amount) and what a quote giving it looks like."""

    question: re.Pattern[str]
    evidence: re.Pattern[str]


@lru_cache(maxsize=1)
def fact_rules() -> tuple[FactRule, ...]:
    """The kinds of fact a question can ask for, each with the shape of a quote that gives it."""
    return tuple(
        FactRule(re.compile(rule["question"], re.IGNORECASE), re.compile(rule["evidence"]))
        for rule in _json("answer_types.json")["rules"]
    )


@lru_cache(maxsize=1)
def generic_question_words() -> frozenset[str]:
    """Words nearly every question about a school carries ('school', 'kind', 'welke'): they name no topic."""
    return frozenset(_json("answer_types.json")["generic_question_words"])


@lru_cache(maxsize=1)
def weak_question_words() -> frozenset[str]:
    """Verbs that carry a question rather than name its topic ('krijgen', 'hanteren')."""
    return frozenset(_json("answer_types.json")["weak_question_words"])


def phrases(language: str) -> dict[str, str]:
    """The interface text around quotes in an answer, for 'en' or 'nl' (any other language gets Dutch)."""
    return _json("phrases.json")["en" if language == "en" else "nl"]


@lru_cache(maxsize=1)
def english_glosses() -> dict[str, str]:
    """Dutch words of quoted text → an English gloss, for answers to English questions."""
    return dict(_json("gloss_en.json")["terms"])


def prompts() -> dict[str, Any]:
    """The LLM composer's prompt parts."""
    return _json("prompts.json")


def matrix_text() -> dict[str, Any]:
    """The words of matrix answers per language, and the category names."""
    return _json("matrix_text.json")


def matrix_rules() -> dict[str, Any]:
    """The support matrix's categories and the cues that set a status (compiled by ``assistant.matrix.rules``)."""
    return _json("categories.json")


@lru_cache(maxsize=1)
def generic_name_words() -> frozenset[str]:
    """Words any school's name may carry (its kind, an article): no key of a name."""
    return frozenset(_json("school_names.json")["generic"])


@lru_cache(maxsize=1)
def school_type_patterns() -> dict[str, re.Pattern[str]]:
    """Per kind of school ('sbo', 'so', 'vo', 'basisschool'), what a question says to mean it."""
    return {kind: re.compile("|".join(patterns)) for kind, patterns in _json("school_names.json")["types"].items()}


@lru_cache(maxsize=1)
def unit_scorer_model() -> dict[str, Any]:
    """The extractive answer's unit scorer: feature names, fitted weights and thresholds, and the fold it was
    fitted on (written by scripts/fit_unit_scorer.py)."""
    return _json("unit_scorer.json")


@lru_cache(maxsize=1)
def passage_scorer_model() -> dict[str, Any]:
    """Retrieval's passage scorer: feature names, fitted weights, the depth it reorders, and the fold it was fitted
    on (written by scripts/fit_passage_scorer.py)."""
    return _json("passage_scorer.json")
