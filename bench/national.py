"""A national-scale index (~7,000 schools, ~440,000 chunks) built in minutes from the real profiles of an embedded
index, without embedding anything: embedding 400,000 chunks takes hours on 2 cores.

The real profiles (the 77 Plein013 reports and the 2 seeds of ``/work/runs/p13``) stay as they are, with their real
vectors: the golden questions ask about them. Every further school is a copy of one real profile, in turn, under an
identity of its own (doc_id, name, town, BRIN), with:

- its chunks' text and metadata: the source's, with the source school's name (and its distinctive part) and BRIN
  replaced by the copy's wherever they occur, the units' character offsets moved accordingly;
- its vectors *derived* from the source's: each real chunk vector plus Gaussian noise of ``sigma`` per dimension,
  renormalised (see ``derived_vectors``);
- its words for BM25: the source's words per chunk (``words_of`` of the search text), with the school's name swapped
  in the header; only chunks whose text held the name are analysed again. The BM25 index is then built from these
  words by ``LexicalIndex`` itself and saved for the manifest's stamp, as an ingest would leave it;
- its template-text state: the source's exact hashes and MinHash signatures, transformed per *region*. The copies are
  laid out as regions of one copy of each real profile (region 0 is the real profiles themselves). Within a region the
  hashes go through one bijection and the signatures' bytes through one permutation per position, so a region shares
  its template text exactly as the real Plein013 region does, and no two regions share anything (as two
  samenwerkingsverbanden with their own templates). Copying the hashes unchanged would make every passage of a
  profile shared by ~88 copies: all text would count as regional.

The store is written with the embedded client into a folder that a Chroma server then serves (the same on-disk
format); the manifest gets one record per school and a new generation token, so ``SopAssistant`` opens the index as
any other. Support-matrix rows are copied for the real profiles only (a copy's row is worked out when asked for).

    .venv/bin/python bench/national.py --source /work/runs/p13 --work /work/benchdata/national --schools 7000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sys
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
from langchain_core.documents import Document

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from corpus import _ADJECTIVES, _NOUNS  # noqa: E402

from assistant.data import generic_name_words  # noqa: E402
from core.config import Settings  # noqa: E402
from core.units import decode_units, encode_units  # noqa: E402
from index import template_text as tt  # noqa: E402
from index.indexer import _stamp  # noqa: E402
from index.lexical import DocumentWords, LexicalIndex, search_text, words_of  # noqa: E402
from index.store import ChunkStore, IndexedProfile  # noqa: E402

# Noise per dimension of a derived vector: the cosine of copy and source is about 1 / sqrt(1 + 384 sigma^2) = 0.90,
# the median cosine between a real chunk and its nearest chunk in another real profile (0.887 over the 5,007 chunks
# of the 79 real profiles): a copy is as far from its source as two real schools' closest passages are from each
# other, and no two vectors coincide (exact duplicates give HNSW ties that real data does not have).
SIGMA = 0.025
# Endings that make more distinct names from the corpus's word pools ("De Gouden Eikhof"), 7,000 and more.
_ENDINGS = ("", "hof", "veld", "gaarde", "horst", "hoeve", "kamp", "dal")
_LETTERS = "ABCDEFGHJKLMNPRSTVWXZ"


class _NoEmbeddings:
    """The store is written with vectors given; nothing may be embedded here."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        raise RuntimeError("the national index derives its vectors; nothing is embedded")

    def embed_query(self, text: str) -> list[float]:
        raise RuntimeError("the national index derives its vectors; nothing is embedded")


@dataclass
class SourceProfile:
    """One real profile as the copies take it: manifest entry, chunks in order, vectors, words, template records."""

    profile: IndexedProfile
    ids: list[str]
    texts: list[str]
    metadatas: list[dict]
    vectors: np.ndarray
    words: list[list[str]]
    exact: np.ndarray  # template text: exact hash per passage (0: not compared)
    long: np.ndarray  # positions of the passages with a signature
    signatures: np.ndarray  # (len(long), NUM_PERM) uint8
    units: list[int]  # passages (units) per chunk


