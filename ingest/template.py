"""Instructions of the model support profile to the form filler ("Beschrijf kort de visie …"): not content."""

from __future__ import annotations

import json
import re
from importlib import resources

_PATTERNS = json.loads(resources.files("ingest.data").joinpath("template_text.json").read_text(encoding="utf-8"))
_INSTRUCTION = re.compile("|".join(f"(?:{pattern})" for pattern in _PATTERNS["sentences"]), re.IGNORECASE)
_LEAD = re.compile(r"^[\s*•·\-–]+")


def is_template_instruction(sentence: str) -> bool:
    """Whether a sentence is guidance for filling in the profile rather than something the school says."""
    return bool(_INSTRUCTION.search(_LEAD.sub("", sentence)))
