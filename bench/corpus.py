"""A synthetic corpus of support profiles for benchmarks: the three example profiles of ``examples/generate.py``
re-rendered under invented names, with varied facts (director, phone, address, period, city) and a varied number
of pages (an appendix of 0 to 24 pages of per-group support plans written from word pools).
Generated, never downloaded; deterministic per school number, so the first N schools of a corpus of 1000 are
the corpus of N.

    .venv/bin/python bench/corpus.py OUT_DIR --schools 1000 [--format pdf|native]

Writes one file per school and ``corpus.jsonl`` (one line per school: doc_id, school, file, director, template,
lift), which the benchmarks use for questions whose right answer is known."""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from slugify import slugify

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "examples"))

import generate as examples  # noqa: E402

MANIFEST = "corpus.jsonl"
# Pages of the appendix: 0 to this many, so profiles run from about 8 to 35 pages.
MAX_EXTRA_PAGES = 24


@dataclass(frozen=True)
class Template:
    """One example profile and the strings that identify its school, replaced per synthetic school."""

    build: object
    school: str
    prefixes: tuple[str, ...]
    core: str  # the distinctive part of the name, e.g. "De Regenboog"
    city: str
    brin: str
    phone: str
    domain: str
    director: str
    street: str
    period: str
    native_format: str
    has_lift: bool


TEMPLATES = (
    Template(examples.regenboog, "OBS De Regenboog", ("OBS", "CBS", "RKBS", "Basisschool"), "De Regenboog", "Delft",
             "99XA", "015-2101234", "obs-deregenboog", "Marieke van den Berg", "Watersnipweg", "2023-2027", "pdf",
             False),
    Template(examples.vlinder, "Kindcentrum De Vlinder", ("Kindcentrum", "IKC"), "De Vlinder", "Zoetermeer",
             "99YB", "079-3201234", "kc-devlinder", "Hans Kuipers", "Vlinderhof", "2022-2026", "docx", True),
    Template(examples.anker, "SBO Het Anker", ("SBO",), "Het Anker", "Den Haag",
             "99ZC", "070-3609876", "sbo-hetanker", "Willem Brouwer", "Ankerplein", "2024-2028", "md", False),
)

_ADJECTIVES = (
    "Gouden", "Blauwe", "Groene", "Rode", "Witte", "Zilveren", "Vrolijke", "Kleine", "Grote", "Wijze", "Stille",
    "Dappere", "Heldere", "Nieuwe", "Oude", "Hoge", "Verre", "Zonnige", "Bonte", "Warme", "Lichte", "Vlugge",
    "Sterke", "Ronde", "Brede", "Lange", "Open", "Vrije", "Jonge", "Gele",
)
_NOUNS = (
    "Eik", "Linde", "Wilg", "Beuk", "Kastanje", "Meander", "Ster", "Maan", "Horizon", "Vuurtoren", "Toren", "Brug",
    "Haven", "Molen", "Wiek", "Klimop", "Tulp", "Roos", "Zwaluw", "Uil", "Vos", "Egel", "Reiger", "Kievit", "Merel",
    "Vlieger", "Ark", "Bron", "Parel", "Schelp", "Duin", "Golf", "Kompas", "Sleutel", "Lantaarn", "Spiegel", "Boog",
    "Zeilboot", "Kraanvogel", "Wielewaal",
)
_CITIES = (
    "Rijswijk", "Delft", "Zoetermeer", "Den Haag", "Leidschendam", "Voorburg", "Wassenaar", "Pijnacker",
    "Nootdorp", "Naaldwijk", "Monster", "Wateringen", "Leiden", "Gouda", "Zwolle", "Utrecht", "Haarlem", "Breda",
)
_FIRST = ("Anna", "Bram", "Carla", "Daan", "Esra", "Fleur", "Gijs", "Hanna", "Imran", "Joke", "Kees", "Lotte",
          "Mohamed", "Noor", "Olga", "Pieter", "Roos", "Sanne", "Tim", "Yusuf", "Zeynep", "Wim", "Ilse", "Jasper")
