"""Shared fixtures: offline model settings and the real support profiles from ../shared."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

SHARED = Path(__file__).resolve().parents[2] / "shared"
SOP_DIR = SHARED / "sop"
GOLDEN_DEV = SHARED / "eval" / "golden_dev.jsonl"


@pytest.fixture(scope="session")
def sop_dir() -> Path:
    if not (SOP_DIR / "het-kristal.pdf").exists():
        pytest.skip("../shared/sop is not beside this checkout")
    return SOP_DIR
