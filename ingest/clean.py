"""Cleaning: drop repeated page headers/footers and page numbers, join words hyphenated across lines,
normalise ligatures and odd spaces. Works on pages of lines so page numbers stay right."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict

from ingest.model import Page

_PAGE_NUMBER = re.compile(
    r"^\s*(?:pagina|page|blz\.?|p\.)?\s*\d{1,4}\s*(?:(?:/|-|–|van|of)\s*\d{1,4})?\s*\.?\s*$", re.IGNORECASE
)
_ENDS_IN_NUMBER = re.compile(r"#\W{0,3}$")
_HYPHENATED = re.compile(r"(\w+)-$")
_FIRST_WORD = re.compile(r"^([a-zà-ÿ]\w*)(.*)$")
_KEEP_SPACE_AFTER_HYPHEN = {"en", "of", "tot", "t/m", "noch"}  # "groeps- en toetsbespreking"
# Ligatures, non-breaking and zero-width spaces, soft hyphens. Curly quotes stay: quotes are cited verbatim.
_CHAR_FIXES = str.maketrans({"\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u200b": "", "\u00ad": "", "\t": "  "})
_LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}


def normalise_line(line: str) -> str:
    """Compose accents (NFC), expand ligatures, turn odd spaces into plain ones; keep double spaces (table cells)."""
    line = unicodedata.normalize("NFC", line).translate(_CHAR_FIXES)
    for ligature, letters in _LIGATURES.items():
        line = line.replace(ligature, letters)
    return "".join(ch for ch in line if ch in "\n" or unicodedata.category(ch)[0] != "C").rstrip()


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", " ".join(line.lower().split()))


def _furniture(pages: list[Page]) -> set[str]:
    """Shapes of lines that are page furniture: repeated at page edges, or repeated with a changing number."""
    furniture: set[str] = set()
    paged = len(pages) >= 3
    edge_pages: Counter[str] = Counter()
    variants: dict[str, set[str]] = defaultdict(set)
    positions: dict[str, list[int]] = defaultdict(list)
    offset = 0
    for page in pages:
        non_empty = [line for line in page.lines if line.strip()]
        if paged:
            for shape in {_shape(line) for line in non_empty[:2] + non_empty[-3:]}:
                edge_pages[shape] += 1
        for i, line in enumerate(page.lines):
            shape = _shape(line)
            if len(shape) >= 25 and "#" in shape:
                variants[shape].add(line.strip())
                positions[shape].append(offset + i)
        offset += len(page.lines)
    if paged:
        furniture |= {shape for shape, n in edge_pages.items() if n >= max(3, 0.4 * len(pages)) and len(shape) > 3}
    for shape, seen in variants.items():
        spread = positions[shape]
        # A running footer ("versie 15 maart 2021   2 - 14.") recurs far apart, ending in a new page number each time.
        far_apart = min((b - a for a, b in zip(spread, spread[1:])), default=0) >= 10
        if len(seen) >= 2 and far_apart and _ENDS_IN_NUMBER.search(shape):
            furniture.add(shape)
    return furniture


def _join_hyphenation(lines: list[str], vocabulary: set[str]) -> list[str]:
    lines = list(lines)
    for i in range(len(lines) - 1):
        left = _HYPHENATED.search(lines[i])
        following = next((j for j in range(i + 1, min(i + 3, len(lines))) if lines[j].strip()), None)
        if not left or following is None:
            continue
        right = _FIRST_WORD.match(lines[following].lstrip())
        if not right or right.group(1) in _KEEP_SPACE_AFTER_HYPHEN:
            continue
        whole = left.group(1) + right.group(1)
        joined = whole if whole.lower() in vocabulary else left.group(1) + "-" + right.group(1)
        lines[i] = lines[i][: left.start()] + joined
        lines[following] = right.group(2).lstrip()
    return lines


def clean_pages(pages: list[Page]) -> list[Page]:
    """Return new pages without headers, footers and page numbers, with words rejoined and characters normalised."""
    normalised = [Page(page.number, [normalise_line(line) for line in page.lines]) for page in pages]
    furniture = _furniture(normalised)
    vocabulary = {word.lower() for page in normalised for line in page.lines for word in re.findall(r"\w+", line)}
    cleaned = []
    for page in normalised:
        filled = [i for i, line in enumerate(page.lines) if line.strip()]
        # A bare number is a page number only at the top or bottom of a real page; elsewhere it is a table cell.
        edges = set(filled[:1] + filled[-2:]) if page.number is not None else set()
        kept = [
            line
            for i, line in enumerate(page.lines)
            if _shape(line) not in furniture and not (i in edges and _PAGE_NUMBER.match(line))
        ]
        cleaned.append(Page(page.number, _join_hyphenation(kept, vocabulary)))
    return cleaned
