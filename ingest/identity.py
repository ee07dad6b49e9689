"""Which school a support profile is about: name, town, BRIN, type, board and period, read from the document itself.

The document's own identity fields come first (the audit cover's 'Naam onderwijsvoorziening:', a contact table's
'School | ...', 'Brinnummer', an address), then how its prose describes the school ('X is een basisschool in Goirle').
A report mentions many other schools and places (the SBO it refers to, the villages its pupils come from, the
auditor's firm in Utrecht), so a mention only counts when it is tied to this school. The file name is a last resort.
Word lists live in data/identity.json, the gazetteer of Dutch places in data/places.txt.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class SchoolIdentity:
    """Who a profile is about; unknown fields are empty strings."""

    name: str
    town: str = ""
    brin: str = ""
    type: str = ""
    bestuur: str = ""
    period: str = ""


_BRIN_SHAPE = re.compile(r"^[0-9]{2}[A-Za-z]{2}$")
# A BRIN field's value may carry a two-digit branch number (06WT00); the school is the first four characters.
_BRIN_FIELD = re.compile(r"\bbrin(?:[- ]?(?:nummer|nr|code))?\b\.?[\s:|]*([0-9]{2}[A-Za-z]{2})(?:[0-9]{2})?\b", re.I)
_POSTCODE = re.compile(r"\b[1-9][0-9]{3}\s?[A-Z]{2}\b[ ,]*")
_PERIOD = re.compile(r"\b(20\d\d)\s*[-–/]\s*(20\d\d)\b")
_WORD = re.compile(r"['’]?[^\W\d_][\w'’]*")
_CAPITAL = re.compile(r"(?<![\w'’-])(?:['’][st][ -])?[A-Z][\w'’-]*")
_SENTENCE_END = re.compile(r"(?<=[a-z0-9)\]’'\"”][.!?])\s+(?=[A-Z‘'\"(])")
_TYPES = ("sbo", "so", "vo", "basisschool")  # the special kinds first: 'speciale basisschool' is sbo
_ARTICLES = {"de", "het", "van", "der", "den", "d’n", "d'n", "’t", "'t"}
# A text this long that is a support profile uses many of the profile vocabulary's words.
_FULL_PROFILE_WORDS = 400
# Where a text calls itself what it is: its title and first lines.
_OPENING_CHARS = 400


@lru_cache(maxsize=1)
def _rules() -> dict:
    return json.loads(resources.files("ingest.data").joinpath("identity.json").read_text(encoding="utf-8"))


def _key(name: str) -> str:
    # One spelling for lookups: 'Berkel Enschot' is Berkel-Enschot, ’ is '.
    return re.sub(r"[\s-]+", " ", _flat(name)).strip().casefold()


def _flat(text: str) -> str:
    return text.replace("’", "'").replace("‘", "'")


@lru_cache(maxsize=1)
def _places() -> dict[str, str]:
    text = resources.files("ingest.data").joinpath("places.txt").read_text(encoding="utf-8")
    aliases = _rules()["town_aliases"]["aliases"]
    names = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return {_key(name): aliases.get(name, name) for name in names}


def _any(patterns: list[str], flags: int = re.I) -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in patterns), flags)


@lru_cache(maxsize=1)
def _patterns() -> dict:
    rules = _rules()
    boards = rules["board_phrases"]

    def board(kind: str) -> list[re.Pattern]:
        return [re.compile(p.replace("REF", boards["ref"]).replace("BOARD", boards["name"])) for p in boards[kind]]

    name_word = r"(?:[A-Z][\w'’-]*\.?|de|het|van|der|den|el|d['’]n|['’]t|d['’][A-Z]\w*)"
    return {
        "loc": _any(rules["locatives"]["before"]),
        "origin": _any(rules["origins"]["before"]),
        "not_town": _any(rules["not_a_town"]["before"], 0),
        "other": _any(rules["other_school"]["before"]),
        "compass": re.compile(r"[ \t]*-?[ \t]*(?:%s)\b" % "|".join(map(re.escape, rules["compass_suffixes"]["words"]))),
        "prefix": re.compile(r"^(?:(?:" + "|".join(rules["name_prefixes"]["prefixes"]) + r")\b\.?\s+)+", re.I),
        "school_name": re.compile(
            r"\b(?:" + "|".join(rules["school_name_words"]["words"]) + rf")(?:[^\S\n]+{name_word}){{1,4}}"
        ),
        "types": {kind: _any(rules["type_words"][kind]) for kind in _TYPES},
        "board_school": board("school"),
        "board_any": board("profile") + board("own"),
        "readme": _any(rules["readme_signals"]["patterns"]),
    }


# ---------------------------------------------------------------- places in text


def _place_at(text: str, start: int) -> tuple[str, int] | None:
    """The longest place name starting at text[start:] (up to six words joined by spaces or hyphens) and its end."""
    words, pos = [], start
    for _ in range(6):
        match = _WORD.match(text, pos)
        if not match:
            break
        words.append(match.end())
        gap = re.match(r"[ \t]*-?[ \t]*", text[match.end():]).group()
        if not gap:
            break
        pos = match.end() + len(gap)
    for end in reversed(words):
        found = _places().get(_key(text[start:end]))
        if found:
            return found, end
    return None


def _demonym(word: str) -> str | None:
    """'Tilburgse' and 'Tilburgers' are Tilburg; 'Haagse' is Den Haag."""
    rules = _rules()["demonyms"]
    if word in rules["irregular"]:
        return rules["irregular"][word]
    for suffix in sorted(rules["suffixes"], key=len, reverse=True):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            found = _places().get(_key(word[: -len(suffix)]))
            if found:
                return found
    return None


def _mentions(sentence: str, core: str = "") -> list[tuple[str, str, int]]:
    """(town, how, start) for each place a sentence names. 'how' is loc ('in Goirle'), origin ('uit Tilburg'),
    demonym ('de Tilburgse wijk'), district ('Tilburg-Noord'), or none when the name says nothing about where our
    school is: a district ('de wijk Hasselt'), a person ('Patricia van Riel') or another school's town."""
    pats, found, pos = _patterns(), [], 0
    while match := _CAPITAL.search(sentence, pos):
        start, before = match.start(), sentence[max(0, match.start() - 60) : match.start()]
        hit = _place_at(sentence, start)
        if hit:
            town, end = hit
            other = pats["other"].search(before)
            if pats["not_town"].search(before) or (other and not (core and _mentions_core(other.group(), core))):
                how = "none"
            elif pats["loc"].search(before):
                how = "loc"
            elif pats["origin"].search(before):
                how = "origin"
            else:
                how = "district" if pats["compass"].match(sentence, end) else "none"
            found.append((town, how, start))
            pos = end
            continue
        word = match.group().rstrip("'’-")
        town = _demonym(word)
        # After an article or adjective only: a capitalised word at a sentence start, after a first name or in a
        # list ('Echter', 'Jeske Manders', 'Amacura, Spijkers') is no demonym.
        tied = re.search(r"(?<![\w-])(?:de|het|een|veel|alle|[a-z]+e)\s+$", before)
        if town and tied and not pats["not_town"].search(before):
            found.append((town, "demonym", start))
        pos = match.end()
    return found


