"""English glosses for the Dutch words of a quote, for answers to English questions (the quote stays Dutch)."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

_MAX_GLOSSES = 6


@lru_cache(maxsize=1)
def _pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    terms: dict[str, str] = json.loads(
        resources.files("assistant.data").joinpath("gloss_en.json").read_text(encoding="utf-8")
    )["terms"]
    # Longest first, so that 'protocol voor medisch handelen' wins over 'medisch handelen'.
    keys = sorted(terms, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(k) for k in keys) + r")(?![\w-])", re.IGNORECASE)
    return pattern, {k.lower(): v for k, v in terms.items()}


def english_glosses(quote: str) -> list[tuple[str, str]]:
    """(Dutch word as quoted, English gloss) for the known words of the quote, in order, each once."""
    pattern, terms = _pattern()
    found: dict[str, tuple[str, str]] = {}
    for match in pattern.finditer(quote):
        key = match.group(1).lower()
        if key not in found:
            found[key] = (match.group(1), terms[key])
    return list(found.values())[:_MAX_GLOSSES]


def gloss_note(quote: str) -> str:
    """' (gelijkvloers = single-storey; nvt = not applicable)' or '' when no word of the quote is known."""
    glosses = english_glosses(quote)
    return f" ({'; '.join(f'{dutch} = {english}' for dutch, english in glosses)})" if glosses else ""
