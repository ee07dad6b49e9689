"""How to reach a school according to its profile, for a refusal: 'Vraag het na bij de school: …'."""

from __future__ import annotations

import re

from langchain_core.documents import Document

_CONTACT_FIELDS = (
    ("telefoon", re.compile(r"\bTelefoon(?:nummer)?\s*[:|]?\s*(\+?[\d][\d \-]{7,13}\d)", re.IGNORECASE)),
    ("e-mail", re.compile(r"\b(?:Algemeen\s+)?e-?mail(?:adres)?\s*[:|]?\s*([\w.+-]+@[\w-]+(?:\.[\w-]+)+)", re.IGNORECASE)),
    ("website", re.compile(r"\bWebsite(?:\s+school)?\s*[:|]?\s*((?:https?://)?www\.[\w.-]+\.\w+)", re.IGNORECASE)),
)
_CONTACT_PERSON = re.compile(r"[^.:•]*\baanspreekpunt\b[^.]*\.?", re.IGNORECASE)
# The point of contact for a parent's question, not the one for a single matter ('aanspreekpunt voor pesten').
_FOR_PARENTS = re.compile(r"\bouders\b|\bintern begeleider|\bIB[-’']?(?:er|ers)?\b", re.IGNORECASE)


def contact_lines(chunks: list[Document]) -> str:
    """How to reach the school according to its profile: telephone, e-mail and website from its contact data,
    else the sentence that names the point of contact ('De intern begeleider is aanspreekpunt voor de ouders')."""
    found: dict[str, str] = {}
    for chunk in chunks:
        for label, pattern in _CONTACT_FIELDS:
            match = pattern.search(chunk.page_content)
            if match and label not in found:
                found[label] = f"{label} {match.group(1).strip()}"
    if found:
        return ", ".join(found[label] for label, _ in _CONTACT_FIELDS if label in found)
    for chunk in chunks:
        for match in _CONTACT_PERSON.finditer(" ".join(chunk.page_content.split())):
            if _FOR_PARENTS.search(match.group(0)):
                return f"“{match.group(0).strip().rstrip('.')}”"  # the phrase around it ends the sentence
    return ""
