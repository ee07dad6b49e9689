"""The HTTP API over one :class:`SopAssistant` (``sop-assistant serve``): the command line's answers, schools and
matrix as JSON, uploads and removals as the app does them, and errors as ``{"error": "<the CLI's message>"}``.

Endpoints that answer are plain functions, run in the server's thread pool, so questions are answered side by side
and an upload does not stop them (the index keeps one writer at a time and readers on the version the manifest
names). Request bodies are capped before they are read: JSON at ``SOP_API_MAX_BODY_KB``, uploads at
``SOP_MAX_UPLOAD_MB``."""

from __future__ import annotations

import hmac
import json
import re
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from dataclasses import asdict, replace
from pathlib import PurePath
from typing import Annotated, Any, Literal

from fastapi import FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, Field, field_validator
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from assistant.contract import matrix_csv_text, matrix_json, schools_json
from assistant.service import Answer, SopAssistant, SopError, UploadOutcome
from core.errors import IndexStoreError, IngestError, ModelError, UsageError
from ingest.uploads import content_format

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

# Multipart framing around the files of an upload may add this much to SOP_MAX_UPLOAD_MB.
_UPLOAD_OVERHEAD = 2**20
# An extractive answer is whole at once; /ask/stream still sends it in pieces of about this many characters.
_PIECE_CHARS = 48
# Limits named in the upload refusals of ingest/uploads.py: too large, in bytes or in number of files.
_TOO_LARGE = ("SOP_MAX_FILE_MB", "SOP_MAX_UPLOAD_MB", "SOP_MAX_UPLOAD_FILES")


class ApiError(HTTPException):
    """An error the API answers as ``{"error": message}`` (and ``field`` when one field of the request is at fault).
    An HTTPException, so that one raised while FastAPI reads a body (the size limit) reaches its handler as it is."""

    def __init__(self, status: int, message: str, field: str | None = None, headers: dict[str, str] | None = None):
        super().__init__(status, message, headers)
        self.status = status
        self.message = message
        self.field = field
        self.headers = headers


def _one_or_many(value: object) -> object:
    return [value] if isinstance(value, str) else value


class AskRequest(BaseModel):
    """A question, as ``ask`` takes it: earlier questions of the conversation, schools, towns and types."""

    question: str = Field(description="the question (SOP_API_MAX_QUESTION_CHARS at most)")
    history: list[str] = Field(default_factory=list, description="earlier user questions, oldest first (--history)")
    schools: list[str] = Field(default_factory=list, description="doc_ids to answer about (--school)")
    town: list[str] = Field(default_factory=list, description="only schools in these towns (--town); a string or a list")
    type: list[str] = Field(default_factory=list, description="only schools of these types (--type): basisschool, sbo, so, vo")

    _many = field_validator("schools", "town", "type", mode="before")(_one_or_many)


class SourceOut(BaseModel):
    rank: int
    doc_id: str
    school: str
    page: int | None
    section: str
    text: str
    quote: str
    score: float


class AnswerOut(BaseModel):
    """The JSON of ``ask --json``."""

    question: str
    answer: str
    language: str
    refused: bool
    schools: list[str]
    sources: list[SourceOut]


class ErrorOut(BaseModel):
    error: str
    field: str | None = None


class UploadOut(BaseModel):
    """What became of one uploaded file (``status``: indexed, unchanged or failed, with its ``error``)."""

    name: str
    status: str
    school: str | None
    chunks: int
    error: str | None
    doc_id: str | None


class UploadsOut(BaseModel):
    documents: list[UploadOut]
    error: str | None = None


_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut} for code in (400, 401, 403, 404, 413, 415, 422, 500, 503)
}


