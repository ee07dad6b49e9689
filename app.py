"""Streamlit chat over the indexed support profiles. Thin on purpose: it puts the parts of ``assistant/ui`` together;
the logic lives in the packages, where the tests reach it."""

from __future__ import annotations

import os

# Before the imports: huggingface_hub reads it once, when it is first imported. No model hub, ever.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import streamlit as st

from assistant.service import SopAssistant
from assistant.ui.chat import Turn, answer_question, history_questions, show_turn
from assistant.ui.comparison import show_comparison
from assistant.ui.sidebar import school_filter, show_schools, show_upload
from assistant.ui.start import PENDING_KEY, show_start
from assistant.ui.texts import UiLanguage, text
from core.config import Settings


@st.cache_resource(show_spinner="Model en index laden…")
def load_assistant(settings: Settings) -> SopAssistant:
    """One assistant (embedding model, index) per index location, shared by every session of the app. The model
    loads in the background once the page is shown (see the end of ``main``); the first question waits for it."""
    return SopAssistant(settings, model_in_background=True)


def new_conversation() -> None:
    st.session_state.turns = []


def main() -> None:
    language: UiLanguage = "en" if st.session_state.get("english") else "nl"
    st.set_page_config(page_title=text(language, "page_title"), page_icon="🏫", layout="wide")
    assistant = load_assistant(Settings.from_env())
    turns: list[Turn] = st.session_state.setdefault("turns", [])
    with st.sidebar:
        st.toggle(text(language, "language_toggle"), key="english")
        st.button(text(language, "new_conversation"), on_click=new_conversation, icon=":material/add_comment:")
        profiles = assistant.schools()
        chosen = school_filter(profiles, assistant.labels(), language)
        show_upload(assistant, language)
        show_schools(assistant, profiles, language)
    st.title(text(language, "title"))
    view = st.radio(
        text(language, "view_label"), ["chat", "compare"], format_func=lambda v: text(language, f"view_{v}"),
        horizontal=True, key="view", label_visibility="collapsed",
    )
    if view == "compare":
        show_comparison(assistant, chosen, language)
        assistant.start_loading_model()
        return
    # Streamlit pins the chat input to the bottom wherever it is called; read it first, so the start screen is
    # left out as soon as there is a question.
    question = st.chat_input(text(language, "chat_placeholder")) or st.session_state.pop(PENDING_KEY, None)
    if not turns and not question:
        first = min(profiles.values(), key=lambda p: p.school.lower()).school if profiles else None
        show_start(first, language)
    for position, turn in enumerate(turns):
        show_turn(turn, profiles, assistant.settings.index_dir, str(position), language)
    if question:
        history = history_questions(turns)
        question_turn = Turn("user", question)
        show_turn(question_turn, profiles, assistant.settings.index_dir, str(len(turns)), language)
        answer_turn = answer_question(assistant, question, history, chosen or None, str(len(turns) + 1), language)
        turns.extend([question_turn, answer_turn])
    assistant.start_loading_model()


main()
