"""Questions embedded by the model's ONNX export (index/onnx_embeddings.py): the vectors and the rankings of the model
itself, no torch in a cold ``ask`` once the export is there, and the model's own path wherever there is none."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from cli_runs import MODEL, ROOT, cli_env
from conftest import GOLDEN_DEV, settings_for

from index.embeddings import SentenceTransformerEmbeddings, _resolve, load_embeddings
from index.onnx_embeddings import export_folder, open_export, plain_pooling

QUESTIONS = [
    "Heeft Het Kristal een lift?",
    "Welke ondersteuning biedt Kindcentrum Balans bij dyslexie?",
    "Hoeveel intern begeleiders hebben Het Kristal en Balans?",
    "En een invalidetoilet?",
    "Is the school wheelchair accessible?",
    "Our son uses a wheelchair. What do Het Kristal and Balans each offer?",
    "Does Balans have experience with autism (ASS, PDD-NOS)?",
    "Wat gebeurt er als mijn kind meer nodig heeft dan de basisondersteuning? " * 40,  # past 256 tokens: cut
    "ĳsbaan, crèche, naïef — ‘quotes’ en emoji 🙂",
    "",
]
# Modules that a question must not need once the export is there (each took seconds or tenths of one to import).
HEAVY = ("torch", "sentence_transformers", "transformers", "sklearn", "pymupdf", "datasketch")


@pytest.fixture(scope="session")
def export_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache holding the default model's export, made the way every load of the model makes it."""
    cache = tmp_path_factory.mktemp("model-cache")
    load_embeddings(MODEL, cache)
    assert (export_folder(cache, _resolve(MODEL)[0]) / "model.onnx").is_file()
    return cache


def test_the_export_embeds_questions_as_the_model_does(export_cache: Path) -> None:
    light = SentenceTransformerEmbeddings(MODEL, export_cache)
    assert light._model is None  # the questions need no sentence-transformers
    model = load_embeddings(MODEL)  # no cache: the model itself
    for question in QUESTIONS:
        cosine = float(np.dot(light.embed_query(question), model.embed_query(question)))
        assert cosine >= 0.9999, (question[:60], cosine)


def test_the_export_ranks_the_golden_questions_as_the_model_does(seed_index: Path, export_cache: Path) -> None:
    from assistant.service import SopAssistant

    with_model = SopAssistant(settings_for(seed_index))
    with_export = SopAssistant(settings_for(seed_index, cache_dir=export_cache))
    assert with_export.index.embeddings._questions is not None  # questions go through the export
    items = [json.loads(line) for line in GOLDEN_DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(items) >= 40
    for item in items:
        rankings = [
            [d.id for d in assistant.retriever.retrieve(assistant.retriever.read(item["question"], item["history"])).documents]
            for assistant in (with_model, with_export)
        ]
        assert rankings[0] == rankings[1], item["id"]
        assert len(rankings[0]) == 10


_ASK_AND_LIST_MODULES = """
import json, sys
from assistant.cli import main
code = main(sys.argv[1:])
sys.stderr.write(json.dumps({"code": code, "loaded": [m for m in %r if m in sys.modules]}) + "\\n")
""" % (HEAVY,)


def _ask_in_a_fresh_process(index: Path, cache: Path) -> tuple[str, dict]:
    done = subprocess.run(
        [sys.executable, "-c", _ASK_AND_LIST_MODULES, "ask", "Heeft Het Kristal een lift?", "--index", str(index), "--json"],
        cwd=ROOT, env=cli_env(SOP_CACHE_DIR=str(cache), PYTHONPATH=str(ROOT)), capture_output=True, text=True,
        timeout=300,
    )
    return done.stdout, json.loads(done.stderr.strip().splitlines()[-1])


def test_a_cold_ask_imports_no_torch_once_the_export_is_there(seed_index: Path, export_cache: Path) -> None:
    answer, run = _ask_in_a_fresh_process(seed_index, export_cache)
    assert run == {"code": 0, "loaded": []}
    assert "nvt" in json.loads(answer)["answer"]  # Het Kristal: "Lift nvt"


def test_without_an_export_the_model_answers_and_leaves_one(seed_index: Path, tmp_path: Path) -> None:
    answer, run = _ask_in_a_fresh_process(seed_index, tmp_path)
    assert run["code"] == 0 and "torch" in run["loaded"]
    assert "nvt" in json.loads(answer)["answer"]
    assert list((tmp_path / "onnx").glob("*/model.onnx"))  # the next cold ask takes the light path
    assert not list((tmp_path / "onnx").glob(".*"))  # no half-written export left beside it
    _, again = _ask_in_a_fresh_process(seed_index, tmp_path)
    assert again == {"code": 0, "loaded": []}


def test_a_damaged_export_is_passed_over(export_cache: Path, tmp_path: Path) -> None:
    damaged = tmp_path / "onnx" / "model"
    damaged.mkdir(parents=True)
    source = export_folder(export_cache, _resolve(MODEL)[0])
    for name in ("meta.json", "tokenizer.json"):
        (damaged / name).write_bytes((source / name).read_bytes())
    (damaged / "model.onnx").write_bytes((source / "model.onnx").read_bytes()[:1000])  # as if cut off
    assert open_export(damaged, threads=1) is None
    assert open_export(source, threads=1) is not None


def test_only_a_transformer_with_plain_pooling_is_exported() -> None:
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Dense, Pooling

    model = load_embeddings(MODEL)._sentence_transformer()
    assert plain_pooling(model) == "mean"
    transformer, pooling = model[0], model[1]
    dimension = len(model.encode(["x"])[0])
    with_dense = SentenceTransformer(modules=[transformer, pooling, Dense(dimension, 8)], device="cpu")
    assert plain_pooling(with_dense) is None  # a Dense layer after pooling: the export would leave it out
    weighted = Pooling(dimension, pooling_mode="weightedmean")
    assert plain_pooling(SentenceTransformer(modules=[transformer, weighted], device="cpu")) is None
    assert plain_pooling(SentenceTransformer(modules=[transformer, Pooling(dimension, pooling_mode="cls")], device="cpu")) == "cls"
