"""Uploaded profiles into the index, and a school out of it (the app's sidebar, the API's documents).

Each upload is saved in a folder of its own under ``<index>/uploads/``, because the index remembers the path of the
file it read (the sources panel serves that file): a failed upload must not overwrite the file of the version that
stays indexed, and a replaced version's file goes only once the new one is in."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

from assistant.indexing import IngestReport
from core.config import Settings
from core.errors import SopError
from index.store import IndexedProfile
from ingest.uploads import save_uploads

UploadStatus = Literal["indexed", "unchanged", "failed"]
Ingest = Callable[[Iterable[Path], Callable[[IngestReport], None]], list[IngestReport]]


@dataclass(frozen=True)
class UploadOutcome:
    """What became of one uploaded file."""

    name: str
    status: UploadStatus
    school: str | None = None
    chunks: int = 0
    error: str | None = None
    doc_id: str | None = None


def uploads_root(settings: Settings) -> Path:
    """Where uploaded profiles are kept: one folder per upload, inside the index folder."""
    return settings.index_dir / "uploads"


def drop_own_upload(settings: Settings, path: str) -> None:
    """Delete a profile's file when an upload made it (never a user's own file elsewhere), and its upload folder
    once empty."""
    file = Path(path).resolve()
    if file.parent.parent != uploads_root(settings).resolve():
        return
    file.unlink(missing_ok=True)
    if file.parent.exists() and not any(file.parent.iterdir()):
        file.parent.rmdir()


def add_uploads(
    settings: Settings,
    profiles: Callable[[], dict[str, IndexedProfile]],
    ingest: Ingest,
    files: list[tuple[str, bytes]],
    on_start: Callable[[int], None] | None = None,
    on_done: Callable[[int, UploadOutcome], None] | None = None,
) -> list[UploadOutcome]:
    """Save and index uploaded (name, content) pairs; one outcome per file, in order. ``on_start(i)`` is called
    when file i is being read, ``on_done(i, outcome)`` when it is finished, for a progress bar per file."""
    folder = uploads_root(settings) / uuid.uuid4().hex[:12]
    saved = save_uploads(files, folder, settings)
    outcomes: dict[int, UploadOutcome] = {}

    def finish(position: int, outcome: UploadOutcome) -> None:
        outcomes[position] = outcome
        if on_done:
            on_done(position, outcome)

    waiting: dict[str, int] = {}
    for position, result in enumerate(saved):
        if result.path is None:
            finish(position, UploadOutcome(result.name, "failed", error=result.error))
        else:
            waiting[str(result.path)] = position
    paths = [Path(path) for path in waiting]
    positions = dict(waiting)
    before = profiles()

    def reported(report: IngestReport) -> None:
        position = waiting.pop(report.path)
        status = cast(UploadStatus, report.status)
        name = saved[position].name
        finish(position, UploadOutcome(name, status, report.school, report.chunks, report.error, report.doc_id))
        if waiting and on_start:
            on_start(next(iter(waiting.values())))

    if paths:
        if on_start:
            on_start(waiting[str(paths[0])])
        try:
            ingest(paths, reported)
        except SopError as exc:
            # The index lock or the store failed before these files were read: each is reported, none indexed.
            for position in list(waiting.values()):
                finish(position, UploadOutcome(saved[position].name, "failed", error=str(exc)))
    for path in paths:
        # Only files the index now points to stay: a failed or unchanged upload leaves nothing behind.
        if outcomes[positions[str(path)]].status != "indexed":
            path.unlink(missing_ok=True)
    now = profiles()
    for doc_id, profile in before.items():
        if doc_id in now and now[doc_id].path != profile.path:
            drop_own_upload(settings, profile.path)
    if folder.exists() and not any(folder.iterdir()):
        folder.rmdir()
    return [outcomes[position] for position in sorted(outcomes)]