def _sentences(pages: list[str]) -> list[str]:
    sentences: list[str] = []
    for page in pages:
        flat = re.sub(r"\s+", " ", page.replace("|", " , "))
        for piece in _SENTENCE_END.split(flat):
            # 'St. Caecilia', 'O.b.s. X': a short or dotted word before the full stop is an abbreviation.
            last = re.search(r"(\S+)\.$", sentences[-1]) if sentences else None
            if last and (len(last.group(1)) <= 3 or "." in last.group(1)):
                sentences[-1] += " " + piece
            else:
                sentences.append(piece)
    return sentences


def _mentions_core(sentence: str, core: str) -> bool:
    # 'St Jozef' is written 'Sint Jozef' in the prose.
    parts = [w for w in re.split(r"[\s.]+", _flat(core)) if w]
    words = [r"(?:st|sint)" if w.lower() in ("st", "sint") else re.escape(w) for w in parts]
    return bool(words) and bool(re.search(r"(?<!\w)" + r"[\s.]*".join(words) + r"(?!\w)", _flat(sentence), re.I))


# ---------------------------------------------------------------- fields


def _lines(pages: list[str]) -> list[str]:
    return [line.strip().strip("|").strip() for page in pages for line in page.splitlines()]


def _field(lines: list[str], labels: list[str], accept) -> tuple[str, str] | None:
    """The first accepted value of a labelled field ('Label: value', 'Label | value', 'Label  value', or the label
    alone on its line and the value on a next one); returns (label as written, value)."""
    label_re = re.compile(r"^(" + "|".join(labels) + r")\s*(?::|\||\s{2,}|$)\s*(.*)$", re.I)
    contact = re.compile(r"^(?:" + "|".join(_rules()["contact_labels"]["labels"]) + r")\b", re.I)
    for i, line in enumerate(lines):
        match = label_re.match(line)
        if not match:
            continue
        value = match.group(2).strip(" :|")
        if not value:
            rest = [candidate for candidate in lines[i + 1 : i + 7] if candidate]
            # A bare label line ('School', no colon) is a table cell only if more labels follow; else a heading.
            bare = not re.search(r"[:|]\s*$", line)
            if not rest or (bare and not any(contact.match(c) for c in lines[i + 2 : i + 9])):
                continue
            value = rest[0]
        if accept(value):
            return match.group(1), value
    return None


