"""Data files that ship inside a package (word lists, rules, texts): read once per process, always as UTF-8."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any


@lru_cache(maxsize=64)
def package_json(package: str, name: str) -> Any:
    """The parsed JSON file ``name`` of ``package`` (e.g. ``("ingest.data", "table_values.json")``)."""
    return json.loads(resources.files(package).joinpath(name).read_text(encoding="utf-8"))


@lru_cache(maxsize=16)
def package_lines(package: str, name: str) -> tuple[str, ...]:
    """The non-empty lines of a text file of ``package``, without '#' comment lines."""
    text = resources.files(package).joinpath(name).read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#"))


def entries(data: dict[str, Any]) -> dict[str, Any]:
    """A data file's entries without its notes (keys starting with '_', such as '_why')."""
    return {key: value for key, value in data.items() if not key.startswith("_")}
