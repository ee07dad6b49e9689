"""DOCX loader (python-docx): headings from Word styles, tables as rows, in document order."""

from __future__ import annotations

import io
import zipfile

import docx
from docx.document import Document as DocxDocument
from docx.table import Table
from docx.text.paragraph import Paragraph

from core.errors import IngestError
from ingest.model import LoadedDocument, Page


def _heading_level(paragraph: Paragraph) -> int:
    name = (paragraph.style.name if paragraph.style is not None else "") or ""
    if name.lower().startswith(("heading", "kop")):
        digits = "".join(ch for ch in name if ch.isdigit())
        return int(digits) if digits else 1
    return 0 if name.lower() != "title" else 1


def _is_list(paragraph: Paragraph) -> bool:
    name = (paragraph.style.name if paragraph.style is not None else "") or ""
    return "list" in name.lower() or paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None


def _table_lines(table: Table) -> list[str]:
    lines = []
    for row in table.rows:
        cells = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if not cells or cells[-1] != text:  # merged cells repeat their text
                cells.append(text)
        if any(cells):
            lines.append("| " + " | ".join(cells) + " |")
    return lines + [""]


def _body_lines(document: DocxDocument) -> list[str]:
    lines: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            lines.extend(_table_lines(item))
            continue
        text = item.text.strip()
        if not text:
            lines.append("")
            continue
        level = _heading_level(item)
        if level:
            lines.extend(["", "#" * min(level, 6) + " " + text, ""])
        elif _is_list(item):
            lines.append("• " + text)
        else:
            lines.extend(text.splitlines() + [""])
    return lines


def load_docx(path: str, data: bytes) -> LoadedDocument:
    """Read a Word document; damaged or password-protected files raise IngestError."""
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise IngestError(path, "an encrypted or old-style (.doc) Word file; save it as an unprotected .docx")
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise IngestError(path, f"not a readable DOCX file ({exc})") from exc
    except Exception as exc:  # lxml and python-docx raise many types for damaged XML
        raise IngestError(path, f"the DOCX file is damaged ({type(exc).__name__}: {exc})") from exc
    title = document.core_properties.title or None
    return LoadedDocument(
        path=path, file_format="docx", pages=[Page(number=None, lines=_body_lines(document))], marked_up=True, title=title
    )