_LAST = ("de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos",
         "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Çelik", "El Amrani",
         "Kowalski", "Nguyen", "Öztürk", "van Dam")

# Word pools for the appendix: per-group support plans, so every school's extra pages differ.
_GROUPS = ("groep 1-2", "groep 3", "groep 4", "groep 5", "groep 6", "groep 7", "groep 8", "de combinatiegroep 4/5")
_INTERVENTIONS = (
    "verlengde instructie in de kleine kring", "pre-teaching van nieuwe rekenstof", "Connect lezen",
    "Bouw! voor beginnende lezers", "de Levelwerk-verrijkingsmap", "Rots en Water", "Kanjertraining",
    "een plusgroep voor sterke rekenaars", "begeleide inoefening met Snappet", "een leesmaatje uit groep 8",
    "een time-outplek met een vaste afspraak", "een dagritmekaart met pictogrammen", "extra woordenschatlessen",
    "een koptelefoon bij zelfstandig werken", "een wekelijkse check-in met de IB'er",
)
_FREQUENCIES = ("dagelijks", "twee keer per week", "wekelijks", "elke twee weken", "drie keer per jaar")
_GOALS = (
    "het technisch lezen op niveau te brengen", "de automatisering van de tafels te versterken",
    "de werkhouding en het plannen te verbeteren", "de sociale vaardigheden in de groep te versterken",
    "de woordenschat van nieuwkomers uit te breiden", "uitdaging te bieden aan snelle leerlingen",
    "het begrijpend lezen te verdiepen", "rust en voorspelbaarheid te bieden",
)


@dataclass(frozen=True)
class SyntheticSchool:
    """What the benchmarks know about a generated school (one line of corpus.jsonl)."""

    doc_id: str
    school: str
    file: str
    template: str
    director: str
    city: str
    has_lift: bool
    pages_extra: int