def create_app(assistant: SopAssistant) -> FastAPI:
    """The API over ``assistant`` (loaded once; every request shares it)."""
    settings = assistant.settings
    app = FastAPI(
        title="SOP Assistant",
        version="0.1.0",
        description="Questions and answers over schoolondersteuningsprofielen, with citations "
        "(the JSON of the sop-assistant command line). Writes need `Authorization: Bearer $SOP_API_TOKEN`.",
    )
    _install_error_handlers(app, assistant)
    app.add_middleware(_BodyLimit, json_limit=settings.api_max_body_kb * 1024,
                       upload_limit=settings.max_upload_mb * 2**20 + _UPLOAD_OVERHEAD,
                       max_upload_mb=settings.max_upload_mb, max_body_kb=settings.api_max_body_kb)

    def checked(request: AskRequest) -> AskRequest:
        limit = settings.api_max_question_chars
        for field, text in [("question", request.question)] + [(f"history[{i}]", h) for i, h in enumerate(request.history)]:
            if len(text) > limit:
                raise ApiError(413, f"{field}: {len(text)} characters, above the limit of {limit} "
                               "(SOP_API_MAX_QUESTION_CHARS)", field)
        return request

    def authorize(request: Request) -> None:
        token = settings.api_token
        if not token:
            raise ApiError(403, "writes are disabled on this server: start it with SOP_API_TOKEN set to allow "
                           "uploads and removals")
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        challenge = {"WWW-Authenticate": "Bearer"}
        if scheme.casefold() != "bearer" or not given.strip():
            raise ApiError(401, "Authorization: missing; send 'Authorization: Bearer <SOP_API_TOKEN>'",
                           "Authorization", challenge)
        if not hmac.compare_digest(given.strip().encode(), token.encode()):
            raise ApiError(401, "Authorization: wrong token", "Authorization", challenge)

    @app.get("/health", summary="Whether the server is up, and what it holds")
    def health() -> dict[str, object]:
        return {"status": "ok", "schools": len(assistant.schools()), "composer": settings.llm,
                "writes": bool(settings.api_token)}

    @app.post("/ask", summary="Answer one question (the JSON of ask --json)", response_model=AnswerOut,
              responses=_ERRORS)
    def ask(request: AskRequest) -> JSONResponse:
        request = checked(request)
        answer = assistant.ask(request.question, request.history, request.schools or None, request.town, request.type)
        return JSONResponse(answer.to_json())

    @app.post(
        "/ask/stream",
        summary="Answer one question as server-sent events",
        description="Events `text` (`{\"text\": piece}`) as the answer is written, then one `answer` event with "
        "the checked answer (the JSON of /ask), whose text may differ from what was streamed (an LLM's flagged "
        "quotes, a refusal). A failure after the stream began comes as an `error` event (`{\"error\": message}`).",
        response_class=StreamingResponse,
        responses={200: {"content": {"text/event-stream": {}}}, **_ERRORS},
    )
    def ask_stream(request: AskRequest) -> StreamingResponse:
        request = checked(request)
        result = assistant.ask_stream(
            request.question, request.history, request.schools or None, request.town, request.type
        )
        headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
        return StreamingResponse(_events(result), media_type="text/event-stream", headers=headers)

    @app.get("/schools", summary="The indexed schools (the JSON of schools --json, without server paths)",
             responses=_ERRORS)
    def schools() -> JSONResponse:
        return JSONResponse(schools_json(assistant.schools(), server_paths=False))

    @app.get(
        "/matrix",
        summary="The support matrix (the JSON of matrix --json; format=csv: matrix --csv)",
        responses={200: {"content": {"application/json": {}, "text/csv": {}}}, **_ERRORS},
    )
    def matrix(
        town: Annotated[list[str], Query(description="only schools in this town (repeatable)")] = [],  # noqa: B006
        kind: Annotated[list[str], Query(alias="type", description="only schools of this type (repeatable)")] = [],  # noqa: B006
        output: Annotated[Literal["json", "csv"], Query(alias="format")] = "json",
    ) -> Response:
        cells = assistant.matrix(town, kind)
        if output == "csv":
            return Response(matrix_csv_text(cells, assistant.schools()), media_type="text/csv; charset=utf-8",
                            headers={"Content-Disposition": 'attachment; filename="sop-matrix.csv"'})
        return JSONResponse(matrix_json(cells))

    @app.post(
        "/documents",
        summary="Upload profiles (multipart, field 'files'): saved and indexed as the app's upload does",
        description="PDF, DOCX, HTML, TXT, MD, the type read from the content; SOP_MAX_FILE_MB, SOP_MAX_UPLOAD_FILES "
        "and SOP_MAX_UPLOAD_MB hold. 200 when every file was indexed or unchanged; else the status of the first "
        "failure (413 too large, 415 not a supported type, 422 unreadable), with every file's outcome.",
        response_model=UploadsOut,
        responses=_ERRORS,
        openapi_extra={"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
            "type": "object", "required": ["files"],
            "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"}}},
        }}}}},
    )
    async def upload(request: Request) -> JSONResponse:
        authorize(request)  # before the body is read
        form = await request.form(max_files=max(1000, settings.max_upload_files + 1))
        try:
            files = [(item.filename or "", await item.read()) for _, item in form.multi_items()
                     if isinstance(item, UploadFile)]
        finally:
            await form.close()
        if not files:
            raise ApiError(422, "files: no file in the upload (send them as multipart form field 'files')", "files")
        outcomes = [_without_paths(outcome, assistant) for outcome in await run_in_threadpool(assistant.add_uploads, files)]
        failed = [(outcome, data) for outcome, (_, data) in zip(outcomes, files) if outcome.status == "failed"]
        body: dict[str, object] = {"documents": [asdict(outcome) for outcome in outcomes]}
        if not failed:
            return JSONResponse(body)
        outcome, data = failed[0]
        body["error"] = f"{outcome.name}: {outcome.error}"
        return JSONResponse(body, status_code=_upload_status(outcome, data))

    @app.delete("/documents/{doc_id}", summary="Remove a school's profile (sop-assistant remove)", responses=_ERRORS)
    def remove(request: Request, doc_id: Annotated[str, Path(description="the profile's doc_id")]) -> dict[str, str]:
        authorize(request)
        try:
            assistant.remove(doc_id)
        except UsageError as exc:
            raise ApiError(404, str(exc), "doc_id") from exc
        return {"doc_id": doc_id, "status": "removed"}

    return app


