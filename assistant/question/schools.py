"""Which school(s) a question is about: names as people type them ('t kristal', 'Kc Balans', 'kristall'), told
apart by place and BRIN where names repeat ('Willibrordusschool in Alphen', 'willibrordus diessen', '08RU'), and the
towns and kinds of school a question limits itself to ('Welke scholen in Tilburg …', 'Which SBO schools …')."""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from assistant.data import generic_name_words, school_type_patterns
from index.lexical import analyse

_WORD = re.compile(r"[\w’'-]+")
# A name's key this long that no other school's name has names the school on its own ('Driecant').
_OWN_KEY_CHARS = 5


@dataclass(frozen=True)
class SchoolName:
    """An indexed school, the distinctive words that identify it in a question, and where it stands."""

    doc_id: str
    school: str
    keys: tuple[str, ...]
    town: str = ""
    brin: str = ""
    type: str = ""


@dataclass(frozen=True)
class SchoolRecord:
    """What naming a school rests on: its name as the profile writes it, its town, BRIN and kind."""

    name: str
    town: str = ""
    brin: str = ""
    type: str = ""


def _words(text: str) -> list[str]:
    return [w.lower().strip("’'-") for w in _WORD.findall(text)]


def school_names(schools: Mapping[str, SchoolRecord | str]) -> list[SchoolName]:
    """Distinctive words per school (from its name without its kind, articles and own town; else its doc_id),
    e.g. kc-balans → ('balans',), 'Willibrordusschool Alphen' in Alphen → ('willibrordusschool',)."""
    generic = generic_name_words()
    names = []
    for doc_id, record in schools.items():
        record = record if isinstance(record, SchoolRecord) else SchoolRecord(record)
        town_words = set(_words(record.town))
        words = _words(record.name) or doc_id.split("-")
        keys = tuple(
            _without_kind(w, generic) for w in words if w not in generic and w not in town_words and len(w) >= 3
        )
        if not keys:
            keys = tuple(w for w in doc_id.split("-") if w not in generic and len(w) >= 3) or (doc_id,)
        names.append(SchoolName(doc_id, record.name, keys, record.town, record.brin.lower(), record.type))
    return names


# How like a key a question's word must be to name it (rapidfuzz's ratio): the part of a word before a kind of
# school ('mytil' of 'mytilschool'); a word no profile uses, one letter off in five ('chair' for 'chayr'); any other.
_COMPOUND_LIKENESS = 75
_UNKNOWN_WORD_LIKENESS = 80
_WORD_LIKENESS = 85


def _likeness_needed(word: str, bare: str, known: AbstractSet[str]) -> int:
    if bare != word:
        return _COMPOUND_LIKENESS
    if known and word not in known:
        stems = analyse(word)
        # A stop word has no stems and is no name.
        if stems and not any(stem in known for stem in stems):
            return _UNKNOWN_WORD_LIKENESS
    return _WORD_LIKENESS


def _without_kind(word: str, generic: frozenset[str]) -> str:
    """A compound's part before a generic word it ends in ('ligthart' of 'Ligthartschool'): people write
    'Jan Ligthart' for the Eerste Jan Ligthartschool as they write it for Jan Ligthart Driecant."""
    for kind in _compound_kinds(generic):
        if word.endswith(kind) and len(word) - len(kind) >= 4:
            return word[: -len(kind)].rstrip("-")
    return word


@lru_cache(maxsize=4)
def _compound_kinds(generic: frozenset[str]) -> tuple[str, ...]:
    # Sorted once, longest first ('basisschool' before 'school'): every question compares every school's keys.
    return tuple(sorted((g for g in generic if len(g) >= 6), key=len, reverse=True))


