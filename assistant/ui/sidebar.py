"""The sidebar: language, a new conversation, the indexed schools (with a remove button each), the school filter,
and the upload of new profiles with a progress bar and a clear message per file."""

from __future__ import annotations

import streamlit as st

from assistant.service import SUPPORTED_SUFFIXES, IndexedProfile, SopAssistant, UploadOutcome
from assistant.ui.safe_text import as_text
from assistant.ui.texts import UiLanguage, text

FILTER_KEY = "schools"
_OUTCOMES_KEY = "upload_outcomes"
_UPLOADER_ROUND = "upload_round"
# Schools listed one by one in the sidebar; a larger index shows the ones a search finds.
_LISTED = 12


def _school_line(profile: IndexedProfile, language: UiLanguage) -> str:
    pages = text(language, "pages", pages=profile.pages) if profile.pages else text(language, "no_pages")
    return text(
        language,
        "school_line",
        city=profile.town or text(language, "unknown_city"),
        period=profile.period or text(language, "unknown_period"),
        pages=pages,
        chunks=profile.chunks,
    )


def _remove(assistant: SopAssistant, doc_id: str, school: str, language: UiLanguage) -> None:
    assistant.remove(doc_id)
    st.session_state[FILTER_KEY] = [d for d in st.session_state.get(FILTER_KEY, []) if d != doc_id]
    st.toast(text(language, "removed", school=school))


def show_schools(assistant: SopAssistant, profiles: dict[str, IndexedProfile], language: UiLanguage) -> None:
    """Every indexed school with a remove button; past a dozen, the schools a search finds (a region's index of
    hundreds of schools would otherwise fill the sidebar and slow every page)."""
    st.subheader(text(language, "sidebar_schools"))
    if not profiles:
        st.caption(text(language, "no_schools"))
    listed = sorted(profiles.items(), key=lambda item: item[1].school.lower())
    if len(listed) > _LISTED:
        query = st.text_input(text(language, "school_search"), key="school-search").strip().lower()
        found = [item for item in listed if query and query in item[1].school.lower()]
        st.caption(text(language, "school_count", count=len(listed), shown=min(len(found), _LISTED)))
        listed = found[:_LISTED]
    for doc_id, profile in listed:
        st.markdown(f"**{as_text(profile.school)}**  \n{as_text(_school_line(profile, language))}")
        st.button(
            text(language, "remove", school=profile.school),
            key=f"remove-{doc_id}",
            on_click=_remove,
            args=(assistant, doc_id, profile.school, language),
            icon=":material/delete:",
        )


def school_filter(profiles: dict[str, IndexedProfile], labels: dict[str, str], language: UiLanguage) -> list[str]:
    """The doc_ids answers are restricted to; empty for all schools. Towns and school types narrow the choice
    (an adviser's "the SBO schools of Tilburg"); schools picked by name within them narrow it further."""
    towns = sorted({p.town for p in profiles.values() if p.town})
    types = sorted({p.type for p in profiles.values() if p.type})
    chosen_towns = st.multiselect(text(language, "town_filter"), towns, key="towns", placeholder=text(language, "filter_placeholder"))
    chosen_types = st.multiselect(text(language, "type_filter"), types, key="types", placeholder=text(language, "filter_placeholder"))
    within = [
        doc_id for doc_id, p in profiles.items()
        if (not chosen_towns or p.town in chosen_towns) and (not chosen_types or p.type in chosen_types)
    ]
    # A school removed (or filtered out) since the last run must leave the filter, or the widget would refer to a
    # missing option.
    st.session_state[FILTER_KEY] = [d for d in st.session_state.get(FILTER_KEY, []) if d in within]
    named = st.multiselect(
        text(language, "filter_label"),
        sorted(within, key=lambda d: labels.get(d, d).lower()),
        format_func=lambda d: labels.get(d, profiles[d].school),
        key=FILTER_KEY,
        help=text(language, "filter_help"),
        placeholder=text(language, "filter_placeholder"),
    )
    if (chosen_towns or chosen_types) and not within:
        st.warning(text(language, "filter_none"))
    return named or within if (chosen_towns or chosen_types) else named


def _outcome_message(outcome: UploadOutcome, language: UiLanguage) -> str:
    if outcome.status == "indexed":
        return text(language, "upload_indexed", name=outcome.name, school=outcome.school, chunks=outcome.chunks)
    if outcome.status == "unchanged":
        return text(language, "upload_unchanged", name=outcome.name)
    return text(language, "upload_failed", name=outcome.name, error=outcome.error)


def show_upload(assistant: SopAssistant, language: UiLanguage) -> None:
    """The upload: each file gets its own progress bar while it is read, then its own success or error message."""
    round_number = st.session_state.setdefault(_UPLOADER_ROUND, 0)
    files = st.file_uploader(
        text(language, "upload_label"),
        type=sorted(suffix.lstrip(".") for suffix in SUPPORTED_SUFFIXES),
        accept_multiple_files=True,
        key=f"upload-{round_number}",
        # The drop zone then states the profile's own per-file limit, and the browser refuses bigger files up front.
        max_upload_size=assistant.settings.max_file_mb,
    )
    if files and st.button(text(language, "upload_button"), icon=":material/upload_file:"):
        bars = [st.progress(0, text=as_text(text(language, "upload_waiting", name=f.name))) for f in files]

        def started(position: int) -> None:
            bars[position].progress(50, text=as_text(text(language, "upload_reading", name=files[position].name)))

        def done(position: int, outcome: UploadOutcome) -> None:
            bars[position].progress(100, text=as_text(_outcome_message(outcome, language)))

        outcomes = assistant.add_uploads([(f.name, f.getvalue()) for f in files], started, done)
        st.session_state[_OUTCOMES_KEY] = outcomes
        # A new key empties the uploader; the rerun shows the new schools in the list above.
        st.session_state[_UPLOADER_ROUND] = round_number + 1
        st.rerun()
    outcomes: list[UploadOutcome] = st.session_state.get(_OUTCOMES_KEY, [])
    if outcomes:
        failed = sum(outcome.status == "failed" for outcome in outcomes)
        st.caption(text(language, "upload_summary", indexed=len(outcomes) - failed, failed=failed))
    for outcome in outcomes:
        message = as_text(_outcome_message(outcome, language))
        if outcome.status == "failed":
            st.error(message, icon=":material/error:")
        else:
            st.success(message, icon=":material/check_circle:")