def _without_paths(outcome: UploadOutcome, assistant: SopAssistant) -> UploadOutcome:
    """The outcome without the server's file paths in its message."""
    return replace(outcome, error=_hide_paths(outcome.error, assistant)) if outcome.error else outcome


def _hide_paths(message: str, assistant: SopAssistant) -> str:
    """A message with the server's file paths reduced to file names and its index folder to ``<index>`` (a refusal
    may name the file a doc_id already belongs to, a store error the index): the API does not show where the server
    keeps its files."""
    try:
        paths = [profile.path for profile in assistant.schools().values()] if "/" in message else []
    except SopError:
        paths = []  # the index cannot be read: its folder is still hidden below
    for path in sorted(paths, key=len, reverse=True):
        message = message.replace(path, PurePath(path).name)
    for folder in sorted({str(assistant.settings.index_dir.resolve()), str(assistant.settings.index_dir)}, key=len,
                         reverse=True):
        message = message.replace(folder, "<index>")
    return message


def _upload_status(outcome: UploadOutcome, data: bytes) -> int:
    """The status code of a failed upload: too large, not a supported type (by content), or unreadable."""
    error = outcome.error or ""
    if any(limit in error for limit in _TOO_LARGE):
        return 413
    try:
        content_format(outcome.name, data)
    except IngestError:
        return 415
    return 422


def _events(result: Answer | Any) -> Iterator[str]:
    """Server-sent events: the answer's text in pieces, then the checked answer."""
    if isinstance(result, Answer):
        for piece in _pieces(result.answer):
            yield _event("text", {"text": piece})
        yield _event("answer", result.to_json())
        return
    try:
        for piece in result:
            yield _event("text", {"text": piece})
        answer = result.answer
    except SopError as exc:
        yield _event("error", {"error": str(exc)})
        return
    yield _event("answer", answer.to_json())


def _pieces(text: str) -> Iterator[str]:
    """The text in pieces that end at white space (joined, they are the text again)."""
    piece = ""
    for part in re.split(r"(\s+)", text):
        piece += part
        if len(piece) >= _PIECE_CHARS and part.isspace():
            yield piece
            piece = ""
    if piece:
        yield piece


def _event(name: str, data: object) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _error(status: int, message: str, field: str | None = None, headers: dict[str, str] | None = None) -> JSONResponse:
    body: dict[str, object] = {"error": message}
    if field:
        body["field"] = field
    return JSONResponse(body, status_code=status, headers=headers)


def _install_error_handlers(app: FastAPI, assistant: SopAssistant) -> None:
    async def api_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiError)
        return _error(exc.status, exc.message, exc.field, exc.headers)

    async def invalid(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        first = exc.errors()[0]
        if first.get("type") == "json_invalid":
            return _error(422, f"body: not valid JSON ({first.get('ctx', {}).get('error', first['msg'])})", "body")
        where = [str(part) for part in first["loc"] if part not in ("body", "query", "path")]
        field = ".".join(where) or "body"
        return _error(422, f"{field}: {first['msg']}", field)

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        return _error(exc.status_code, str(exc.detail), headers=getattr(exc, "headers", None))

    async def sop_error(request: Request, exc: Exception) -> JSONResponse:
        message = _hide_paths(str(exc), assistant)
        if isinstance(exc, UsageError):
            return _error(400, message, "schools" if message.startswith("--school") else None)
        if isinstance(exc, IndexStoreError):
            return _error(503, message)
        if isinstance(exc, ModelError):
            return _error(502, message)
        return _error(500, message)

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(SopError, sop_error)


class _BodyLimit:
    """Refuses a request body over its limit with 413, from its Content-Length before reading it, else while it is
    read (a chunked body)."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], json_limit: int, upload_limit: int,
                 max_upload_mb: int, max_body_kb: int) -> None:
        self.app = app
        self.json_limit = json_limit
        self.upload_limit = upload_limit
        self.max_upload_mb = max_upload_mb
        self.max_body_kb = max_body_kb

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        upload = scope["path"].rstrip("/") == "/documents"
        limit = self.upload_limit if upload else self.json_limit
        message = (
            f"body: above the limit of {self.max_upload_mb} MB for an upload (SOP_MAX_UPLOAD_MB)"
            if upload
            else f"body: above the limit of {self.max_body_kb} KB (SOP_API_MAX_BODY_KB)"
        )
        length = dict(scope.get("headers") or []).get(b"content-length", b"")
        if length.isdigit() and int(length) > limit:
            await _error(413, message, "body")(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            got = await receive()
            if got["type"] == "http.request":
                received += len(got.get("body", b""))
                if received > limit:
                    raise ApiError(413, message, "body")
            return got

        await self.app(scope, limited, send)
