"""Fusion of the lexical and dense rankings. Scores are scaled per question (BM25 by its best hit, cosine by the
spread of the candidates) and mixed by weights measured on the golden set per embedding model (bench/tune_fusion.py).
Weighted scores beat reciprocal rank fusion there by far (MRR 0.90 vs 0.78): RRF throws away how much better the
best BM25 hit is than the next, which is most of what the lexical side knows."""

from __future__ import annotations

from dataclasses import dataclass

from index.embeddings import model_spec


@dataclass(frozen=True)
class FusionWeights:
    """How much each ranking counts; lexical carries Dutch domain words, dense carries paraphrase and English."""

    lexical: float = 0.8
    dense: float = 0.2

    @classmethod
    def for_model(cls, model: str) -> "FusionWeights":
        """The weights measured for a packaged embedding model ('dense_weight' in models.json), else the defaults."""
        dense = model_spec(model).get("dense_weight")
        return cls(lexical=1.0 - float(dense), dense=float(dense)) if dense is not None else cls()


def _scaled(scores: dict[str, float]) -> dict[str, float]:
    if not scores:
        return {}
    high, low = max(scores.values()), min(scores.values())
    span = high - low
    if span <= 1e-9:
        return {key: 1.0 for key in scores}
    return {key: (value - low) / span for key, value in scores.items()}


@dataclass(frozen=True)
class Fused:
    """A chunk's fused score and the two scaled scores it mixes (the passage scorer weighs them apart)."""

    score: float
    lexical: float
    dense: float


def fuse(lexical: dict[str, float], dense: dict[str, float], weights: FusionWeights) -> list[tuple[str, Fused]]:
    """Chunk ids with their fused score, best first."""
    lexical_top = max(lexical.values(), default=0.0)
    lexical_scaled = {key: value / lexical_top for key, value in lexical.items()} if lexical_top > 0 else {}
    dense_scaled = _scaled(dense)
    fused = {}
    for key in set(lexical_scaled) | set(dense_scaled):
        lexical_part, dense_part = lexical_scaled.get(key, 0.0), dense_scaled.get(key, 0.0)
        fused[key] = Fused(weights.lexical * lexical_part + weights.dense * dense_part, lexical_part, dense_part)
    return sorted(fused.items(), key=lambda item: item[1].score, reverse=True)
