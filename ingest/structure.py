"""Structure: turn cleaned lines into headings, paragraphs, list items and table rows, each with its section
path and its scope ("school" for what this school does, "regional" for the standard SPPOH text)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from itertools import takewhile

from core.data import package_json
from ingest.model import LIST_MARK, PATH_SEPARATOR, Block, Page, Scope

# A heading repeated this often in one document is a label of its form (see _repeated_labels).
LABEL_REPEATS = 3
_NUMBERED_HEADING = re.compile(r"^(\d{1,2})(?:\.\s?([A-Z]|\d{1,2}))?\.?\s*([A-ZÀ-Ý].{1,90})$")
_FUNCTION_WORDS = {"de", "het", "een", "en", "of", "te", "van", "voor", "met", "in", "op", "aan", "bij", "die", "dat", "als"}
# "Zorgniveau 3: Extra zorg op schoolniveau door interne deskundigen", "Fase 2: …": a numbered level or step names
# its own part of the text, and such titles run longer than other sub-headings.
_LEVEL_HEADING = re.compile(r"^[A-ZÀ-Ý][\w-]+ \d{1,2}\s?:\s?[A-Za-zÀ-ÿ]")
_LIST_ITEM = re.compile(LIST_MARK.pattern + r"(.*)$")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*$")
_SCOPE_SIGNALS: dict[str, list[str]] = package_json("ingest.data", "scope_signals.json")
_SCHOOL_SCOPE = re.compile("|".join(_SCOPE_SIGNALS["school"]), re.IGNORECASE)
_REGIONAL_SCOPE = re.compile("|".join(_SCOPE_SIGNALS["regional"]), re.IGNORECASE)
_TABLE_VALUES: list[str] = package_json("ingest.data", "table_values.json")["values"]
_VALUE_AT_END = re.compile(
    r"^(?P<label>\S.{0,70}?)\s+(?P<value>(?:" + "|".join(re.escape(v) for v in _TABLE_VALUES) + r")\b.{0,40})$",
    re.IGNORECASE,
)
_ANY_VALUE = re.compile(r"\b(?:" + "|".join(re.escape(v) for v in _TABLE_VALUES) + r")\b", re.IGNORECASE)
_LONE_VALUE = re.compile(r"^(?:" + "|".join(re.escape(v) for v in _TABLE_VALUES) + r")\W*$", re.IGNORECASE)
_NUMBER_CELL = re.compile(r"^[€%]?\s?\d+(?:[.,]\d+)*\s?[€%]?$")
_TWO_CELLS = re.compile(r"^(?P<label>\S.{0,60}?)\s{2,}(?P<value>\S.{0,80})$")
# Inside a table a single space may part label and value when the value is unmistakable: a web or e-mail address,
# a phone number, a name with initials ("M. Dries", "D. van der Meer") or a count ("Aantal intern begeleiders 4").
_LOOSE_ROW = re.compile(
    r"^(?P<label>[A-ZÀ-Ý][\w'’()/-]*(?: [\w'’()/-]+){0,6}) "
    r"(?P<value>(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.]+|(?:\+31|0)[\d -]{8,13}"
    r"|(?:[A-Z]\.\s?){1,4}(?:(?:van|de|der|den|ter|ten)\s)*[A-Z][\w'’-]+|\d{1,4})$"
)


@dataclass
class _State:
    section: str = ""
    subsection: str = ""
    # The last sub-heading that is not a repeated label: what a "Toelichting" under it belongs to.
    parent: str = ""
    # Whether the section is a level heading ("Domein 3: …") rather than a numbered chapter.
    level_section: bool = False
    heading_page: int | None = None
    scope: Scope = "school"
    top_number: int = 0
    table_header: list[str] = field(default_factory=list)
    table_caption: str = ""


def _is_numbered_heading(line: str, next_line: str, state: _State) -> re.Match[str] | None:
    match = _NUMBERED_HEADING.match(line)
    if not match or line.endswith((".", ",", ";")) or len(line) > 95:
        return None
    number = int(match.group(1))
    title_words = match.group(3).split()
    if title_words[-1].lower() in _FUNCTION_WORDS or next_line[:1].islower():
        return None
    # A numbered list inside a section ("1. In kaart brengen ...") must not pass for the next chapter.
    allowed = {state.top_number, state.top_number + 1} if match.group(2) else {state.top_number + 1}
    if state.top_number == 0:
        allowed |= {1, 2}
    return match if number in allowed else None


def _is_subheading(line: str, next_line: str, after_sentence_end: bool) -> bool:
    words = line.rstrip(":").split()
    level = bool(_LEVEL_HEADING.match(line))
    return (
        after_sentence_end
        and 0 < len(words) <= (14 if level else 8)
        and len(line) <= (95 if level else 60)
        and line[0].isupper()
        and not line.endswith((".", ",", ";", "!"))
        and not (line.endswith(":") and len(words) > 4 and not level)
        and words[-1].lower() not in _FUNCTION_WORDS
        and not _SCHOOL_SCOPE.search(line)
        and not _REGIONAL_SCOPE.search(line)
        and not next_line[:1].islower()
        and not re.search(r"@|www\.|\d$", line)
        and not re.match(r"zie\b", line, re.IGNORECASE)  # a cross-reference ("Zie dyslexieprotocol")
        and line.count("(") == line.count(")")
    )


def _table_cells(line: str, next_line: str) -> tuple[str, str] | None:
    # A next line in lower case continues this one, unless it is a row itself ("e-mail directeur  a@b.nl").
    if line.startswith("|") or (next_line[:1].islower() and not _TWO_CELLS.match(next_line)):
        return None
    match = _TWO_CELLS.match(line) or (_VALUE_AT_END.match(line) if len(line) <= 80 else None)
    if not match or ". " in match.group("label") or line.endswith((";", ",")):
        return None
    if line.endswith(".") and match.group("value").lower() not in {"n.v.t.", "nvt."}:
        return None
    return " ".join(match.group("label").split()), match.group("value").strip()


def _is_column_header(value: str) -> bool:
    """'Aanwezig in de school Niet van toepassing', 'Ja / nee Uren beschikbaar': names of columns, not a row."""
    return "/" in value or len(_ANY_VALUE.findall(value)) >= 2


def _explain(cells: list[str], state: _State) -> str:
    header = state.table_header
    if len(header) >= len(cells) and any(header):
        parts = [f"{name}: {cell}" if name else cell for name, cell in zip(header, cells) if cell]
    else:
        parts = [cell for cell in cells if cell]
    explained = " — ".join(parts)
    return f"{state.table_caption} — {explained}" if state.table_caption else explained


class _Builder:
    """Collects blocks; an open paragraph or list item grows line by line until something else starts."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.open: Block | None = None
        self.state = _State()

    def close(self) -> None:
        if self.open is not None and self.open.text.strip():
            self.blocks.append(self.open)
        self.open = None

    def add(self, kind: str, text: str, page: int | None, **extra: object) -> None:
        self.close()
        self.blocks.append(self._block(kind, text, page, **extra))

    def start(self, kind: str, text: str, page: int | None) -> None:
        self.close()
        self.open = self._block(kind, text, page)

    def _block(self, kind: str, text: str, page: int | None, **extra: object) -> Block:
        state = self.state
        return Block(
            kind=kind,  # type: ignore[arg-type]
            text=text,
            page=page,
            section=state.section,
            subsection=state.subsection,
            heading_page=state.heading_page,
            scope=state.scope,
            **extra,  # type: ignore[arg-type]
        )

    def heading(self, title: str, level: int, page: int | None, numbered: bool, label: bool = False) -> None:
        """``label``: a heading the document repeats under many headings ("Toelichting", "Toelichting op de
        profilering"); it is placed under the sub-heading before it, so a citation still says where it stands."""
        self.close()
        state = self.state
        level_heading = bool(_LEVEL_HEADING.match(title)) and not numbered
        if level <= 1 or numbered or (level_heading and (not state.section or state.level_section)):
            # Outside numbered chapters a level heading ("Domein 3: …") is the section its sub-headings stand in.
            state.section, state.subsection, state.parent = title, "", ""
            state.level_section = level_heading
        elif label and state.parent:
            state.subsection = f"{state.parent}{PATH_SEPARATOR}{title}"
        else:
            state.subsection = title
            state.parent = "" if label else title
        state.heading_page = page
        # Regional standard text runs to the end of its own part of the profile, not into the next heading.
        state.scope = "school"
        state.table_header, state.table_caption = [], ""
        self.blocks.append(Block("heading", title, page, level=level, section=state.section, subsection=state.subsection))


