"""The units of a chunk — each sentence, list item, table row and heading, with where it stands in the chunk text,
whose text it is and its page — as ingest found them, carried in the chunk's metadata (``units``) so that excerpts,
answers and the matrix read the structure instead of guessing it from the shape of a line."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

UnitKind = Literal["heading", "text", "list_item", "table_row"]
Scope = Literal["school", "regional"]
# Compact codes: a chunk carries dozens of units, and the store keeps metadata as strings.
_KINDS: tuple[UnitKind, ...] = ("heading", "text", "list_item", "table_row")
_SCOPES: tuple[Scope, ...] = ("school", "regional")


@dataclass(frozen=True)
class Unit:
    """One unit of a chunk: ``text[start:end]`` of the chunk's ``page_content``. ``kind`` 'text' is a sentence of
    running text (or of a list item after its first sentence); ``page`` is None where the format has no pages."""

    start: int
    end: int
    kind: UnitKind
    scope: Scope
    page: int | None


def encode_units(units: list[Unit]) -> str:
    """The units as the string a chunk's metadata holds."""
    return json.dumps(
        [[u.start, u.end, _KINDS.index(u.kind), _SCOPES.index(u.scope), u.page if u.page is not None else -1] for u in units],
        separators=(",", ":"),
    )


@lru_cache(maxsize=4096)
def decode_units(encoded: str) -> tuple[Unit, ...]:
    """The units of a chunk's metadata string (none for an empty one). Cached: answers and the matrix read the
    same passages' units again and again."""
    if not encoded:
        return ()
    return tuple(
        Unit(int(start), int(end), _KINDS[kind], _SCOPES[scope], int(page) if page >= 0 else None)
        for start, end, kind, scope, page in json.loads(encoded)
    )