def _matches(key: str, words: list[str], known: AbstractSet[str] = frozenset()) -> bool:
    if len(key) <= 4:
        return key in words
    generic = generic_name_words()
    # Typos and inflections ('kristall', 'kristals', 'balans' in 'kcbalans'); a compound's first part for the whole
    # ('willibrordus' for 'Willibrordusschool'). A typo rarely hits the first letter: without that check 'onder'
    # would be 'Vonder'. A word that ends in a kind of school is a name for sure, and may be misspelt more
    # ('mytilschool'). A word the profiles never use (``known``: their words) may be one letter off ('chair' for
    # 'Chayr'); one they use is a word ('ander' is no 'Anker').
    for word in words:
        bare = _without_kind(word, generic)
        likeness = fuzz.ratio(key, bare)
        if key[0] == word[:1] and likeness >= _likeness_needed(word, bare, known):
            return True
        if (len(word) > len(key) and key in word) or (key.startswith(word) and len(word) >= max(6, 0.6 * len(key))):
            return True
    return False


class _NameLookup:
    """The keys of one list of school names arranged so that a question finds the keys it names without comparing
    every key with every word: with thousands of schools that comparison took most of a second per question. A
    question's words are compared with the keys that begin with their letter (in rapidfuzz's batch scorer), looked
    up as substrings and prefixes of keys; the keys found are those for which ``_matches`` holds."""

    def __init__(self, names: list[SchoolName]) -> None:
        self.holders: dict[str, list[int]] = {}
        for number, name in enumerate(names):
            for key in dict.fromkeys(name.keys):
                self.holders.setdefault(key, []).append(number)
        self.brins: dict[str, list[int]] = {}
        for number, name in enumerate(names):
            if name.brin:
                self.brins.setdefault(name.brin, []).append(number)
        long_keys = sorted(key for key in self.holders if len(key) > 4)
        self.long_keys = long_keys
        self.long_set = set(long_keys)
        self.by_letter: dict[str, list[str]] = {}
        for key in long_keys:
            self.by_letter.setdefault(key[0], []).append(key)
        self.own = _own_keys(names)

    def matched_keys(self, words: list[str], known: AbstractSet[str] = frozenset()) -> set[str]:
        """The keys ``k`` with ``_matches(k, words, known)``."""
        from rapidfuzz import process

        generic = generic_name_words()
        present = set(words)
        found = {key for key in present if key in self.holders and len(key) <= 4}
        for word in present:
            if not word:
                continue
            bare = _without_kind(word, generic)
            # A typo or an inflection: the same first letter, and alike enough.
            candidates = self.by_letter.get(word[0], [])
            if candidates:
                cutoff = _likeness_needed(word, bare, known)
                found.update(key for key, _, _ in process.extract(
                    bare, candidates, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
                ))
            # A key inside a longer word ('balans' in 'kcbalans').
            for start in range(len(word)):
                for end in range(start + 5, len(word) + 1):
                    if end - start < len(word) and word[start:end] in self.long_set:
                        found.add(word[start:end])
            # A word that starts a key ('willibrordus' for 'willibrordusschool').
            if len(word) >= 6:
                at = bisect.bisect_left(self.long_keys, word)
                while at < len(self.long_keys) and self.long_keys[at].startswith(word):
                    if len(word) >= 0.6 * len(self.long_keys[at]):
                        found.add(self.long_keys[at])
                    at += 1
        return found


# One lookup per names list: ProfileSearch keeps one list per set of indexed schools and passes it to every question.
_LOOKUPS: dict[int, tuple[list[SchoolName], _NameLookup]] = {}


def _lookup(names: list[SchoolName]) -> _NameLookup:
    cached = _LOOKUPS.get(id(names))
    if cached is not None and cached[0] is names:
        return cached[1]
    lookup = _NameLookup(names)
    if len(_LOOKUPS) >= 8:
        _LOOKUPS.clear()
    _LOOKUPS[id(names)] = (names, lookup)
    return lookup


def _exact(key: str, words: list[str]) -> set[int]:
    """Where in the question a key stands as it is: one word, the word with its kind of school ('caeciliaschool'
    for St. Caecilia), or two words written apart ('ligthart school')."""
    generic = generic_name_words()
    return {
        i for i, word in enumerate(words)
        if word == key or _without_kind(word, generic) == key or (i + 1 < len(words) and word + words[i + 1] == key)
    }