def school_name(number: int) -> str:
    """A unique name per school number: a prefix of its template's kind and a distinctive part ('CBS De Gouden Eik')."""
    if number >= len(_ADJECTIVES) * len(_NOUNS):
        raise ValueError(f"at most {len(_ADJECTIVES) * len(_NOUNS)} distinct school names")
    template = _template_for(number)
    prefix = template.prefixes[number // len(TEMPLATES) % len(template.prefixes)]
    adjective = _ADJECTIVES[number % len(_ADJECTIVES)]
    noun = _NOUNS[number // len(_ADJECTIVES)]
    return f"{prefix} De {adjective} {noun}"


def _doc_id(number: int) -> str:
    return slugify(school_name(number))


def _template_for(number: int) -> Template:
    return TEMPLATES[number % len(TEMPLATES)]


def _replace_all(value: object, replacements: list[tuple[str, str]]) -> object:
    if isinstance(value, str):
        for old, new in replacements:
            value = value.replace(old, new)
        return value
    if isinstance(value, (list, tuple)):
        replaced = [_replace_all(item, replacements) for item in value]
        return type(value)(replaced) if isinstance(value, tuple) else replaced
    return value


def _appendix(rng: random.Random, school: str, pages: int) -> list:
    blocks: list = []
    if not pages:
        return blocks
    blocks += [examples.PAGEBREAK, examples.H1("Bijlage: ondersteuning per groep")]
    for page in range(pages):
        group = rng.choice(_GROUPS)
        blocks.append(examples.H2(f"Plan van aanpak {group} ({page + 1})"))
        for _ in range(3):
            first, second = rng.sample(_INTERVENTIONS, 2)
            blocks.append(examples.P(
                f"**Op onze school:** in {group} zet {school} {first} in, {rng.choice(_FREQUENCIES)}, om "
                f"{rng.choice(_GOALS)}. Daarnaast krijgen enkele leerlingen {second}; de leerkracht evalueert dit "
                f"{rng.choice(_FREQUENCIES)} met de intern begeleider en bespreekt de voortgang met de ouders."
            ))
        rows = [(rng.choice(_INTERVENTIONS), rng.choice(_FREQUENCIES), str(rng.randint(2, 14))) for _ in range(4)]
        blocks.append(examples.TABLE(("Interventie", "Frequentie", "Aantal leerlingen"), rows, (3, 2, 1)))
        blocks.append(examples.PAGEBREAK)
    return blocks


def generate_school(number: int, out_dir: Path, file_format: str = "pdf", render: bool = True) -> SyntheticSchool:
    """Describe synthetic school ``number`` and (unless ``render`` is false) write its file into ``out_dir``.
    Everything follows from ``number``, so a file made earlier need not be rendered again to be described."""
    template = _template_for(number)
    rng = random.Random(number)
    school = school_name(number)
    core = school.split(" ", 1)[1]
    city = rng.choice(_CITIES)
    director = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
    start = rng.randint(2020, 2025)
    period = f"{start}-{start + 4}"
    extra = rng.randint(0, MAX_EXTRA_PAGES)
    file_format = template.native_format if file_format == "native" else file_format
    path = out_dir / f"{_doc_id(number)}.{file_format}"
    described = SyntheticSchool(_doc_id(number), school, path.name, template.school, director, city, template.has_lift, extra)
    if not render:
        return described
    replacements = [
        (template.school, school),
        (template.domain, slugify(school)),
        (template.core, core),
        (template.core.split()[-1], core.split()[-1]),
        (template.director, director),
        (template.brin, f"{rng.randint(10, 99)}{rng.choice('ABCDEFGHJK')}{rng.choice('LMNPRSTVWZ')}"),
        (template.phone, f"0{rng.randint(10, 79)}-{rng.randint(1000000, 9999999)}"),
        (template.street, f"{core.split()[-1]}laan"),
        (template.period, period),
        (template.city, city),
    ]
    blocks = _replace_all(template.build(), replacements) + _appendix(rng, school, extra)
    header = f"{school}  |  {city}  |  Schoolondersteuningsprofiel"
    title = f"Schoolondersteuningsprofiel {school} {period}"
    if file_format == "pdf":
        examples.render_pdf(blocks, path, school=school, period=period, header=header, title=title)
    elif file_format == "docx":
        created = examples._dt.datetime(start, 7, 1, 9, 0, 0)
        examples.render_docx(blocks, path, school=school, period=period, header=header, title=title, created=created)
    elif file_format == "md":
        examples.render_markdown(blocks, path)
    else:
        raise ValueError(f"unknown format {file_format!r}: pdf, docx, md or native")
    return described


def generate_corpus(out_dir: Path, schools: int, file_format: str = "pdf") -> list[SyntheticSchool]:
    """The first ``schools`` synthetic schools in ``out_dir`` (files already there are kept), listed in corpus.jsonl."""
    out_dir.mkdir(parents=True, exist_ok=True)
    made = []
    for number in range(schools):
        described = generate_school(number, out_dir, file_format, render=False)
        exists = (out_dir / described.file).exists()
        made.append(described if exists else generate_school(number, out_dir, file_format))
    with (out_dir / MANIFEST).open("w", encoding="utf-8") as manifest:
        for school in made:
            manifest.write(json.dumps(asdict(school), ensure_ascii=False) + "\n")
    return made


def load_corpus(out_dir: Path) -> list[dict]:
    """The schools of a generated corpus, in generation order."""
    lines = (out_dir / MANIFEST).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--schools", type=int, default=200)
    parser.add_argument("--format", default="pdf", choices=("pdf", "docx", "md", "native"))
    args = parser.parse_args()
    made = generate_corpus(args.out_dir, args.schools, args.format)
    print(f"{len(made)} schools in {args.out_dir}")


if __name__ == "__main__":
    main()
