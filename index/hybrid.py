"""Fusion of the lexical and dense rankings. Scores are scaled per question (BM25 by its best hit, cosine by the
spread of the candidates) and mixed by weights measured on the golden set (see bench/tune_fusion.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FusionWeights:
    """How much each ranking counts; lexical carries Dutch domain words, dense carries paraphrase and English."""

    lexical: float = 0.8
    dense: float = 0.2


def _scaled(scores: dict[str, float]) -> dict[str, float]:
    if not scores:
        return {}
    high, low = max(scores.values()), min(scores.values())
    span = high - low
    if span <= 1e-9:
        return {key: 1.0 for key in scores}
    return {key: (value - low) / span for key, value in scores.items()}


def fuse(lexical: dict[str, float], dense: dict[str, float], weights: FusionWeights) -> list[tuple[str, float]]:
    """Chunk ids with their fused score, best first."""
    lexical_top = max(lexical.values(), default=0.0)
    lexical_scaled = {key: value / lexical_top for key, value in lexical.items()} if lexical_top > 0 else {}
    dense_scaled = _scaled(dense)
    fused = {
        key: weights.lexical * lexical_scaled.get(key, 0.0) + weights.dense * dense_scaled.get(key, 0.0)
        for key in set(lexical_scaled) | set(dense_scaled)
    }
    return sorted(fused.items(), key=lambda item: item[1], reverse=True)
