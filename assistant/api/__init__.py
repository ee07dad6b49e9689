"""The HTTP API (``sop-assistant serve``) and its client (``ask`` with ``SOP_API_URL``). Nothing is imported here:
the client must stay light, without the assistant behind the server."""