def _repeated_labels(lines: list[tuple[str, int | None]]) -> set[str]:
    """Short lines the document repeats at least LABEL_REPEATS times: a form's labels, which say what kind of text
    follows ("Toelichting"), not where it stands."""
    counts = Counter(line.rstrip(":").strip() for line, _ in lines if line and len(line.split()) <= 6)
    return {line for line, count in counts.items() if count >= LABEL_REPEATS}


def _flat_lines(pages: list[Page]) -> list[tuple[str, int | None]]:
    return [(line.strip(), page.number) for page in pages for line in page.lines]


def _next_filled(lines: list[tuple[str, int | None]], i: int) -> str:
    return next((line for line, _ in lines[i + 1 : i + 4] if line), "")


def find_blocks(pages: list[Page], marked_up: bool) -> list[Block]:
    """Find the structure of a cleaned document. Marked-up formats are trusted; PDF and TXT are read by layout."""
    builder = _Builder()
    state = builder.state
    lines = _flat_lines(pages)
    labels = _repeated_labels(lines)
    for i, (line, page) in enumerate(lines):
        if not line:
            if not _sentence_goes_on(builder.open, _next_filled(lines, i)):
                builder.close()
            continue
        next_line = _next_filled(lines, i)
        md_heading = _MD_HEADING.match(line) if marked_up else None
        numbered = _NUMBERED_HEADING.match(line)
        if md_heading:
            title = md_heading.group(2)
            level = len(md_heading.group(1))
            builder.heading(title, min(level, 2) if not numbered else 1, page, bool(numbered))
            continue
        if not marked_up and (match := _is_numbered_heading(line, next_line, state)):
            state.top_number = int(match.group(1))
            number = f"{match.group(1)}.{match.group(2)}" if match.group(2) else f"{match.group(1)}."
            title = f"{number} {match.group(3).strip()}"
            builder.heading(title, 2 if match.group(2) else 1, page, numbered=True)
            continue
        if line.startswith("|"):
            cells = _pipe_cells(line)
            # A blank line before a row ends the previous table: the row is the next table's first.
            after_other = not builder.blocks or builder.blocks[-1].kind != "table_row"
            if after_other or (i > 0 and not lines[i - 1][0]):
                body = [_pipe_cells(row) for row, _ in takewhile(lambda item: item[0].startswith("|"), lines[i + 1 :])]
                state.table_header = cells if _is_header_row(cells, body) else []
                if state.table_header:
                    builder.add("table_row", " | ".join(cells), page, explained=" — ".join(c for c in cells if c))
                    continue
            builder.add("table_row", " | ".join(cells), page, explained=_explain(cells, state))
            continue
        list_item = _LIST_ITEM.match(line)
        in_table = builder.open is None and bool(builder.blocks) and builder.blocks[-1].kind == "table_row"
        if not marked_up and not list_item and (cells := _table_cells(line, next_line) or _loose_row(line, in_table)):
            if not in_table:
                _start_table(builder, header_line=line if _is_column_header(line) else None)
            if not in_table and _is_column_header(line):
                builder.add("table_row", line, page, explained=" — ".join(filter(None, [state.table_caption, *cells])))
            else:
                builder.add("table_row", line, page, explained=_explain(list(cells), state))
            continue
        if not marked_up and _LONE_VALUE.match(line) and (label_lines := _wrapped_label(builder)) is not None:
            explained = _explain([" ".join(label_lines.split()), line], state)
            builder.add("table_row", f"{label_lines}  {line}", page, explained=explained)
            continue
        if list_item:
            builder.start("list_item", line, page)
            continue
        scope_change = _scope_of(line)
        if scope_change:
            builder.close()
            state.scope = scope_change
        elif (
            not marked_up
            # In a table, a line followed by figures labels them ("Verdeling leerjaren" / "1-2"): no heading.
            and not (in_table and next_line[:1].isdigit())
            and _is_subheading(line, next_line, _after_sentence_end(builder))
        ):
            builder.heading(line.rstrip(":"), 3, page, numbered=False, label=line.rstrip(":").strip() in labels)
            continue
        if builder.open is None and line[:1].islower() and builder.blocks and builder.blocks[-1].kind == "table_row":
            # A table row broken over lines goes on in lower case ('Leerlingaantal per 1' / 'oktober 695 705').
            row = builder.blocks[-1]
            row.text += "\n" + line
            row.line_pages.append(page)
            row.explained = f"{row.explained} {line}" if row.explained else None
        elif builder.open is None:
            builder.start("text", line, page)
        elif builder.open.kind == "list_item" and line[:1].isupper() and not _unfinished(builder.open.text):
            # After a list item that has said what it says, a line in upper case starts something new: the lead-in
            # of the next list ('Binnen het normprofiel:'), or a paragraph.
            builder.start("text", line, page)
        else:
            builder.open.text += "\n" + line
            builder.open.line_pages.append(page)
    builder.close()
    return builder.blocks


