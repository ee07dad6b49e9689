"""The answer composers by the name ``SOP_LLM`` gives them, in one table: adding a backend adds a row here (and a
chat model in ``assistant.answers.llm.CHAT_MODELS``), not a branch in the pipeline."""

from __future__ import annotations

from collections.abc import Callable

from assistant.answers.model import AnswerComposer
from core.config import Settings
from core.errors import UsageError

# What SOP_LLM may say, for the message of a spec that cannot work.
SPEC_FORMS = "expected extractive, openai:<model>, ollama:<model> or gguf:<path to .gguf>"


def _extractive(settings: Settings) -> AnswerComposer:
    from assistant.answers.extractive import ExtractiveComposer

    return ExtractiveComposer()


def _llm(settings: Settings) -> AnswerComposer:
    # Imported only when asked for: the LLM backends pull in packages the extractive default does not need.
    from assistant.answers.llm import make_llm_composer

    return make_llm_composer(settings)


COMPOSERS: dict[str, Callable[[Settings], AnswerComposer]] = {
    "extractive": _extractive,
    "openai": _llm,
    "ollama": _llm,
    "gguf": _llm,
}


def make_composer(settings: Settings) -> AnswerComposer:
    """The composer named by ``SOP_LLM``: ``extractive`` (default), ``openai:<model>``, ``ollama:<model>`` or
    ``gguf:<path>``."""
    backend, colon, name = settings.llm.partition(":")
    if backend not in COMPOSERS or (backend != "extractive" and not name) or (backend == "extractive" and colon):
        raise UsageError(f"SOP_LLM={settings.llm}: {SPEC_FORMS}")
    return COMPOSERS[backend](settings)
