"""Interface texts in Dutch or English, from ``texts.json`` beside this module."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Literal

UiLanguage = Literal["nl", "en"]
AUDIENCES = ("ouder", "leerkracht", "adviseur")


@lru_cache(maxsize=1)
def _texts() -> dict:
    return json.loads(resources.files("assistant.ui").joinpath("texts.json").read_text(encoding="utf-8"))


def text(language: UiLanguage, key: str, **values: object) -> str:
    """One interface text, with ``{name}`` fields filled in."""
    return str(_texts()[language][key]).format(**values)


def example_questions(language: UiLanguage, audience: str, school: str) -> list[str]:
    """The start screen's example questions for one audience, about ``school`` where they name one."""
    return [question.format(school=school) for question in _texts()[language][f"examples_{audience}"]]


def status_icon(status: str) -> str:
    """The sign shown beside a status word (never instead of it: no information by colour or icon alone)."""
    return str(_texts()["status_icons"][status])