def read_sources(source_dir: Path) -> list[SourceProfile]:
    """The profiles of an embedded index at their manifest versions, with the template-text records worked out over
    them by ``TemplateText`` itself (as ``RegionalText.sync`` does)."""
    import tempfile

    settings = Settings.from_env().with_(index_dir=source_dir, chroma_host=None, embedding_model=_model(source_dir))
    store = ChunkStore(settings, _NoEmbeddings(), settings.embedding_model)  # type: ignore[arg-type]
    profiles = store.profiles()
    sources = []
    with tempfile.TemporaryDirectory() as folder:
        text = tt.TemplateText(Path(folder))
        for doc_id, profile in sorted(profiles.items()):
            got = store._chunks.get(
                where={"$and": [{"doc_id": doc_id}, {"version": profile.version}]},
                include=["documents", "metadatas", "embeddings"],
            )
            order = sorted(range(len(got["ids"])), key=lambda i: int(got["metadatas"][i].get("chunk_index", 0)))
            metadatas = [dict(got["metadatas"][i]) for i in order]
            texts = [got["documents"][i] for i in order]
            passages, units = [], []
            for content, metadata in zip(texts, metadatas):
                decoded = decode_units(str(metadata.get("units", "")))
                passages.extend(content[u.start : u.end] for u in decoded)
                units.append(len(decoded))
            text.add(doc_id, passages)
            doc = text._docs[doc_id]
            sources.append(SourceProfile(
                profile=profile,
                ids=[got["ids"][i] for i in order],
                texts=texts,
                metadatas=metadatas,
                vectors=np.asarray([got["embeddings"][i] for i in order], dtype=np.float32),
                words=[words_of(search_text(Document(page_content=t, metadata=m))) for t, m in zip(texts, metadatas)],
                exact=text._slot_exact.values[doc.first_slot : doc.first_slot + doc.count].copy(),
                long=doc.long.copy(),
                signatures=text._rows.values[doc.first_row : doc.first_row + len(doc.long)].copy(),
                units=units,
            ))
    return sources


def _model(index_dir: Path) -> str:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    # The settings of index.store.make_client: Chroma refuses a second client of the folder with others.
    settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    client = chromadb.PersistentClient(path=str(index_dir / "chroma"), settings=settings)
    return str((client.get_collection("sop_chunks").metadata or {}).get("embedding_model", "all-minilm-l6-v2"))


# Identities ---------------------------------------------------------------------------------------------------------
def copy_names(count: int, avoid: list[str]) -> list[str]:
    """``count`` distinct distinctive parts ("De Gouden Eikhof"), none sharing a noun with a real school's name."""
    taken = " ".join(avoid).casefold()
    nouns = [noun for noun in _NOUNS if noun.casefold() not in taken]
    names = [f"De {adjective} {noun}{ending}" for ending in _ENDINGS for noun in nouns for adjective in _ADJECTIVES]
    if count > len(names):
        raise ValueError(f"at most {len(names)} distinct copy names")
    return random.Random(13).sample(names, count)


def name_parts(school: str) -> tuple[str, str]:
    """A school's kind words and its distinctive part: 'Basisschool Berkeloo' → ('Basisschool ', 'Berkeloo')."""
    generic = generic_name_words() - {"de", "het", "den", "'t", "’t"}
    words = school.split()
    kind = 0
    while kind < len(words) - 1 and words[kind].casefold().strip(".") in generic:
        kind += 1
    prefix = " ".join(words[:kind])
    return (prefix + " " if prefix else ""), " ".join(words[kind:])


