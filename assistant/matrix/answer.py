"""Questions across schools ('Welke scholen hebben een lift?', 'Which schools accept dyslexia?') answered from the
support matrix: every school's status per asked category, each resting on a verbatim quote cited as [n].

The sources keep the retrieval order of the question (so ``sources`` stays the ranked passages the contract asks
for); a matrix quote found in a retrieved passage cites that passage, otherwise the passage holding the quote is
added after them."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from langchain_core.documents import Document

from assistant.answers.citations import citation_for, page_of
from assistant.answers.model import Answer, Citation, phrase
from assistant.data import matrix_text
from assistant.matrix.rules import Cell, SchoolStatus, Status
from assistant.question.language import Language
from assistant.question.model import Question

# Schools that offer something first, then those that decide per child, then those that cannot.
_STATUS_ORDER: dict[Status, int] = {"yes": 0, "border": 1, "limit": 2, "no": 3, "unknown": 4}


def status_word(status: Status, language: Language) -> str:
    """The word for a status in the interface language (Dutch unless English)."""
    return matrix_text()["en" if language == "en" else "nl"]["status"][status]


def category_name(category: str, language: Language) -> str:
    """A category key ('nt2_nieuwkomers') as people read it ('NT2 / nieuwkomers')."""
    return matrix_text()["category_names"]["en" if language == "en" else "nl"].get(category, category)


def matrix_statuses(
    question: Question, matrix: Mapping[str, Mapping[str, Cell]], names: Mapping[str, str]
) -> list[SchoolStatus]:
    """Every school's status (with its citation) for the categories a question across schools asks about
    ('Welke scholen hebben een lift?', or 'En een invalidetoilet?' after one); empty when it names no category."""
    return [
        SchoolStatus(doc_id, names.get(doc_id, doc_id), category, row[category])
        for category in question.categories
        for doc_id, row in matrix.items()
        if category in row
    ]


def _holding(documents: Sequence[Document], doc_id: str, quote: str) -> Document | None:
    wanted = " ".join(quote.split())
    return next(
        (d for d in documents if d.metadata.get("doc_id") == doc_id and wanted in " ".join(d.page_content.split())),
        None,
    )


def _verbatim(document: Document, quote: str) -> str:
    """The quote as it stands in the passage (the matrix normalises whitespace; a citation must be verbatim)."""
    if quote in document.page_content:
        return quote
    words = quote.split()
    text = document.page_content
    start = text.find(words[0])
    while start != -1:
        position, matched = start, True
        for word in words:
            found = text.find(word, position)
            if found == -1 or text[position:found].strip():
                matched = False
                break
            position = found + len(word)
        if matched:
            return text[start:position]
        start = text.find(words[0], start + 1)
    return quote


def compose_matrix_answer(
    question: str,
    language: Language,
    statuses: Sequence[SchoolStatus],
    retrieved: Sequence[Document],
    chunks_of: Callable[[str], list[Document]],
) -> Answer:
    """One answer listing every school's status per category, each status with its cited quote."""
    words = matrix_text()["en" if language == "en" else "nl"]
    by_rank = {source.rank: source for source in (citation_for(d) for d in retrieved)}
    named = list(dict.fromkeys(s.school for s in statuses))
    lead = words["lead_school"].format(school=named[0]) if len(named) == 1 else words["lead"].format(count=len(named))
    # A question in another language gets the Dutch answer, saying so first (as every other answer does).
    lines = [phrase(language, "other_language"), lead] if language == "other" else [lead]
    for category in dict.fromkeys(s.category for s in statuses):
        lines.append("")
        ranked = sorted((s for s in statuses if s.category == category), key=lambda s: (_STATUS_ORDER[s.status], s.school))
        lines.append(f"{category_name(category, language)}:")
        if len(ranked) > 1:
            # Over many schools the count per status comes first: the list below it is long.
            lines[-1] += " " + _counts(ranked, words)
        unknown = []
        for status in ranked:
            if status.status == "unknown" or not status.cell.quote:
                unknown.append(status.school)
                continue
            cell = status.cell
            rank = _cite(status, cell.quote, cell.page, cell.section, retrieved, chunks_of, by_rank)
            note = f" {words['regional_note']}" if by_rank[rank].scope == "regional" else ""
            under = _list_label(cell.section, by_rank[rank].section)
            label = words["under"].format(label=under) if under else ""
            line = f"- {status.school}: {status_word(status.status, language)} — “{_flat(cell.quote)}”{label} [{rank}]{note}"
            if cell.second is not None and cell.second.quote:
                # A border or limit that rests on two signals ('Lift | Nee' and a Grens item) shows both.
                second = cell.second
                other = _cite(status, second.quote, second.page, second.section, retrieved, chunks_of, by_rank)
                line += words["second"].format(quote=_flat(second.quote), rank=other)
            lines.append(line)
        if unknown:
            lines.append(words["unknown_schools"].format(schools=", ".join(unknown)))
    schools = list(dict.fromkeys(s.doc_id for s in statuses))
    sources = [by_rank[rank] for rank in sorted(by_rank)]
    return Answer(question, "\n".join(lines), language, False, schools, sources)


