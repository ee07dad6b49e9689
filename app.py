"""Streamlit chat over the indexed support profiles. Thin on purpose: the logic lives in the packages."""

from __future__ import annotations

import os
import re

import streamlit as st

from assistant.config import Settings
from assistant.service import SopAssistant

os.environ.setdefault("HF_HUB_OFFLINE", "1")

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")

EXAMPLES = {
    "Ouder": ["Kan mijn kind met dyslexie hier terecht?", "Is the school wheelchair accessible?"],
    "Leerkracht": ["Hoe vaak zijn de groepsbesprekingen?", "Wie zitten er in het MDO?"],
    "Adviseur": ["Welke scholen hebben een lift?", "Waar ligt de grens van de ondersteuning?"],
}


def as_text(text: str) -> str:
    """Document text shown as text: markdown and HTML characters escaped, so a document cannot inject links."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")


@st.cache_resource(show_spinner="Model en index laden…")
def load_assistant() -> SopAssistant:
    return SopAssistant(Settings.from_env())


def show_answer(answer: dict) -> None:
    st.markdown(as_text(answer["answer"]))
    cited = [s for s in answer["sources"] if s["quote"]]
    for source in cited:
        label = f"[{source['rank']}] {source['school']}, p. {source['page'] or '–'}, {source['section']}"
        with st.expander(label):
            st.markdown(f"**Citaat:** {as_text(source['quote'])}")
            st.caption(as_text(source["text"]))


def main() -> None:
    st.set_page_config(page_title="SOP Assistent", page_icon="🏫")
    assistant = load_assistant()
    profiles = assistant.index.profiles()
    with st.sidebar:
        st.header("Scholen in de index")
        for doc_id, profile in sorted(profiles.items()):
            st.write(f"**{profile.school}** — {profile.city or '?'}, {profile.period or '?'} ({profile.chunks} passages)")
        chosen = st.multiselect("Alleen deze scholen", sorted(profiles), format_func=lambda d: profiles[d].school)
        if st.button("Nieuw gesprek"):
            st.session_state.messages = []
    st.title("SOP Assistent")
    st.write(
        "Stel een vraag over de ondersteuning op een school. Het antwoord komt uit het schoolondersteuningsprofiel, "
        "met de bron erbij. Staat het er niet in, dan zeg ik dat."
    )
    messages = st.session_state.setdefault("messages", [])
    if not messages:
        for audience, questions in EXAMPLES.items():
            st.caption(audience)
            for question in questions:
                if st.button(question, key=f"example-{question}"):
                    st.session_state.pending = question
    for message in messages:
        with st.chat_message(message["role"]):
            if message["role"] == "user":
                st.text(message["content"])
            else:
                show_answer(message["content"])
    question = st.chat_input("Uw vraag") or st.session_state.pop("pending", None)
    if question:
        history = [m["content"] for m in messages if m["role"] == "user"]
        messages.append({"role": "user", "content": question})
        with st.chat_message("user"):
            st.text(question)
        with st.chat_message("assistant"):
            answer = assistant.ask(question, history, chosen or None).to_json()
            show_answer(answer)
        messages.append({"role": "assistant", "content": answer})


main()