def _own_keys(names: list[SchoolName]) -> set[tuple[str, str]]:
    """(doc_id, key) for the long keys only one school's name has: typed alone, they name that school."""
    counts = Counter(key for name in names for key in set(name.keys))
    return {(n.doc_id, k) for n in names for k in n.keys if counts[k] == 1 and len(k) >= _OWN_KEY_CHARS}


def towns_in(question: str, towns: Iterable[str], loose: bool = False) -> list[str]:
    """The towns (of those given) a question names: written with a capital ('Tilburg', 'Berkel Enschot'), or after
    a word that says where ('scholen in tilburg'), since some towns are also words ('Best', 'Son', 'Echt'); ``loose``
    (telling namesake schools apart: 'willibrordus alphen') takes the town however it is written."""
    flat = " ".join(question.replace("-", " ").split())
    lowered = flat.lower()
    found = []
    for town in towns:
        words = town.replace("-", " ").split()
        # Most of thousands of towns share no word with the question: they are passed over before any pattern is
        # built (Python keeps 512 compiled patterns; two per town and question were compiled again every time).
        if not words or not all(word.lower() in lowered for word in words):
            continue
        phrase = r"\s+".join(re.escape(word) for word in words)
        capital = re.search(rf"(?<![\w’'-]){phrase}(?![\w’'-])", flat, re.IGNORECASE if loose else 0)
        placed = re.search(rf"\b(?:in|te|uit|bij|rond|rondom|near|around|of)\s+{phrase}(?![\w’'-])", flat, re.IGNORECASE)
        if capital or placed:
            found.append(town)
    return found


def types_in(question: str) -> list[str]:
    """The kinds of school a question asks about ('Which SBO schools …' → sbo)."""
    return [kind for kind, pattern in school_type_patterns().items() if pattern.search(question)]


def schools_in(question: str, names: list[SchoolName], known: AbstractSet[str] = frozenset()) -> list[str]:
    """doc_ids of the schools the question names, in the order they are named. A BRIN names one school. A school
    found through a likeness (a typo, a longer word) is left out when the words it rests on are another school's name
    exactly ('De Rode Eik' does not also mean 'De Ronde Eik'). Of schools that share a name, the question means those
    in the town it names; naming no town, it means all of them."""
    words = _words(question)
    # 'Jan Ligthart school' names the Eerste Jan Ligthartschool: two words may stand for one.
    joined = words + [a + b for a, b in zip(words, words[1:])]
    lookup = _lookup(names)
    own = lookup.own
    named_keys = lookup.matched_keys(joined, known)
    # Only a school with a key the question names, or its BRIN, can be named: the others are not looked at.
    candidates = {number for key in named_keys for number in lookup.holders[key]}
    candidates.update(number for word in words for number in lookup.brins.get(word, []))
    found: list[tuple[int, str, set[int], set[int]]] = []
    for name in (names[number] for number in sorted(candidates)):
        if name.brin and name.brin in words:
            found.append((words.index(name.brin), name.doc_id, {words.index(name.brin)}, set()))
            continue
        matched = [key for key in name.keys if key in named_keys]
        # A long name is named by all its words but one ('Jan Ligthart' for Basisschool Jan Ligthart Driecant).
        enough = len(matched) == len(name.keys) or (len(name.keys) >= 3 and len(matched) >= len(name.keys) - 1)
        if enough:
            exact = {i for k in matched for i in _exact(k, words)}
            # Words that only look like, or hold, a key the question does not hold as such ('vuurtoren' for 'toren').
            alike = {
                i for k in matched if not _exact(k, words)
                for i, w in enumerate(words) if _matches(k, [w], known) or (len(w) >= 4 and w in k)
            }
        else:
            exact = {i for i, w in enumerate(words) for k in name.keys if k == w and (name.doc_id, k) in own}
            alike = set()
            if not exact:
                continue
        found.append((min(exact | alike, default=0), name.doc_id, exact, alike))
    # A school whose named words are part of another's ('Jan Ligthart' in 'eerste Jan Ligthart', 'Akker' in 'Kleine
    # Akker') is not meant: the question names the other one more fully, with as many words exactly (a look-alike
    # that covers more words, 'Den Akker' in 'vlinderakker' and 'houtakker', does not outdo an exact 'Vlinderakker').
    found = [
        f for f in found
        if not any((f[2] | f[3]) < (g[2] | g[3]) and len(f[2]) <= len(g[2]) for g in found)
    ]
    # The words a school named exactly rests on, and those of its town ('Biest Houtakker'), name no other school;
    # nor does the town of a school named with a typo, when the question names all of it ('st cecilia … in berkel
    # enschot' is no 'Berkeloo').
    by_id = {n.doc_id: n for n in names}
    claimed = {i for _, _, exact, _ in found for i in exact}
    for _, doc_id, exact, _ in found:
        parts = set(_words(by_id[doc_id].town.replace("-", " ")))
        town = set(_words(by_id[doc_id].town)) | parts
        if exact or (parts and parts <= set(words)):
            claimed.update(i for i, word in enumerate(words) if word in town)
    kept = [(position, doc_id) for position, doc_id, _, alike in found if not (alike and alike <= claimed)]
    return _by_place(question, [doc_id for _, doc_id in sorted(kept)], by_id)


