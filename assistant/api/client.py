"""A client of a running ``sop-assistant serve``, for ``ask`` with ``SOP_API_URL`` set: one HTTP request per
question instead of loading the embedding model. It imports httpx and the standard library only."""

from __future__ import annotations

from types import TracebackType

import httpx

from core.errors import SopError, UsageError

# Connecting to a local server takes milliseconds; the answer may take an LLM composer minutes.
_TIMEOUT = httpx.Timeout(connect=5.0, read=600.0, write=60.0, pool=5.0)


class ApiClient:
    """Asks a running server; errors come back as the server's one-line message."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")
        self._http = httpx.Client(base_url=self.url, timeout=_TIMEOUT, trust_env=False)

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self._http.close()

    def ask(
        self, question: str, history: list[str], schools: list[str], towns: list[str], types: list[str]
    ) -> dict[str, object]:
        """``POST /ask``: the JSON of ``ask --json``."""
        body = {"question": question, "history": history, "schools": schools, "town": towns, "type": types}
        try:
            response = self._http.post("/ask", json=body)
        except httpx.HTTPError as exc:
            raise SopError(f"cannot reach the server at {self.url} (SOP_API_URL): {exc or type(exc).__name__}") from exc
        try:
            data = response.json()
        except ValueError:
            data = None
        if response.status_code >= 400 or not isinstance(data, dict):
            message = data.get("error") if isinstance(data, dict) else None
            message = message or f"HTTP {response.status_code} {response.reason_phrase}"
            if 400 <= response.status_code < 500:
                raise UsageError(message)  # the message the command would print answering here
            raise SopError(f"{self.url} (SOP_API_URL): {message}")
        return data
