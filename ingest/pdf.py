"""PDF loader (PyMuPDF): one Page per PDF page, text in reading order."""

from __future__ import annotations

import pymupdf

from assistant.errors import IngestError
from ingest.model import LoadedDocument, Page


def load_pdf(path: str, data: bytes) -> LoadedDocument:
    """Read a PDF's text layer page by page; encrypted, damaged and image-only PDFs raise IngestError."""
    try:
        pdf = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:  # PyMuPDF raises several unrelated types for damaged files
        raise IngestError(path, f"not a readable PDF ({exc})") from exc
    with pdf:
        if pdf.needs_pass:
            raise IngestError(path, "the PDF is encrypted with a password; save an unprotected copy and ingest that")
        if pdf.page_count == 0:
            raise IngestError(path, "the PDF has no pages")
        pages = []
        for number, pdf_page in enumerate(pdf, start=1):
            try:
                text = pdf_page.get_text("text", sort=False)
            except Exception as exc:
                raise IngestError(path, f"page {number} cannot be read ({exc})") from exc
            pages.append(Page(number=number, lines=text.splitlines()))
        title = (pdf.metadata or {}).get("title") or None
    if not any(line.strip() for page in pages for line in page.lines):
        raise IngestError(
            path,
            f"no text layer in any of its {len(pages)} pages (a scan or image-only PDF); "
            "run OCR on it first (e.g. ocrmypdf) and ingest the result",
        )
    return LoadedDocument(path=path, file_format="pdf", pages=pages, title=title, page_count=len(pages))
