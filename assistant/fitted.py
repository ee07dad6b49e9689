"""The fitted models (the answer's unit scorer, retrieval's passage scorer): the logistic function both apply, and
one loader that reads the shipped file or the one a setting names, checks it was fitted on the features the code
computes, and turns any fault into one clear error naming the setting and the file."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from core.errors import UsageError

Model = TypeVar("Model")


def logistic(intercept: float, weights: tuple[float, ...], features: tuple[float, ...]) -> float:
    """The probability a logistic model with these weights gives these features."""
    z = intercept + sum(w * x for w, x in zip(weights, features))
    return 1.0 / (1.0 + math.exp(-z))


def load_fitted(
    path: Path | None,
    shipped: Callable[[], dict[str, Any]],
    features: tuple[str, ...],
    setting: str,
    build: Callable[[dict[str, Any]], Model],
) -> Model:
    """The model in ``path`` (else the ``shipped`` one) built by ``build``; ``setting`` names both the environment
    variable and the model in errors ('SOP_UNIT_SCORER'), and is how the shipped file and fit script are named."""
    name = setting.removeprefix("SOP_").lower()
    where = str(path) if path else f"assistant/data/{name}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path else shipped()
        if tuple(data["features"]) != features or len(data["weights"]) != len(features):
            raise ValueError(f"it was fitted on other features; fit it again with scripts/fit_{name}.py")
        return build(data)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"{setting}={where}: not a {name.replace('_', ' ')} model ({exc})") from exc
