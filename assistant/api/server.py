"""``sop-assistant serve``: one assistant per process, loaded and warmed before the port opens (so ``/health``
answers only once questions are answered at full speed), served by uvicorn."""

from __future__ import annotations

import sys

from core.config import Settings


def serve(settings: Settings, host: str, port: int) -> None:
    """Load the index and the model once, then answer HTTP requests on ``host:port`` until stopped."""
    import uvicorn

    from assistant.api.app import create_app
    from assistant.service import SopAssistant

    assistant = SopAssistant(settings)
    assistant.warm_up()
    app = create_app(assistant)
    writes = "writes need SOP_API_TOKEN" if settings.api_token else "read-only (SOP_API_TOKEN unset)"
    sys.stderr.write(
        f"sop-assistant: serving {settings.index_dir} on http://{host}:{port} ({writes}; OpenAPI at /docs)\n"
    )
    sys.stderr.flush()
    uvicorn.run(app, host=host, port=port, log_level="info", timeout_graceful_shutdown=10)
