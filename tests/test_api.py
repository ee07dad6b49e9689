"""The HTTP API (``sop-assistant serve``) as a real server process on a free loopback port, talked to with httpx:
every endpoint, bad input of each kind, 50 questions at once, an upload during questions, and ``ask`` through
``SOP_API_URL`` printing what the command prints answering in-process.

Two servers over copies of the example index: a reader without SOP_API_TOKEN (its answers are compared with the
command line's; writes are refused) and a writer with a token (uploads and removals)."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from csv import DictReader
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from cli_runs import ROOT, cli, cli_env, run_cli
from conftest import EXAMPLES, copy_index

from assistant.contract import matrix_csv_text, matrix_json, schools_json

TOKEN = "test-token-7f3a"
LIFT = "Heeft OBS De Regenboog een lift?"
KASTANJE = (
    "# Schoolondersteuningsprofiel Basisschool De Kastanje\n\n"
    "Plaats: Kastanjedorp\n\n"
    "## Fysieke toegankelijkheid\n\n"
    "Op onze school is een kastanjelift naar de eerste verdieping, en een invalidetoilet op de begane grond.\n\n"
    "## Faalangst\n\n"
    "Op onze school werkt een kastanjecoach twee ochtenden per week met leerlingen die faalangst hebben.\n"
)


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    index: Path
    log: Path

    def client(self, **headers: str) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=120, headers=headers, trust_env=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(index: Path, log: Path, **env: str) -> Server:
    """``sop-assistant serve`` over ``index``; returns once /health answers."""
    port = free_port()
    with log.open("w") as out:
        process = subprocess.Popen(
            cli() + ["serve", "--index", str(index), "--port", str(port)],
            cwd=ROOT, env=cli_env(**env), stdout=out, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/health", timeout=2, trust_env=False).status_code == 200:
                return Server(url, process, index, log)
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    stop_server(process)
    pytest.fail(f"the server did not answer /health within 300 s:\n{log.read_text()}")


def stop_server(process: subprocess.Popen) -> None:
    """Stop the server by its PID: SIGTERM (uvicorn shuts down cleanly), SIGKILL if it hangs."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="module")
