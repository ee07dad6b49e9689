"""The support matrix: per school and per category (dyslexie, lift, ...) a status read from the profile's own
signals (table rows, 'Grens'/'Grensgebied' lists, 'Op onze school' text), with the verbatim quote it rests on.

How a status is found, in short: every passage of a profile that names a category is a signal. A table row
('Lift  nvt'), an item of a 'Grens:'/'Grensgebied'/'Binnen het normprofiel' list, or a school's sentence with
explicit words ('geen', 'per kind bekeken') counts most; a school's sentence describing an offer counts next; a bare
mention (a label, a fragment) or a narrowed one ('i.c.m.', 'in ontwikkeling') counts only when nothing better
exists; regional standard text counts only when the school itself says nothing. When the strongest signals disagree
the status is ``border`` and both citations are kept; a 'no' and a 'limit' do not disagree (a table's 'Lift  Nee'
beside a Grens item about the missing lift) and make ``limit``, again with both citations. The words behind all of this live in
``assistant/data/categories.json``."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

from langchain_core.documents import Document

from assistant.answers.citations import page_of
from assistant.data import matrix_rules
from core.fingerprint import files_fingerprint
from core.units import UnitKind, decode_units
from ingest.model import LIST_MARK

# The rules that make a matrix row: this module and its data. A row saved under other rules is worked out again.
RULES = files_fingerprint([Path(__file__), Path(str(resources.files("assistant.data").joinpath("categories.json")))])
Status = Literal["yes", "no", "border", "limit", "unknown"]
STATUSES: tuple[Status, ...] = ("yes", "no", "border", "limit", "unknown")

# Strength of a signal: the strongest present decide, weaker ones only fill a gap.
_EXPLICIT, _OFFER, _MENTION, _REGIONAL = 3, 2, 1, 0
# Among equally strong signals the quote is taken from a list item first, then a table row, then a sentence.
_LIST, _ROW, _SENTENCE = 0, 1, 2
_MAX_QUOTE = 300
_MID_LINE_BULLET = re.compile(r"(?<=\S)\s+(?=[•❖▪●➢►]\s)")
_SECTION_SEP = " › "
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z‘“(])")


@dataclass(frozen=True)
class Evidence:
    """One citation in the matrix: the verbatim quote, where it is, and the status it says on its own."""

    status: Status
    page: int | None
    section: str
    quote: str


@dataclass(frozen=True)
class Cell:
    """One school × category of the matrix. ``second`` is the disagreeing citation when signals conflict."""

    status: Status
    page: int | None = None
    section: str = ""
    quote: str = ""
    second: Evidence | None = None

    def to_json(self, include_second: bool = False) -> dict[str, object]:
        """The contract's shape: ``{status, page, section, quote}`` (plus ``second`` when asked for and present)."""
        data: dict[str, object] = {
            "status": self.status, "page": self.page, "section": self.section, "quote": self.quote
        }
        if include_second and self.second is not None:
            data["second"] = asdict(self.second)
        return data


@dataclass(frozen=True)
class SchoolStatus:
    """A school's status for one category, as the answer to a 'which schools ...' question."""

    doc_id: str
    school: str
    category: str
    cell: Cell

    @property
    def status(self) -> Status:
        return self.cell.status


# Data ---------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Rules:
    categories: dict[str, list[re.Pattern[str]]]
    table_values: list[tuple[re.Pattern[str], Status]]
    headings: list[tuple[re.Pattern[str], Status]]
    sentence_cues: list[tuple[re.Pattern[str], Status]]
    offer: re.Pattern[str]
    school_marker: re.Pattern[str]
    regional: re.Pattern[str]
    not_evidence: re.Pattern[str]
    narrowing: re.Pattern[str]