def _name_shaped(value: str) -> bool:
    return 0 < len(value.split()) <= 10 and len(value) <= 80 and not re.search(r"[.?!;]$|^\d|\b(?:is|zijn)\b", value)


def _split_town(name: str) -> tuple[str, str]:
    """'Jenaplanschool De Kleine Akkers te Goirle' and 'De Vonder, Moergestel' carry the town: it is split off.
    'Willibrordusschool Alphen' and 'Mytylschool Tilburg' end in it: the name is kept whole."""
    for pattern in _rules()["name_noise"]["patterns"]:
        name = re.sub(pattern, "", name, flags=re.I)
    name = name.strip(" ,.:")
    places = _places()
    match = re.match(r"^(.+?)\s+te\s+([A-Z'’].+)$", name) or re.match(r"^(.+?),\s*([A-Z'’].+)$", name)
    if match:
        town = places.get(_key(match.group(2)), match.group(2) if " te " in name else "")
        if town:
            return match.group(1).strip(), town
    match = re.match(r"^(.*\w(?:school|college|lyceum|kindcentrum))\s+(.+)$", name, re.I)
    if match and _key(match.group(2)) in places:
        return name, places[_key(match.group(2))]
    return name, ""


def _core(name: str) -> str:
    """How the prose refers to the school: the name without its kind and leading article ('Bongerd' for
    'Openbare basisschool Den Bongerd')."""
    core = _patterns()["prefix"].sub("", name).strip()
    core = re.sub(r"^(?:de|het|den|d['’]n|['’]t)\s+(?=\S{3})", "", core, flags=re.I)
    return core or name


def _tidy(name: str) -> str:
    # A name ends before a full stop (not the one of 'St.') and before a dangling article ('BS Het' at a line end).
    words = name.split()
    if words and words[-1].endswith(".") and len(words[-1]) > 4:
        words[-1] = words[-1][:-1]
    while words and words[-1].lower() in _ARTICLES:
        words.pop()
    return " ".join(words)


# ---------------------------------------------------------------- the reader


