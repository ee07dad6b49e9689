"""The profile search as a LangChain retriever, for chains and tools that take a ``BaseRetriever``. Kept apart from
``assistant/retrieval.py`` so that answering a question does not import LangChain's runnables and tracers."""

from __future__ import annotations

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.retrieval import ProfileSearch


class SopRetriever(BaseRetriever):
    """``invoke(question)`` → the ranked passages (``metadata["rank"]``, from 1), as :class:`ProfileSearch` finds them."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    search: ProfileSearch

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return self.search.retrieve(self.search.read(query)).documents