def _places() -> list[str]:
    lines = (ROOT / "ingest" / "data" / "places.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


# Text with a new name ------------------------------------------------------------------------------------------------
def renamed(text: str, pattern: re.Pattern[str], mapping: dict[str, str]) -> tuple[str, list[tuple[int, int, int]]]:
    """``text`` with every match of ``pattern`` replaced by ``mapping[match.casefold()]``, and the replaced spans
    (old start, old end, new length) that unit offsets are moved by."""
    spans, out, last = [], [], 0
    for match in pattern.finditer(text):
        new = mapping[match.group(0).casefold()]
        out += [text[last : match.start()], new]
        spans.append((match.start(), match.end(), len(new)))
        last = match.end()
    if not spans:
        return text, spans
    out.append(text[last:])
    return "".join(out), spans


def moved(position: int, spans: list[tuple[int, int, int]]) -> int:
    """Where an offset of the old text stands in the new one (inside a replaced span: the same distance in, at most
    the new span's end)."""
    shift = 0
    for start, end, length in spans:
        if position >= end:
            shift += length - (end - start)
        elif position > start:
            return start + shift + min(position - start, length)
        else:
            break
    return position + shift


def moved_units(encoded: str, spans: list[tuple[int, int, int]]) -> str:
    if not spans or not encoded:
        return encoded
    units = [replace(u, start=moved(u.start, spans), end=moved(u.end, spans)) for u in decode_units(encoded)]
    return encode_units(units)


# Vectors -----------------------------------------------------------------------------------------------------------
def derived_vectors(vectors: np.ndarray, rng: np.random.Generator, sigma: float = SIGMA) -> np.ndarray:
    """Each row plus N(0, sigma^2) noise per dimension, renormalised to unit length (the model's vectors are)."""
    noisy = vectors + rng.standard_normal(vectors.shape, dtype=np.float32) * np.float32(sigma)
    return noisy / np.linalg.norm(noisy, axis=1, keepdims=True)


# Template text per region -----------------------------------------------------------------------------------------
class Region:
    """One bijection of exact hashes and one byte permutation per signature position (region 0: the identity)."""

    def __init__(self, number: int) -> None:
        self.number = number
        rng = np.random.default_rng(1_000 + number)
        self.multiplier = np.uint64(int(rng.integers(1, 2**62)) * 2 + 1)  # odd: a bijection modulo 2^64
        self.salt = np.uint64(int(rng.integers(0, 2**63)))
        self.permutation = np.stack([rng.permutation(256).astype(np.uint8) for _ in range(tt.NUM_PERM)])

    def exact(self, hashes: np.ndarray) -> np.ndarray:
        if self.number == 0:
            return hashes
        with np.errstate(over="ignore"):
            mixed = (hashes ^ self.salt) * self.multiplier
        mixed[mixed == 0] = 1  # 0 means "not compared"
        return np.where(hashes == 0, np.uint64(0), mixed)

    def signatures(self, rows: np.ndarray) -> np.ndarray:
        if self.number == 0 or not len(rows):
            return rows
        return self.permutation[np.arange(tt.NUM_PERM)[None, :], rows]


def write_template_text(folder: Path, records: list[tuple[str, np.ndarray, np.ndarray, np.ndarray]],
                        layouts: dict[str, dict]) -> None:
    """The pack, manifest and layout that ``TemplateText`` and ``RegionalText`` read (the format of their ``save``)."""
    folder.mkdir(parents=True, exist_ok=True)
    pack = f"template_text-{os.urandom(6).hex()}.bin"
    docs, offset = [], 0
    with (folder / pack).open("wb") as handle:
        for doc_id, exact, long, signatures in records:
            record = tt._padded(exact.astype(np.uint64).tobytes()) + tt._padded(long.astype(np.int32).tobytes()) \
                + tt._padded(signatures.astype(np.uint8).tobytes())
            handle.write(record)
            docs.append([doc_id, offset, len(exact), len(long)])
            offset += len(record)
    manifest = {"params": tt._PARAMS, "pack": pack, "docs": docs}
    (folder / tt._MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    (folder / "layout.json").write_text(json.dumps(layouts), encoding="utf-8")


# The build ----------------------------------------------------------------------------------------------------------
def build(source_dir: Path, index_dir: Path, chroma_data: Path, schools: int, sigma: float = SIGMA,
          batch: int = 5000, log=print) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Write an index of ``schools`` schools: ``index_dir`` (lexical index, template text, matrix rows) and the Chroma
    data folder ``chroma_data`` (served by a Chroma server). Returns figures of the build."""
    started = time.perf_counter()
    # Opening an embedded store may write to it: the source is read from a copy.
    copy = index_dir.parent / "source"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(source_dir, copy, ignore=shutil.ignore_patterns("ingest.lock"))
    source_dir = copy
    sources = read_sources(source_dir)
    read_s = time.perf_counter() - started
    per_region = len(sources)
    log(f"{per_region} real profiles, {sum(len(s.ids) for s in sources)} chunks, read in {read_s:.1f} s")
    for folder in (index_dir, chroma_data):
        shutil.rmtree(folder, ignore_errors=True)
    index_dir.mkdir(parents=True)
    settings = Settings.from_env().with_(index_dir=index_dir, chroma_host=None,
                                         embedding_model=_model(source_dir))
    store = ChunkStore(settings, _NoEmbeddings(), settings.embedding_model)  # type: ignore[arg-type]
    batch = min(batch, store._client.get_max_batch_size())

    names = copy_names(max(schools - per_region, 0), [s.profile.school for s in sources])
    places = _places()
    brins = {s.profile.brin.upper() for s in sources if s.profile.brin}
    doc_ids = {s.profile.doc_id for s in sources}
    rng = np.random.default_rng(7)
    identity_rng = random.Random(7)
    patterns = {}
    for source in sources:
        _, core = name_parts(source.profile.school)
        olds = {source.profile.school}
        if len(core) >= 4:
            olds.add(core)
        if source.profile.brin:
            olds.add(source.profile.brin)
        alternatives = "|".join(re.escape(old) for old in sorted(olds, key=len, reverse=True))
        patterns[source.profile.doc_id] = (re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE), core)

    pending: dict[str, list] = {"ids": [], "documents": [], "embeddings": [], "metadatas": []}
    written = 0

    def flush() -> None:
        nonlocal written
        if pending["ids"]:
            store._chunks.add(
                ids=pending["ids"], documents=pending["documents"],
                embeddings=np.concatenate(pending["embeddings"]), metadatas=pending["metadatas"],
            )
            written += len(pending["ids"])
            for values in pending.values():
                values.clear()

    profiles: dict[str, IndexedProfile] = {}
    documents_words: list[DocumentWords] = []
    records, layouts, regions = [], {}, {}
    analysed = 0
    for number in range(schools):
        source = sources[number % per_region]
        region_number = number // per_region
        region = regions.setdefault(region_number, Region(region_number))
        profile = source.profile
        if region_number == 0:
            entry, texts, metadatas, vectors, words = profile, source.texts, source.metadatas, source.vectors, source.words
            ids = source.ids
        else:
            brin = _new_brin(identity_rng, brins)
            doc_id = brin.lower()
            while doc_id in doc_ids:
                brin = _new_brin(identity_rng, brins)
                doc_id = brin.lower()
            doc_ids.add(doc_id)
            prefix, _ = name_parts(profile.school)
            core = names[number - per_region]
            school = prefix + core
            pattern, old_core = patterns[profile.doc_id]
            mapping = {profile.school.casefold(): school, old_core.casefold(): core}
            if profile.brin:
                mapping[profile.brin.casefold()] = brin
            town = identity_rng.choice(places)
            entry = replace(
                profile, doc_id=doc_id, school=school, town=town, brin=brin, path=f"national/{doc_id}.pdf",
                fingerprint=f"{profile.fingerprint[:48]}{number:016d}",
            )
            texts, metadatas, words = [], [], []
            for content, metadata, source_words in zip(source.texts, source.metadatas, source.words):
                header = words_of(str(metadata.get("school", "")))
                new_content, spans = renamed(content, pattern, mapping)
                fields = {key: renamed(str(metadata.get(key, "")), pattern, mapping)[0]
                          for key in ("section", "chapter", "explained") if metadata.get(key)}
                new_metadata = {
                    **metadata, **fields, "doc_id": doc_id, "school": school, "town": town, "brin": brin,
                    "source": entry.path, "units": moved_units(str(metadata.get("units", "")), spans),
                }
                same_header = source_words[: len(header)] == header
                if spans or not same_header or any(fields[key] != metadata[key] for key in fields):
                    chunk_words = words_of(search_text(Document(page_content=new_content, metadata=new_metadata)))
                    analysed += 1
                else:  # only the header (the school's name) differs
                    chunk_words = words_of(school) + source_words[len(header):]
                texts.append(new_content)
                metadatas.append(new_metadata)
                words.append(chunk_words)
            vectors = derived_vectors(source.vectors, rng, sigma)
            ids = [f"{entry.doc_id}:{entry.version}:{i}" for i in range(len(texts))]
        pending["ids"] += ids
        pending["documents"] += texts
        pending["embeddings"].append(np.asarray(vectors, dtype=np.float32))
        pending["metadatas"] += [{**m, "version": entry.version} for m in metadatas]
        if len(pending["ids"]) >= batch:
            flush()
        profiles[entry.doc_id] = entry
        documents_words.append(DocumentWords(entry.doc_id, entry.version, ids, words))
        records.append((entry.doc_id, region.exact(source.exact), source.long, region.signatures(source.signatures)))
        layouts[entry.doc_id] = {"version": entry.version, "chunks": [[i, n] for i, n in zip(ids, source.units)]}
        if (number + 1) % 500 == 0:
            log(f"{number + 1} schools, {written} chunks written, {time.perf_counter() - started:.0f} s")
    flush()
    chunks_s = time.perf_counter() - started
    # The manifest: one record per school, then a new generation token (as replace_profile leaves it).
    entries = list(profiles.values())
    for start in range(0, len(entries), batch):
        part = entries[start : start + batch]
        store._manifest.upsert(
            ids=[p.doc_id for p in part], documents=[p.school for p in part], embeddings=[[1.0]] * len(part),
            metadatas=[{"entry": json.dumps(asdict(p))} for p in part],
        )
    store._bump()
    assert set(store.profiles()) == set(profiles)
    stamp = _stamp(profiles)
    lexical_started = time.perf_counter()
    lexical = LexicalIndex.empty().updated([], sorted(documents_words, key=lambda d: d.doc_id))
    del documents_words
    lexical.save(index_dir / "lexical", stamp)
    lexical_s = time.perf_counter() - lexical_started
    write_template_text(index_dir / "template-text", records, layouts)
    matrix = source_dir / "matrix"
    if matrix.is_dir():
        shutil.copytree(matrix, index_dir / "matrix")
    # Closed (Chroma's per-process registry cleared), then its folder becomes the server's data folder.
    from chromadb.api.client import SharedSystemClient

    del store
    SharedSystemClient.clear_system_cache()
    chroma_data.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(index_dir / "chroma"), str(chroma_data))
    return {
        "schools": len(profiles), "real_profiles": per_region, "regions": len(regions),
        "chunks": sum(p.chunks for p in profiles.values()), "pages": sum(p.pages or 0 for p in profiles.values()),
        "chunks_analysed_again": analysed, "sigma": sigma,
        "read_sources_s": round(read_s, 1), "chunks_written_s": round(chunks_s - read_s, 1),
        "lexical_build_s": round(lexical_s, 1), "build_s": round(time.perf_counter() - started, 1),
    }


def _new_brin(rng: random.Random, taken: set[str]) -> str:
    while True:
        brin = f"{rng.randint(10, 99)}{rng.choice(_LETTERS)}{rng.choice(_LETTERS)}"
        if brin not in taken:
            taken.add(brin)
            return brin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True, help="an embedded index of real profiles (read only)")
    parser.add_argument("--work", type=Path, required=True, help="index/ and server/data/ are written here")
    parser.add_argument("--schools", type=int, default=7000)
    parser.add_argument("--sigma", type=float, default=SIGMA)
    args = parser.parse_args()
    figures = build(args.source, args.work / "index", args.work / "server" / "data", args.schools, args.sigma)
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
