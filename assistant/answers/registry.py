"""The answer composers by the name ``SOP_LLM`` gives them, in one table: adding a backend adds a row here (and a
chat model in ``assistant.answers.llm.CHAT_MODELS``), not a branch in the pipeline."""

from __future__ import annotations

from collections.abc import Callable

from langchain_core.embeddings import Embeddings

from assistant.answers.model import AnswerComposer
from core.config import Settings
from core.errors import UsageError

# What SOP_LLM may say, for the message of a spec that cannot work.
SPEC_FORMS = "expected extractive, openai:<model>, ollama:<model> or gguf:<path to .gguf>"


def _extractive(settings: Settings, embeddings: Embeddings) -> AnswerComposer:
    from assistant.answers.extractive import ExtractiveComposer
    from assistant.answers.unit_scorer import load_unit_scorer

    return ExtractiveComposer(embeddings, load_unit_scorer(settings.unit_scorer))


def _llm(settings: Settings, embeddings: Embeddings) -> AnswerComposer:
    # Imported only when asked for: the LLM backends pull in packages the extractive default does not need.
    from assistant.answers.llm import make_llm_composer

    return make_llm_composer(settings)


COMPOSERS: dict[str, Callable[[Settings, Embeddings], AnswerComposer]] = {
    "extractive": _extractive,
    "openai": _llm,
    "ollama": _llm,
    "gguf": _llm,
}


def make_composer(settings: Settings, embeddings: Embeddings) -> AnswerComposer:
    """The composer named by ``SOP_LLM``: ``extractive`` (default), ``openai:<model>``, ``ollama:<model>`` or
    ``gguf:<path>``; ``embeddings`` is the index's model (the extractive composer compares units with the question)."""
    backend, colon, name = settings.llm.partition(":")
    if backend not in COMPOSERS or (backend != "extractive" and not name) or (backend == "extractive" and colon):
        raise UsageError(f"SOP_LLM={settings.llm}: {SPEC_FORMS}")
    return COMPOSERS[backend](settings, embeddings)