def _any(patterns: Sequence[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    data = matrix_rules()
    categories = data["categories"]
    return _Rules(
        categories={
            name: [re.compile(p, re.IGNORECASE) for p in spec["patterns"]] for name, spec in categories.items()
        },
        table_values=[(re.compile(p, re.IGNORECASE), s) for p, s in data["table_values"]["values"]],
        headings=[(re.compile(p, re.IGNORECASE), s) for p, s in data["list_headings"]["headings"]],
        sentence_cues=[
            (re.compile(p, re.IGNORECASE), status)
            for status in ("limit", "border", "no")
            for p in data["sentence_cues"][status]
        ],
        offer=_any(data["offer_cues"]["cues"]),
        school_marker=_any(data["school_markers"]["markers"]),
        regional=_any(data["regional_cues"]["regional"]),
        not_evidence=_any(data["regional_cues"]["not_evidence"]),
        narrowing=_any(data["narrowing_cues"]["cues"]),
    )


def categories() -> list[str]:
    """The matrix's category keys, in the contract's order."""
    return list(_rules().categories)


# Reading a profile into signals ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Signal:
    category: str
    status: Status
    weight: int
    kind: int
    order: int
    evidence: Evidence


@dataclass
class _State:
    """What carries from one chunk to the next within a section: the open list heading and whose text it is."""

    doc_id: str = ""
    section: str = ""
    heading: tuple[str, Status] | None = None
    regional: bool = False
    offering: bool = False


def _heading_status(line: str) -> Status | None:
    text = line.strip().rstrip(":").strip()
    if not text or len(text) > 100 or LIST_MARK.match(line.strip()):
        return None
    for pattern, status in _rules().headings:
        if pattern.search(text):
            return status
    return None


def _spans(document: Document) -> list[tuple[int, int, UnitKind]]:
    """The chunk cut into pieces: each unit ingest found (sentence, table row, list item, heading), a unit holding
    several bullets on one line cut at each, and the school's own text cut off where its marker ('Op onze school')
    starts inside a sentence."""
    text = document.page_content
    starts: dict[int, UnitKind] = {0: "text"}
    for unit in decode_units(str(document.metadata.get("units", ""))):
        starts[unit.start] = unit.kind
        for match in _MID_LINE_BULLET.finditer(text, unit.start, unit.end):
            starts[match.end()] = "list_item"
    for match in _rules().school_marker.finditer(text):
        starts.setdefault(match.start(), "text")
    ordered = sorted(starts)
    return [(a, b, starts[a]) for a, b in zip(ordered, ordered[1:] + [len(text)]) if text[a:b].strip()]


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop surrounding white space, a leading bullet and a trailing ',' or ';' (what is left is still verbatim)."""
    while start < end and text[start].isspace():
        start += 1
    bullet = LIST_MARK.match(text[start:end])
    if bullet and bullet.end() < end - start:
        start += bullet.end()
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;"):
        end -= 1
    return start, end


def _clause(text: str, start: int, end: int, match_at: int) -> tuple[int, int]:
    """The quotable part of a sentence around ``match_at``: the ';'-separated part it is in (lists of table cells
    run together), and for a part still too long, the stretch between lower→Upper seams where a heading or a cell
    ran into the sentence. A very short part keeps its neighbours after it."""
    for seam, always in ((r";\s+", True), (r"(?<=[a-zà-ÿ)])\s+(?=[A-Z])", False)):
        if not always and end - start <= _MAX_QUOTE:
            break
        cuts = [start] + [start + m.end() for m in re.finditer(seam, text[start:end])] + [end]
        parts = list(zip(cuts, cuts[1:]))
        index = next((i for i, (a, b) in enumerate(parts) if a <= match_at < b), 0)
        lo, hi = parts[index]
        while hi - lo < 40 and index + 1 < len(parts) and parts[index + 1][1] - lo <= _MAX_QUOTE:
            index += 1
            hi = parts[index][1]
        start, end = _trimmed(text, lo, hi)
    return start, min(end, start + _MAX_QUOTE)


def _matches(text: str) -> list[tuple[str, int]]:
    """Categories named in ``text``, each with where it is first named."""
    found = []
    for category, patterns in _rules().categories.items():
        positions = [m.start() for p in patterns if (m := p.search(text))]
        if positions:
            found.append((category, min(positions)))
    return found


def _row_status(text: str) -> tuple[str, Status] | None:
    """``('Lift', 'no')`` for a table row 'Lift  nvt'; None when the piece is not a row with a known value."""
    flat = " ".join(text.split())
    if len(flat) > 140 or ". " in flat:
        return None
    words = list(re.finditer(r"\S+", flat))
    for word in words[1:]:
        value = flat[word.start():]
        for pattern, status in _rules().table_values:
            if pattern.match(value):
                return flat[: word.start()].strip(), status
    return None


def _section(chunk_section: str, heading: str | None) -> str:
    """The chunk's section path, with the list heading an item sits under as its last part."""
    if not heading:
        return chunk_section
    heading = heading.strip().rstrip(":").strip()
    parts = chunk_section.split(_SECTION_SEP) if chunk_section else []
    if parts and _heading_status(parts[-1]) is not None and parts[-1] != heading:
        parts[-1] = heading
    elif not parts or parts[-1] != heading:
        parts.append(heading)
    return _SECTION_SEP.join(parts)


def _signals(chunks: Sequence[Document]) -> Iterator[_Signal]:
    rules = _rules()
    state = _State()
    order = 0
    for document in chunks:
        meta = document.metadata
        text = document.page_content
        section = str(meta.get("section", ""))
        same_section = section == state.section and str(meta.get("doc_id", "")) == state.doc_id
        if not same_section:
            last_part = section.split(_SECTION_SEP)[-1]
            status = _heading_status(last_part)
            state = _State(
                doc_id=str(meta.get("doc_id", "")),
                section=section,
                heading=(last_part, status) if status else None,
            )
        state.regional = meta.get("scope") == "regional" or (same_section and state.regional)
        if meta.get("scope") == "regional":
            state.offering = False
        is_table = meta.get("kind") == "table"
        # Sentences that most other profiles hold word for word (found by repetition across the index) are the
        # region's form or introduction; they say nothing of this school. Rows and lists keep the school's own marks.
        units = decode_units(str(meta.get("units", "")))
        form_text = {(units[i].start, units[i].end) for i in json.loads(str(meta.get("form_units", "[]"))) if i < len(units)}
        for start, end, kind in _spans(document):
            order += 1
            piece = text[start:end].strip()
            if rules.school_marker.search(piece):
                state.regional, state.offering = False, True
            elif rules.regional.search(piece):
                state.regional, state.offering = True, False
            heading = _heading_status(piece)
            if heading:
                state.heading = (piece, heading)
                continue
            quote_start, quote_end = _trimmed(text, start, end)
            quote = text[quote_start:quote_end]
            if not quote:
                continue
            if kind == "list_item" and state.heading:
                yield from _list_signals(document, state, quote, quote_start, order)
                continue
            if kind != "list_item" and not piece[:1].islower():
                state.heading = None
            row = _row_status(quote) if is_table else None
            if row:
                yield from _row_signals(document, state, row, quote, quote_start, order)
            elif kind == "table_row" and "|" in quote:
                continue  # a grid row whose value cells are empty (or unreadable) says nothing about the school
            elif not any(a <= quote_start and quote_end <= b for a, b in form_text):
                yield from _sentence_signals(document, state, quote_start, quote_end, order)


def _evidence(document: Document, status: Status, offset: int, quote: str, section: str) -> Evidence:
    return Evidence(status=status, page=page_of(document, offset), section=section, quote=quote)


def _list_signals(document: Document, state: _State, quote: str, offset: int, order: int) -> Iterator[_Signal]:
    assert state.heading is not None
    heading, status = state.heading
    narrowed = _rules().narrowing.search(quote)
    weight = _REGIONAL if state.regional else _MENTION if narrowed else _EXPLICIT
    section = _section(str(document.metadata.get("section", "")), heading)
    for category, _ in _matches(quote):
        yield _Signal(category, status, weight, _LIST, order, _evidence(document, status, offset, quote, section))


def _row_signals(
    document: Document, state: _State, row: tuple[str, Status], quote: str, offset: int, order: int
) -> Iterator[_Signal]:
    label, status = row
    weight = _REGIONAL if state.regional else _MENTION if _rules().narrowing.search(quote) else _EXPLICIT
    section = str(document.metadata.get("section", ""))
    for category, _ in _matches(label):
        yield _Signal(category, status, weight, _ROW, order, _evidence(document, status, offset, quote, section))


def _sentence_spans(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Sentences inside a piece (a list item or a table cell can hold several)."""
    cuts = [start] + [start + m.end() for m in _SENTENCE_END.finditer(text[start:end])] + [end]
    for a, b in zip(cuts, cuts[1:]):
        a, b = _trimmed(text, a, b)
        if a < b:
            yield a, b


def _sentence_signals(document: Document, state: _State, start: int, end: int, order: int) -> Iterator[_Signal]:
    rules = _rules()
    text = document.page_content
    section = str(document.metadata.get("section", ""))
    for a, b in _sentence_spans(text, start, end):
        if rules.not_evidence.search(text[a:b]):
            continue
        for category, at in _matches(text[a:b]):
            quote_start, quote_end = _clause(text, a, b, a + at)
            quote = text[quote_start:quote_end]
            # A label or fragment without any punctuation (a table cell run into the text) names a need, not an offer.
            bare = not re.search(r"[.,;:!?]$", text[quote_start : quote_end + 1].rstrip())
            cue = next((status for pattern, status in rules.sentence_cues if pattern.search(quote)), None)
            status: Status = "yes"
            if state.regional:  # standard text says what every school does: the weakest signal, read as it is written
                status, weight = cue or "yes", _REGIONAL
            elif cue:
                status, weight = cue, _EXPLICIT
            else:
                weight = _OFFER if (state.offering or rules.offer.search(quote)) and not bare else _MENTION
            if weight > _MENTION and rules.narrowing.search(quote):
                weight = _MENTION
            evidence = _evidence(document, status, quote_start, quote, section)
            yield _Signal(category, status, weight, _SENTENCE, order, evidence)


# Deciding a cell ------------------------------------------------------------------------------------------------
def _decide(signals: list[_Signal]) -> Cell:
    if not signals:
        return Cell("unknown")
    strongest = max(signal.weight for signal in signals)
    considered = sorted(
        (s for s in signals if s.weight == strongest or (strongest > _MENTION and s.weight > _MENTION)),
        key=lambda s: (-s.weight, s.kind, s.order),
    )
    statuses = {signal.status for signal in considered}
    status: Status = considered[0].status if len(statuses) == 1 else "border"
    if statuses == {"no", "limit"}:
        # Not a conflict: 'Lift | Nee' and a Grens item 'ons gebouw heeft geen lift' agree; the Grens item says more.
        status = "limit"
    primary = next((s for s in considered if s.status == status), considered[0])
    second = next((s.evidence for s in considered if s.status != primary.status), None)
    evidence = primary.evidence
    return Cell(status, evidence.page, evidence.section, evidence.quote, second)


def school_matrix(chunks: Sequence[Document]) -> dict[str, Cell]:
    """The matrix row of one profile, from its chunks in document order."""
    signals = list(_signals(chunks))
    return {category: _decide([s for s in signals if s.category == category]) for category in categories()}


def matrix_rows_for_json(
    matrix: Mapping[str, Mapping[str, Cell]], include_second: bool = False
) -> dict[str, dict[str, dict[str, object]]]:
    """The contract's ``matrix --json`` shape: ``{doc_id: {category: {status, page, section, quote}}}``."""
    return {
        doc_id: {category: cell.to_json(include_second) for category, cell in row.items()}
        for doc_id, row in matrix.items()
    }
