"""School metadata found in a support profile: name, BRIN, city and the period the profile covers."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

_SCHOOL_WORDS = r"(?:O?BS|CBS|PCBS|RKBS|IKC|SBO|SO|Kc|KC|Kindcentrum|Integraal Kindcentrum|Basisschool|Openbare basisschool)"
_NAME_WORD = r"(?:[A-Z][\w'’\-]*|de|het|De|Het|van|der|den|’t|'t)"
# A name stays on one line: across a line break the next line's first word would be glued on ("De Wilg Op").
_SCHOOL_NAME = re.compile(rf"\b({_SCHOOL_WORDS}[^\S\n]+{_NAME_WORD}(?:[^\S\n]+{_NAME_WORD}){{0,3}})")
_SCHOOL_ROW = re.compile(r"^\s*\|?\s*(?:Naam (?:van de )?school|School)\s*(?:\||:|\s{2,})\s*([^|]+?)\s*\|?\s*$", re.M)
_BRIN = re.compile(r"\bBRIN(?:[- ]?nummer)?\s*(?:\||:|\s)\s*([0-9]{2}[A-Z]{2})\b", re.IGNORECASE)
_POSTCODE_CITY = re.compile(r"\b\d{4}\s?[A-Z]{2}\s+([A-Z][a-z]+(?:[ -](?:[A-Z][a-z]+|aan|den|de))*)")
_PERIOD = re.compile(r"\b(20\d\d)\s*[-–/]\s*(20\d\d)\b")
_CITIES = [
    line.strip()
    for line in resources.files("ingest.data").joinpath("cities.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]
_CITY_MENTION = re.compile(r"\b(?:gemeente|te|in|uit)\s+(" + "|".join(map(re.escape, _CITIES)) + r")\b")
_STOP_TAIL = {"de", "het", "van", "der", "den", "De", "Het"}


@dataclass(frozen=True)
class SchoolInfo:
    """What a profile says about the school it belongs to; unknown fields are empty strings."""

    school: str
    brin: str = ""
    city: str = ""
    period: str = ""


def school_names_in(text: str) -> list[str]:
    """Names shaped like a school's ('SBO Het Anker', 'Kindcentrum De Vlinder') that a text mentions."""
    return [_tidy(match) for match in _SCHOOL_NAME.findall(text)]


def _tidy(name: str) -> str:
    words = name.split()
    while words and words[-1] in _STOP_TAIL:
        words.pop()
    return " ".join(words)


def find_school_info(text: str, path: str, title: str | None = None) -> SchoolInfo:
    """Name the school from the profile's contact table or its most frequent school name, else from the file name."""
    row = _SCHOOL_ROW.search(text)
    names = Counter(_tidy(m.group(1)) for m in _SCHOOL_NAME.finditer(text))
    names.pop("", None)
    if row and len(row.group(1)) <= 60:
        school = _tidy(row.group(1))
    elif names:
        school = names.most_common(1)[0][0]
    elif title:
        school = title.strip()
    else:
        school = Path(path).stem.replace("-", " ").replace("_", " ").strip().title()
    brin = _BRIN.search(text)
    city = _POSTCODE_CITY.search(text)
    periods = Counter(
        f"{a}-{b}" for a, b in _PERIOD.findall(text) if 2 <= int(b) - int(a) <= 5
    )
    return SchoolInfo(
        school=school,
        brin=brin.group(1).upper() if brin else "",
        city=city.group(1) if city else _city_from_text(text),
        period=periods.most_common(1)[0][0] if periods else "",
    )


def _city_from_text(text: str) -> str:
    match = _CITY_MENTION.search(text)
    return match.group(1) if match else ""