def _loose_row(line: str, in_table: bool) -> tuple[str, str] | None:
    match = _LOOSE_ROW.match(line) if in_table and len(line) <= 80 else None
    if not match or match.group("value").isdigit() and " " not in match.group("label"):
        return None  # "Fase 1", "Groep 3": a name with a number, not a label with its count
    return match.group("label"), match.group("value")


def _after_sentence_end(builder: _Builder) -> bool:
    """Whether a heading may start here: not inside a sentence, nor inside an enumeration whose items end in ';'
    ('Cursussen begrijpend lezen;' / 'Engels' / 'Verlengde instructie;' is one list, 'Engels' no heading)."""
    last = builder.open or (builder.blocks[-1] if builder.blocks and builder.blocks[-1].kind != "heading" else None)
    if last is not None and last.text.rstrip().endswith(";"):
        return False
    return builder.open is None or _ends_sentence(builder.open)


def _sentence_goes_on(block: Block | None, next_line: str) -> bool:
    """A blank line inside a sentence (double-spaced text: '... samen met ouders en' / '' / 'indien gewenst ...')
    does not end the paragraph: the sentence has no end yet and the next line goes on in lower case."""
    return (
        block is not None
        and block.kind in ("text", "list_item")
        and not _ends_sentence(block)
        and next_line[:1].islower()
        and not _LIST_ITEM.match(next_line)
    )


