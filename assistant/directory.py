"""The schools of an index as people tell them apart: a name is no identity (De Regenboog, Jan Ligthart and
Willibrordus each stand in dozens of towns), so every school gets a label unique in the index — its name, with its
town where names clash, and its BRIN where name and town both clash."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from index.store import IndexedProfile


def _label(name: str, *details: str) -> str:
    shown = [detail for detail in details if detail]
    return f"{name} ({', '.join(shown)})" if shown else name


def school_labels(profiles: Mapping[str, IndexedProfile]) -> dict[str, str]:
    """Every indexed school's label by doc_id, no two alike."""
    names = Counter(p.school.casefold() for p in profiles.values())
    places = Counter((p.school.casefold(), p.town.casefold()) for p in profiles.values())
    labels: dict[str, str] = {}
    for doc_id, p in profiles.items():
        if names[p.school.casefold()] == 1:
            labels[doc_id] = p.school
        elif p.town and places[(p.school.casefold(), p.town.casefold())] == 1:
            labels[doc_id] = _label(p.school, p.town)
        else:
            labels[doc_id] = _label(p.school, p.town, p.brin)
    # Two schools of one name in one town without a BRIN (or with the same one) are told apart by their document.
    taken = Counter(labels.values())
    for doc_id, label in labels.items():
        if taken[label] > 1:
            p = profiles[doc_id]
            labels[doc_id] = _label(p.school, p.town, p.brin, doc_id)
    return labels
