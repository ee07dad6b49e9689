"""The assistant as one object: index, retriever and answer composer, loaded once and shared (CLI batch, app)."""

from __future__ import annotations

from assistant.answer import Answer, AnswerComposer, ExtractiveComposer, contact_lines, phrase
from assistant.config import Settings
from assistant.errors import UsageError
from assistant.language import detect_language
from assistant.matrix_answer import compose_matrix_answer, matrix_statuses
from assistant.profile import Cell, is_which_schools_question, support_matrix
from assistant.retrieval import SopRetriever
from index.indexer import SupportProfileIndex

MAX_QUESTION_CHARS = 2000


def make_composer(settings: Settings) -> AnswerComposer:
    """The composer named by SOP_LLM: ``extractive`` (default) or an LLM backend (see assistant/llm.py)."""
    if settings.llm == "extractive":
        return ExtractiveComposer()
    from assistant.llm import make_llm_composer

    return make_llm_composer(settings)


class SopAssistant:
    """Answers questions over one index."""

    def __init__(self, settings: Settings, composer: AnswerComposer | None = None) -> None:
        self.settings = settings
        self.index = SupportProfileIndex(settings)
        self.retriever = SopRetriever(index=self.index, k=max(settings.top_k, 10))
        self.composer = composer or make_composer(settings)
        self._contacts: dict[str, str] = {}
        self._matrix: tuple[tuple[tuple[str, str], ...], dict[str, dict[str, Cell]]] | None = None

    def contacts(self, doc_ids: list[str]) -> dict[str, str]:
        for doc_id in doc_ids:
            if doc_id not in self._contacts:
                self._contacts[doc_id] = contact_lines(self.index.store.chunks_of(doc_id))
        return {doc_id: self._contacts[doc_id] for doc_id in doc_ids}

    def matrix(self) -> dict[str, dict[str, Cell]]:
        """The support matrix of the index, computed once per indexed version of the profiles."""
        stamp = tuple(sorted((doc_id, p.version) for doc_id, p in self.index.profiles().items()))
        if self._matrix is None or self._matrix[0] != stamp:
            self._matrix = (stamp, support_matrix(self.index))
        return self._matrix[1]

    def ask(self, question: str, history: list[str] | None = None, schools: list[str] | None = None) -> Answer:
        """Answer one question (with earlier questions of the conversation, oldest first)."""
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
        if is_which_schools_question(question) or is_which_schools_question(previous):
            matrix = self.matrix()
            if retrieval.schools:
                matrix = {doc_id: row for doc_id, row in matrix.items() if doc_id in retrieval.schools}
            names = {doc_id: p.school for doc_id, p in profiles.items()}
            statuses = matrix_statuses(question, previous, matrix, names)
            if statuses:
                return compose_matrix_answer(
                    question, retrieval.language, statuses, retrieval.documents, self.index.store.chunks_of
                )
        doc_ids = list(dict.fromkeys(retrieval.schools or [d.metadata["doc_id"] for d in retrieval.documents]))
        return self.composer.compose(retrieval, self.contacts(doc_ids))