def read_identity(pages: list[str], file_name: str, title: str | None = None) -> SchoolIdentity:
    """Read the identity of the school a profile is about; `pages` is the raw text of each page in order."""
    lines, text, sentences = _lines(pages), "\n".join(pages), _sentences(pages)
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", file_name.replace("\\", "/").rsplit("/", 1)[-1]).strip()

    field = _field(lines, _rules()["name_labels"]["labels"], _name_shaped)
    name = field[1] if field else _name_from_title(title) or _name_from_prose(text)
    name, town = _split_town(name) if name else ("", "")
    # The file name names the school only when the document names none, and a BRIN-shaped stem is a BRIN.
    if not name and not _BRIN_SHAPE.match(stem):
        name = re.sub(r"[-_]+", " ", stem).strip()
    brin_field = _BRIN_FIELD.search(text)
    brin = brin_field.group(1).upper() if brin_field else stem.upper() if _BRIN_SHAPE.match(stem) else ""
    core = _core(name) if name else ""
    return SchoolIdentity(
        name=name,
        town=town or _town_from_fields(lines, name, brin) or _town_from_prose(sentences, core),
        brin=brin,
        type=_school_type(name, core, text, sentences, field[0] if field else ""),
        bestuur=_board(lines, sentences, core),
        period=_period(text),
    )


def _name_from_title(title: str | None) -> str:
    match = _patterns()["school_name"].search(title or "")
    return _tidy(match.group()) if match else ""


def _name_from_prose(text: str) -> str:
    """The name the document gives itself when it has no name field. A profile names other schools too (the SBO it
    refers to, its neighbours), so how often a name occurs counts less than where: as the subject of a
    self-description ('Don Sarto is een middelgrote school') or in 'het schoolondersteuningsprofiel van X'."""
    scores: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}

    def add(name: str, weight: int) -> None:
        name = _tidy(name)
        if name:
            key = _flat(_core(name)).casefold()
            scores[key] += weight
            # The form to report: with its prefix ('BS Het Kristal') and with capitals as in a title.
            capitals = sum(w[0].isupper() for w in name.split())
            forms.setdefault(key, Counter())[name] += 1 + (name != _core(name)) + capitals

    for match in _patterns()["school_name"].finditer(text):
        add(match.group(), 1)
    # A name stays on one line, so a heading above it ('Inleiding') is no part of it; adjectives between 'een' and
    # the school word end in -e ('een kleine, katholieke basisschool').
    # Only a short word ends in a full stop inside a name ('St.'); 'Oud-Noord.' ends a sentence.
    capital = r"(?:[A-Z][a-z]{0,2}\.|[A-Z][\w'’-]*)"
    word = rf"[^\S\n]+(?:{capital}|de|het|van|der|den|d['’]n|['’]t|el)"
    described = re.compile(
        rf"(?<![\w'’.-])((?:De[^\S\n]|Het[^\S\n])?{capital}(?:{word}){{0,5}}?)(?:\s*\([^)]*\))?,?\s+is\s+een\s+"
        r"(?:(?:[\w-]+e|[\w-]+,)\s+){0,4}(?:[\w-]*school|kindcentrum|scholengemeenschap)\b"
    )
    generic = re.compile(
        r"(?:De|Het|Onze|Deze|Dit|Elke|Iedere|Een|Zij|Wij|Er|Dat|Daarbij|Ook|Nu|Zo|Hier)(?: [a-z]\w*)?"
        r"|(?:In|Op|Bij|Voor|Met|Van|Naar|Uit|Aan|Binnen|Sinds|Vanuit) .*"
    )
    for said in described.finditer(text):
        if not generic.fullmatch(said.group(1)) and _key(said.group(1)) not in _places():
            add(said.group(1), 5)
    for named in re.finditer(rf"(?:ondersteuningsprofiel|SOP) van ({capital}(?:{word}){{0,5}})", text):
        add(named.group(1), 5)
    if not scores:
        return ""
    best = max(scores, key=lambda key: scores[key])
    return forms[best].most_common(1)[0][0]


