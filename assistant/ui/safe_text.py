"""Document text shown as text in Streamlit's markdown: every ASCII punctuation character is backslash-escaped
(CommonMark allows that for all of them), so a profile cannot inject a link, an image, HTML, an emoji shortcode, a
colour directive or LaTeX. Streamlit also turns bare URLs and e-mail addresses into links after parsing, escapes or
not (GFM autolink literals, found in the parsed text): an invisible word joiner inside ``https:``, ``www.`` and around
``@`` keeps them text. Quotes are marked inside their passage."""

from __future__ import annotations

import re

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_LINK_LIKE = re.compile(r"(?i)(?<=http)(?=s?:)|(?<=www)(?=\.)|(?=@)|(?<=@)")
_WORD_JOINER = "\u2060"
# The mark of a quote: a background colour and bold, so it does not rest on colour alone.
_MARK_OPEN, _MARK_CLOSE = ":orange-background[**", "**]"
_LEADING_SPACE = re.compile(r"(?m)^[ \t]+")
_BULLET = re.compile(r"(?m)^\\- ")
# An answer quotes several sentences of one passage joined by a space, and quotes from different places of a
# passage joined by ' … '; they are looked up one by one.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n|\s…\s")


def as_text(text: str, bullets: bool = False) -> str:
    """Markdown that renders exactly ``text``: punctuation escaped, line breaks kept, leading spaces dropped (four
    of them would start a code block). With ``bullets``, lines starting with "- " stay list items (an answer's own
    layout; a list item cannot carry a link or script)."""
    markdown = _lines(_escape(text))
    if not bullets:
        return markdown
    # Only the answer's own bullets start at the margin; a quoted line that begins with '- ' (a list item of the
    # profile) is indented under its bullet, and stays text inside it.
    own = [line.startswith("- ") for line in text.split("\n")]
    return "\n".join(
        _BULLET.sub("- ", line) if is_own else line for line, is_own in zip(markdown.split("\n"), own, strict=True)
    )


def _escape(text: str) -> str:
    return _PUNCTUATION.sub(r"\\\1", _LINK_LIKE.sub(_WORD_JOINER, text))


def _lines(markdown: str) -> str:
    return _LEADING_SPACE.sub("", markdown).replace("\n", "  \n")


def _words_pattern(fragment: str) -> re.Pattern[str] | None:
    words = fragment.split()
    return re.compile(r"\s+".join(re.escape(word) for word in words)) if words else None


def quote_spans(passage: str, quote: str) -> list[tuple[int, int]]:
    """Where the quote stands in the passage, as (start, end) offsets, whitespace-tolerant. A quote made of
    several sentences from different places in the passage gives one span per sentence found."""
    whole = _words_pattern(quote)
    if whole is None:
        return []
    found = whole.search(passage)
    if found:
        return [found.span()]
    spans = []
    for fragment in _SENTENCE_END.split(quote):
        pattern = _words_pattern(fragment)
        match = pattern.search(passage) if pattern else None
        if match:
            spans.append(match.span())
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _marked(fragment: str) -> str:
    marked = []
    for line in fragment.split("\n"):
        core = line.strip()
        if core:
            start = line.index(core)
            line = line[:start] + _MARK_OPEN + _escape(core) + _MARK_CLOSE + line[start + len(core) :]
        marked.append(line)
    return "\n".join(marked)


def highlighted(passage: str, quote: str) -> str:
    """The passage as safe markdown with the quoted sentences marked (bold on a coloured background). A mark never
    crosses a line break, so each marked line stays valid markdown."""
    parts: list[str] = []
    position = 0
    for start, end in quote_spans(passage, quote):
        parts.append(_escape(passage[position:start]))
        parts.append(_marked(passage[start:end]))
        position = end
    parts.append(_escape(passage[position:]))
    return _lines("".join(parts))
