"""One exception hierarchy for the project; every message names the file or argument and the reason."""

from __future__ import annotations


class SopError(Exception):
    """Base class for errors the assistant reports to the user without a traceback."""


class IngestError(SopError):
    """A document could not be read or indexed."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class IndexStoreError(SopError):
    """The index (vector store, lexical index or manifest) is missing, locked or damaged."""


class ModelError(SopError):
    """An embedding model or chat model could not be loaded or reached."""


class UsageError(SopError):
    """A command was called with arguments that cannot work."""
