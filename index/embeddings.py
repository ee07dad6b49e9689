"""Embedding models for the index: sentence-transformers, loaded offline from a package, a path or the local cache."""

from __future__ import annotations

import json
import os
from functools import lru_cache
from importlib import resources
from importlib.util import find_spec
from pathlib import Path

from langchain_core.embeddings import Embeddings

from assistant.errors import ModelError

_PACKAGED: dict[str, dict[str, str]] = {
    name: spec
    for name, spec in json.loads(resources.files("index.data").joinpath("models.json").read_text()).items()
    if not name.startswith("_")
}


def packaged_models() -> list[str]:
    """Names of the models that a registry package ships (usable with no network)."""
    return sorted(_PACKAGED)


def _resolve(model: str) -> tuple[str, str, str]:
    """Return (path or hub name, query prefix, passage prefix) for a configured model reference."""
    spec = _PACKAGED.get(model.lower())
    if spec is not None:
        found = find_spec(spec["package"])
        if found is None or not found.submodule_search_locations:
            raise ModelError(
                f"embedding model '{model}': its package '{spec['package']}' is not installed; "
                f"pip install {spec['package'].replace('_', '-')}"
            )
        path = Path(list(found.submodule_search_locations)[0]) / spec["folder"]
        return str(path), spec["query_prefix"], spec["passage_prefix"]
    # e5 models were trained with these prefixes and lose much of their quality without them.
    if "e5" in Path(model).name.lower():
        return model, "query: ", "passage: "
    return model, "", ""


class SentenceTransformerEmbeddings(Embeddings):
    """LangChain Embeddings over a sentence-transformers model, with the model's own query/passage prefixes."""

    def __init__(self, model: str) -> None:
        self.model_name = model
        path, self.query_prefix, self.passage_prefix = _resolve(model)
        # Never reach for a hub at run time: a name that is not local fails fast with a clear message.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        try:
            self._model = SentenceTransformer(path, device="cpu")
        except Exception as exc:  # OSError, ValueError, HF errors: all mean "not loadable here"
            raise ModelError(
                f"embedding model '{model}' cannot be loaded offline ({type(exc).__name__}); "
                f"set SOP_EMBEDDING_MODEL to a local path or one of: {', '.join(packaged_models())}"
            ) from exc

    def _encode(self, texts: list[str]) -> list[list[float]]:
        vectors = self._model.encode(texts, batch_size=32, normalize_embeddings=True, show_progress_bar=False)
        return vectors.tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._encode([self.passage_prefix + text for text in texts])

    def embed_query(self, text: str) -> list[float]:
        return self._encode([self.query_prefix + text])[0]


@lru_cache(maxsize=4)
def load_embeddings(model: str) -> SentenceTransformerEmbeddings:
    """Load a model once per process (the CLI batch mode and the app share it)."""
    return SentenceTransformerEmbeddings(model)
