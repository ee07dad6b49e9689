"""Template (regional) text, found by repetition across the indexed documents.

Every region's reports open with the same introduction and share interview questions, grid labels and closing
paragraphs, sometimes with the school's name swapped in. A list of one region's phrases does not carry over to the
~150 others; repetition does: a passage that several indexed documents hold near-verbatim is template text.

Two comparisons, both on `normalised` text:
- every passage by an exact hash, so that short ones (labels, headings, short interview questions) match exactly:
  MinHash over a handful of shingles says little, and one swapped word already halves their Jaccard;
- passages of at least MIN_WORDS words also by MinHash (datasketch) over word shingles, found through LSH bands and
  kept when the estimated Jaccard is at least THRESHOLD: a school's name swapped into a long sentence stays above it.

A short passage only counts as shared with another document when a neighbouring passage is shared with that document
at a neighbouring place too: labels and questions come in runs of form text, while a short sentence of the school's
own ("De school werkt met een continurooster.") recurs in other schools amid their own, different text. Only a short
passage that a quarter of the other documents hold (a form heading amid the school's text) counts without context.

Only signatures and hashes are stored (one pack file plus a manifest), never the text: adding or removing a document
touches no other document's passages.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SHINGLE_WORDS = 3  # word shingles for MinHash
MIN_WORDS = 8  # shorter passages are compared by exact hash only
THRESHOLD = 0.5  # estimated Jaccard of SHINGLE_WORDS-shingles from which a long passage is a near-verbatim copy
NUM_PERM = 64  # MinHash permutations; only the lowest 8 bits of each are kept (b-bit MinHash, 64 bytes a passage)
ROWS = 3  # LSH: 21 bands of 3 rows find 94% of the pairs at Jaccard 0.5, nearly all above 0.6
CONTEXT = 2  # a short passage needs a shared neighbour within this many passages, in both documents
COMMON = 0.25  # a short passage that this share of the other documents hold (and at least COMMON_MIN) needs no context
COMMON_MIN = 5
COPIES = 2  # other documents that must hold a passage before it is template (fewer when fewer are indexed)
SEED = 1

BANDS = NUM_PERM // ROWS
assert BANDS << (8 * ROWS) < 1 << 32, "a band key (band number and ROWS bytes) must fit in 32 bits"
_FORMAT = 1
_PARAMS = {
    "format": _FORMAT,
    "normalised": 1,
    "shingle_words": SHINGLE_WORDS,
    "min_words": MIN_WORDS,
    "num_perm": NUM_PERM,
    "seed": SEED,
    "scheme": "affine32",
}
_MANIFEST = "template_text.json"
_NOT_WORD = re.compile(r"[\W\d_]+")  # punctuation, symbols (☐ ☒ •), digits (numbering, page and footnote marks)
# Named, not left to the library's default, so that a datasketch release changing it cannot mix two kinds of values.
_SCHEME = "affine32"


def normalised(passage: str) -> str:
    """What is compared: lower case without accents, digits, punctuation or symbols, single spaces."""
    text = unicodedata.normalize("NFKD", passage.casefold())
    if not text.isascii():
        text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(_NOT_WORD.sub(" ", text).split())


def is_template(shared: int, documents: int) -> bool:
    """Whether a passage that `shared` other documents hold (of `documents` indexed) is template text.

    Two schools may share their own sentences (two schools in one building, one rapporteur's phrasing), so a large
    index asks for COPIES other documents; an index of two documents can only ask for the other one."""
    return shared >= max(1, min(COPIES, documents - 1))


def is_common(shared: int, documents: int) -> bool:
    """Whether a passage is held by so many documents (COMMON of the others, at least COMMON_MIN) that it is the
    region's form or introduction rather than a few schools writing alike."""
    return shared >= max(COMMON_MIN, COMMON * (documents - 1))


def _exact_key(text: str) -> int:
    # 0 marks a passage that is not compared: too little text ("•", "12", "x", a stray "De") to tell by repetition.
    if len(text.replace(" ", "")) < 4:
        return 0
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little") or 1


def _signatures(word_lists: list[list[str]]) -> np.ndarray:
    # Imported here: datasketch brings scipy (0.4 s), and a question over an index whose marks are saved needs neither.
    from datasketch import MinHash

    shingles = [
        [" ".join(words[i : i + SHINGLE_WORDS]).encode() for i in range(len(words) - SHINGLE_WORDS + 1)]
        for words in word_lists
    ]
    hashes = MinHash.bulk(shingles, num_perm=NUM_PERM, seed=SEED, scheme=_SCHEME)  # one set-up per call
    # b-bit MinHash: the low 8 bits of each value estimate Jaccard nearly as well as 32 bits, at a quarter the size.
    return np.array([minhash.hashvalues & 0xFF for minhash in hashes], dtype=np.uint8).reshape(-1, NUM_PERM)


def _band_keys(signatures: np.ndarray) -> np.ndarray:
    """(passages, BANDS) 32-bit keys: the band number above the band's ROWS bytes."""
    rows = signatures[:, : BANDS * ROWS].reshape(len(signatures), BANDS, ROWS)
    packed = np.broadcast_to(np.arange(BANDS, dtype=np.uint32) << np.uint32(8 * ROWS), rows.shape[:2]).copy()
    for row in range(ROWS):
        packed |= rows[:, :, row].astype(np.uint32) << np.uint32(8 * row)
    return packed


def _distinct(values: np.ndarray) -> np.ndarray:
    """np.unique by sorting: numpy 2.4's hash-based np.unique is up to 80x slower on millions of distinct ints."""
    ordered = np.sort(values)
    return ordered[np.concatenate([[True], ordered[1:] != ordered[:-1]])] if len(ordered) else ordered


def _first_of_each(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values and where each first occurs."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    first = np.concatenate([[True], ordered[1:] != ordered[:-1]]) if len(ordered) else np.zeros(0, bool)
    return ordered[first], order[first]


def _jaccard(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    # Two 8-bit values also agree by chance (1 in 256); take that out of the share of agreeing values.
    agree = (left == right).mean(axis=1)
    return (agree - 1 / 256) / (1 - 1 / 256)


class _Column:
    """A growable numpy array (rows appended, capacity doubled)."""

    def __init__(self, dtype: type, width: int = 0) -> None:
        self._data = np.zeros((16, width) if width else 16, dtype=dtype)
        self.size = 0

    def extend(self, values: np.ndarray) -> int:
        start, end = self.size, self.size + len(values)
        if end > len(self._data):
            grown = np.zeros((max(end, 2 * len(self._data)),) + self._data.shape[1:], dtype=self._data.dtype)
            grown[:start] = self._data[:start]
            self._data = grown
        self._data[start:end] = values
        self.size = end
        return start

    @property
    def values(self) -> np.ndarray:
        return self._data[: self.size]


class _Index:
    """A multimap from uint64 keys to int64 values in sorted runs, merged like a binary counter: adding costs
    O(log N) amortised per entry and a lookup searches O(log N) runs, with no Python object per entry (a dict of
    millions of passages would take gigabytes). Entries are not deleted one by one: `keep` drops
    those of removed documents whenever runs merge, and a load rebuilds without them."""

    def __init__(self, keep: Callable[[np.ndarray], np.ndarray] | None = None) -> None:
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []
        self._keep = keep

    def add(self, keys: np.ndarray, values: np.ndarray) -> None:
        keys, values = keys.astype(np.uint64), values.astype(np.int64)
        while self._runs and len(self._runs[-1][0]) <= 2 * len(keys):
            run_keys, run_values = self._runs.pop()
            keys, values = np.concatenate([run_keys, keys]), np.concatenate([run_values, values])
            if self._keep is not None:
                kept = self._keep(values)
                keys, values = keys[kept], values[kept]
        if len(keys):
            order = np.argsort(keys, kind="stable")  # runs are sorted already: a stable sort merges them in O(n)
            self._runs.append((keys[order], values[order]))

    def lookup(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(index into keys, value) for every entry whose key is among `keys`."""
        found_at, found = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
        keys, order = _in_order(keys)
        for run_keys, run_values in self._runs:
            low = np.searchsorted(run_keys, keys, "left")
            counts = np.searchsorted(run_keys, keys, "right") - low
            total = int(counts.sum())
            if total:
                starts = np.repeat(low - np.cumsum(counts) + counts, counts)
                at, values = _by_key_index(order, counts, run_values[starts + np.arange(total)])
                found_at.append(at)
                found.append(values)
        return np.concatenate(found_at), np.concatenate(found)


class _Bands:
    """LSH buckets: band key → signature row of a distinct text, packed as (key << 32 | row) in one uint64, in
    sorted runs merged like _Index. One array sorts with np.sort, 7x faster than the argsort a key and a value
    array need: that is most of a load (34 million entries at 7,700 documents of distinct regions)."""

    def __init__(self) -> None:
        self._runs: list[np.ndarray] = []

    def add(self, keys: np.ndarray, rows: np.ndarray) -> None:
        entries = (keys.astype(np.uint64) << np.uint64(32)) | rows.astype(np.uint64)
        while self._runs and len(self._runs[-1]) <= 2 * len(entries):
            entries = np.concatenate([self._runs.pop(), entries])
        if len(entries):
            entries.sort()
            self._runs.append(entries)

    def lookup(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(index into keys, signature row) for every entry whose key is among `keys`."""
        sorted_keys, order = _in_order(keys.astype(np.uint64))
        low_keys = sorted_keys << np.uint64(32)
        high_keys = low_keys + np.uint64(1 << 32)
        found_at, found = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
        for run in self._runs:
            low = np.searchsorted(run, low_keys)
            counts = np.searchsorted(run, high_keys) - low
            total = int(counts.sum())
            if total:
                starts = np.repeat(low - np.cumsum(counts) + counts, counts)
                values = (run[starts + np.arange(total)] & np.uint64(0xFFFFFFFF)).astype(np.int64)
                at, values = _by_key_index(order, counts, values)
                found_at.append(at)
                found.append(values)
        return np.concatenate(found_at), np.concatenate(found)


def _in_order(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The keys sorted, and where each came from. Searched in order, neighbouring keys walk the same part of a run:
    with tens of millions of entries, keys in the order given cost a cache miss per step of every search (at 7,000
    documents that was most of the time a document's template text took)."""
    order = np.argsort(keys, kind="stable")
    return keys[order], order


def _by_key_index(order: np.ndarray, counts: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The entries found for sorted keys, as a search with the keys in their given order returns them: by the
    key's index, each key's entries in run order."""
    at = np.repeat(order, counts)
    back = np.argsort(at, kind="stable")
    return at[back], values[back]


@dataclass
class _Doc:
    ordinal: int
    first_slot: int  # passages are slots first_slot … first_slot + count - 1
    count: int
    long: np.ndarray  # positions of the passages with a signature, in order
    first_row: int  # their signatures are rows first_row … first_row + len(long) - 1
    saved: bool = False


class TemplateText:
    """Which passages of a document other indexed documents hold near-verbatim; incremental and persistent.
    Not thread-safe, and one writer per folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._docs: dict[str, _Doc] = {}
        self._slot_doc = _Column(np.int32)  # slot → document ordinal
        self._slot_exact = _Column(np.uint64)  # slot → exact hash (0: not compared)
        self._slot_row = _Column(np.int64)  # slot → signature row (-1: short passage)
        self._rows = _Column(np.uint8, NUM_PERM)  # b-bit MinHash signatures
        self._row_slot = _Column(np.int64)  # signature row → slot
        self._alive = _Column(np.bool_)  # ordinal → still indexed
        self._exact = _Index(keep=lambda slots: self._alive.values[self._slot_doc.values[slots]])
        # A text's bands go in once, however many documents hold it, with the signature row of its first copy.
        self._bands = _Bands()
        self._pack: str | None = None
        self._load()

    def __len__(self) -> int:
        return len(self._docs)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._docs

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._docs))

    def add(self, doc_id: str, passages: list[str]) -> None:
        """Index a document's passages (sentences, list items, table rows, headings), replacing an earlier version."""
        if doc_id in self._docs:
            self.remove(doc_id)
        texts = [normalised(passage) for passage in passages]
        exact = np.array([_exact_key(text) for text in texts], dtype=np.uint64)
        words = [text.split() for text in texts]
        long = np.array([i for i, w in enumerate(words) if len(w) >= MIN_WORDS and exact[i]], dtype=np.int64)
        signatures = _signatures([words[i] for i in long])
        ordinal = self._alive.extend(np.array([True]))
        first_slot = self._slot_doc.extend(np.full(len(texts), ordinal, dtype=np.int32))
        first_row = self._rows.extend(signatures)
        self._row_slot.extend(first_slot + long)
        rows = np.full(len(texts), -1, dtype=np.int64)
        rows[long] = first_row + np.arange(len(long))
        self._slot_exact.extend(exact)
        self._slot_row.extend(rows)
        # Bands of texts the index holds already (an exact copy, even one of a removed document) are in already.
        new_texts, first = _first_of_each(exact[long])
        seen = np.zeros(len(new_texts), dtype=bool)
        seen[self._exact.lookup(new_texts)[0]] = True
        new_texts, first = new_texts[~seen], first[~seen]
        self._bands.add(_band_keys(signatures[first]).ravel(), np.repeat(first_row + first, BANDS))
        compared = np.flatnonzero(exact)
        self._exact.add(exact[compared], first_slot + compared)
        self._docs[doc_id] = _Doc(ordinal, first_slot, len(texts), long, first_row)

    def remove(self, doc_id: str) -> None:
        """Drop a document; its index entries are filtered out until runs merge or the next load."""
        doc = self._docs.pop(doc_id, None)
        if doc is not None:
            self._alive.values[doc.ordinal] = False

    def shared_by(self, doc_id: str) -> list[int]:
        """Per passage of doc_id (in add order): how many other documents hold a near-verbatim copy; for a short
        passage, a copy next to a copy of one of its neighbours (unless COMMON of the other documents hold it).
        Passages with too little text to compare ("•", "12") count 0."""
        doc = self._docs[doc_id]
        slots = doc.first_slot + np.arange(doc.count)
        exact = self._slot_exact.values[slots]
        compared = np.flatnonzero(exact)
        at, found = self._exact.lookup(exact[compared])
        passages, copies = [compared[at]], [found]
        if len(doc.long):
            near_at, near = self._near_copies(doc)
            passages.append(doc.long[near_at])
            copies.append(near)
        passage, slot = np.concatenate(passages), np.concatenate(copies)
        owner = self._slot_doc.values[slot]
        kept = self._alive.values[owner] & (owner != doc.ordinal)
        passage, slot, owner = passage[kept], slot[kept], owner[kept]
        short = np.ones(doc.count, dtype=bool)
        short[doc.long] = False
        width = np.int64(self._alive.size + 1)
        counts = self._counts(passage, owner, width, doc.count)
        # Form headings and labels ("Afsluitende opmerkingen", "thuistaal:") often sit between the school's own
        # sentences; when most documents hold one anyway, that repetition is evidence enough. Other short passages
        # count only the documents that hold them in context.
        common = counts >= max(COMMON_MIN, COMMON * (len(self._docs) - 1))
        check = short[passage] & ~common[passage]
        if check.any():
            in_context = self._in_context(passage, slot, check)
            in_context_counts = self._counts(passage[check][in_context], owner[check][in_context], width, doc.count)
            counts[short & ~common] = in_context_counts[short & ~common]
        return [int(count) for count in counts]

    @staticmethod
    def _counts(passage: np.ndarray, owner: np.ndarray, width: np.int64, count: int) -> np.ndarray:
        pairs = _distinct(passage * width + owner)  # one count per (passage, other document)
        return np.bincount(pairs // width, minlength=count)

    def _near_copies(self, doc: _Doc) -> tuple[np.ndarray, np.ndarray]:
        """(index into doc.long, slot) for every passage elsewhere whose text is a near copy of a long passage."""
        signatures = self._rows.values[doc.first_row : doc.first_row + len(doc.long)]
        own = self._slot_exact.values[doc.first_slot + doc.long]
        at, rows = self._bands.lookup(_band_keys(signatures).ravel())
        at //= BANDS
        pairs = _distinct(at * np.int64(self._rows.size) + rows)
        at, rows = pairs // self._rows.size, pairs % self._rows.size
        texts = self._slot_exact.values[self._row_slot.values[rows]]
        kept = (texts != own[at]) & (_jaccard(signatures[at], self._rows.values[rows]) >= THRESHOLD)
        at, texts = at[kept], texts[kept]  # exact copies are found by their exact hash already
        # Every living copy of each similar text (a text may have gone into the bands twice: count it once).
        candidates, text_of = np.unique(texts, return_inverse=True)
        pairs = _distinct(at * np.int64(len(candidates)) + text_of)
        at, text_of = pairs // max(len(candidates), 1), pairs % max(len(candidates), 1)
        holder_of, holders = self._exact.lookup(candidates)
        order = np.argsort(holder_of, kind="stable")
        holder_of, holders = holder_of[order], holders[order]
        first = np.searchsorted(holder_of, np.arange(len(candidates)))
        count = np.searchsorted(holder_of, np.arange(len(candidates)), "right") - first
        repeat = count[text_of]
        starts = np.repeat(first[text_of] - np.cumsum(repeat) + repeat, repeat)
        return np.repeat(at, repeat), holders[starts + np.arange(int(repeat.sum()))]

    def _in_context(self, passage: np.ndarray, slot: np.ndarray, which: np.ndarray) -> np.ndarray:
        """For the pairs `which`: whether a neighbour of the passage (within CONTEXT) is shared with a neighbour of
        the slot in the slot's document; `passage` and `slot` are all (passage, other slot) pairs found."""
        width = np.int64(self._slot_doc.size + 1)
        codes = _distinct(passage * width + slot)
        owner = self._slot_doc.values
        passage, slot = passage[which], slot[which]
        found = np.zeros(len(passage), dtype=bool)
        for step in range(-CONTEXT, CONTEXT + 1):
            for slot_step in range(-CONTEXT, CONTEXT + 1):
                if step == 0 or slot_step == 0:
                    continue
                target_slot = np.clip(slot + slot_step, 0, width - 2)
                target = (passage + step) * width + target_slot
                at = np.minimum(np.searchsorted(codes, target), len(codes) - 1)
                hit = (codes[at] == target) & (passage + step >= 0) & (owner[target_slot] == owner[slot])
                found |= hit & (target_slot == slot + slot_step)
        return found

    # Storage: a manifest (JSON) and one pack file of records (exact hashes, positions of long passages, signatures).
    # Saving appends the records of documents added since the last save and then replaces the manifest; the pack is
    # rewritten (under a new name) only when removed or replaced documents take more than half of it. Both ways the
    # manifest that os.replace puts in place only points at bytes that were complete before it.

    def save(self) -> None:
        """Write what changed since the last save; atomic: the manifest is put in place last, by os.replace."""
        self.folder.mkdir(parents=True, exist_ok=True)
        pack = self.folder / self._pack if self._pack else None
        size = pack.stat().st_size if pack is not None and pack.exists() else 0
        live = sum(_record_size(doc.count, len(doc.long)) for doc in self._docs.values())
        unsaved = [doc_id for doc_id, doc in self._docs.items() if not doc.saved]
        growth = sum(_record_size(self._docs[doc_id].count, len(self._docs[doc_id].long)) for doc_id in unsaved)
        old_pack = None
        if pack is None or size == 0 or size + growth > 2 * live + (1 << 16):
            # Rewrite: documents removed or replaced since would take more than half of the pack.
            old_pack, self._pack = self._pack, f"template_text-{os.urandom(6).hex()}.bin"
            self._offsets, offset = {}, 0
            temporary = self.folder / (self._pack + ".tmp")
            with temporary.open("wb") as handle:
                for doc_id, doc in self._docs.items():
                    record = self._record(doc)
                    handle.write(record)
                    self._offsets[doc_id], offset = offset, offset + len(record)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.folder / self._pack)
        elif unsaved:
            # Append: bytes the current manifest points at stay as they are; a torn tail is never pointed at.
            with pack.open("ab") as handle:
                offset = size + (-size % 8)
                handle.write(bytes(offset - size))
                for doc_id in unsaved:
                    record = self._record(self._docs[doc_id])
                    handle.write(record)
                    self._offsets[doc_id], offset = offset, offset + len(record)
                handle.flush()
                os.fsync(handle.fileno())
        docs = [[doc_id, self._offsets[doc_id], doc.count, len(doc.long)] for doc_id, doc in self._docs.items()]
        temporary = self.folder / (_MANIFEST + ".tmp")
        with temporary.open("w", encoding="utf-8") as handle:
            json.dump({"params": _PARAMS, "pack": self._pack, "docs": docs}, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.folder / _MANIFEST)
        for doc in self._docs.values():
            doc.saved = True
        if old_pack:
            (self.folder / old_pack).unlink(missing_ok=True)

    def _record(self, doc: _Doc) -> bytes:
        exact = self._slot_exact.values[doc.first_slot : doc.first_slot + doc.count]
        rows = self._rows.values[doc.first_row : doc.first_row + len(doc.long)]
        return _padded(exact.tobytes()) + _padded(doc.long.astype(np.int32).tobytes()) + _padded(rows.tobytes())

    def _load(self) -> None:
        self._offsets: dict[str, int] = {}
        try:
            manifest = json.loads((self.folder / _MANIFEST).read_text(encoding="utf-8"))
            data = np.fromfile(self.folder / manifest["pack"], dtype=np.uint8)
        except FileNotFoundError:
            return
        ends = [offset + _record_size(count, long_count) for _, offset, count, long_count in manifest["docs"]]
        if manifest.get("params") != _PARAMS or max(ends, default=0) > len(data):
            # Signatures made another way cannot be compared, and the text is not stored to redo them: the index
            # starts empty and callers re-add the documents they find missing (`doc_id in template_text`).
            return
        self._pack = manifest["pack"]
        exact, rows = [], []
        first_slot = first_row = 0
        for ordinal, (doc_id, offset, count, long_count) in enumerate(manifest["docs"]):
            long_at = offset + 8 * count
            rows_at = long_at + len(_padded(bytes(4 * long_count)))
            exact.append(data[offset:long_at].view(np.uint64))
            long = data[long_at : long_at + 4 * long_count].view(np.int32).astype(np.int64)
            rows.append(data[rows_at : rows_at + NUM_PERM * long_count].reshape(long_count, NUM_PERM))
            self._docs[doc_id] = _Doc(ordinal, first_slot, count, long, first_row, saved=True)
            self._offsets[doc_id] = offset
            first_slot, first_row = first_slot + count, first_row + long_count
        all_exact = np.concatenate(exact) if exact else np.zeros(0, np.uint64)
        all_rows = np.concatenate(rows) if rows else np.zeros((0, NUM_PERM), np.uint8)
        slot_row = np.full(len(all_exact), -1, dtype=np.int64)
        for doc in self._docs.values():
            slot_row[doc.first_slot + doc.long] = doc.first_row + np.arange(len(doc.long))
        counts = [doc.count for doc in self._docs.values()]
        self._slot_doc.extend(np.repeat(np.arange(len(counts), dtype=np.int32), counts))
        self._slot_exact.extend(all_exact)
        self._slot_row.extend(slot_row)
        self._rows.extend(all_rows)
        self._row_slot.extend(np.flatnonzero(slot_row >= 0))
        self._alive.extend(np.ones(len(counts), dtype=bool))
        # One sort per index rebuilds what add() built incrementally, without the entries of removed documents.
        compared = np.flatnonzero(all_exact)
        self._exact.add(all_exact[compared], compared)
        _, first = _first_of_each(all_exact[self._row_slot.values])  # rows are in slot order
        self._bands.add(_band_keys(all_rows[first]).ravel(), np.repeat(first, BANDS))


def _record_size(count: int, long_count: int) -> int:
    return 8 * count + len(_padded(bytes(4 * long_count))) + len(_padded(bytes(NUM_PERM * long_count)))


def _padded(data: bytes) -> bytes:
    # Records start at multiples of 8 bytes, so a loaded uint64 view of the pack is aligned.
    return data + bytes(-len(data) % 8)
