"""Dutch sentence splitting (pysbd), shared by ingest (units of a chunk), answers (quotable sentences) and the app
(the sentences to mark on a page image)."""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import pysbd

_PER_THREAD = threading.local()


def _segmenter() -> pysbd.Segmenter:
    # One per thread: a Segmenter keeps the text it works on in itself, so threads sharing one (an app answering
    # several questions at once) would split each other's text.
    if not hasattr(_PER_THREAD, "segmenter"):
        _PER_THREAD.segmenter = pysbd.Segmenter(language="nl", clean=False, char_span=False)
    return _PER_THREAD.segmenter


def split_sentences(text: str) -> list[str]:
    """Dutch sentence split (pysbd), keeping the original characters; abbreviations like 'o.a.' stay inside."""
    flat = " ".join(text.split())
    if len(flat) < 40 or not re.search(r"[.!?;]\s", flat):
        return [flat] if flat else []
    return list(_segmented(flat))


@lru_cache(maxsize=8192)
def _segmented(flat: str) -> tuple[str, ...]:
    # Answers split the same passages again and again, and pysbd is slow: it builds a regular expression per
    # abbreviation per call (measured: a third of an extractive answer's time).
    return tuple(sentence.strip() for sentence in _segmenter().segment(flat) if sentence.strip())
