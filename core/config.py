"""All settings in one place: environment variables with the prefix ``SOP_`` and their defaults.

| variable | default | meaning |
|---|---|---|
| SOP_INDEX_DIR | ./.sop-index | where the embedded index lives |
| SOP_CHROMA_HOST / SOP_CHROMA_PORT | unset / 8000 | use a Chroma server instead of the embedded store |
| SOP_EMBEDDING_MODEL | all-minilm-l6-v2 | embedding model: a packaged name, a local path or a hub name |
| SOP_LLM | extractive | answer composer: extractive, ollama:<model>, openai:<model>, gguf:<path> |
| SOP_LLM_BASE_URL / SOP_LLM_API_KEY | unset | server for ``openai:`` (OpenAI-compatible) or ``ollama:`` |
| SOP_LLM_PASSAGES | 5 | passages an LLM composer is given (the top ranks that fit its context) |
| SOP_LLM_CTX | 4096 | the model's context in tokens (``gguf:``, ``ollama:``; passages that do not fit are left out) |
| SOP_LLM_MAX_TOKENS | 400 | longest answer an LLM may write, in tokens |
| SOP_LLM_TIMEOUT | 300 | seconds to wait for an LLM server's answer |
| SOP_LLM_THREADS | 2 | CPU threads for ``gguf:`` |
| SOP_CHUNK_CHARS | 1200 | target chunk size in characters |
| SOP_TOP_K | 10 | passages returned per question |
| SOP_TEMPLATE_PENALTY | 0.3 | how far a passage of template (regional) text ranks below the school's own: its score times 1 - penalty × template share |
| SOP_UNIT_SCORER | unset | the extractive answer's unit scorer (a JSON of scripts/fit_unit_scorer.py); unset: the shipped one |
| SOP_PASSAGE_SCORER | unset | retrieval's passage scorer (a JSON of scripts/fit_passage_scorer.py); unset: the shipped one |
| SOP_MAX_FILE_MB | 100 | larger files are refused at ingest (and at upload) |
| SOP_MAX_UPLOAD_FILES | 20 | most files one upload may hold |
| SOP_MAX_UPLOAD_MB | 200 | most megabytes one upload may hold in all |
| SOP_EMBEDDING_THREADS | 1 | CPU threads of the embedding model when answering (several questions at once each take one) |
| SOP_INGEST_THREADS | all cores | CPU threads of the embedding model in the ``ingest`` command (a batch job of its own) |
| SOP_LOCK_TIMEOUT | 600 | seconds an ingest waits for another ingest into the same index to finish |
| SOP_API_TOKEN | unset | bearer token that ``serve`` asks of writes (uploads, removals); unset: the API refuses writes |
| SOP_API_MAX_BODY_KB | 256 | largest JSON request body ``serve`` reads, in KB (uploads have the SOP_MAX_UPLOAD_* limits) |
| SOP_API_MAX_QUESTION_CHARS | 2000 | longest question (and history entry) ``serve`` accepts; longer ones are refused |
| SOP_API_URL | unset | a running ``serve`` (``http://127.0.0.1:8000``): ``ask`` sends its questions there instead of loading the model |
| SOP_CACHE_DIR | $XDG_CACHE_HOME/sop-assistant or ~/.cache/sop-assistant | exports of the embedding model that embed questions without torch |
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

ENV_PREFIX = "SOP_"


def _env(name: str, default: str) -> str:
    value = os.environ.get(ENV_PREFIX + name, "").strip()
    return value or default


def _default_cache_dir() -> Path:
    """The user's cache folder (XDG), so exports are shared by every index and checkout of this user."""
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".cache") / "sop-assistant"


@dataclass(frozen=True)
class Settings:
    """Runtime configuration; build it with :meth:`from_env` and override per call with :meth:`with_`."""

    index_dir: Path = Path(".sop-index")
    chroma_host: str | None = None
    chroma_port: int = 8000
    embedding_model: str = "all-minilm-l6-v2"
    llm: str = "extractive"
    llm_base_url: str | None = None
    llm_api_key: str | None = None
    llm_passages: int = 5
    llm_ctx: int = 4096
    llm_max_tokens: int = 400
    llm_timeout: float = 300.0
    llm_threads: int = 2
    chunk_chars: int = 1200
    top_k: int = 10
    template_penalty: float = 0.3
    unit_scorer: Path | None = None
    passage_scorer: Path | None = None
    max_file_mb: int = 100
    max_upload_files: int = 20
    max_upload_mb: int = 200
    lock_timeout: float = 600.0
    embedding_threads: int = 1
    ingest_threads: int = os.cpu_count() or 1
    api_token: str | None = field(default=None, repr=False)  # a secret: kept out of logs and tracebacks
    api_max_body_kb: int = 256
    api_max_question_chars: int = 2000
    api_url: str | None = None
    # None (a Settings made in code, as the tests make them): no exports are read or written, questions take torch.
    cache_dir: Path | None = None

    @classmethod
    def from_env(cls) -> "Settings":
        """Read every ``SOP_*`` variable, falling back to the defaults above."""
        return cls(
            index_dir=Path(_env("INDEX_DIR", ".sop-index")),
            chroma_host=_env("CHROMA_HOST", "") or None,
            chroma_port=int(_env("CHROMA_PORT", "8000")),
            embedding_model=_env("EMBEDDING_MODEL", cls.embedding_model),
            llm=_env("LLM", "extractive"),
            llm_base_url=_env("LLM_BASE_URL", "") or None,
            llm_api_key=_env("LLM_API_KEY", "") or None,
            llm_passages=int(_env("LLM_PASSAGES", "5")),
            llm_ctx=int(_env("LLM_CTX", "4096")),
            llm_max_tokens=int(_env("LLM_MAX_TOKENS", "400")),
            llm_timeout=float(_env("LLM_TIMEOUT", "300")),
            llm_threads=int(_env("LLM_THREADS", "2")),
            chunk_chars=int(_env("CHUNK_CHARS", "1200")),
            top_k=int(_env("TOP_K", "10")),
            template_penalty=float(_env("TEMPLATE_PENALTY", "0.3")),
            unit_scorer=Path(_env("UNIT_SCORER", "")) if _env("UNIT_SCORER", "") else None,
            passage_scorer=Path(_env("PASSAGE_SCORER", "")) if _env("PASSAGE_SCORER", "") else None,
            max_file_mb=int(_env("MAX_FILE_MB", "100")),
            max_upload_files=int(_env("MAX_UPLOAD_FILES", "20")),
            max_upload_mb=int(_env("MAX_UPLOAD_MB", "200")),
            lock_timeout=float(_env("LOCK_TIMEOUT", "600")),
            embedding_threads=int(_env("EMBEDDING_THREADS", "1")),
            ingest_threads=int(_env("INGEST_THREADS", str(os.cpu_count() or 1))),
            api_token=_env("API_TOKEN", "") or None,
            api_max_body_kb=int(_env("API_MAX_BODY_KB", "256")),
            api_max_question_chars=int(_env("API_MAX_QUESTION_CHARS", "2000")),
            api_url=_env("API_URL", "") or None,
            cache_dir=Path(_env("CACHE_DIR", str(_default_cache_dir()))),
        )

    def with_(self, **changes: object) -> "Settings":
        """A copy with some settings changed (e.g. ``--index`` from the command line)."""
        return replace(self, **changes)