def _town_from_fields(lines: list[str], name: str, brin: str) -> str:
    """A 'Plaats' field, a header cell ('OBS De Regenboog | Delft | BRIN 99XA') or the first address's town."""
    places = _places()
    hit = _field(lines, _rules()["town_labels"]["labels"], lambda value: _key(value) in places)
    if hit:
        return places[_key(hit[1])]
    for line in lines:
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) > 2 and ((name and name in cells) or (brin and any(brin in cell for cell in cells))):
            for cell in cells:
                if _key(cell) in places:
                    return places[_key(cell)]
    for line in lines:
        for match in _POSTCODE.finditer(line):
            hit = _place_at(line, match.end())
            if hit:
                return hit[0]
    return ""


def _town_from_prose(sentences: list[str], core: str) -> str:
    """The town of the first sentence that names this school and says where ('Rennevoirt is een Jenaplan-basisschool
    in Berkel Enschot'); else the town the whole document ties most often to a location, where a town named for
    another school ('De Elzen, een montessorischool in Tilburg') or a person ('van Riel') does not count."""
    weight = {"loc": 2.0, "origin": 1.0, "demonym": 1.0, "district": 1.0}
    scores: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    for index, sentence in enumerate(sentences):
        mentions = [m for m in _mentions(sentence, core) if m[1] in weight]
        if core and mentions and _mentions_core(sentence, core):
            own = [m for m in mentions if m[1] in ("loc", "demonym") and not _inside_name(sentence, core, m[2])]
            if own:
                return own[0][0]
        for town, how, _ in mentions:
            scores[town] += weight[how]
            first_seen.setdefault(town, index)
    if not scores:
        return ""
    return max(scores, key=lambda town: (scores[town], -first_seen[town]))


def _inside_name(sentence: str, core: str, start: int) -> bool:
    # 'Basisschool Cleijn Hasselt': a place inside the school's own name says nothing about where it is.
    return any(m.start() <= start < m.end() for m in re.finditer(re.escape(core), sentence, re.I))


def _school_type(name: str, core: str, text: str, sentences: list[str], label: str) -> str:
    """From the name's prefix; else from how the document writes the name elsewhere ('SO De Keyzer' on the cover,
    'RKBS De Wegwijzer' in the prose) and describes the school ('X is een school voor speciaal onderwijs'); else from
    the template ('s(b)o' in the field label) and the vocabulary."""
    types = _patterns()["types"]
    for kind in _TYPES:
        if name and types[kind].match(name) and not re.match(r"[\w-]", name[types[kind].match(name).end() :]):
            return kind
    votes: Counter[str] = Counter()
    if core:
        plain = re.escape(core).replace(r"\ ", r"\s+")
        for match in re.finditer(rf"(?<!\w){plain}\b", text, re.I):
            before = text[max(0, match.start() - 60) : match.start()]
            for kind in _TYPES:
                if re.search(rf"(?<![\w-])(?:{types[kind].pattern})\.?\s+(?:(?:de|het|den)\s+)?$", before, re.I):
                    votes[kind] += 1
                    break
        described = re.compile(
            rf"\b{plain}\s+is\s+(?:een|de)\s+((?:[\w-]+\s+){{0,6}}?[\w-]*(?:school|onderwijs|centrum)\w*)", re.I
        )
        for sentence in sentences:
            said = described.search(sentence)
            kind = next((kind for kind in _TYPES if said and types[kind].search(said.group(1))), "")
            if kind:
                votes[kind] += 2
    if votes:
        return votes.most_common(1)[0][0]
    # 'Mill-Hill College', 'Mytylschool Tilburg': a type word elsewhere in the name.
    for kind in _TYPES:
        if name and re.search(rf"(?<![\w-])(?:{types[kind].pattern})(?![\w-])", name, re.I):
            return kind
    if "s(b)o" in label.lower():
        sbo = len(re.findall(r"\bSBO\b|speciaal basisonderwijs", text))
        so = len(re.findall(r"\bV?SO\b|\bspeciaal onderwijs", text))
        return "sbo" if sbo > so else "so"
    vo = len(re.findall(r"\b(?:vmbo|havo|vwo|brugklas|mentor|leerjaar [1-6])\b", text, re.I))
    po = len(re.findall(r"\b(?:groep(?:en)? [1-8]|basisschool|kleuters?)\b", text, re.I))
    return "vo" if vo > po else "basisschool" if po else ""


