"""Structure-aware chunking: chunks follow sections, never cut a sentence, keep table rows with their headers,
and never mix what the school does with regional standard text."""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache

import pysbd

from ingest.model import Block, Scope
from ingest.template import is_template_instruction


@dataclass
class Unit:
    """The smallest piece a chunk is built from: a sentence, a list item or a table row."""

    text: str
    page: int | None
    kind: str
    explained: str | None = None
    # The first unit of a paragraph, list item or row, and the size of that whole block: a chunk that is already
    # well filled ends before a paragraph that does not fit, rather than after its first sentence.
    block_chars: int = 0


@dataclass
class Chunk:
    """A passage ready for indexing: verbatim text plus where it sits in the profile."""

    text: str
    page: int | None
    page_end: int | None
    section: str
    subsection: str
    scope: Scope
    kind: str
    explained: list[str] = field(default_factory=list)
    sentence_pages: list[tuple[int, int | None]] = field(default_factory=list)

    @property
    def section_path(self) -> str:
        return " › ".join(part for part in (self.section, self.subsection) if part)


_PER_THREAD = threading.local()


def _segmenter() -> pysbd.Segmenter:
    # One per thread: a Segmenter keeps the text it works on in itself, so threads sharing one (an app answering
    # several questions at once) would split each other's text.
    if not hasattr(_PER_THREAD, "segmenter"):
        _PER_THREAD.segmenter = pysbd.Segmenter(language="nl", clean=False, char_span=False)
    return _PER_THREAD.segmenter


def split_sentences(text: str) -> list[str]:
    """Dutch sentence split (pysbd), keeping the original characters; abbreviations like 'o.a.' stay inside."""
    flat = " ".join(text.split())
    if len(flat) < 40 or not re.search(r"[.!?;]\s", flat):
        return [flat] if flat else []
    return list(_segmented(flat))


@lru_cache(maxsize=8192)
def _segmented(flat: str) -> tuple[str, ...]:
    # Answers split the same passages again and again, and pysbd is slow: it builds a regular expression per
    # abbreviation per call (measured: a third of an extractive answer's time).
    return tuple(sentence.strip() for sentence in _segmenter().segment(flat) if sentence.strip())


def _units(block: Block) -> list[Unit]:
    # The model profile's guidance to whoever fills it in ("Beschrijf kort ...") says nothing about the school.
    units = [unit for unit in _block_units(block) if unit.kind == "table_row" or not is_template_instruction(unit.text)]
    if units:
        units[0].block_chars = sum(len(unit.text) + 1 for unit in units)
    return units


def _block_units(block: Block) -> list[Unit]:
    if block.kind in ("table_row", "list_item"):
        return [Unit(block.text, block.page, block.kind, block.explained)]
    lines = block.text.split("\n")
    units: list[Unit] = []
    line_index, consumed = 0, 0
    starts = []  # character offset (in the flattened text) where each line begins
    position = 0
    for line in lines:
        starts.append(position)
        position += len(" ".join(line.split())) + 1
    for sentence in split_sentences(block.text):
        while line_index + 1 < len(starts) and starts[line_index + 1] <= consumed:
            line_index += 1
        units.append(Unit(sentence, block.line_pages[min(line_index, len(block.line_pages) - 1)], "text"))
        consumed += len(sentence) + 1
    return units


def _long_unit_parts(unit: Unit, limit: int) -> list[Unit]:
    """A sentence longer than a chunk is cut at ';' or ',' boundaries, as a last resort at a space."""
    if len(unit.text) <= limit:
        return [unit]
    parts, current = [], ""
    for piece in re.split(r"(?<=[;,])\s+|\s+", unit.text):
        if current and len(current) + len(piece) + 1 > limit:
            parts.append(Unit(current, unit.page, unit.kind, unit.explained))
            current = piece
        else:
            current = f"{current} {piece}".strip()
    if current:
        parts.append(Unit(current, unit.page, unit.kind, unit.explained))
    parts[0].block_chars = unit.block_chars
    return parts


