"""The start screen: what the assistant does, in plain Dutch (B1), and example questions per audience that can be
clicked."""

from __future__ import annotations

import streamlit as st

from assistant.ui.safe_text import as_text
from assistant.ui.texts import AUDIENCES, UiLanguage, example_questions, text

PENDING_KEY = "pending_question"


def _ask(question: str) -> None:
    st.session_state[PENDING_KEY] = question


def show_start(first_school: str | None, language: UiLanguage) -> None:
    st.write(text(language, "intro"))
    if first_school is None:
        st.info(text(language, "no_schools"))
        return
    st.caption(text(language, "examples_title"))
    for audience in AUDIENCES:
        st.markdown(f"**{text(language, f'audience_{audience}')}**")
        # Side by side while they fit, wrapped below each other on a narrow screen; never cut off.
        with st.container(horizontal=True, wrap=True):
            for number, question in enumerate(example_questions(language, audience, first_school)):
                st.button(as_text(question), key=f"example-{audience}-{number}", on_click=_ask, args=(question,))
