"""Fingerprints of the code that made what an index keeps: chunks, lexical words and matrix rows are stored beside
the index and reused while their input is unchanged. A stored result made by another version of that code (or
with another chunk size) is worked out again, so an upgrade takes effect without deleting the index by hand."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path

# What counts as code in a package: its modules and the data files they read.
_CODE_SUFFIXES = (".py", ".json", ".txt")


def files_fingerprint(files: Iterable[Path]) -> str:
    """A short hash of these files' names and contents."""
    digest = hashlib.sha256()
    for path in sorted(files, key=lambda p: (p.name, str(p))):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def files_stamp(files: Iterable[Path]) -> str:
    """A short hash of these files' names, sizes and modification times: a stand-in for their contents where those
    are too large to read on every start (a model's weights, 90 MB: hashing them took 0.2 s of a cold ``ask``)."""
    digest = hashlib.sha256()
    for path in sorted(files, key=lambda p: (p.name, str(p))):
        status = path.stat()
        digest.update(f"{path.name}\0{status.st_size}\0{status.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:12]


@lru_cache(maxsize=8)
def package_fingerprint(package: str) -> str:
    """The fingerprint of every module and data file of an installed package (``ingest``, ...)."""
    root = Path(str(resources.files(package)))
    return files_fingerprint(
        path for path in root.rglob("*")
        if path.is_file() and path.suffix in _CODE_SUFFIXES and "__pycache__" not in path.parts
    )
