"""Fuzzing the loaders and the chunker with malformed input (hypothesis): random bytes under every supported
name, valid PDF, DOCX, HTML and Markdown files with bytes flipped, cut or inserted, and random structural blocks.
The only exception allowed out is the project's own IngestError, naming the file."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import IngestError
from ingest.chunking import chunk_blocks
from ingest.loader import SUPPORTED_SUFFIXES, load_file
from ingest.model import Block
from ingest.pipeline import read_support_profile

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "docs"
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
MAX_BYTES = 5 * 2**20


def small_docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Schoolondersteuningsprofiel De Wilg", 1)
    document.add_paragraph("Op onze school is een lift. De intern begeleider is het aanspreekpunt.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Voorziening", "Aanwezig"
    table.cell(1, 0).text, table.cell(1, 1).text = "Lift", "ja"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def small_pdf() -> bytes:
    import pymupdf

    document = pymupdf.open()
    for number in range(2):
        document.new_page().insert_text((72, 72), f"Schoolondersteuningsprofiel De Wilg, pagina {number + 1}. Op onze school is een lift.")
    data = document.tobytes()
    document.close()
    return data


SEEDS = {
    ".pdf": small_pdf(),
    ".docx": small_docx(),
    ".html": b"<html><head><title>De Wilg</title><script>x()</script></head><body><h1>Profiel</h1><p>Op onze "
    b"school is een lift.</p><table><tr><th>Voorziening</th><th>Aanwezig</th></tr><tr><td>Lift</td><td>ja</td>"
    b"</tr></table></body></html>",
    ".md": "# Schoolondersteuningsprofiel De Wilg\n\n## Gebouw\n\n| Voorziening | Aanwezig |\n|---|---|\n| Lift | ja |\n\n"
    "- Op onze school is een lift.\n- Wij werken met **Snappet**.\n".encode(),
    ".txt": "Schoolondersteuningsprofiel De Wilg\n\n1. Gebouw\n\nOp onze school is een lift.\fPagina 2\n".encode(),
}
for example in EXAMPLES.glob("*"):
    SEEDS[f"example{example.suffix}"] = example.read_bytes()


@st.composite
def damaged(draw: st.DrawFn) -> tuple[str, bytes]:
    """A valid document with some bytes flipped, a piece cut out or junk inserted, under its own or another name."""
    seed_name = draw(st.sampled_from(sorted(SEEDS)))
    data = bytearray(SEEDS[seed_name])
    for _ in range(draw(st.integers(1, 8))):
        action = draw(st.sampled_from(["flip", "cut", "insert", "truncate"]))
        position = draw(st.integers(0, max(len(data) - 1, 0)))
        if action == "flip" and data:
            data[position] ^= draw(st.integers(1, 255))
        elif action == "cut":
            del data[position : position + draw(st.integers(1, 512))]
        elif action == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=64))
        else:
            del data[position:]
    suffix = draw(st.sampled_from([Path(seed_name).suffix, *sorted(SUPPORTED_SUFFIXES)]))
    return f"fuzzed{suffix}", bytes(data)


def read_as_file(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    try:
        load_file(path, MAX_BYTES)
        read_support_profile(path, 1200, MAX_BYTES)
    except IngestError as exc:
        assert exc.path == str(path) and exc.reason
    finally:
        path.unlink()


@FUZZ
@given(name=st.sampled_from(sorted(SUPPORTED_SUFFIXES)).map(lambda suffix: f"random{suffix}"), data=st.binary(max_size=4096))
def test_random_bytes_under_any_supported_name(tmp_path_factory: pytest.TempPathFactory, name: str, data: bytes) -> None:
    read_as_file(tmp_path_factory.mktemp("fuzz"), name, data)


@FUZZ
@given(document=damaged())
def test_damaged_documents(tmp_path_factory: pytest.TempPathFactory, document: tuple[str, bytes]) -> None:
    read_as_file(tmp_path_factory.mktemp("fuzz"), *document)


@FUZZ
@given(text=st.text(max_size=3000))
def test_any_unicode_text(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    read_as_file(tmp_path_factory.mktemp("fuzz"), "text.txt", text.encode("utf-8", "surrogatepass"))


_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)) | st.sampled_from(list(" .!?;:\n•-|")), max_size=400
)
_BLOCKS = st.lists(
    st.builds(
        Block,
        kind=st.sampled_from(["heading", "text", "list_item", "table_row"]),
        text=_TEXT,
        page=st.none() | st.integers(-3, 500),
        level=st.integers(0, 6),
        explained=st.none() | _TEXT,
        section=_TEXT,
        subsection=_TEXT,
        scope=st.sampled_from(["school", "regional"]),
    ),
    max_size=40,
)


@FUZZ
@given(blocks=_BLOCKS, target=st.integers(1, 4000))
def test_chunker_takes_any_blocks(blocks: list[Block], target: int) -> None:
    chunks = chunk_blocks(blocks, target)
    for chunk in chunks:
        assert chunk.text.strip(), "an empty chunk"
