"""The lexical index brought up to date document by document ranks exactly as one built at once, and scores as the
bm25s index it replaced; over real profiles (the seed SOPs, the example documents, some Plein013 profiles)."""

from __future__ import annotations

import random
from pathlib import Path

import bm25s
import numpy as np
import pytest
from conftest import EXAMPLES, PLEIN013_DIR, SEED_PDFS, SOP_DIR, copy_index, settings_for

from index.indexer import SupportProfileIndex
from index.lexical import (
    _STEMMER,
    ChunkWords,
    DocumentWords,
    LexicalIndex,
    _compound_parts,
    search_text,
    words_of,
)
from ingest.pipeline import read_support_profile

QUERIES = (
    "Heeft de school een lift?",
    "Is er een invalide toilet?",
    "Hoe gaat de school om met dislexie?",  # a typo: read as the closest corpus word
    "Wie is de intern begeleider?",
    "dyslexieverklaring",
    "Hoe verloopt de overdracht naar het voortgezet onderwijs?",
    "Welke zorgniveaus zijn er?",
    "Is het gebouw rolstoeltoegankelijk?",
    "Is er een plusklas voor hoogbegaafde leerlingen?",
    "wie zitten er in het ondersteuningsteam",
    "Bieden jullie logopedie of fysiotherapie op school?",
    "Welke scholen hebben een lift?",
    "Wat doet de school bij gedragsproblemen en een time-out?",
    "Wie is de directeur?",
    "wie zitten daarbij?",  # question words only
)


@pytest.fixture(scope="module")
def documents() -> list[DocumentWords]:
    """Real profiles as the index keeps them: the words of each chunk's search text."""
    paths = [SOP_DIR / name for name in SEED_PDFS if (SOP_DIR / name).is_file()]
    paths += sorted(EXAMPLES.iterdir())
    paths += sorted(PLEIN013_DIR.glob("*.pdf"))[:3] if PLEIN013_DIR.is_dir() else []
    found = []
    for path in paths:
        chunks = read_support_profile(path, 1200, 100 * 2**20).chunks
        doc_id = chunks[0].metadata["doc_id"]
        found.append(
            DocumentWords(doc_id, "v1", [str(c.id) for c in chunks], [words_of(search_text(c)) for c in chunks])
        )
    assert len(found) >= 3
    return sorted(found, key=lambda document: document.doc_id)


def at_once(documents: list[DocumentWords]) -> LexicalIndex:
    return LexicalIndex.empty().updated([], documents)


def assert_same_index(built: LexicalIndex, expected: LexicalIndex) -> None:
    """The same chunks in the same order, the same words and compound splits, the same scores and ranking."""
    assert built.ids == expected.ids
    assert built.doc_ids.tolist() == expected.doc_ids.tolist()
    assert built.versions == expected.versions
    assert built.words == expected.words
    assert built.parts == expected.parts
    assert (built.counts != expected.counts[:, [expected.vocabulary.index(w) for w in built.vocabulary]]).nnz == 0
    schools = sorted(set(expected.doc_ids.tolist()))[:2]
    for query in QUERIES:
        for doc_ids, limit in ((None, None), (None, 10), (schools, 5)):
            got = list(built.scores(query, doc_ids, limit).items())
            assert got == list(expected.scores(query, doc_ids, limit).items()), (query, doc_ids, limit)


def test_one_document_at_a_time_ranks_as_a_build_at_once(documents: list[DocumentWords]) -> None:
    expected = at_once(documents)
    shuffled = documents[:]
    random.Random(17).shuffle(shuffled)
    index = LexicalIndex.empty()
    for document in shuffled:
        index = index.updated([], [document])
    assert_same_index(index, expected)
    # What the queries find is real: the lift question finds passages about a lift, the typo finds dyslexia.
    best = expected.ids.index(next(iter(expected.scores("Heeft de school een lift?", limit=1))))
    assert "lift" in documents_text(documents, expected.ids[best])
    assert any("dyslex" in documents_text(documents, chunk_id) for chunk_id in expected.scores("dislexie", limit=3))


def test_removed_and_added_again_ranks_as_a_build_at_once(documents: list[DocumentWords]) -> None:
    index = at_once(documents)
    gone = documents[1]
    without = index.updated([gone.doc_id], [])
    assert_same_index(without, at_once([d for d in documents if d is not gone]))
    assert not any(chunk_id in gone.ids for chunk_id in without.scores("Wie is de directeur?"))
    assert_same_index(without.updated([], [gone]), index)
    # A new version replaces the old one: here with its last chunks left out.
    shorter = DocumentWords(gone.doc_id, "v2", gone.ids[:-5], gone.words[:-5])
    replaced = index.updated([], [shorter])
    assert_same_index(replaced, at_once([shorter if d is gone else d for d in documents]))
    assert replaced.versions[gone.doc_id] == "v2"


def test_a_word_that_comes_or_goes_changes_how_other_profiles_split_compounds() -> None:
    """'invalidetoilet' splits only while some profile has 'toilet' as a word of its own; adding or removing that
    profile changes the counts of another profile's chunks, as a build at once would."""
    first = DocumentWords("a", "1", ["a:0", "a:1"], [["invalidetoilet", "lift"], ["invalide", "leerlingen"]])
    second = DocumentWords("b", "1", ["b:0"], [["toilet", "gymzaal", "toiletten"]])
    alone = at_once([first])
    assert "invalidetoilet" not in alone.parts
    both = alone.updated([], [second])
    assert both.parts["invalidetoilet"] == ("invalide", "toilet")
    assert_same_index(both, at_once([first, second]))
    back = both.updated(["b"], [])
    assert_same_index(back, alone)
    # Without its own 'toilet' token the compound is found only as a compound of the query word, at less weight.
    assert 0 < back.scores("toilet")["a:0"] < both.scores("toilet")["a:0"]