def _pipe_cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip("|").split("|")]


def _is_header_row(cells: list[str], body: list[list[str]]) -> bool:
    """Whether a table's first row names its columns ('Voorziening | Aanwezig in de school'). A key-value table
    ('School | OBS De Regenboog', 'Brinnummer | 99XA') has no such row, and a first row holding values ('Lift | nvt')
    is a row like the others ('Aanwezig' over 'Ja' and 'Nee' still names a column). Two columns are only taken for
    named ones when the rows below hold table values."""
    for column, cell in enumerate(cells[1:], start=1):
        below = {row[column].lower() for row in body if len(row) > column}
        if _NUMBER_CELL.match(cell) or (_LONE_VALUE.match(cell) and cell.lower() in below):
            return False
    if len(cells) >= 3 or not body:
        return True
    values = [row[1] for row in body if len(row) >= 2]
    return bool(values) and sum(_is_value(value) for value in values) >= len(values) / 2


def _is_value(cell: str) -> bool:
    return bool(_LONE_VALUE.match(cell) or _NUMBER_CELL.match(cell))


def _unfinished(text: str) -> bool:
    """Whether a text breaks off mid-phrase ('… met', '… ouders,'): its next line goes on with it."""
    stripped = text.rstrip()
    words = stripped.split()
    return stripped.endswith((",", "-", "–", "/", "(", "&")) or bool(words) and words[-1].lower() in _FUNCTION_WORDS


