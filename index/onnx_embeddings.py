"""Query embeddings without torch. A cold ``ask`` embeds one short question, yet importing torch and
sentence-transformers took most of its seconds. So when a plain sentence-transformers model (a transformer, then
cls/mean/max pooling, then maybe normalisation) is loaded anyway (at ingest, or at the first question that finds no
export), its transformer is exported once to ONNX into a cache folder keyed by the model's files, and later
processes embed questions with onnxruntime and tokenizers, pooling and normalising as the model's own modules say.
An export is checked against the model before it is kept; a model of any other shape keeps the torch path."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import warnings
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from core.fingerprint import files_stamp

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

# Bumped when what an export folder holds, or how it is read, changes: older exports are then made again.
EXPORT_FORMAT = "1"
# Sentences an export must embed as the model itself does (cosine) before it is kept.
_PROBES = (
    "Heeft de school een lift?",
    "Is the school wheelchair accessible? What support does it offer for dyslexia and autism?",
)
_MIN_COSINE = 0.9999
_LEGACY_MODES = {"pooling_mode_cls_token": "cls", "pooling_mode_mean_tokens": "mean", "pooling_mode_max_tokens": "max"}


def export_folder(cache_dir: Path, model_path: str) -> Path | None:
    """Where the export of the model in this local folder lives; None for a name that is no local folder."""
    folder = Path(model_path)
    if not folder.is_dir():
        return None
    files = [p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return cache_dir / "onnx" / f"{folder.name}-{files_stamp(files)}-{EXPORT_FORMAT}"


class OnnxQueryEncoder:
    """A model's export, run with onnxruntime: token ids in, pooled and normalised vectors out."""

    def __init__(self, folder: Path, threads: int) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.meta: dict[str, Any] = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(int(self.meta["max_length"]))
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = max(1, threads)
        options.inter_op_num_threads = 1
        self._session = onnxruntime.InferenceSession(str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"])

    def encode(self, texts: list[str]) -> np.ndarray:
        """Embed texts one at a time (a question is one; no padding is then needed)."""
        return np.vstack([self._encode_one(text) for text in texts]) if texts else np.zeros((0, 0), np.float32)

    def _encode_one(self, text: str) -> np.ndarray:
        encoding = self._tokenizer.encode(text)
        arrays = {
            "input_ids": encoding.ids, "attention_mask": encoding.attention_mask, "token_type_ids": encoding.type_ids,
        }
        feed = {name: np.asarray([arrays[name]], dtype=np.int64) for name in self.meta["inputs"]}
        hidden = self._session.run(None, feed)[0][0]  # (tokens, dimensions)
        pooling = self.meta["pooling"]
        if pooling == "cls":
            vector = hidden[0]
        elif pooling == "max":
            vector = hidden.max(axis=0)
        else:
            vector = hidden.mean(axis=0)  # every token is attended to: one text, no padding
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm > 0 else vector


def open_export(folder: Path | None, threads: int) -> OnnxQueryEncoder | None:
    """The export in this folder, or None when there is none (or it cannot be read: the torch path then answers)."""
    if folder is None or not (folder / "meta.json").is_file() or find_spec("onnxruntime") is None:
        return None
    try:
        return OnnxQueryEncoder(folder, threads)
    except Exception:  # a damaged or foreign export is only a missed shortcut
        return None


def plain_pooling(model: SentenceTransformer) -> str | None:
    """The pooling of a transformer → pooling (→ normalise) model: 'cls', 'mean' or 'max'; None for another shape."""
    kinds = [type(module).__name__ for module in model]
    if kinds not in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"]):
        return None
    config = model[1].get_config_dict()
    if "pooling_mode" in config:  # sentence-transformers 6: one name, or a tuple of several modes concatenated
        mode = config["pooling_mode"]
        modes = [mode] if isinstance(mode, str) else list(mode)
    else:  # older versions: one flag per mode
        modes = [key for key, value in config.items() if key.startswith("pooling_mode") and value is True]
        modes = [_LEGACY_MODES.get(key, key) for key in modes]
    return modes[0] if len(modes) == 1 and modes[0] in ("cls", "mean", "max") else None


def export(model: SentenceTransformer, folder: Path) -> bool:
    """Export a loaded model's transformer to ``folder`` (written aside, then renamed into place, so a reader never
    sees half of it) once it embeds the probes as the model does. False when the model is not of the plain shape,
    onnx is missing or the export does not match (nothing is then kept; the torch path goes on answering)."""
    pooling = plain_pooling(model)
    if pooling is None or find_spec("onnx") is None or find_spec("onnxruntime") is None:
        return False
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    except OSError:  # a read-only cache: questions keep the torch path
        return False
    try:
        _write_export(model, pooling, work)
        encoder = OnnxQueryEncoder(work, threads=1)
        expected = model.encode(list(_PROBES), normalize_embeddings=True, show_progress_bar=False)
        if float((encoder.encode(list(_PROBES)) * expected).sum(axis=1).min()) < _MIN_COSINE:
            return False
        try:
            os.replace(work, folder)
        except OSError:  # another process put its export there first: that one serves as well
            return (folder / "meta.json").is_file()
        return True
    except Exception:  # an architecture the exporter cannot trace: the torch path stays
        return False
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _write_export(model: SentenceTransformer, pooling: str, work: Path) -> None:
    import torch

    transformer = model[0]
    inputs = [name for name in transformer.tokenizer.model_input_names if name in ("input_ids", "attention_mask", "token_type_ids")]

    class _LastHiddenState(torch.nn.Module):
        def __init__(self, network: torch.nn.Module) -> None:
            super().__init__()
            self.network = network

        def forward(self, *tensors: torch.Tensor) -> torch.Tensor:
            return self.network(**dict(zip(inputs, tensors))).last_hidden_state

    sample = transformer.tokenizer(["een korte zin", "a second, somewhat longer sentence"], padding=True, return_tensors="pt")
    axes = {"batch": 0, "tokens": 1}
    with torch.no_grad(), warnings.catch_warnings():
        # The exporter's deprecation and tracer notes are for its authors, not for someone ingesting profiles.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            _LastHiddenState(transformer.auto_model.eval()),
            tuple(sample[name] for name in inputs),
            str(work / "model.onnx"),
            input_names=inputs,
            output_names=["last_hidden_state"],
            dynamic_axes={name: {v: k for k, v in axes.items()} for name in [*inputs, "last_hidden_state"]},
            opset_version=17,
            dynamo=False,  # the torch.export-based exporter needs onnxscript; the TorchScript one suffices for BERT
        )
    transformer.tokenizer.backend_tokenizer.save(str(work / "tokenizer.json"))
    meta = {"format": EXPORT_FORMAT, "inputs": inputs, "pooling": pooling, "max_length": model.max_seq_length}
    (work / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
