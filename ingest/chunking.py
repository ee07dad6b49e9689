"""Structure-aware chunking: chunks follow sections, never cut a sentence, keep table rows with their headers,
and never mix what the school does with regional standard text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from core.sentences import split_sentences
from core.units import Scope, Unit, UnitKind
from ingest.model import LIST_MARK, PATH_SEPARATOR, Block
from ingest.template import is_template_instruction


@dataclass
class _Piece:
    """The smallest piece a chunk is built from: a sentence, a list item or a table row."""

    text: str
    page: int | None
    kind: UnitKind
    scope: Scope
    explained: str | None = None
    # The first piece of a paragraph, list item or row, and the size of that whole block: a chunk that is already
    # well filled ends before a paragraph that does not fit, rather than after its first sentence.
    block_chars: int = 0
    # A later sentence of the same list item (or a later part of a cut sentence): it goes on on the same line.
    continues: bool = False


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
    units: list[Unit] = field(default_factory=list)

    @property
    def section_path(self) -> str:
        return PATH_SEPARATOR.join(part for part in (self.section, self.subsection) if part)


def _pieces(block: Block) -> list[_Piece]:
    # The model profile's guidance to whoever fills it in ("Beschrijf kort ...") says nothing about the school.
    pieces = [p for p in _block_pieces(block) if p.kind == "table_row" or not is_template_instruction(p.text)]
    if pieces:
        pieces[0].block_chars = sum(len(piece.text) + 1 for piece in pieces)
    return pieces


def _block_pieces(block: Block) -> list[_Piece]:
    if block.kind == "table_row":
        return [_Piece(block.text, block.page, "table_row", block.scope, block.explained)]
    lines = block.text.split("\n")
    pieces: list[_Piece] = []
    line_index, consumed = 0, 0
    starts = []  # character offset (in the flattened text) where each line begins
    position = 0
    for line in lines:
        starts.append(position)
        position += len(" ".join(line.split())) + 1
    # The mark of a list item ('•', '1.') is no sentence of its own: it opens the item's first sentence.
    mark = LIST_MARK.match(block.text) if block.kind == "list_item" else None
    sentences = split_sentences(block.text[mark.end():] if mark else block.text)
    if mark and sentences:
        sentences[0] = f"{mark.group(0).strip()} {sentences[0]}"
    for number, sentence in enumerate(sentences):
        while line_index + 1 < len(starts) and starts[line_index + 1] <= consumed:
            line_index += 1
        page = block.line_pages[min(line_index, len(block.line_pages) - 1)]
        # A list item's first sentence is the item; the sentences after it go on in the same item.
        kind: UnitKind = "list_item" if block.kind == "list_item" and number == 0 else "text"
        pieces.append(_Piece(sentence, page, kind, block.scope, continues=block.kind == "list_item" and number > 0))
        consumed += len(sentence) + 1
    return pieces


def _long_piece_parts(piece: _Piece, limit: int) -> list[_Piece]:
    """A sentence longer than a chunk is cut at ';' or ',' boundaries, as a last resort at a space."""
    if len(piece.text) <= limit:
        return [piece]
    parts, current = [], ""
    for word in re.split(r"(?<=[;,])\s+|\s+", piece.text):
        if current and len(current) + len(word) + 1 > limit:
            parts.append(_Piece(current, piece.page, piece.kind, piece.scope, piece.explained, continues=bool(parts) or piece.continues))
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        parts.append(_Piece(current, piece.page, piece.kind, piece.scope, piece.explained, continues=bool(parts) or piece.continues))
    parts[0].block_chars = piece.block_chars
    return parts


def _join(pieces: list[_Piece]) -> str:
    """Sentences of running text on one line; list items, table rows and what follows them on lines of their own
    (a sentence after a table is no part of its last row)."""
    text = ""
    previous: _Piece | None = None
    for piece in pieces:
        if previous is None:
            text = piece.text
        elif piece.continues or (piece.kind == "text" and previous.kind == "text" and text[-1:] != ":"):
            text += " " + piece.text
        else:
            text += "\n" + piece.text
        previous = piece
    return text


def _make_chunk(pieces: list[_Piece], first: Block, heading: str) -> Chunk:
    body = _join(pieces)
    text = f"{heading}\n{body}" if heading else body
    units = [Unit(0, len(heading), "heading", first.scope, first.heading_page or pieces[0].page)] if heading else []
    position = len(heading) + 1 if heading else 0
    for piece in pieces:
        position = max(text.find(piece.text, position), position)
        units.append(Unit(position, position + len(piece.text), piece.kind, piece.scope, piece.page))
        position += len(piece.text)
    pages = [piece.page for piece in pieces if piece.page is not None]
    return Chunk(
        text=text,
        page=pages[0] if pages else None,
        page_end=pages[-1] if pages else None,
        section=first.section,
        subsection=first.subsection,
        scope=first.scope,
        kind="table" if any(piece.kind == "table_row" for piece in pieces) else "text",
        explained=[piece.explained for piece in pieces if piece.explained],
        units=units,
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
    pieces = [
        part
        for block in group
        for piece in _pieces(block)
        for part in _long_piece_parts(piece, target_chars)
        if part.text.strip()
    ]
    if not pieces:  # blocks of blank text (or only the model profile's instructions) make no chunk
        return []
    first = group[0]
    # The heading as the document writes it (a repeated label's path names its parent heading too).
    own_heading = first.subsection.rsplit(PATH_SEPARATOR, 1)[-1]
    heading = own_heading if own_heading and own_heading not in pieces[0].text else ""
    if heading and len(heading) + 1 + len(pieces[0].text) > target_chars:
        # The heading opens the first chunk: a long first sentence is cut to fit beside it.
        pieces[:1] = _long_piece_parts(pieces[0], max(target_chars - len(heading) - 1, target_chars // 2))
    chunks: list[Chunk] = []
    current: list[_Piece] = []
    size = len(heading)
    for unit in pieces:
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
