"""Excerpts of a passage that an answer can quote: its units as ingest found them (sentences, list items, table rows,
headings), with their place in the text, whose text they are, and what has to come with them to make sense (the list
a heading or a colon announces, the sentence a 'Dit …' continues)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from langchain_core.documents import Document

from core.units import Unit, UnitKind, decode_units

# Sentences that lean on the one before ('Deze besprekingen …', 'Dit gebeurt …').
_REFERRING = re.compile(
    r"^(?:(?:op|in|bij|tijdens|na|voor|met|van|uit|door|naast|over|aan) )?(dit|deze|dat|die|daar\w*|hier\w*)\b"
    r"|^(zij|ze|hij|dan|wel|ook|daarna)\b"
    # Inverted order, the pronoun after the verb: 'Samen vormen zij …', 'Daarnaast komt ze …'.
    r"|^\w+ \w+ (zij|ze|hij)\b",
    re.IGNORECASE,
)
_MAX_LIST_UNITS = 14
# A sentence this short ('Wij gebruiken het DIM-model.') is quoted with the sentence after it.
_SHORT_SENTENCE = 40
# A word or figure marked for a footnote: '2019-2020*', 'prognose*'.
_FOOTNOTE_MARK = re.compile(r"\w\*")
_WEB_ADDRESS = re.compile(r"[/=&]|^www\.|\.(nl|com|org)\b")


@dataclass(frozen=True)
class Excerpt:
    """A unit of a passage; ``start``/``end`` are offsets in the passage text."""

    text: str
    start: int
    end: int
    kind: UnitKind
    line_start: bool
    regional: bool
    # A sentence that a list follows: its lead-in ('Hieronder vallen kinderen met problemen op het gebied van;').
    leads_list: bool = False

    @property
    def row(self) -> bool:
        return self.kind == "table_row"

    @property
    def announces(self) -> bool:
        """A heading, a sentence ending in a colon, the lead-in of a list, or a question (a form's 'welke functies
        … beschikbaar?', an FAQ's 'Wanneer is de grens bereikt?'): what it is about follows."""
        if self.asks:
            return True
        return self.kind == "heading" or (self.kind == "text" and (self.text.endswith(":") or self.leads_list))

    @property
    def asks(self) -> bool:
        """A question, not a web address that a sentence splitter cut at its '?'."""
        last = self.text.rsplit(maxsplit=1)[-1]
        return last.endswith("?") and not _WEB_ADDRESS.search(last)

    @property
    def is_list_line(self) -> bool:
        """A list item or a table row: one of several lines that each answer a 'which …' question."""
        return self.kind in ("list_item", "table_row")


def _excerpt(text: str, unit: Unit, following: Unit | None) -> Excerpt:
    line_start = unit.start == 0 or text[unit.start - 1] == "\n"
    leads_list = following is not None and following.kind == "list_item"
    return Excerpt(" ".join(text[unit.start : unit.end].split()), unit.start, unit.end, unit.kind, line_start,
                   unit.scope == "regional", leads_list)


def excerpts(document: Document) -> list[Excerpt]:
    """The passage as quotable units, in order."""
    text = document.page_content
    units = decode_units(str(document.metadata.get("units", "")))
    found = (_excerpt(text, unit, units[i + 1] if i + 1 < len(units) else None) for i, unit in enumerate(units))
    return [excerpt for excerpt in found if excerpt.text]


def with_context(units: list[Excerpt], index: int, budget: int) -> list[int]:
    """The excerpt at ``index`` with what it needs to be understood:
    - after a heading or a colon, the list it announces (or the first sentence under a heading);
    - for a list item, the line that announces its list ('Grensgebied (…):' before '• Faalangst');
    - for a table row, the rows beside it and the table's header row;
    - for a sentence, the one before when it leans on it ('Deze besprekingen …'), and the one after when that does
      or when the sentence is very short."""
    unit = units[index]
    chosen = [index]
    if unit.announces:
        used = len(unit.text)
        for following in range(index + 1, min(index + 1 + _MAX_LIST_UNITS, len(units))):
            nxt = units[following]
            if not nxt.is_list_line or used + len(nxt.text) > budget:
                break
            chosen.append(following)
            used += len(nxt.text)
        if len(chosen) == 1 and index + 1 < len(units) and len(units[index + 1].text) + used <= budget:
            chosen.append(index + 1)
        return chosen
    lead = frame(units, index)
    if unit.row:
        chosen = [i for i in (index - 1, index, index + 1) if 0 <= i < len(units) and (i == index or units[i].row)]
        # The table's first row is its header ('| binnen de school | buiten de school'): a row's values mean
        # nothing without it.
        if lead is not None and lead < chosen[0] and len(units[lead].text) + sum(len(units[i].text) for i in chosen) <= budget:
            chosen.insert(0, lead)
        return chosen
    if unit.kind == "list_item":
        return [lead, index] if lead is not None else chosen
    if _REFERRING.match(unit.text) and index > 0 and not units[index - 1].announces:
        chosen.insert(0, index - 1)
    after = index + 1
    if after < len(units) and not units[after].line_start and (
        _REFERRING.match(units[after].text) or len(unit.text) < _SHORT_SENTENCE
    ):
        if sum(len(units[i].text) for i in chosen) + len(units[after].text) <= budget:
            chosen.append(after)
    return chosen


def frame(units: list[Excerpt], index: int) -> int | None:
    """The unit that says what this one is about, beyond its section heading: a list item's lead-in ('Grensgebied
    (…):', '• buiten de klassen/groepen: welke functies … beschikbaar?'), a table row's header row, a sentence's
    question just before it. Its words count for the unit as its heading's do."""
    unit = units[index]
    if unit.row:
        first = index
        while first > 0 and units[first - 1].row and index - first < _MAX_LIST_UNITS:
            first -= 1
        return first if first < index else None
    if unit.kind == "list_item":
        for earlier in range(index - 1, max(index - 1 - _MAX_LIST_UNITS, -1), -1):
            if units[earlier].announces:
                return earlier
            if not units[earlier].is_list_line and units[earlier].line_start:
                return None
        return None
    if index > 0 and units[index - 1].asks:
        return index - 1
    return None


def between(units: list[Excerpt], indices: set[int]) -> list[int]:
    """The sentence between two chosen sentences of one paragraph: they are quoted as the paragraph says them, not
    as two quotes with a gap ('Het eigenaarschap ligt bij de leerkracht …' / 'Contact met Plein013 loopt via de IB')."""
    return [
        i + 1 for i in sorted(indices)
        if i + 2 in indices and i + 1 not in indices and not units[i + 1].line_start and not units[i + 2].line_start
    ]


def footnotes(units: list[Excerpt], indices: set[int]) -> list[int]:
    """The passage's footnotes ('* De kengetallen … zijn prognoses') when a chosen excerpt carries their mark: a
    value marked '2019-2020*' means nothing without the note that says what the mark means."""
    if not any(_FOOTNOTE_MARK.search(units[i].text) for i in indices):
        return []
    return [i for i, unit in enumerate(units) if unit.line_start and unit.text.startswith("*")]
