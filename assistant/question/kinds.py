"""What kind of answer a question asks for (yes/no, a number, a name, a time, an amount) and whether a quoted
sentence gives it: a yes/no lead is only written when the quote says so plainly."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from assistant.data import FactRule, fact_rules

Verdict = Literal["yes", "no"]

_YES_NO = re.compile(
    r"^\s*(heeft|hebben|is|zijn|kan|kunnen|mag|mogen|werken|werkt|biedt|bieden|geeft|doet|doen|krijgt|zit|wordt|"
    r"worden|gebruikt|gebruiken|does|do|is|are|can|has|have|will|may)\b"
    r"|^\s*(en|and|what about|how about)\b.{0,40}\?\s*$"
    # 'Welke van de twee scholen heeft een lift?': yes or no per school.
    r"|^\s*(welke|which)\b.{0,20}\bscho(ol|len|ols)\b.{0,10}\b(heeft|hebben|biedt|bieden|has|have|offers?)\b",
    re.IGNORECASE,
)
_MODAL_QUESTION = re.compile(r"^\s*(kan|kunnen|mag|mogen|can|may)\b", re.IGNORECASE)
_MODAL = re.compile(r"\b(kan|kunnen|mag|mogen)\b", re.IGNORECASE)
_NUMBER_QUESTION = re.compile(
    r"\b(hoeveel|hoe lang|hoe vaak|wanneer|vanaf welke|hoe oud|how many|how much|how long|how often|when|"
    r"from which)\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\d|\b(een|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|eenmaal|tweemaal|driemaal|jaarlijks|"
                     r"wekelijks|januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|"
                     r"december)\b", re.IGNORECASE)
# A number that names a level, group or part ('Zorgniveau 2', 'groep 3', 'Tabel 1') counts nothing.
_LABEL_NUMBER = re.compile(
    r"\b(?:zorg)?niveaus?\s?\d|\b(?:fase|groep|tabel|figuur|hoofdstuk|paragraaf|stap|bijlage|leerjaar)\s\d{1,2}\b",
    re.IGNORECASE,
)
_COUNT_ROW = re.compile(r"\baantal\b[^.\d]{0,60}\d", re.IGNORECASE)
_SUBJECT_CHARS = 60
_LIST_QUESTION = re.compile(r"\b(welke|wie|allemaal|which|who|what are)\b", re.IGNORECASE)
_PERSON_QUESTION = re.compile(r"\b(wie|who|whom)\b", re.IGNORECASE)
# 'Bij wie moet ik zijn …', 'Who should I contact …': the person to turn to, which profiles name as such.
_CONTACT_QUESTION = re.compile(
    r"\bbij wie\b|\bwie (moet|kan|mag) ik\b|\b(aanspreekpunt|contactpersoon)\b"
    r"|\bwho (should|do|can|could) (i|we)\b|\bwho is the (contact|person)\b|\bcontact person\b",
    re.IGNORECASE,
)
# 'Wie zitten er in het ondersteuningsteam?', 'Who is in the support team?': the sentence that lists the members.
_MEMBERS_QUESTION = re.compile(
    r"\bwie (zitten|zit|zijn) er in\b|\bwie zitten\b|\bwie vormen\b|\bwho (is|are|sits?) (in|on)\b|\bmembers?\b",
    re.IGNORECASE,
)
_MEMBERS = re.compile(r"\b(bestaat uit|bestaan uit|leden|vormen (zij|ze|wij)|zitten in|consists? of)\b", re.IGNORECASE)
_CONTACT_ROLE = re.compile(r"\b(aanspreekpunt|aanspreekpersoon|contactpersoon|eerste contact|terecht bij)\b", re.IGNORECASE)
_ROLE = re.compile(
    r"\b(leerkracht\w*|leraar|leraren|intern begeleider\w*|ib[-’']?ers?|directeur\w*|directie|ouders?|adviseur\w*|"
    r"coördinator\w*|specialist\w*|\w*coach|\w*werker|medewerker\w*|smw[-’']?ers?|jgz|\w*arts|\w*therapeut\w*|"
    r"logopedist\w*|deskundige\w*|expert\w*)\b",
    re.IGNORECASE,
)
# A table value at the end of a row: 'Lift  nvt', 'Gespreksruimte ja', 'Veiligheidsplan Nee, intern'.
_ROW_NO = re.compile(r"(?:\s|^)(nee|nvt|n\.v\.t\.?|niet aanwezig|niet van toepassing)\b[^a-z]*(?:\w+\W*){0,2}$", re.IGNORECASE)
_ROW_YES = re.compile(r"(?:\s|^)(ja|aanwezig)\b[^a-z]*(?:\w+\W*){0,2}$", re.IGNORECASE)
_NEGATION = re.compile(r"\b(niet|geen|nooit)\b", re.IGNORECASE)
_PRESENT = re.compile(
    r"\b(aanwezig|beschikbaar|er is een|is er een|zijn er|hebben (we|wij) een|beschikt over|(is|zijn) voorzien van)\b",
    re.IGNORECASE,
)
_CLAUSE = re.compile(r"[,;:]|\b(die|dat|wanneer|als|indien|omdat|waardoor|zodat)\b", re.IGNORECASE)


@dataclass(frozen=True)
class AskedKind:
    """What kind of answer a question asks for, read once from its wording."""

    yes_no: bool = False
    modal: bool = False
    list: bool = False
    number: bool = False
    person: bool = False
    contact: bool = False
    members: bool = False
    # The kind of fact of assistant/data/answer_types.json it asks for (a name, a time, an amount), if any.
    fact: FactRule | None = None


def asked_kind(question: str) -> AskedKind:
    """Read what a question asks for: yes or no, a list, a number, a person (a point of contact, the members of a
    team), or one of the kinds of fact in assistant/data/answer_types.json."""
    return AskedKind(
        yes_no=any(_YES_NO.search(sentence) for sentence in re.split(r"(?<=[.!?])\s+", question)),
        modal=bool(_MODAL_QUESTION.search(question)),
        list=bool(_LIST_QUESTION.search(question)),
        number=bool(_NUMBER_QUESTION.search(question)),
        person=bool(_PERSON_QUESTION.search(question)),
        contact=bool(_CONTACT_QUESTION.search(question)),
        members=bool(_MEMBERS_QUESTION.search(question)),
        fact=next((rule for rule in fact_rules() if rule.question.search(question)), None),
    )


def gives_asked_fact(kind: AskedKind, quotes: list[str]) -> bool:
    """A question for a name, a time, an amount or a verdict is only answered by a quote holding one."""
    return kind.fact is None or any(kind.fact.evidence.search(quote) for quote in quotes)


def kind_strength(kind: AskedKind, text: str) -> float:
    """0 when the text holds nothing of the kind of fact the question asks for, else how well it holds it (1 to 3;
    the answer's unit scorer weighs it): the kind of fact the question asks for: what assistant/data/answer_types.json asks
    of a quote (a name for 'Wie is de …', a time, an amount), a number or date for 'Hoeveel …',
    'Wanneer …', 'How long …'; a person or role for 'Wie …', 'Bij wie …', 'Who …' (more when the role is the
    subject, named early: 'De intern begeleider is aanspreekpunt …', and more again when the question asks whom to
    turn to and the sentence names a point of contact)."""
    if kind.fact is not None:
        # A name for 'Wie is de directeur …', a time for 'Hoe laat …': the sentence holding one is the answer.
        return 2.0 if kind.fact.evidence.search(text) else 0.0
    if kind.number:
        if not _NUMBER.search(_LABEL_NUMBER.sub(" ", text)):
            return 0.0
        # A count in a table row ('Aantal intern begeleiders 4') is what 'Hoeveel …' asks for.
        return 2.0 if _COUNT_ROW.search(text) else 1.0
    if kind.members and _MEMBERS.search(text):
        return 2.0
    if kind.person and _ROLE.search(text):
        # The sentence that names someone as the point of contact answers 'bij wie …' better than any other role.
        contact = 2.0 if kind.contact and _CONTACT_ROLE.search(text) else 1.0
        return (1.5 if _ROLE.search(text[:_SUBJECT_CHARS]) else 1.0) * contact
    return 0.0


def verdict(kind: AskedKind, quote: str, key_words: list[str], row: bool = False, covers: bool = True) -> Verdict | None:
    """'yes'/'no' when the quote states it plainly: it holds everything the question asks about (``covers``) and is
    a table value, or a sentence that says the asked thing is (not) there, with the negation in the same clause as
    the asked word; None otherwise."""
    if not covers or not kind.yes_no:
        return None
    if row:
        if _ROW_NO.search(quote):
            return "no"
        if _ROW_YES.search(quote):
            return "yes"
        return None
    for clause in _clauses(quote):
        lowered_clause = clause.lower()
        if not any(word in lowered_clause for word in key_words):
            continue
        if _NEGATION.search(clause):
            return "no"
        if _PRESENT.search(clause) or (kind.modal and _MODAL.search(clause)):
            return "yes"
    return None


def _clauses(sentence: str) -> list[str]:
    """The sentence cut at commas and subordinating words, so that 'niet' in 'leerlingen die niet …' does not
    count against the main clause."""
    clauses: list[str] = []
    last = 0
    for match in _CLAUSE.finditer(sentence):
        clauses.append(sentence[last : match.start()])
        last = match.start()
    clauses.append(sentence[last:])
    return [c for c in clauses if c.strip()]
