"""The test session's ground: an offline environment (no model hub), where the shared documents are, and each
document set indexed once per session, through the real command line, for every module that reads it. A test that
changes an index works on a copy (``copy_index``)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from cli_runs import MODEL, ask_batch, cli_env, ingest  # noqa: E402  (after the environment is set)

from core.config import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"
EXAMPLES = ROOT / "examples" / "docs"
SHARED = ROOT.parent / "shared"
SOP_DIR = SHARED / "sop"
PLEIN013_DIR = SHARED / "sop-plein013"
GOLDEN_DEV = SHARED / "eval" / "golden_dev.jsonl"
GOLDEN_PLEIN013 = SHARED / "eval" / "golden_plein013_dev.jsonl"
SEED_PDFS = ("het-kristal.pdf", "kc-balans.pdf")


def settings_for(index_dir: Path, **changes: object) -> Settings:
    """The settings of a test: the default model, an index of its own, nothing from the caller's SOP_* variables."""
    return Settings(index_dir=index_dir, embedding_model=MODEL).with_(**changes)


def copy_index(index_dir: Path, tmp_path: Path) -> Path:
    """A copy of a session index that a test may change."""
    copy = tmp_path / "index"
    shutil.copytree(index_dir, copy)
    return copy


@pytest.fixture(scope="session")
def sop_dir() -> Path:
    if not all((SOP_DIR / name).is_file() for name in SEED_PDFS):
        pytest.skip("../shared/sop is not beside this checkout")
    return SOP_DIR


@pytest.fixture(scope="session")
def plein013_dir() -> Path:
    if not (PLEIN013_DIR / "03WT.pdf").is_file():
        pytest.skip("../shared/sop-plein013 is not beside this checkout")
    return PLEIN013_DIR


@pytest.fixture(scope="session")
def seed_index(sop_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two real seed profiles (PDF), indexed with ``sop-assistant ingest``. Read-only for the tests."""
    folder = tmp_path_factory.mktemp("seed-index")
    reports = ingest([sop_dir / name for name in SEED_PDFS], folder, cli_env())
    assert [report["status"] for report in reports] == ["indexed", "indexed"]
    return folder


@pytest.fixture(scope="session")
def examples_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three fictional example profiles (PDF, DOCX, Markdown), indexed. Read-only for the tests."""
    folder = tmp_path_factory.mktemp("examples-index")
    reports = ingest([EXAMPLES], folder, cli_env())
    assert {report["status"] for report in reports} == {"indexed"}
    return folder


@pytest.fixture(scope="session")
def seed_golden_run(seed_index: Path) -> tuple[list[dict], dict[str, dict]]:
    """The dev golden set (fold A) asked through ``ask --batch --json`` over the seed index: items, results by id."""
    from assistant.evaluation import load_golden

    return load_golden(GOLDEN_DEV), ask_batch(GOLDEN_DEV, seed_index, cli_env())


@pytest.fixture(scope="session")
def seed_assistant(seed_index: Path):  # noqa: ANN201 (the import waits for the environment above)
    from assistant.service import SopAssistant

    return SopAssistant(settings_for(seed_index))


@pytest.fixture(scope="session")
def examples_assistant(examples_index: Path):  # noqa: ANN201
    from assistant.service import SopAssistant

    return SopAssistant(settings_for(examples_index))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Modules marked ``heavy`` (minutes of set-up) first. ``make test`` runs two workers that take whole modules in
    this order (``--dist loadfile --no-loadscope-reorder``): one spends those minutes while the other runs the rest,
    instead of the longest set-up starting last."""
    items.sort(key=lambda item: item.get_closest_marker("heavy") is None)