def _ends_sentence(block: Block) -> bool:
    return block.text.rstrip().endswith((".", ":", ";", "!", "?"))


def _scope_of(line: str) -> Scope | None:
    if _REGIONAL_SCOPE.search(line):
        return "regional"
    if _SCHOOL_SCOPE.search(line):
        return "school"
    return None


def _split_header(line: str) -> list[str]:
    """'Voorziening Aanwezig in de school' → ['Voorziening', 'Aanwezig in de school']; 'Ja / nee' has no label column."""
    words = line.split()
    if len(words) > 1 and not _ANY_VALUE.match(words[0]):
        return [words[0], " ".join(words[1:])]
    return ["", " ".join(words)]


def _wrapped_label(builder: _Builder) -> str | None:
    """The label of a table row broken over lines whose value stands on a line of its own: the open paragraph, or in
    blank-line separated text the short paragraph just closed after an earlier row of the table."""
    if builder.open is not None:
        if len(builder.open.text) > 60:
            return None
        label, builder.open = builder.open.text, None
        return label
    blocks = builder.blocks
    if len(blocks) >= 2 and blocks[-2].kind == "table_row" and _is_caption(blocks[-1], 60):
        return blocks.pop().text
    return None


def _is_caption(block: Block, max_chars: int) -> bool:
    """A short paragraph without a sentence end: a table's caption, column names or a wrapped row label."""
    return block.kind == "text" and len(block.text) <= max_chars and not _ends_sentence(block)


def _start_table(builder: _Builder, header_line: str | None) -> None:
    """The short lines just before a table are its caption and column header: keep them to explain each row."""
    state = builder.state
    context: list[str] = []
    holder: Block | None = None  # the paragraph the caption and column names stand in
    if builder.open is not None and len(builder.open.text) <= 160:
        context = builder.open.text.splitlines()
        builder.close()
        holder = builder.blocks[-1] if builder.blocks and builder.blocks[-1].text == "\n".join(context) else None
    elif builder.blocks and builder.blocks[-1].kind == "heading":
        heading = builder.blocks[-1]
        if heading.level <= 2:  # a chapter title names the table, it is never its column names
            state.table_header = _split_header(header_line) if header_line else []
            state.table_caption = re.sub(r"^\d{1,2}(?:\.[A-Z\d]{1,2})?\.?\s+", "", heading.text)
            return
        context = [heading.text]
    elif builder.blocks and _is_caption(builder.blocks[-1], 160):  # closed by a blank line in spaced-out text
        context = builder.blocks[-1].text.splitlines()
        holder = builder.blocks[-1]
    if header_line:
        state.table_header = _split_header(header_line)
        state.table_caption = " ".join(context) or state.subsection
        return
    state.table_header = _split_header(context[-1]) if context and len(context[-1].split()) > 1 else []
    state.table_caption = " ".join(context[:-1]) or state.subsection
    if holder is not None and _is_caption(holder, 160):
        # The caption and column names ('Betrokken experts Structureel Regelmatig …') head the table's rows: they
        # are a row of the table, not a sentence.
        builder.blocks[builder.blocks.index(holder)] = replace(holder, kind="table_row", explained=" ".join(holder.text.split()))
