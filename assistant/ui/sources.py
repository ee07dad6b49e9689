"""The sources of an answer: [n] chips under it, then a panel per cited passage with school, page and section, the
quote marked inside the passage, and the page of the original file with the quote highlighted."""

from __future__ import annotations

import re
from pathlib import Path

import streamlit as st

from assistant.service import Answer, Citation, IndexedProfile
from assistant.ui.page_image import PageImage, page_image
from assistant.ui.safe_text import as_text, highlighted
from assistant.ui.texts import UiLanguage, text

_MARKER = re.compile(r"\[(\d+)\]")


def cited_sources(answer: Answer) -> list[Citation]:
    """The passages an answer cites: those its [n] markers name and those it quotes, in rank order."""
    marked = {int(n) for n in _MARKER.findall(answer.answer)}
    return [source for source in answer.sources if source.quote or source.rank in marked]


def _page(source_page: int | None, language: UiLanguage) -> str:
    return text(language, "page", page=source_page) if source_page else text(language, "no_page")


def show_chips(cited: list[Citation], language: UiLanguage) -> None:
    """One chip per cited passage: [n], school and page, as text on a badge (the number carries the link)."""
    chips = [
        f":blue-badge[{as_text(f'[{source.rank}] {source.school} · {_page(source.page, language)}')}]"
        for source in cited
    ]
    st.markdown(" ".join(chips))


@st.cache_data(max_entries=64, show_spinner=False)
def _cached_page_image(path: str, modified: float, page: int, quote: str) -> PageImage | None:
    # ``modified`` is part of the cache key: a re-uploaded file is rendered anew.
    return page_image(Path(path), page, quote)


def show_original(
    profile: IndexedProfile | None, page: int | None, quote: str, key: str, language: UiLanguage
) -> None:
    """Behind a toggle (rendering costs time): the cited page of the PDF with the quote highlighted, and the
    original file to download, for every format."""
    if profile is None:
        return
    path = Path(profile.path)
    if not path.is_file():
        st.caption(as_text(text(language, "original_missing", path=profile.path)))
        return
    if not st.toggle(text(language, "show_page", page=page or 1), key=f"original-{key}"):
        return
    if page and profile.file_format == "pdf":
        image = _cached_page_image(str(path), path.stat().st_mtime, page, quote)
        if image is not None:
            if not image.highlighted:
                st.caption(text(language, "page_not_found"))
            st.image(image.png, caption=text(language, "page_image_caption", school=profile.school, page=page), width=760)
    st.download_button(
        text(language, "download_original", name=path.name),
        data=path.read_bytes(),
        file_name=path.name,
        key=f"download-{key}",
    )


def show_sources(
    cited: list[Citation], profiles: dict[str, IndexedProfile], key: str, language: UiLanguage
) -> None:
    """The sources panel: one expander per cited passage."""
    st.caption(text(language, "sources_title"))
    for source in cited:
        label = text(
            language, "source_label", rank=source.rank, school=source.school, page=_page(source.page, language),
            section=source.section or "—",
        )
        with st.expander(as_text(label)):
            if source.scope == "regional":
                st.info(text(language, "regional"), icon="ℹ️")
            if source.quote:
                st.markdown(f"**{text(language, 'quote_label')}:** “{as_text(source.quote)}”")
            st.caption(text(language, "passage_label"))
            st.markdown(highlighted(source.text, source.quote))
            show_original(profiles.get(source.doc_id), source.page, source.quote, f"{key}-{source.rank}", language)