def reader(examples_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("api-reader")
    server = start_server(copy_index(examples_index, folder), folder / "serve.log")
    yield server
    stop_server(server.process)


@pytest.fixture(scope="module")
def writer(examples_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("api-writer")
    server = start_server(copy_index(examples_index, folder), folder / "serve.log", SOP_API_TOKEN=TOKEN, SOP_MAX_FILE_MB="1")
    yield server
    stop_server(server.process)


def auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def cited(answer: dict) -> set[str]:
    return {source["doc_id"] for source in answer["sources"] if source["quote"]}


def pdf_bytes(text: str) -> bytes:
    import pymupdf

    document = pymupdf.open()
    document.new_page().insert_text((72, 72), text)
    data = document.tobytes()
    document.close()
    return data


# Reading ------------------------------------------------------------------------------------------------------
def test_health_and_the_openapi_page(reader: Server) -> None:
    with reader.client() as http:
        health = http.get("/health").json()
        assert health == {"status": "ok", "schools": 3, "composer": "extractive", "writes": False}
        paths = http.get("/openapi.json").json()["paths"]
        assert {"/ask", "/ask/stream", "/schools", "/matrix", "/documents", "/documents/{doc_id}", "/health"} <= set(paths)
        assert set(paths["/documents"]) == {"post"} and set(paths["/documents/{doc_id}"]) == {"delete"}
        docs = http.get("/docs")
        assert docs.status_code == 200 and "swagger-ui" in docs.text.lower() and "/openapi.json" in docs.text


def test_ask_answers_with_the_json_of_the_command_line(reader: Server) -> None:
    with reader.client() as http:
        response = http.post("/ask", json={"question": LIFT})
    assert response.status_code == 200
    answer = response.json()
    assert list(answer) == ["question", "answer", "language", "refused", "schools", "sources"]
    assert answer["answer"].startswith("Nee.") and not answer["refused"]
    assert answer["schools"] == ["obs-de-regenboog"] and cited(answer) == {"obs-de-regenboog"}
    first = answer["sources"][0]
    # The facilities table's row or the sentence below it on page 7: both say there is no lift.
    assert first["rank"] == 1 and first["page"] == 7 and re.search(r"Lift \| Nee|geen lift", first["quote"])
    assert [source["rank"] for source in answer["sources"]] == list(range(1, len(answer["sources"]) + 1))


def test_ask_with_history_schools_town_and_type(reader: Server) -> None:
    with reader.client() as http:
        follow_up = http.post("/ask", json={
            "question": "En een invalidetoilet?", "history": ["Heeft OBS De Regenboog een lift?"],
        }).json()
        assert cited(follow_up) == {"obs-de-regenboog"} and "invalidetoilet" in follow_up["answer"].lower()
        within = http.post("/ask", json={"question": "Welke ondersteuning is er bij dyslexie?", "schools": ["sbo-het-anker"]}).json()
        assert within["schools"] == ["sbo-het-anker"] and cited(within) == {"sbo-het-anker"}
        # One string or a list, as --town may be given once or repeated.
        in_town = http.post("/ask", json={"question": "Welke scholen hebben een lift?", "town": "Zoetermeer"}).json()
        by_type = http.post("/ask", json={"question": "Welke scholen hebben een lift?", "type": ["sbo"]}).json()
    assert cited(in_town) <= {"kindcentrum-de-vlinder"} and "Kindcentrum De Vlinder" in in_town["answer"]
    assert "OBS De Regenboog" not in in_town["answer"] and "SBO Het Anker" not in in_town["answer"]
    assert cited(by_type) <= {"sbo-het-anker"} and "SBO Het Anker" in by_type["answer"]
    assert "Kindcentrum De Vlinder" not in by_type["answer"]


def test_ask_stream_sends_the_text_then_the_checked_answer(reader: Server) -> None:
    with reader.client() as http:
        whole = http.post("/ask", json={"question": LIFT}).json()
        with http.stream("POST", "/ask/stream", json={"question": LIFT}) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            raw = "".join(response.iter_text())
    events = server_sent(raw)
    texts = [data["text"] for name, data in events if name == "text"]
    assert len(texts) > 3, "the extractive answer comes in pieces"
    assert [name for name, _ in events] == ["text"] * len(texts) + ["answer"]
    assert "".join(texts) == whole["answer"]
    assert events[-1][1] == whole


def server_sent(raw: str) -> list[tuple[str, dict]]:
    """The (event, data) pairs of a server-sent event stream."""
    events = []
    for block in raw.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((lines["event"], json.loads(lines["data"])))
    return events


def test_an_llm_stream_becomes_text_events_then_the_checked_answer() -> None:
    # No LLM here: the events of /ask/stream are made from an AnswerStream as an LLM composer returns it.
    from assistant.answers.llm import AnswerStream
    from assistant.answers.model import Answer
    from assistant.api.app import _events
    from core.errors import ModelError

    checked = Answer("Lift?", "Ja, er is een lift [1].", "nl", False, ["obs-de-regenboog"], [])
    stream = AnswerStream(iter(["Ja, er is ", "een lift [1", "] [7]."]), {1}, lambda raw: checked)
    events = server_sent("".join(_events(stream)))
    assert [name for name, _ in events] == ["text"] * (len(events) - 1) + ["answer"] and len(events) >= 3
    assert "".join(data["text"] for name, data in events if name == "text") == "Ja, er is een lift [1] ."
    assert events[-1][1] == checked.to_json()

    def failing() -> Iterator[str]:
        yield "Ja, "
        raise ModelError("openai:gpt-x: the LLM server at http://llm:8080 did not answer")

    broken = server_sent("".join(_events(AnswerStream(failing(), {1}, lambda raw: checked))))
    assert broken == [("text", {"text": "Ja, "}), ("error", {"error": "openai:gpt-x: the LLM server at http://llm:8080 did not answer"})]


def test_schools_are_the_json_of_the_command_without_server_paths(reader: Server, examples_assistant) -> None:  # noqa: ANN001
    with reader.client() as http:
        response = http.get("/schools")
    schools = response.json()
    expected = schools_json(examples_assistant.schools(), server_paths=False)
    assert schools == expected
    assert set(schools) == {"obs-de-regenboog", "kindcentrum-de-vlinder", "sbo-het-anker"}
    assert schools["obs-de-regenboog"]["label"] == "OBS De Regenboog" and schools["obs-de-regenboog"]["town"] == "Delft"
    assert all("path" not in entry for entry in schools.values())
    assert str(EXAMPLES) not in response.text and str(reader.index) not in response.text and "/tmp" not in response.text


def test_matrix_json_csv_and_filters(reader: Server, examples_assistant) -> None:  # noqa: ANN001
    with reader.client() as http:
        whole = http.get("/matrix")
        csv = http.get("/matrix", params={"format": "csv"})
        in_town = http.get("/matrix", params={"town": "Zoetermeer"}).json()
        by_type = http.get("/matrix", params=[("type", "sbo"), ("type", "so")]).json()
        nowhere = http.get("/matrix", params={"town": "Maastricht"}).json()
    assert whole.json() == matrix_json(examples_assistant.matrix())
    lift = whole.json()["obs-de-regenboog"]["lift"]
    assert lift["status"] in {"no", "limit"} and "lift" in lift["quote"].lower() and lift["page"]
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text == matrix_csv_text(examples_assistant.matrix(), examples_assistant.schools())
    assert csv.text.startswith("doc_id,school,category,categorie,status,status_nl,page,section,quote\n")
    rows = {(row["doc_id"], row["category"]): row for row in DictReader(io.StringIO(csv.text))}
    assert len(rows) == 3 * 15 and rows["obs-de-regenboog", "lift"]["status"] == lift["status"]
    assert rows["obs-de-regenboog", "lift"]["school"] == "OBS De Regenboog" and rows["obs-de-regenboog", "lift"]["page"] == str(lift["page"])
    assert set(in_town) == {"kindcentrum-de-vlinder"} and set(by_type) == {"sbo-het-anker"} and nowhere == {}


# Bad input ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "status", "field", "words"),
    [
        ({}, 422, "question", "Field required"),
        ({"history": ["Heeft OBS De Regenboog een lift?"]}, 422, "question", "Field required"),
        ({"question": 42}, 422, "question", "valid string"),
        ({"question": "Lift?", "history": "Heeft OBS De Regenboog een lift?"}, 422, "history", "valid list"),
        ({"question": "Lift?", "history": [1]}, 422, "history.0", "valid string"),
        ({"question": "Lift?", "schools": ["sbo-het-kompas"]}, 400, "schools", "--school sbo-het-kompas: not in the index"),
        ({"question": "x" * 2001}, 413, "question", "2001 characters, above the limit of 2000 (SOP_API_MAX_QUESTION_CHARS)"),
        ({"question": "Lift?", "history": ["y" * 2500]}, 413, "history[0]", "SOP_API_MAX_QUESTION_CHARS"),
        ({"question": "Lift?", "history": ["z" * 1000] * 300}, 413, "body", "above the limit of 256 KB (SOP_API_MAX_BODY_KB)"),
    ],
)
def test_bad_questions_are_refused_naming_the_field(reader: Server, body: dict, status: int, field: str, words: str) -> None:
    with reader.client() as http:
        for path in ("/ask", "/ask/stream"):
            response = http.post(path, json=body)
            assert response.status_code == status, response.text
            assert response.headers["content-type"] == "application/json"
            error = response.json()
            assert error["field"] == field and words in error["error"]


def test_malformed_json_a_chunked_oversized_body_and_unknown_routes(reader: Server) -> None:
    with reader.client() as http:
        broken = http.post("/ask", content=b'{"question": "Lift?"', headers={"content-type": "application/json"})
        assert broken.status_code == 422 and broken.json()["error"].startswith("body: not valid JSON")
        # No Content-Length: the limit holds while the body is read.
        chunks = iter([b'{"question": "Lift?", "history": ["', b"a" * 200_000, b"a" * 200_000, b'"]}'])
        chunked = http.post("/ask", content=chunks, headers={"content-type": "application/json"})
        assert chunked.status_code == 413 and "SOP_API_MAX_BODY_KB" in chunked.json()["error"]
        fmt = http.get("/matrix", params={"format": "xlsx"})
        assert fmt.status_code == 422 and fmt.json()["field"] == "format"
        missing = http.get("/nowhere")
        assert missing.status_code == 404 and missing.json() == {"error": "Not Found"}
        wrong_method = http.get("/ask")
        assert wrong_method.status_code == 405 and "error" in wrong_method.json()
        # The service still answers after all that.
        assert http.post("/ask", json={"question": LIFT}).json()["answer"].startswith("Nee.")


def test_writes_are_refused_when_no_token_is_configured(reader: Server) -> None:
    with reader.client(**auth("anything")) as http:
        upload = http.post("/documents", files={"files": ("kastanje.md", KASTANJE.encode())})
        remove = http.delete("/documents/obs-de-regenboog")
        schools = http.get("/schools").json()
    for response in (upload, remove):
        assert response.status_code == 403
        assert "writes are disabled" in response.json()["error"] and "SOP_API_TOKEN" in response.json()["error"]
    assert set(schools) == {"obs-de-regenboog", "kindcentrum-de-vlinder", "sbo-het-anker"}


def test_writes_need_the_right_token(writer: Server) -> None:
    with writer.client() as http:
        for headers in ({}, {"Authorization": "Basic dXNlcjpwYXNz"}, auth("wrong"), {"Authorization": "Bearer"}):
            upload = http.post("/documents", files={"files": ("kastanje.md", KASTANJE.encode())}, headers=headers)
            remove = http.delete("/documents/obs-de-regenboog", headers=headers)
            for response in (upload, remove):
                assert response.status_code == 401, (headers, response.text)
                assert response.json()["error"].startswith("Authorization:")
                assert response.headers["www-authenticate"] == "Bearer"
        assert "kastanje" not in http.get("/schools").json()
        assert "obs-de-regenboog" in http.get("/schools").json()


@pytest.mark.parametrize(
    ("name", "content", "status", "words"),
    [
        ("plaatje.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, 415, "not a PDF, Word, HTML, Markdown or text file"),
        ("profiel.txt", bytes(range(256)) * 40, 415, "binary content"),
        ("kapot.pdf", b"%PDF-1.7\n" + b"\x00garbage\xff" * 300, 422, "not a readable PDF"),
        ("leeg.md", b"", 422, "the file is empty"),
        ("groot.md", b"# Schoolondersteuningsprofiel\n\n" + b"Op onze school is een lift.\n" * 50_000, 413, "SOP_MAX_FILE_MB"),
        # Another file (ingested from the server's disk) holds this doc_id; the message names it without its folder.
        ("obs-de-regenboog.md", b"# Schoolondersteuningsprofiel OBS De Regenboog\n\nOp onze school is een lift.\n", 422,
         "already belongs to obs-de-regenboog.pdf, a different file"),
    ],
)
def test_uploads_that_cannot_be_indexed(writer: Server, name: str, content: bytes, status: int, words: str) -> None:
    with writer.client(**auth()) as http:
        before = http.get("/schools").json()
        response = http.post("/documents", files={"files": (name, content)})
        after = http.get("/schools").json()
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"].startswith(f"{name}: ") and words in body["error"]
    assert [(d["name"], d["status"]) for d in body["documents"]] == [(name, "failed")]
    assert after == before
    assert not any((writer.index / "uploads").rglob(f"{Path(name).stem}*"))
    assert str(ROOT) not in response.text and str(writer.index) not in response.text


def test_an_upload_without_a_file_and_an_unknown_doc_id(writer: Server) -> None:
    with writer.client(**auth()) as http:
        empty = http.post("/documents", data={"note": "no file"}, files={})
        unknown = http.delete("/documents/sbo-het-kompas")
    assert empty.status_code == 422 and empty.json()["field"] == "files"
    assert unknown.status_code == 404 and unknown.json() == {"error": "remove sbo-het-kompas: not in the index", "field": "doc_id"}


def test_upload_answer_and_remove(writer: Server) -> None:
    with writer.client(**auth()) as http:
        # The type is read from the content: a PDF named .txt is indexed as a PDF, as in the app.
        response = http.post("/documents", files=[
            ("files", ("Basisschool De Kastanje.md", KASTANJE.encode())),
            ("files", ("de-linde.txt", pdf_bytes("Schoolondersteuningsprofiel De Linde. Op onze school is een lindelift."))),
        ])
        assert response.status_code == 200, response.text
        documents = response.json()["documents"]
        assert [(d["doc_id"], d["status"]) for d in documents] == [("basisschool-de-kastanje", "indexed"), ("de-linde", "indexed")]
        assert documents[0]["school"] == "Basisschool De Kastanje" and documents[0]["chunks"] >= 1
        schools = http.get("/schools").json()
        assert {"basisschool-de-kastanje", "de-linde", "obs-de-regenboog"} <= set(schools)
        assert schools["de-linde"]["file_format"] == "pdf"
        answer = http.post("/ask", json={"question": "Heeft Basisschool De Kastanje een kastanjecoach voor faalangst?"}).json()
        assert cited(answer) == {"basisschool-de-kastanje"} and "kastanjecoach" in answer["answer"]
        again = http.post("/documents", files={"files": ("Basisschool De Kastanje.md", KASTANJE.encode())})
        assert [d["status"] for d in again.json()["documents"]] == ["unchanged"]
        # A new version of an uploaded profile replaces it (and its file), as a new ingest of a changed file does.
        changed = KASTANJE.replace("twee ochtenden", "drie ochtenden")
        newer = http.post("/documents", files={"files": ("Basisschool De Kastanje.md", changed.encode())})
        assert [d["status"] for d in newer.json()["documents"]] == ["indexed"], newer.text
        answer = http.post("/ask", json={"question": "Heeft Basisschool De Kastanje een kastanjecoach voor faalangst?"}).json()
        assert "drie ochtenden" in answer["answer"] and "twee ochtenden" not in answer["answer"]
        kept = [path for path in (writer.index / "uploads").rglob("*kastanje*") if path.is_file()]
        assert len(kept) == 1 and "drie ochtenden" in kept[0].read_text(encoding="utf-8")

        for doc_id in ("basisschool-de-kastanje", "de-linde"):
            removed = http.delete(f"/documents/{doc_id}")
            assert removed.status_code == 200 and removed.json() == {"doc_id": doc_id, "status": "removed"}
        assert set(http.get("/schools").json()) == {"obs-de-regenboog", "kindcentrum-de-vlinder", "sbo-het-anker"}
        assert http.delete("/documents/de-linde").status_code == 404
        assert not [path for path in (writer.index / "uploads").rglob("*") if path.is_file()]


# At once ------------------------------------------------------------------------------------------------------
SCHOOLS = {"obs-de-regenboog": "OBS De Regenboog", "kindcentrum-de-vlinder": "Kindcentrum De Vlinder",
           "sbo-het-anker": "SBO Het Anker"}
TOPICS = [
    "een lift", "een invalidetoilet", "ondersteuning bij dyslexie", "aandacht voor hoogbegaafde leerlingen",
    "een aanpak voor gedrag", "hulp bij faalangst", "ervaring met autisme", "een orthopedagoog",
    "een zwembad", "ondersteuning bij dyscalculie", "extra hulp bij taal", "een rolstoelvriendelijk gebouw",
    "een intern begeleider", "een plusklas", "zorg voor zieke leerlingen", "contact met ouders", "een time-outruimte",
]


def fifty_questions() -> list[tuple[str, str]]:
    questions = [(doc_id, f"Heeft {name} {topic}?") for topic in TOPICS for doc_id, name in SCHOOLS.items()]
    return questions[:50]


def test_fifty_questions_at_once_answer_as_one_by_one(reader: Server) -> None:
    questions = fifty_questions()
    with reader.client() as http:
        alone = [http.post("/ask", json={"question": question}).json() for _, question in questions]
    start = threading.Barrier(len(questions))

    def ask(question: str) -> tuple[int, dict]:
        with reader.client() as http:
            start.wait()
            response = http.post("/ask", json={"question": question})
            return response.status_code, response.json()

    with ThreadPoolExecutor(max_workers=len(questions)) as pool:
        together = list(pool.map(ask, [question for _, question in questions]))
    for (doc_id, question), expected, (status, answer) in zip(questions, alone, together):
        assert status == 200, answer
        assert answer == expected, f"{question}: answer differs when asked with 49 others"
        assert answer["question"] == question and cited(answer) <= {doc_id}, f"{question}: cites another school"
    answered = [answer for _, answer in together if not answer["refused"]]
    assert len(answered) >= 30, "most of these questions have an answer in the profiles"
    assert all(cited(answer) for answer in answered)


def test_an_upload_during_questions_loses_nothing(writer: Server) -> None:
    questions = fifty_questions()[:12]
    with writer.client(**auth()) as http:
        before = http.get("/schools").json()
        alone = {question: http.post("/ask", json={"question": question}).json() for _, question in questions}
    stop = threading.Event()
    results: list[tuple[str, str, int, dict]] = []
    listings: list[tuple[int, dict]] = []

    def keep_asking(offset: int) -> None:
        with writer.client() as http:
            turn = offset
            while not stop.is_set():
                doc_id, question = questions[turn % len(questions)]
                response = http.post("/ask", json={"question": question})
                results.append((doc_id, question, response.status_code, response.json()))
                if turn % 4 == 0:
                    listing = http.get("/schools")
                    listings.append((listing.status_code, listing.json()))
                turn += 1

    askers = [threading.Thread(target=keep_asking, args=(n * 3,)) for n in range(8)]
    for thread in askers:
        thread.start()
    try:
        time.sleep(0.5)
        with writer.client(**auth()) as http:
            # A new school, then a new version of it: each write re-opens the store under the questions.
            first = http.post("/documents", files={"files": ("Basisschool De Kastanje.md", KASTANJE.encode())})
            changed = KASTANJE + "\n## Gedrag\n\nOp onze school werkt een gedragsspecialist met de kastanjecoach samen.\n"
            second = http.post("/documents", files={"files": ("Basisschool De Kastanje.md", changed.encode())})
            during = len(results)
            time.sleep(0.5)
    finally:
        stop.set()
        for thread in askers:
            thread.join(timeout=120)
    for upload in (first, second):
        assert upload.status_code == 200 and upload.json()["documents"][0]["status"] == "indexed", upload.text
    assert during >= 8, "questions were answered while the uploads were indexed"
    for doc_id, question, status, answer in results:
        assert status == 200, answer
        assert cited(answer) <= {doc_id}, f"{question}: cites another school"
        if not alone[question]["refused"]:
            assert not answer["refused"] and cited(answer) == cited(alone[question]), f"{question}: lost its answer"
    for status, listing in listings:
        assert status == 200, listing
        assert {doc_id: entry for doc_id, entry in listing.items() if doc_id in before} == before
    with writer.client(**auth()) as http:
        after = http.get("/schools").json()
        assert {doc_id: entry for doc_id, entry in after.items() if doc_id in before} == before
        assert set(after) == set(before) | {"basisschool-de-kastanje"}
        answer = http.post("/ask", json={"question": "Heeft Basisschool De Kastanje een gedragsspecialist?"}).json()
        assert cited(answer) == {"basisschool-de-kastanje"} and "gedragsspecialist" in answer["answer"]
        assert http.delete("/documents/basisschool-de-kastanje").status_code == 200
        assert http.get("/schools").json() == before
        # Back to the index as it was: the same answers as before the upload.
        for _, question in questions:
            assert http.post("/ask", json={"question": question}).json() == alone[question], question


# The command line through SOP_API_URL -------------------------------------------------------------------------
def test_ask_through_sop_api_url_prints_what_the_command_prints(reader: Server, examples_index: Path, tmp_path: Path) -> None:
    batch = tmp_path / "questions.jsonl"
    batch.write_text("\n".join(json.dumps(item) for item in [
        {"id": "lift", "question": "Heeft de school een lift?"},
        {"id": "toilet", "question": "En een invalidetoilet?", "history": ["Heeft de school een lift?"], "extra": 1},
        {"id": "zwembad", "question": "Is er een zwembad?"},
    ]) + "\n", encoding="utf-8")
    runs = [
        ["ask", "--json", "--school", "kindcentrum-de-vlinder", "--history", "Heeft Kindcentrum De Vlinder een lift?",
         "En een invalidetoilet?"],
        ["ask", "--batch", str(batch), "--json", "--town", "Den Haag", "--type", "sbo"],
        ["ask", LIFT],
    ]
    here = cli_env(SOP_INDEX_DIR=str(reader.index))
    remote = cli_env(SOP_API_URL=reader.url)
    for args in runs:
        local, through = run_cli(args, here), run_cli(args, remote)
        assert local.returncode == through.returncode == 0, (local.stderr, through.stderr)
        assert through.stdout == local.stdout, args
    batch_out = [json.loads(line) for line in run_cli(runs[1], remote).stdout.splitlines()]
    assert [item["id"] for item in batch_out] == ["lift", "toilet", "zwembad"]
    assert all(cited(item) <= {"sbo-het-anker"} for item in batch_out)
    assert run_cli(runs[2], remote).stdout.startswith("Nee. Volgens het schoolondersteuningsprofiel van OBS De Regenboog")


def test_sop_api_url_errors_are_one_line(reader: Server, tmp_path: Path) -> None:
    unknown = run_cli(["ask", "--school", "sbo-het-kompas", "Lift?"], cli_env(SOP_API_URL=reader.url))
    assert unknown.returncode == 2
    assert unknown.stderr.startswith("sop-assistant: --school sbo-het-kompas: not in the index") and unknown.stderr.count("\n") == 1
    bad_batch = tmp_path / "bad.jsonl"
    bad_batch.write_text('{"id": 1, "question": "Heeft OBS De Regenboog een lift?"}\nnot json\n', encoding="utf-8")
    broken = run_cli(["ask", "--batch", str(bad_batch), "--json"], cli_env(SOP_API_URL=reader.url))
    assert broken.returncode == 2 and f"--batch {bad_batch}:2: expected an object with 'question'" in broken.stderr
    assert json.loads(broken.stdout)["id"] == 1
    elsewhere = run_cli(["ask", "--index", str(tmp_path), "Lift?"], cli_env(SOP_API_URL=reader.url))
    assert elsewhere.returncode == 2 and "--index" in elsewhere.stderr and "SOP_API_URL" in elsewhere.stderr
    gone = f"http://127.0.0.1:{free_port()}"
    down = run_cli(["ask", LIFT], cli_env(SOP_API_URL=gone))
    assert down.returncode == 1 and down.stdout == ""
    assert down.stderr.startswith(f"sop-assistant: cannot reach the server at {gone} (SOP_API_URL)")
    assert down.stderr.count("\n") == 1 and "Traceback" not in down.stderr


def test_the_sop_api_url_client_imports_nothing_heavy(reader: Server) -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "assistant", "ask", "--json", LIFT],
        cwd=ROOT, env=cli_env(SOP_API_URL=reader.url), capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["answer"].startswith("Nee.")
    modules = {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert "httpx" in modules
    heavy = {"torch", "sentence_transformers", "transformers", "chromadb", "langchain_core", "langchain", "numpy",
             "bm25s", "pymupdf", "index", "ingest"}
    assert not modules & heavy, f"the client imported {sorted(modules & heavy)}"