def _board(lines: list[str], sentences: list[str], core: str) -> str:
    """The 'Bestuur:' field; else the board the prose says this school belongs to."""
    field = _field(lines, _rules()["board_labels"]["labels"], lambda value: 0 < len(value) <= 80 and value[0].isupper())
    if field:
        return _board_name(field[1])
    pats = _patterns()
    subject = re.compile(r"\b(?:de school|onze school|wij|we|zij|het onderwijsdeel)\b", re.I)
    for sentence in sentences:
        for phrase in pats["board_school"] + pats["board_any"]:
            match = phrase.search(sentence)
            if not match:
                continue
            opening = sentence[: match.start()]
            # 'De peuterspeelzaal valt onder ... Kinderstad' is no board of the school.
            about_us = subject.search(opening) or (core and _mentions_core(opening, core))
            if phrase in pats["board_school"] and not about_us:
                continue
            return _board_name(match.group("b"))
    return ""


def _board_name(value: str) -> str:
    # 'Stichting BOOM (Bijzonder Onderwijs ...)', '‘Xpect’', 'stichting Tangent', 'Stg. SIPO': one written form.
    value = re.sub(r"\s*\(.*$", "", value).strip(" .,‘’'\"“”")
    value = re.sub(r"^(?:[Ss]tichting|[Ss]tg\.?)\s+", "Stichting ", value)
    return re.sub(r"\s+(?:en|voor|van|de|het)$", "", value)


def _period(text: str) -> str:
    # A profile covers a few school years ('2023-2027'); a one-year span is a school year, not the period.
    periods = Counter(f"{a}-{b}" for a, b in _PERIOD.findall(text) if 2 <= int(b) - int(a) <= 5)
    return periods.most_common(1)[0][0] if periods else ""


# ---------------------------------------------------------------- profile or not


def is_support_profile(pages: list[str]) -> bool:
    """Whether a text is a school support profile: long enough, dense in support-profile vocabulary over many of its
    words, not a text about a set of files (a README over a folder of profiles names files, not a school's support)
    and not a letter (a salutation and a greeting around a short text)."""
    text = "\n".join(pages)
    words = re.findall(r"[^\W\d_]+", text.lower())
    if not words:
        return False
    stems = tuple(_rules()["profile_vocabulary"]["stems"])
    hits = [word for word in words if word.startswith(stems)]
    distinct = {stem for stem in stems if any(word.startswith(stem) for word in set(hits))}
    readme = len(_patterns()["readme"].findall(text))
    letter = _rules()["letter_signals"]
    is_letter = (
        len(words) < letter["max_words"]
        and re.search(letter["opening"], text, re.I | re.M)
        and re.search(letter["closing"], text, re.I)
    )
    # A short profile (a school's one-page summary) has room for few of the words; a long one uses many of them.
    varied = len(distinct) >= (8 if len(words) >= _FULL_PROFILE_WORDS else 1)
    opening = text[:_OPENING_CHARS].lower()
    names_itself = any(name in opening for name in _rules()["profile_vocabulary"]["self_names"])
    dense = len(hits) / len(words) >= 0.05 and varied
    return (dense or names_itself) and readme * 200 < len(words) and not is_letter


def school_names_in(text: str) -> list[str]:
    """School-shaped names a text mentions ('SBO Het Anker', 'Kindcentrum De Vlinder'), as the prose names them."""
    return [name for name in (_tidy(match.group()) for match in _patterns()["school_name"].finditer(text)) if name]


def place_named(phrase: str) -> str | None:
    """The Dutch town a phrase names ('tilburg', 'Berkel Enschot' → 'Berkel-Enschot'), from the gazetteer."""
    return _places().get(_key(phrase))