def _join(units: list[Unit]) -> str:
    """Sentences of running text on one line; list items, table rows and what follows them on lines of their own
    (a sentence after a table is no part of its last row)."""
    text = ""
    previous: Unit | None = None
    for unit in units:
        if previous is None:
            text = unit.text
        elif unit.kind == "text" and previous.kind == "text" and text[-1:] != ":":
            text += " " + unit.text
        else:
            text += "\n" + unit.text
        previous = unit
    return text


def _make_chunk(units: list[Unit], first: Block, heading: str) -> Chunk:
    body = _join(units)
    text = f"{heading}\n{body}" if heading else body
    offsets, position = [], len(heading) + 1 if heading else 0
    for unit in units:
        position = text.find(unit.text, position)
        offsets.append((max(position, 0), unit.page))
        position += len(unit.text)
    pages = [unit.page for unit in units if unit.page is not None]
    return Chunk(
        text=text,
        page=pages[0] if pages else None,
        page_end=pages[-1] if pages else None,
        section=first.section,
        subsection=first.subsection,
        scope=first.scope,
        kind="table" if any(unit.kind == "table_row" for unit in units) else "text",
        explained=[unit.explained for unit in units if unit.explained],
        sentence_pages=offsets,
    )


def chunk_blocks(blocks: list[Block], target_chars: int) -> list[Chunk]:
    """Group blocks into chunks of about ``target_chars``; a new section, subsection or scope starts a new chunk.
    The last sentence of a chunk opens the next one in the same section, so a passage cut in two is still found."""
    chunks: list[Chunk] = []
    group: list[Block] = []

    def flush() -> None:
        if group:
            chunks.extend(_chunk_group(group, target_chars))
            group.clear()

    for block in blocks:
        if block.kind == "heading":
            flush()
            continue
        if group and (block.section, block.subsection, block.scope) != (group[0].section, group[0].subsection, group[0].scope):
            flush()
        group.append(block)
    flush()
    return chunks


def _chunk_group(group: list[Block], target_chars: int) -> list[Chunk]:
    units = [
        part
        for block in group
        for unit in _units(block)
        for part in _long_unit_parts(unit, target_chars)
        if part.text.strip()
    ]
    if not units:  # blocks of blank text (or only the model profile's instructions) make no chunk
        return []
    first = group[0]
    heading = first.subsection if first.subsection and first.subsection not in units[0].text else ""
    if heading and len(heading) + 1 + len(units[0].text) > target_chars:
        # The heading opens the first chunk: a long first sentence is cut to fit beside it.
        units[:1] = _long_unit_parts(units[0], max(target_chars - len(heading) - 1, target_chars // 2))
    chunks: list[Chunk] = []
    current: list[Unit] = []
    size = len(heading)
    for unit in units:
        filled = size >= target_chars // 2
        paragraph_break = bool(current) and unit.block_chars > 0 and filled and size + unit.block_chars > target_chars
        if current and (paragraph_break or size + len(unit.text) + 1 > target_chars):
            chunks.append(_make_chunk(current, first, heading if not chunks else ""))
            # Overlap: carry the last sentence (not a table row: those repeat nothing useful) into the next chunk,
            # unless the chunk ended with its paragraph.
            carry = not paragraph_break and current[-1].kind == "text" and len(current[-1].text) < target_chars // 2
            current = [current[-1]] if carry else []
            size = sum(len(u.text) + 1 for u in current)
        current.append(unit)
        size += len(unit.text) + 1
    if current:
        chunks.append(_make_chunk(current, first, heading if not chunks else ""))
    return chunks


def sentence_pages_json(chunk: Chunk) -> str:
    """Offsets of each sentence in the chunk text with its page, for citing the exact page of a quote."""
    return json.dumps(chunk.sentence_pages)