def test_scores_are_those_of_the_bm25s_index_it_replaced(documents: list[DocumentWords]) -> None:
    """The same tokens indexed by bm25s (as the lexical index did before) give every chunk the same score."""
    index = at_once(documents)
    words = [words for document in documents for words in document.words]
    vocabulary = {word for chunk in words for word in chunk}
    token_of = dict(zip(sorted(vocabulary), _STEMMER.stemWords(sorted(vocabulary))))
    ids: dict[str, int] = {}
    corpus = [
        [ids.setdefault(token_of[w], len(ids)) for w in chunk]
        + [ids.setdefault(token_of[p], len(ids)) for w in chunk for p in _compound_parts(w, vocabulary)]
        for chunk in words
    ]
    reference = bm25s.BM25(k1=1.2, b=0.75)
    reference.index(bm25s.tokenization.Tokenized(ids=corpus, vocab=ids), show_progress=False)
    compared = 0
    for query in QUERIES + ("lift lift toilet", "ondersteuning"):
        tokens = index._known(_STEMMER.stemWords(words_of(query)))
        if tokens:
            got, expected = index._bm25.scores(tokens), reference.get_scores(tokens)
            assert got.dtype == expected.dtype == np.float32
            # Bit for bit: the same operations in the same float types, so not even a near-tie can flip.
            np.testing.assert_array_equal(got, expected, err_msg=query)
            compared += 1
    assert compared >= 10


def test_saved_and_loaded_index_ranks_the_same(documents: list[DocumentWords], tmp_path: Path) -> None:
    index = at_once(documents)
    folder = tmp_path / "lexical"
    index.save(folder, "stamp-1")
    assert LexicalIndex.saved_stamp(folder) == "stamp-1"
    loaded = LexicalIndex.load(folder)
    assert loaded is not None
    assert_same_index(loaded, index)
    # A saved index is brought up to date like one in memory.
    assert_same_index(loaded.updated([documents[0].doc_id], []), index.updated([documents[0].doc_id], []))
    assert [path.name for path in folder.iterdir()] == ["index.npz"]


def test_a_saved_index_of_another_format_is_not_used(documents: list[DocumentWords], tmp_path: Path) -> None:
    folder = tmp_path / "lexical"
    at_once(documents[:1]).save(folder, "stamp")
    (folder / "index.npz").write_bytes(b"not an index")
    assert LexicalIndex.load(folder) is None
    assert LexicalIndex.saved_stamp(folder) is None
    assert LexicalIndex.load(tmp_path / "missing") is None


def test_the_index_keeps_its_lexical_side_up_to_date_document_by_document(
    examples_index: Path, tmp_path: Path
) -> None:
    """Through the real index: after a removal the lexical side in memory, and the one a new process loads from
    disk, are the index built at once over the remaining profiles' words."""
    settings = settings_for(copy_index(examples_index, tmp_path))
    index = SupportProfileIndex(settings)
    before = index.lexical()
    gone = sorted(before.versions)[0]
    index.remove(gone)
    after = index.lexical()
    assert set(after.versions) == set(before.versions) - {gone}
    known = ChunkWords(settings.index_dir / "lexical-words")
    remaining = [DocumentWords(d, v, *known.load(d, v)) for d, v in sorted(after.versions.items())]
    assert_same_index(after, at_once(remaining))
    assert_same_index(SupportProfileIndex(settings).lexical(), at_once(remaining))


def documents_text(documents: list[DocumentWords], chunk_id: str) -> str:
    for document in documents:
        if chunk_id in document.ids:
            return " ".join(document.words[document.ids.index(chunk_id)])
    raise KeyError(chunk_id)


def test_scores_within_schools_are_those_of_the_whole_index_there() -> None:
    """Scoring only the asked schools' rows gives, bit for bit, the scores the whole index gives those chunks."""
    ids, doc_ids, words = [], [], []
    texts = {
        "a-school": ["Heeft de school een lift en een invalidetoilet?", "Dyslexie: extra leestijd en voorlezen."],
        "b-school": ["De lift is kapot.", "Leerlingen met dyslexie krijgen een dyslexieverklaring.", "Rots en Water"],
        "c-school": ["Geen lift, wel een invalide toilet.", "Hoogbegaafde leerlingen gaan naar de plusklas."],
    }
    for doc_id, chunks in texts.items():
        for number, text in enumerate(chunks):
            ids.append(f"{doc_id}:v:{number}")
            doc_ids.append(doc_id)
            words.append(words_of(text))
    index = LexicalIndex.from_words(ids, doc_ids, words)
    for question in ("lift invalidetoilet", "dislexie", "plusklas hoogbegaafd", "rots water lift"):
        whole = index.scores(question)
        for within in (["b-school"], ["a-school", "c-school"], ["c-school", "a-school", "b-school"]):
            expected = {chunk_id: score for chunk_id, score in whole.items() if chunk_id.split(":")[0] in within}
            assert index.scores(question, within) == expected, (question, within)