def _by_place(question: str, doc_ids: list[str], names: dict[str, SchoolName]) -> list[str]:
    """Of the found schools that share a name, those in a town the question names (all of them when it names none
    of their towns)."""
    by_name: dict[tuple[str, ...], list[str]] = {}
    for doc_id in doc_ids:
        by_name.setdefault(names[doc_id].keys, []).append(doc_id)
    kept: list[str] = []
    for doc_id in doc_ids:
        namesakes = by_name[names[doc_id].keys]
        if len(namesakes) > 1:
            named_towns = set(towns_in(question, {names[d].town for d in namesakes if names[d].town}, loose=True))
            if named_towns and names[doc_id].town not in named_towns:
                continue
        kept.append(doc_id)
    return kept


def without_school_names(question: str, names: list[SchoolName], doc_ids: list[str]) -> str:
    """The question with the names of the given schools taken out: the school filter already covers them, and in
    the lexical index every passage of a school carries its name, so they only reward short passages."""
    keys = [key for name in names if name.doc_id in doc_ids for key in name.keys]
    if not keys:
        return question
    generic = generic_name_words()
    # The school's own town and BRIN say which school, as its name does ('willibrordus diessen').
    places = {w for name in names if name.doc_id in doc_ids for w in [*_words(name.town), name.brin] if w}

    def is_name(word: str) -> bool:
        word = bare_word(word)
        bare = _without_kind(word, generic)
        # Stricter than detection: 'Kristalis groep' is a topic of Het Kristal, not its name. A word that ends in a
        # kind of school is a name for sure, and may be misspelt as much as detection allows ('mytilschool').
        return word in generic or word in places or any(
            bare == key or fuzz.ratio(key, bare) >= 90
            or (bare != word and key[:1] == bare[:1] and fuzz.ratio(key, bare) >= _COMPOUND_LIKENESS)
            for key in keys
        )

    words = question.split()
    named = [is_name(word) for word in words]
    # A name written as two words ('bieneke bolders' for De Bienekebolders) goes as one, as detection joins them.
    for i in range(len(words) - 1):
        if not named[i] and not named[i + 1] and is_name(bare_word(words[i]) + bare_word(words[i + 1])):
            named[i] = named[i + 1] = True
    return " ".join(word for word, name in zip(words, named) if not name)


def bare_word(word: str) -> str:
    """A word of a question as names are compared: lower case, without the punctuation around it."""
    return word.lower().strip("’'-?!.,;:()")
