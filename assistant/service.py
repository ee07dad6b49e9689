"""The assistant as one object, the library face that the command line, the app and the API call: the index, the
retriever and the answer composer, loaded once and shared."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, cast

from assistant.answers.contacts import contact_lines
from assistant.answers.model import Answer, AnswerComposer, Citation, phrase
from assistant.answers.registry import make_composer
from assistant.directory import school_labels
from assistant.indexing import IngestReport, ingest_files
from assistant.matrix.answer import category_name, compose_matrix_answer, matrix_statuses, status_word
from assistant.matrix.cache import MatrixRows
from assistant.matrix.export import matrix_csv
from assistant.matrix.rules import Cell, SchoolStatus, categories
from assistant.question.model import Question
from assistant.retrieval import ProfileSearch, Retrieval
from assistant.uploads import UploadOutcome, add_uploads, drop_own_upload
from core.config import Settings
from core.errors import SopError, UsageError
from index.indexer import SupportProfileIndex
from index.store import IndexedProfile
from ingest.loader import SUPPORTED_SUFFIXES

if TYPE_CHECKING:
    from assistant.answers.llm import AnswerStream
    from assistant.retriever import SopRetriever

# What the app and the API use besides the assistant itself: they import this module only.
__all__ = [
    "SUPPORTED_SUFFIXES", "Answer", "Cell", "Citation", "IndexedProfile", "IngestReport", "SopAssistant",
    "SopError", "UploadOutcome", "categories", "category_name", "matrix_csv", "status_word",
]

MAX_QUESTION_CHARS = 2000


class SopAssistant:
    """Answers questions over one index."""

    def __init__(
        self, settings: Settings, composer: AnswerComposer | None = None, model_in_background: bool = False
    ) -> None:
        self.settings = settings
        self.index = SupportProfileIndex(settings, model_in_background)
        self.retriever = ProfileSearch(self.index, k=max(settings.top_k, 10))
        self._composer = composer
        self._contacts: dict[str, str] = {}
        self._matrix_rows = MatrixRows.of(self.index)

    @property
    def composer(self) -> AnswerComposer:
        """The answer composer, made on first use: ingesting needs none (an LLM's may reach for a server)."""
        if self._composer is None:
            self._composer = make_composer(self.settings, self.index.embeddings)
        return self._composer

    # The index ---------------------------------------------------------------------------------------------------
    def schools(self) -> dict[str, IndexedProfile]:
        """Every indexed profile by doc_id."""
        return self.index.profiles()

    def labels(self) -> dict[str, str]:
        """Every indexed school's label, unique in the index ('Willibrordusschool (Diessen)')."""
        return school_labels(self.index.profiles())

    def ingest(self, paths: Iterable[Path], progress: Callable[[IngestReport], None] | None = None) -> list[IngestReport]:
        """Index files and folders (PDF, DOCX, HTML, TXT, MD); each file succeeds or fails on its own."""
        reports = ingest_files(self.index, paths, progress)
        if any(report.status == "indexed" for report in reports):
            # The support-matrix rows of the new versions are worked out now, not at the first 'Welke scholen …?'
            # question (with a thousand schools that would keep that question waiting most of a minute).
            self.matrix()
        return reports

    def add_uploads(
        self,
        files: list[tuple[str, bytes]],
        on_start: Callable[[int], None] | None = None,
        on_done: Callable[[int, UploadOutcome], None] | None = None,
    ) -> list[UploadOutcome]:
        """Save uploaded (name, content) pairs under the index folder and index them as :meth:`ingest` does."""
        return add_uploads(self.settings, self.index.profiles, self.ingest, files, on_start, on_done)

    def remove(self, doc_id: str) -> None:
        """Take a school's profile out of the index, and its file when an upload brought it in."""
        profile = self.index.profiles().get(doc_id)
        if profile is None:
            raise UsageError(f"remove {doc_id}: not in the index")
        self.index.remove(doc_id)
        drop_own_upload(self.settings, profile.path)

    def langchain_retriever(self) -> SopRetriever:
        """This assistant's search as a LangChain ``BaseRetriever`` (for chains and agents)."""
        from assistant.retriever import SopRetriever

        return SopRetriever(search=self.retriever)

    def start_loading_model(self) -> None:
        """Begin loading the embedding model in the background, when it was left to load later (an app calls this
        once its first page is shown, so the page does not share the processor with torch's import)."""
        start = getattr(self.index.embeddings, "start", None)
        if start is not None:
            start()

    def warm_up(self) -> None:
        """Do now what the first question would otherwise wait for (a server calls this before it opens its port):
        the embedding model's first run, the lexical index, template text and the matrix rows."""
        question = self.retriever.read("Is er een lift?", None, None, None, None)
        if self.index.profiles():
            self.retriever.retrieve(question)
            self.matrix()

    def contacts(self, doc_ids: list[str]) -> Mapping[str, str]:
        """Each school's contact lines, read from its profile only when an answer asks for them (a refusal):
        reading every named school's chunks for every question costs a store read per school."""
        return _LazyContacts(doc_ids, self._contact_of)

    def _contact_of(self, doc_id: str) -> str:
        if doc_id not in self._contacts:
            self._contacts[doc_id] = contact_lines(self.index.store.chunks_of(doc_id))
        return self._contacts[doc_id]

    def matrix(
        self, towns: list[str] | None = None, types: list[str] | None = None, schools: Iterable[str] | None = None
    ) -> dict[str, dict[str, Cell]]:
        """The support matrix of the index (of the schools in ``towns``, of ``types`` and among the doc_ids
        ``schools``, when given); each school's row is worked out once per indexed version."""
        wanted_towns = {town.casefold() for town in towns or []}
        wanted_types = {kind.casefold() for kind in types or []}
        wanted = None if schools is None else set(schools)
        profiles = {
            doc_id: p for doc_id, p in self.index.profiles().items()
            if (not wanted_towns or p.town.casefold() in wanted_towns) and (not wanted_types or p.type in wanted_types)
            and (wanted is None or doc_id in wanted)
        }
        return self._matrix_rows.matrix(profiles)

    def ask(
        self,
        question: str,
        history: list[str] | None = None,
        schools: list[str] | None = None,
        towns: list[str] | None = None,
        types: list[str] | None = None,
    ) -> Answer:
        """Answer one question (with earlier questions of the conversation, oldest first), about ``schools``
        (doc_ids), or the schools in ``towns`` and of ``types`` (``basisschool``, ``sbo``, ``so``, ``vo``)."""
        return cast(Answer, self._respond(question, history, schools, towns, types, stream=False))

    def ask_stream(
        self,
        question: str,
        history: list[str] | None = None,
        schools: list[str] | None = None,
        towns: list[str] | None = None,
        types: list[str] | None = None,
    ) -> Answer | AnswerStream:
        """Like :meth:`ask`, but an LLM composer's answer comes as an :class:`AnswerStream` (iterate it, e.g. with
        ``st.write_stream``, then read ``.answer``); extractive and matrix answers and refusals come whole."""
        return self._respond(question, history, schools, towns, types, stream=True)

    def _respond(
        self, text: str, history: list[str] | None, schools: list[str] | None, towns: list[str] | None,
        types: list[str] | None, stream: bool,
    ) -> Answer | AnswerStream:
        # Very long input is cut, not refused: the first part carries the question.
        text = " ".join(text.split())[:MAX_QUESTION_CHARS]
        if not text:
            return Answer(text, phrase("nl", "empty_question"), "nl", True, [], [])
        profiles = self.index.profiles()
        unknown = [s for s in schools or [] if s not in profiles]
        if profiles and unknown:
            raise UsageError(f"--school {unknown[0]}: not in the index (known: {', '.join(sorted(profiles))})")
        question = self.retriever.read(text, history, schools, towns, types)
        if not profiles:
            return Answer(text, phrase(question.language, "no_index"), question.language, True, [], [])
        if question.unknown_school is not None:
            # 'SBO Het Anker' when only Het Kristal and Balans are indexed: another school's passages would answer
            # a question this school's profile may answer differently.
            names = sorted(school_labels(profiles).values())
            indexed = ", ".join(names) if len(names) <= 12 else f"{', '.join(names[:12])} … ({len(names)})"
            answer = phrase(question.language, "unknown_school", name=question.unknown_school, schools=indexed)
            return Answer(text, answer, question.language, True, [], [])
        if (question.towns or question.types) and not question.schools and not question.scope:
            return self._none_in_scope(question, profiles)
        retrieval = self.retriever.retrieve(question)
        if question.across_schools:
            # Only the rows asked for: with thousands of schools every row is a file read (or worked out).
            within = question.schools or question.scope
            matrix = self.matrix(schools=within) if within else self.matrix()
            statuses = matrix_statuses(question, matrix, retrieval.labels | school_labels(profiles))
            if statuses:
                return self._matrix_answer(retrieval, statuses, profiles)
        doc_ids = list(dict.fromkeys(question.schools or [d.metadata["doc_id"] for d in retrieval.documents]))
        contacts = self.contacts(doc_ids)
        streaming = getattr(self.composer, "stream", None) if stream else None
        if streaming is not None:
            return cast("AnswerStream", streaming(retrieval, contacts))
        answer = self.composer.compose(retrieval, contacts)
        if answer.refused and question.schools:
            return self._from_school_matrix(answer, retrieval, profiles) or answer
        return answer

    def _none_in_scope(self, question: Question, profiles: dict[str, IndexedProfile]) -> Answer:
        """'Welke scholen in Delft …?' over an index with no school in Delft: said plainly, with the towns there are."""
        language = question.language
        scope = " ".join(
            part for part in (
                phrase(language, "scope_town", towns=", ".join(question.towns)) if question.towns else "",
                phrase(language, "scope_type", types=", ".join(question.types)) if question.types else "",
            ) if part
        )
        towns = sorted({p.town for p in profiles.values() if p.town})
        shown = ", ".join(towns[:20]) + (f" … ({len(towns)})" if len(towns) > 20 else "") or "—"
        return Answer(question.text, phrase(language, "none_in_scope", scope=scope, towns=shown), language, True, [], [])

    def _from_school_matrix(self, refused: Answer, retrieval: Retrieval, profiles: dict) -> Answer | None:
        """'Does Balans have experience with autism?': no passage says 'autisme', but the school's support matrix
        reads 'ADHD, PDDNOS, ADD' in its normprofiel list. A refusal about a named school and a matrix category is
        answered from that school's cells, when the profile says something about them; else the refusal stands."""
        question = retrieval.question
        if not question.categories:
            return None
        matrix = self.matrix(schools=question.schools)
        statuses = [
            SchoolStatus(doc_id, retrieval.label(doc_id), category, matrix[doc_id][category])
            for category in question.categories
            for doc_id in question.schools
            if doc_id in matrix and category in matrix[doc_id] and matrix[doc_id][category].status != "unknown"
        ]
        if not statuses:
            return None
        return self._matrix_answer(retrieval, statuses, profiles)

    def _matrix_answer(self, retrieval: Retrieval, statuses: list[SchoolStatus], profiles: dict) -> Answer:
        """The statuses as an answer, citing the retrieved passages or, where they miss a quote, the chunk holding it."""
        holding = self._matrix_rows.holding_chunks(profiles, list(dict.fromkeys(s.doc_id for s in statuses)))
        question: Question = retrieval.question
        return compose_matrix_answer(
            question.text, question.language, statuses, retrieval.documents, lambda doc_id: holding.get(doc_id, [])
        )


class _LazyContacts(Mapping[str, str]):
    """The contacts of some schools, each looked up on first use."""

    def __init__(self, doc_ids: list[str], lookup: Callable[[str], str]) -> None:
        self._doc_ids = doc_ids
        self._lookup = lookup

    def __getitem__(self, doc_id: str) -> str:
        if doc_id not in self._doc_ids:
            raise KeyError(doc_id)
        return self._lookup(doc_id)

    def __iter__(self) -> Iterator[str]:
        return iter(self._doc_ids)

    def __len__(self) -> int:
        return len(self._doc_ids)
