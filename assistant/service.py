"""The assistant as one object: index, retriever and answer composer, loaded once and shared (CLI batch, app)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, cast

from assistant.answer import Answer, AnswerComposer, ExtractiveComposer, contact_lines, phrase
from assistant.config import Settings
from assistant.errors import UsageError
from assistant.language import detect_language
from assistant.matrix_answer import compose_matrix_answer, matrix_statuses
from assistant.matrix_cache import MatrixRows
from assistant.profile import Cell, SchoolStatus, categories_in, category_synonyms, is_which_schools_question
from assistant.retrieval import Retrieval, SopRetriever
from index.indexer import SupportProfileIndex
from ingest.school import school_names_in

if TYPE_CHECKING:
    from assistant.llm import AnswerStream

MAX_QUESTION_CHARS = 2000


def make_composer(settings: Settings) -> AnswerComposer:
    """The composer named by SOP_LLM: ``extractive`` (default) or an LLM backend (see assistant/llm.py)."""
    if settings.llm == "extractive":
        return ExtractiveComposer()
    from assistant.llm import make_llm_composer

    return make_llm_composer(settings)


class SopAssistant:
    """Answers questions over one index."""

    def __init__(
        self, settings: Settings, composer: AnswerComposer | None = None, model_in_background: bool = False
    ) -> None:
        self.settings = settings
        self.index = SupportProfileIndex(settings, model_in_background)
        self.retriever = SopRetriever(index=self.index, k=max(settings.top_k, 10))
        self.composer = composer or make_composer(settings)
        self._contacts: dict[str, str] = {}
        self._matrix_rows = MatrixRows.of(self.index)

    def start_loading_model(self) -> None:
        """Begin loading the embedding model in the background, when it was left to load later (an app calls this
        once its first page is shown, so the page does not share the processor with torch's import)."""
        start = getattr(self.index.embeddings, "start", None)
        if start is not None:
            start()

    def contacts(self, doc_ids: list[str]) -> Mapping[str, str]:
        """Each school's contact lines, read from its profile only when an answer asks for them (a refusal):
        reading every named school's chunks for every question costs a store read per school."""
        return _LazyContacts(doc_ids, self._contact_of)

    def _contact_of(self, doc_id: str) -> str:
        if doc_id not in self._contacts:
            self._contacts[doc_id] = contact_lines(self.index.store.chunks_of(doc_id))
        return self._contacts[doc_id]

    def matrix(self) -> dict[str, dict[str, Cell]]:
        """The support matrix of the index; each school's row is worked out once per indexed version."""
        return self._matrix_rows.matrix(self.index.profiles())

    def ask(self, question: str, history: list[str] | None = None, schools: list[str] | None = None) -> Answer:
        """Answer one question (with earlier questions of the conversation, oldest first)."""
        return cast(Answer, self._respond(question, history, schools, stream=False))

    def ask_stream(
        self, question: str, history: list[str] | None = None, schools: list[str] | None = None
    ) -> Answer | AnswerStream:
        """Like :meth:`ask`, but an LLM composer's answer comes as an :class:`AnswerStream` (iterate it, e.g. with
        ``st.write_stream``, then read ``.answer``); extractive and matrix answers and refusals come whole."""
        return self._respond(question, history, schools, stream=True)

    def _respond(
        self, question: str, history: list[str] | None, schools: list[str] | None, stream: bool
    ) -> Answer | AnswerStream:
        question = " ".join(question.split())
        language = detect_language(question) if question else "nl"
        if not question:
            return Answer(question, phrase(language, "empty_question"), language, True, [], [])
        if len(question) > MAX_QUESTION_CHARS:
            # Very long input is cut, not refused: the first part carries the question.
            question = question[:MAX_QUESTION_CHARS]
        profiles = self.index.profiles()
        if not profiles:
            return Answer(question, phrase(language, "no_index"), language, True, [], [])
        unknown = [s for s in schools or [] if s not in profiles]
        if unknown:
            raise UsageError(f"--school {unknown[0]}: not in the index (known: {', '.join(sorted(profiles))})")
        retrieval = self.retriever.retrieve(question, history or [], schools or None)
        previous = next((q for q in reversed(history or []) if q.strip()), "")
        unknown_school = next(iter(school_names_in(question)), None) if not retrieval.schools else None
        if unknown_school is not None:
            # 'SBO Het Anker' when only Het Kristal and Balans are indexed: another school's passages would answer
            # a question this school's profile may answer differently.
            names = sorted(p.school for p in profiles.values())
            indexed = ", ".join(names) if len(names) <= 12 else f"{', '.join(names[:12])} … ({len(names)})"
            text = phrase(retrieval.language, "unknown_school", name=unknown_school, schools=indexed)
            return Answer(question, text, retrieval.language, True, [], [])
        if is_which_schools_question(question) or is_which_schools_question(previous):
            matrix = self.matrix()
            if retrieval.schools:
                matrix = {doc_id: row for doc_id, row in matrix.items() if doc_id in retrieval.schools}
            names = {doc_id: p.school for doc_id, p in profiles.items()}
            statuses = matrix_statuses(question, previous, matrix, names)
            if statuses:
                return self._matrix_answer(question, retrieval, statuses, profiles)
        doc_ids = list(dict.fromkeys(retrieval.schools or [d.metadata["doc_id"] for d in retrieval.documents]))
        contacts = self.contacts(doc_ids)
        streaming = getattr(self.composer, "stream", None) if stream else None
        if streaming is not None:
            return cast("AnswerStream", streaming(retrieval, contacts))
        answer = self.composer.compose(retrieval, contacts)
        if answer.refused and retrieval.schools:
            return self._from_school_matrix(answer, retrieval, profiles) or answer
        return answer

    def _from_school_matrix(self, refused: Answer, retrieval: Retrieval, profiles: dict) -> Answer | None:
        """'Does Balans have experience with autism?': no passage says 'autisme', but the school's support matrix
        reads 'ADHD, PDDNOS, ADD' in its normprofiel list. A refusal about a named school and a matrix category is
        answered from that school's cells, when the profile says something about them; else the refusal stands."""
        asked = categories_in(retrieval.resolved.question, category_synonyms())
        if not asked:
            return None
        matrix = self.matrix()
        statuses = [
            SchoolStatus(doc_id, profiles[doc_id].school, category, matrix[doc_id][category])
            for category in asked
            for doc_id in retrieval.schools
            if doc_id in matrix and category in matrix[doc_id] and matrix[doc_id][category].status != "unknown"
        ]
        if not statuses:
            return None
        return self._matrix_answer(refused.question, retrieval, statuses, profiles)

    def _matrix_answer(self, question: str, retrieval: Retrieval, statuses: list[SchoolStatus], profiles: dict) -> Answer:
        """The statuses as an answer, citing the retrieved passages or, where they miss a quote, the chunk holding it."""
        holding = self._matrix_rows.holding_chunks(profiles, list(dict.fromkeys(s.doc_id for s in statuses)))
        return compose_matrix_answer(
            question, retrieval.language, statuses, retrieval.documents, lambda doc_id: holding.get(doc_id, [])
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
