"""The comparison view: the support matrix as a table (rows categories, columns schools, a sign and a word per
status), the citation of a cell on click or per category, and the matrix as CSV."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from assistant.service import Cell, IndexedProfile, SopAssistant, categories, category_name, matrix_csv, status_word
from assistant.ui.safe_text import as_text
from assistant.ui.sources import show_original
from assistant.ui.texts import UiLanguage, status_icon, text

_TABLE_KEY = "matrix-table"
_CATEGORY_KEY = "matrix-category"
# Streamlit's table rows are 35 px: the whole matrix is shown without scrolling.
_ROW_PX = 35


def status_label(status: str, language: UiLanguage) -> str:
    """A status as a sign plus its word ('✔ ja'): never by colour or sign alone."""
    return f"{status_icon(status)} {status_word(status, language)}"  # type: ignore[arg-type]


def cell_of(matrix: Mapping[str, Mapping[str, Cell]], doc_id: str, category: str) -> Cell:
    return matrix.get(doc_id, {}).get(category) or Cell("unknown")


def school_columns(doc_ids: list[str], profiles: Mapping[str, IndexedProfile]) -> dict[str, str]:
    """Column title per doc_id: the school's name, with the doc_id where two schools share a name."""
    names = [profiles[d].school for d in doc_ids]
    return {d: (n if names.count(n) == 1 else f"{n} ({d})") for d, n in zip(doc_ids, names)}


def matrix_table(
    matrix: Mapping[str, Mapping[str, Cell]], columns: Mapping[str, str], language: UiLanguage
) -> pd.DataFrame:
    """Rows categories (in the contract's order), columns schools, cells '✔ ja' / '✘ nee' / …"""
    rows = categories()
    data = {
        title: [status_label(cell_of(matrix, doc_id, c).status, language) for c in rows]
        for doc_id, title in columns.items()
    }
    return pd.DataFrame(data, index=pd.Index([category_name(c, language) for c in rows], name=text(language, "compare_category")))


def _show_cell(
    cell: Cell, school: str, category: str, profile: IndexedProfile | None, key: str, language: UiLanguage
) -> None:
    st.markdown(
        f"**{as_text(text(language, 'compare_cell', school=school, category=category_name(category, language), status=status_label(cell.status, language)))}**"
    )
    if not cell.quote:
        st.caption(text(language, "compare_no_quote"))
        return
    page = text(language, "page", page=cell.page) if cell.page else text(language, "no_page")
    st.caption(as_text(f"{page} · {cell.section or '—'}"))
    st.markdown(f"“{as_text(cell.quote)}”")
    if cell.second is not None:
        st.caption(text(language, "compare_second"))
        second_page = text(language, "page", page=cell.second.page) if cell.second.page else text(language, "no_page")
        st.markdown(f"“{as_text(cell.second.quote)}” ({as_text(second_page)}, {as_text(cell.second.section or '—')})")
    show_original(profile, cell.page, cell.quote, key, language)


def show_comparison(assistant: SopAssistant, chosen: list[str], language: UiLanguage) -> None:
    """The view: the table for the chosen schools (all when none are chosen)."""
    st.subheader(text(language, "compare_title"))
    profiles = assistant.schools()
    if not profiles:
        st.info(text(language, "compare_need_schools"))
        return
    st.write(text(language, "compare_intro"))
    matrix = assistant.matrix()
    doc_ids = [d for d in (chosen or sorted(profiles, key=lambda d: profiles[d].school.lower())) if d in profiles]
    columns = school_columns(doc_ids, profiles)
    by_title = {title: doc_id for doc_id, title in columns.items()}
    table = matrix_table(matrix, columns, language)
    event = st.dataframe(
        table, key=_TABLE_KEY, on_select="rerun", selection_mode="single-cell", height=_ROW_PX * (len(table) + 1) + 3
    )
    legend = ", ".join(status_label(s, language) for s in ("yes", "no", "border", "limit", "unknown"))
    st.caption(text(language, "legend", legend=legend))
    st.download_button(
        text(language, "download_csv"),
        data=matrix_csv({d: matrix.get(d, {}) for d in doc_ids}, {d: profiles[d].school for d in doc_ids}),
        file_name="ondersteuningsmatrix.csv",
        mime="text/csv",
        icon=":material/download:",
    )
    rows = categories()
    for row, title in event.selection.cells if event else []:
        doc_id = by_title.get(title)
        if doc_id is not None and 0 <= row < len(rows):
            with st.container(border=True):
                category = rows[row]
                _show_cell(cell_of(matrix, doc_id, category), profiles[doc_id].school, category, profiles.get(doc_id),
                           f"cell-{doc_id}-{category}", language)
    # The same citations without a pointer: a category picked with the keyboard shows every school's quote.
    category = st.selectbox(
        text(language, "compare_pick"), rows, format_func=lambda c: category_name(c, language), key=_CATEGORY_KEY,
        index=None, placeholder=text(language, "pick_placeholder"),
    )
    if category:
        for doc_id in doc_ids:
            with st.container(border=True):
                _show_cell(cell_of(matrix, doc_id, category), profiles[doc_id].school, category, profiles.get(doc_id),
                           f"pick-{doc_id}-{category}", language)
