"""Excerpts of a passage that an answer can quote: its lines and sentences with their place in the text, whether
they are the school's own text or the regional standard text, and what has to come with them to make sense
(the list a heading or a colon announces, the sentence a 'Dit …' continues)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from langchain_core.documents import Document

from ingest.chunking import split_sentences

# A line shorter than this is a heading, a list item or a table row, never split into sentences.
_SHORT_LINE = 90
_LIST_MARK = re.compile(r"^(?:[•·▪◦●○❖\-–*]|\d{1,2}[.)])\s")
# Sentences that lean on the one before ('Deze besprekingen …', 'Dit gebeurt …').
_REFERRING = re.compile(
    r"^(?:(?:op|in|bij|tijdens|na|voor|met|van|uit|door|naast|over|aan) )?(dit|deze|dat|die|daar\w*|hier\w*)\b"
    r"|^(zij|ze|hij|dan|wel|ook|daarna)\b"
    # Inverted order, the pronoun after the verb: 'Samen vormen zij …', 'Daarnaast komt ze …'.
    r"|^\w+ \w+ (zij|ze|hij)\b",
    re.IGNORECASE,
)
# The value at the end of a table row: 'Lift  nvt', 'Leerplichtambtenaar X', 'Aantal intern begeleiders 4'.
_ROW_VALUE = re.compile(r"\s(ja|nee|nvt|n\.v\.t\.?|x|aanwezig|niet aanwezig|\d+(?:[.,]\d+)?)(\W.{0,25})?$", re.IGNORECASE)
# Standard text of the samenwerkingsverband ('Op alle scholen …', 'Alle scholen werken …') against the school's own.
_REGIONAL_MARK = re.compile(r"(?:^|(?<=[.:;!?]\s)|(?<=\n))(?:op |voor )?alle scholen\b|\bvaste tekst\b", re.IGNORECASE)
_SCHOOL_MARK = re.compile(r"\b(?:op|bij|binnen) onze school\b", re.IGNORECASE)
_MAX_LIST_UNITS = 14
# A sentence this short ('Wij gebruiken het DIM-model.') is quoted with the sentence after it.
_SHORT_SENTENCE = 40


@dataclass(frozen=True)
class Excerpt:
    """A line or sentence of a passage; ``start``/``end`` are offsets in the passage text."""

    text: str
    start: int
    end: int
    line_start: bool
    regional: bool
    row: bool = False

    @property
    def announces(self) -> bool:
        """A heading, or a line ending in a colon: what it is about follows."""
        if self.text.endswith((":", "van;")):
            return True
        return (
            self.line_start
            and not self.row
            and not _LIST_MARK.match(self.text)
            and len(self.text) <= 60
            and not re.search(r"[.;,!?]$", self.text)
        )

    @property
    def is_list_line(self) -> bool:
        return self.line_start and (bool(_LIST_MARK.match(self.text)) or len(self.text) < _SHORT_LINE)


def _lines(text: str) -> list[tuple[int, int]]:
    """Line spans, a wrapped line joined with the next when that one goes on in lower case."""
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        start, end = offset, offset + len(line)
        offset = end + 1
        if not line.strip():
            continue
        if spans and line.lstrip()[:1].islower():
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def _locate(text: str, fragment: str, start: int) -> tuple[int, int] | None:
    match = _fragment_pattern(fragment).search(text, start)
    return (match.start(), match.end()) if match else None


@lru_cache(maxsize=8192)
def _fragment_pattern(fragment: str) -> re.Pattern[str]:
    # The same passages' sentences are located for question after question; compiling each anew cost a tenth of
    # an answer's time.
    return re.compile(r"\s+".join(re.escape(word) for word in fragment.split()))


def _regional_at(text: str, offset: int, passage_regional: bool) -> bool:
    """Regional when the nearest scope mark before the offset is a regional one (the passage's scope without one)."""
    last_regional = max((m.start() for m in _REGIONAL_MARK.finditer(text, 0, offset + 20) if m.start() <= offset + 1), default=-1)
    last_school = max((m.start() for m in _SCHOOL_MARK.finditer(text, 0, offset + 20) if m.start() <= offset + 1), default=-1)
    if last_regional == last_school == -1:
        return passage_regional
    return last_regional > last_school


def excerpts(document: Document) -> list[Excerpt]:
    """The passage as quotable lines and sentences, in order."""
    text = document.page_content
    passage_regional = document.metadata.get("scope") == "regional"
    found: list[Excerpt] = []
    for line_start, line_end in _lines(text):
        line = " ".join(text[line_start:line_end].split())
        pieces = [line] if len(line) < _SHORT_LINE or "  " in text[line_start:line_end] else split_sentences(line)
        position = line_start
        for number, piece in enumerate(pieces):
            span = _locate(text, piece, position) or (position, min(position + len(piece), line_end))
            position = span[1]
            row = len(pieces) == 1 and len(line) < _SHORT_LINE and bool(
                "  " in text[line_start:line_end].strip() or _ROW_VALUE.search(line)
            )
            found.append(Excerpt(piece, span[0], span[1], number == 0, _regional_at(text, span[0], passage_regional), row))
    return found


def with_context(units: list[Excerpt], index: int, budget: int) -> list[int]:
    """The excerpt at ``index`` with what it needs to be understood:
    - after a heading or a colon, the list it announces (or the first sentence under a heading);
    - for a list item, the line that announces its list ('Grensgebied (…):' before '• Faalangst');
    - for a table row, the rows beside it;
    - for a sentence, the one before when it leans on it ('Deze besprekingen …'), and the one after when that does
      or when the sentence is very short."""
    unit = units[index]
    chosen = [index]
    if unit.announces:
        used = len(unit.text)
        for following in range(index + 1, min(index + 1 + _MAX_LIST_UNITS, len(units))):
            nxt = units[following]
            if not nxt.is_list_line or nxt.announces or used + len(nxt.text) > budget:
                break
            chosen.append(following)
            used += len(nxt.text)
        if len(chosen) == 1 and index + 1 < len(units) and len(units[index + 1].text) + used <= budget:
            chosen.append(index + 1)
        return chosen
    if unit.row:
        return [i for i in (index - 1, index, index + 1) if 0 <= i < len(units) and (i == index or units[i].row)]
    if unit.line_start and _LIST_MARK.match(unit.text) and len(unit.text) < _SHORT_LINE:
        for earlier in range(index - 1, max(index - 1 - _MAX_LIST_UNITS, -1), -1):
            if units[earlier].announces:
                return [earlier, index]
            if not units[earlier].is_list_line:
                break
        return chosen
    if _REFERRING.match(unit.text) and index > 0 and not units[index - 1].announces:
        chosen.insert(0, index - 1)
    after = index + 1
    if after < len(units) and not units[after].line_start and (
        _REFERRING.match(units[after].text) or len(unit.text) < _SHORT_SENTENCE
    ):
        if sum(len(units[i].text) for i in chosen) + len(units[after].text) <= budget:
            chosen.append(after)
    return chosen


def footnotes(units: list[Excerpt], indices: set[int]) -> list[int]:
    """The passage's footnote lines ('*De kengetallen … zijn prognoses') when a chosen excerpt carries a '*'."""
    if not any(re.search(r"\w\*", units[i].text) for i in indices):
        return []
    return [i for i, unit in enumerate(units) if unit.line_start and unit.text.startswith("*")]
