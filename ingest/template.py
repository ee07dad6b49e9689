"""Instructions of the model support profile to the form filler ("Beschrijf kort de visie …"): not content."""

from __future__ import annotations

import re

from core.data import package_json

_PATTERNS = package_json("ingest.data", "template_text.json")
_INSTRUCTION = re.compile("|".join(f"(?:{pattern})" for pattern in _PATTERNS["sentences"]), re.IGNORECASE)
_LEAD = re.compile(r"^[\s*•·\-–]+")


def is_template_instruction(sentence: str) -> bool:
    """Whether a sentence is guidance for filling in the profile rather than something the school says."""
    return bool(_INSTRUCTION.search(_LEAD.sub("", sentence)))