def _counts(ranked: Sequence[SchoolStatus], words: Mapping) -> str:
    """'12 ja, 3 grensgebied, 64 niet vermeld (van 79 scholen)', in the order the schools are listed."""
    counted: dict[Status, int] = {}
    for status in ranked:
        shown: Status = "unknown" if not status.cell.quote else status.status
        counted[shown] = counted.get(shown, 0) + 1
    parts = ", ".join(f"{count} {words['status_short'][status]}" for status, count in counted.items())
    return words["counts"].format(counts=parts, total=len(ranked))


def _list_label(cell_section: str, cited_section: str) -> str:
    """The list a bare item stands in ('Binnen het normprofiel' for 'Begaafdheid') when the cited passage's section
    does not name it: one passage can hold the Grens, Grensgebied and normprofiel lists together."""
    label = cell_section.split(" › ")[-1]
    if not cell_section or label == cited_section.split(" › ")[-1]:
        return ""
    return re.sub(r":(?=\s|$)", "", label)  # 'Grensgebied: (per leerling …)' reads 'Grensgebied (per leerling …)


def _flat(quote: str) -> str:
    return " ".join(quote.split())


def _cite(
    status: SchoolStatus,
    quote: str,
    page: int | None,
    section: str,
    retrieved: Sequence[Document],
    chunks_of: Callable[[str], list[Document]],
    by_rank: dict[int, Citation],
) -> int:
    """The rank of the source holding a quote of this school's cell, adding that passage when retrieval missed it
    (``by_rank`` gets the citation with the quote)."""
    document = _holding(retrieved, status.doc_id, quote)
    if document is not None:
        citation = by_rank[int(document.metadata["rank"])]
        verbatim = _verbatim(document, quote)
        if not citation.quote:
            # The page of the quote, not of the passage's start (a passage can run over a page break).
            citation = replace(citation, page=page_of(document, max(document.page_content.find(verbatim), 0)))
        if verbatim not in citation.quote:
            citation = replace(citation, quote=f"{citation.quote} {verbatim}".strip())
        by_rank[citation.rank] = citation
        return citation.rank
    document = _holding(chunks_of(status.doc_id), status.doc_id, quote)
    rank = len(by_rank) + 1
    if document is None:
        # The matrix quotes the profile's own text, so this is rare (e.g. a quote spanning two chunks): cite the
        # matrix cell itself, with its page and section.
        citation = Citation(rank, status.doc_id, status.school, page, section, quote, quote, 0.0)
    else:
        document = Document(page_content=document.page_content, metadata={**document.metadata, "rank": rank, "score": 0.0})
        citation = citation_for(document, _verbatim(document, quote))
    by_rank[rank] = citation
    return rank
