"""The support matrix as CSV, for advisers who put it in a spreadsheet: one row per school and category, with the
status, its word in Dutch, and the citation (page, section, quote) it rests on."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping

from assistant.matrix.answer import category_name, status_word
from assistant.matrix.rules import Cell

COLUMNS = ["doc_id", "school", "category", "categorie", "status", "status_nl", "page", "section", "quote"]


def matrix_csv(matrix: Mapping[str, Mapping[str, Cell]], schools: Mapping[str, str]) -> str:
    """CSV text (UTF-8, comma separated, header row) of ``{doc_id: {category: Cell}}``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for doc_id, row in matrix.items():
        for category, cell in row.items():
            writer.writerow([
                doc_id, schools.get(doc_id, doc_id), category, category_name(category, "nl"), cell.status,
                status_word(cell.status, "nl"), cell.page if cell.page is not None else "", cell.section,
                " ".join(cell.quote.split()),
            ])
    return out.getvalue()
