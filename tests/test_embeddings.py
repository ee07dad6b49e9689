"""The embedding model as the app loads it: in the background, the same vectors as loaded directly, and a model that
cannot be loaded says so at the first embedding (the app shows it as an error, not a crash)."""

from __future__ import annotations

import pytest

from core.errors import ModelError
from index.embeddings import BackgroundEmbeddings, load_embeddings

MODEL = "all-minilm-l6-v2"


def test_background_model_gives_the_vectors_of_the_model_itself() -> None:
    background = BackgroundEmbeddings(MODEL, threads=1)
    direct = load_embeddings(MODEL)
    assert background.embed_query("Heeft de school een lift?") == direct.embed_query("Heeft de school een lift?")
    assert background.embed_documents(["Lift  nvt", "Invalidetoilet  Ja"]) == direct.embed_documents(
        ["Lift  nvt", "Invalidetoilet  Ja"]
    )


def test_a_model_that_cannot_load_fails_at_the_first_embedding(tmp_path) -> None:
    missing = str(tmp_path / "geen-model")
    background = BackgroundEmbeddings(missing, threads=1)  # no error yet: the page can be shown
    with pytest.raises(ModelError, match="geen-model"):
        background.embed_query("lift")
    with pytest.raises(ModelError):  # and again for the next question, not a hang
        background.embed_documents(["lift"])
