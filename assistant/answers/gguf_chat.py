"""A local GGUF chat model as a LangChain ``BaseChatModel``, through llama-cpp-python (``SOP_LLM=gguf:<path>``).

llama_cpp is used directly rather than through langchain-community's ChatLlamaCpp, so that this one backend does not
pull in langchain-community; llama-cpp-python itself is optional (``scripts/install-llm.sh``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, PrivateAttr

from core.errors import ModelError

_ROLES = {"system": "system", "human": "user", "ai": "assistant"}


class GgufChatModel(BaseChatModel):
    """Chat completions from a GGUF file loaded in this process (the model's own chat template is used)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    model_path: Path
    n_ctx: int = 4096
    n_threads: int = 2
    temperature: float = 0.0
    max_tokens: int = 400
    _llama: Any = PrivateAttr(default=None)

    @property
    def _llm_type(self) -> str:
        return "gguf-llama-cpp"

    def _model(self) -> Any:
        if self._llama is None:
            try:
                from llama_cpp import Llama
            except ImportError as exc:
                raise ModelError(
                    f"gguf:{self.model_path}: llama-cpp-python is not installed (run scripts/install-llm.sh)"
                ) from exc
            if not self.model_path.is_file():
                raise ModelError(f"gguf:{self.model_path}: no such file (scripts/install-llm.sh puts one in .models/)")
            try:
                self._llama = Llama(
                    model_path=str(self.model_path), n_ctx=self.n_ctx, n_threads=self.n_threads, verbose=False
                )
            except ValueError as exc:
                raise ModelError(f"gguf:{self.model_path}: not a loadable GGUF model ({exc})") from exc
        return self._llama

    def _completion(self, messages: list[BaseMessage], stop: list[str] | None, stream: bool) -> Any:
        chat = [{"role": _ROLES.get(m.type, "user"), "content": str(m.content)} for m in messages]
        return self._model().create_chat_completion(
            messages=chat, temperature=self.temperature, max_tokens=self.max_tokens, stop=stop, stream=stream
        )

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        result = self._completion(messages, stop, stream=False)
        text = result["choices"][0]["message"]["content"] or ""
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        for part in self._completion(messages, stop, stream=True):
            piece = part["choices"][0]["delta"].get("content") or ""
            if piece:
                chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece))
                if run_manager:
                    run_manager.on_llm_new_token(piece, chunk=chunk)
                yield chunk
