"""The conversation: earlier turns from the session's history, a new question answered under ``st.status`` (an
LLM's answer streamed with ``st.write_stream``), and under every answer its sources and a thumbs feedback."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from assistant.service import Answer, IndexedProfile, SopAssistant, SopError
from assistant.ui.feedback import record_feedback
from assistant.ui.safe_text import as_text
from assistant.ui.sources import cited_sources, show_chips, show_sources
from assistant.ui.texts import UiLanguage, text


@dataclass
class Turn:
    """One message of the conversation: the user's question, or the assistant's answer (None when it failed) with
    the label its search step ended with."""

    role: str
    question: str
    answer: Answer | None = None
    error: str | None = None
    status: str = ""


def history_questions(turns: list[Turn]) -> list[str]:
    """The user's earlier questions, oldest first (what ``ask --history`` takes)."""
    return [turn.question for turn in turns if turn.role == "user"]


def _rate(index_dir: Path, answer: Answer, key: str) -> None:
    rating = st.session_state.get(key)
    if rating is not None:
        record_feedback(index_dir, answer.to_json(), thumbs_up=rating == 1)


def show_answer(
    answer: Answer,
    profiles: dict[str, IndexedProfile],
    index_dir: Path,
    key: str,
    language: UiLanguage,
    slot: DeltaGenerator | None = None,
) -> None:
    """An answer (in ``slot`` when it was streamed there) with its [n] chips, the sources panel and a feedback."""
    shown, rest = _first_page(answer.answer)
    (slot or st.empty()).markdown(as_text(shown, bullets=True))
    if rest:
        # An answer across hundreds of schools: the counts and the first schools at once, the others on request.
        with st.expander(text(language, "more_schools", count=sum(line.startswith("- ") for line in rest.splitlines()))):
            st.markdown(as_text(rest, bullets=True))
    cited = cited_sources(answer)
    if cited:
        show_chips(cited, language)
        show_sources(cited, profiles, key, language)
    st.feedback("thumbs", key=f"feedback-{key}", on_change=_rate, args=(index_dir, answer, f"feedback-{key}"))


# Schools listed at once in a cross-school answer; the rest of the list follows in an expander.
_PAGE_SCHOOLS = 25


def _first_page(answer: str) -> tuple[str, str]:
    """The answer up to its _PAGE_SCHOOLS-th listed school, and what follows (empty for a shorter answer)."""
    lines = answer.splitlines()
    listed = [i for i, line in enumerate(lines) if line.startswith("- ")]
    if len(listed) <= _PAGE_SCHOOLS:
        return answer, ""
    cut = listed[_PAGE_SCHOOLS - 1] + 1
    return "\n".join(lines[:cut]), "\n".join(lines[cut:])


# A turn is drawn with the same elements in the same order when it is new and when it comes from the history
# (status, answer slot, chips, sources, feedback): otherwise Streamlit would draw it anew on the next run, and an
# expander the reader just opened would close.
def show_turn(turn: Turn, profiles: dict[str, IndexedProfile], index_dir: Path, key: str, language: UiLanguage) -> None:
    with st.chat_message(turn.role):
        if turn.role == "user":
            st.text(turn.question)
            return
        st.status(turn.status, state="complete" if turn.answer is not None else "error", expanded=False)
        if turn.answer is not None:
            show_answer(turn.answer, profiles, index_dir, key, language)
        else:
            st.error(text(language, "answer_error", error=turn.error))


def _escaped(pieces: Iterator[str]) -> Iterator[str]:
    # A model's text may repeat a document's markdown or HTML; it is shown as text, piece by piece.
    for piece in pieces:
        yield as_text(piece)


def answer_question(
    assistant: SopAssistant,
    question: str,
    history: list[str],
    schools: list[str] | None,
    key: str,
    language: UiLanguage,
) -> Turn:
    """Answer a new question in an assistant chat message and return the turn to keep in the history."""
    with st.chat_message("assistant"):
        status = st.status(text(language, "status_searching"), expanded=False)
        slot = st.empty()
        try:
            result = assistant.ask_stream(question, history, schools)
            if not isinstance(result, Answer):
                with slot:
                    st.write_stream(_escaped(iter(result)))
                result = result.answer
        except SopError as exc:
            label = text(language, "status_failed")
            status.update(label=label, state="error")
            slot.error(text(language, "answer_error", error=str(exc)))
            return Turn("assistant", question, error=str(exc), status=label)
        cited = cited_sources(result)
        label = (
            text(language, "status_refused", count=len(result.sources))
            if result.refused
            else text(language, "status_done", count=len(result.sources), cited=len(cited))
        )
        status.update(label=label, state="complete")
        show_answer(result, assistant.schools(), assistant.settings.index_dir, key, language, slot)
    return Turn("assistant", question, answer=result, status=label)
