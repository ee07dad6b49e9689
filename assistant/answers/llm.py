"""LLM answer composers (``SOP_LLM=openai:<model>``, ``ollama:<model>``, ``gguf:<path>``).

The model writes the answer from the numbered passages of the retrieval; the passages are data inside a delimited
block (prompt in ``assistant/data/prompts.json``). What the model writes is then verified: every [n] must name a
passage that was given and share a content word with the sentence citing it, every quoted span must be in the
passage it cites; invalid markers are dropped, unverified quotes flagged, and an answer with no valid citation left
(or the model's own refusal) becomes a refusal."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from langchain_core.documents import Document
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from assistant.answers.citations import citation_for
from assistant.answers.model import Answer, Citation, phrase
from assistant.answers.refusal import refusals
from assistant.answers.registry import SPEC_FORMS
from assistant.data import generic_question_words, prompts
from assistant.question.glossary import search_words
from assistant.question.language import Language
from assistant.question.terms import FOLLOW_UP_WEIGHT
from assistant.retrieval import Retrieval
from core.config import Settings
from core.errors import ModelError, SopError, UsageError
from core.sentences import split_sentences
from index.lexical import analyse

PROMPTS = prompts()
# "[3]", "[1, 2]", "[1][2]", "[passage 2]", "[2 en 3]": whatever the model writes, each becomes "[n]" of a valid n.
MARKER = re.compile(r"\[(?:passages?\s*|passage\s*nr\.?\s*)?(\d+(?:\s*(?:,|;|&|and|en)\s*\d+)*)\]", re.IGNORECASE)
_NUMBER = re.compile(r"\d+")
# Quoted spans: "…", “…” and Dutch „…”; single quotes are left alone because the profiles use them inside sentences.
# A quote may run over a line break but not over a blank line (then the model left a quote mark open).
_QUOTE = re.compile(r"\"((?:[^\"\n]|\n(?!\n)){2,400}?)\"|“((?:[^”\n]|\n(?!\n)){2,400}?)”|„((?:[^”“\n]|\n(?!\n)){2,400}?)[”“]")
# Markers right after a closing quote mark: they say which passage the quote is from.
_MARKERS_AFTER = re.compile(r"^[\s,.;:]*((?:\[[^\]\n]{1,20}\]\s*)+)")
# A sentence ends at . ! ? or a line break, but markers after its full stop ("… 2023. [1]") still belong to it.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?!\[)|\n+")
_REGIONAL_MENTION = re.compile(r"regiona|alle scholen|all schools|samenwerkingsverband", re.IGNORECASE)
# Characters a pending "[" may hold back from a stream before it is clearly not a marker.
_MARKER_HOLD = 24
# Rough size of a token in Dutch text, to keep the passages within the model's context.
_CHARS_PER_TOKEN = 3
# Tokens kept for the system prompt, the question and the headers of the passages.
_PROMPT_TOKENS = 800
_QUOTE_SENTENCES = 2
# Words of almost every question ("school", "kind", "welke" …): sharing one of them does not make a claim supported.
_GENERIC = set(analyse(" ".join(sorted(generic_question_words()))))


def _flat(text: str) -> str:
    """Whitespace-normalised, case-folded text with typographic apostrophes and dashes made plain, for quote checks."""
    text = text.replace("’", "'").replace("‘", "'").replace("–", "-").replace("—", "-")
    return " ".join(text.split()).casefold()


def clean_markers(text: str, valid: set[int]) -> str:
    """Every citation marker rewritten as separate ``[n]``; numbers that name no passage are dropped."""

    def rewrite(match: re.Match[str]) -> str:
        numbers = dict.fromkeys(int(n) for n in _NUMBER.findall(match.group(1)))
        return "".join(f"[{n}]" for n in numbers if n in valid)

    return MARKER.sub(rewrite, text)


def cited_numbers(text: str) -> list[int]:
    """The passage numbers the text cites, in order of first mention."""
    return list(dict.fromkeys(int(n) for m in MARKER.finditer(text) for n in _NUMBER.findall(m.group(1))))


# The fixed refusal sentences, with any markers the model put after them.
_REFUSAL = re.compile(
    "|".join(re.escape(_flat(sentence).rstrip(".")) + r"\.?(?:\s*\[[^\]]*\])*" for sentence in PROMPTS["refusal"].values())
)


def _without_refusal(text: str) -> str:
    return _REFUSAL.sub(" ", _flat(text))


@dataclass
class Verification:
    """The model's text after the checks, and what each cited passage was used for."""

    text: str
    refused: bool
    cited: list[int]
    quotes: dict[int, list[str]] = field(default_factory=dict)
    unverified: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)


def _sentence_markers(text: str, start: int, end: int) -> list[int]:
    """The markers of the sentence a quote stands in."""
    return cited_numbers(_SENTENCE_END.split(text[:start])[-1] + _SENTENCE_END.split(text[end:], maxsplit=1)[0])


def verify(text: str, passages: dict[int, Document], language: Language) -> Verification:
    """Check the model's answer against the passages it was given (see the module docstring)."""
    text = clean_markers(text.strip(), set(passages))
    flags: list[tuple[int, str]] = []
    quotes: dict[int, list[str]] = {}
    unverified: list[str] = []
    for match in _QUOTE.finditer(text):
        span = next(group for group in match.groups() if group is not None)
        needle = _flat(MARKER.sub(" ", span)).strip(" .,;:!?…").removeprefix("...").removesuffix("...").strip()
        if not needle:
            continue
        after = _MARKERS_AFTER.match(text[match.end() :])
        # A marker right after the quote (or inside it) is held to; a marker elsewhere in the sentence may belong to
        # another claim, so a quote found verbatim in another passage is given that passage's marker instead.
        strict = cited_numbers(span) or (cited_numbers(after.group(1)) if after else [])
        loose = [] if strict else _sentence_markers(text, match.start(), match.end())
        holders = [n for n in (strict or passages) if needle in _flat(passages[n].page_content)]
        holders.sort(key=lambda n: n not in loose)
        if holders:
            quotes.setdefault(holders[0], []).append(span)
            if not strict and holders[0] not in loose:
                flags.append((match.end(), f" [{holders[0]}]"))
        else:
            unverified.append(span)
            flags.append((match.end(), " " + PROMPTS["unverified_quote"]["en" if language == "en" else "nl"]))
    for position, insert in sorted(flags, reverse=True):
        text = text[:position] + insert + text[position:]
    text, unsupported = _drop_unsupported(text, passages, language)
    cited = [n for n in cited_numbers(text) if n in passages]
    # A refusal that still cites a passage ("… geen antwoord [1]") is a refusal: markers must stand outside it.
    refused = not cited or not cited_numbers(_without_refusal(text))
    return Verification(text, refused, cited, quotes, unverified, unsupported)


def _drop_unsupported(text: str, passages: dict[int, Document], language: Language) -> tuple[str, list[str]]:
    """Markers of a sentence that shares no content word with the passage they name are dropped.

    A small model cites a passage for a claim the passage is not about ("Het Kristal heeft naschoolse opvang [1]"
    under a passage on evaluation): a claim and its source must at least share a word (stemmed; for an English
    answer, with the Dutch terms of the glossary). Words of every question (school, kind …) and school names do not
    count. Returns the text and the sentences that lost a marker."""
    school_stems = {stem for d in passages.values() for stem in analyse(d.metadata.get("school", ""))}
    passage_stems = {n: set(analyse(f"{d.metadata.get('section', '')} {d.page_content}")) for n, d in passages.items()}
    pieces = re.split(f"({_SENTENCE_END.pattern})", text)
    unsupported: list[str] = []
    for i, piece in enumerate(pieces):
        numbers = cited_numbers(piece)
        claim = MARKER.sub(" ", piece)
        if language != "nl":
            claim = f"{claim} {search_words(claim, english=True)}"
        stems = set(analyse(claim)) - _GENERIC - school_stems
        keep = {n for n in numbers if n in passage_stems and stems & passage_stems[n]}
        if numbers and stems and keep != set(numbers):
            pieces[i] = clean_markers(piece, keep)
            unsupported.append(piece.strip())
    return "".join(pieces), unsupported


def _label_regional(text: str, passages: dict[int, Document], language: Language) -> str:
    """Rule 4 of the prompt, made sure of: a sentence citing regional standard text says so."""
    label = phrase(language, "regional")
    pieces = re.split(f"({_SENTENCE_END.pattern})", text)
    for i, piece in enumerate(pieces):
        regional = [n for n in cited_numbers(piece) if passages[n].metadata.get("scope") == "regional"]
        if regional and not _REGIONAL_MENTION.search(piece):
            last = list(MARKER.finditer(piece))[-1]
            pieces[i] = piece[: last.end()] + " " + label + piece[last.end() :]
    return "".join(pieces)


def _sentences(text: str) -> list[str]:
    """Table rows and short lines as they are, long lines split into sentences (so a quote can be found again)."""
    units: list[str] = []
    for line in text.split("\n"):
        if "  " in line or len(line) < 90:
            units.append(line.strip())
        else:
            units.extend(split_sentences(line))
    return [unit for unit in units if unit]


class AnswerStream:
    """The answer's text pieces as the model writes them (markers of passages that do not exist already dropped).

    Iterate it (e.g. ``st.write_stream``); afterwards ``answer`` is the verified :class:`Answer`, whose text can differ
    from what was streamed: flagged quotes, labels for regional text, or a refusal instead of the model's text."""

    def __init__(self, pieces: Iterator[str], valid: set[int], finish: Callable[[str], Answer]) -> None:
        self._pieces = pieces
        self._valid = valid
        self._finish = finish
        self._answer: Answer | None = None

    def __iter__(self) -> Iterator[str]:
        raw = ""
        sent = 0
        for piece in self._pieces:
            raw += piece
            opening = raw.rfind("[")
            # A "[" without its "]" may be the start of a marker: hold it back until it is complete.
            held = opening >= 0 and "]" not in raw[opening:] and len(raw) - opening <= _MARKER_HOLD
            cleaned = clean_markers(raw[:opening] if held else raw, self._valid)
            if len(cleaned) > sent:
                yield cleaned[sent:]
                sent = len(cleaned)
        cleaned = clean_markers(raw, self._valid)
        if len(cleaned) > sent:
            yield cleaned[sent:]
        self._answer = self._finish(raw)

    @property
    def answer(self) -> Answer:
        if self._answer is None:
            raise RuntimeError("AnswerStream.answer is known only after the stream has been read to its end")
        return self._answer


class LlmComposer:
    """Answers with a LangChain chat model from numbered passages, then verifies what it wrote."""

    def __init__(self, chat_model: BaseChatModel, spec: str, passages: int = 5, context_tokens: int = 4096,
                 max_tokens: int = 400) -> None:
        self.chat_model = chat_model
        self.spec = spec
        self.passages = passages
        self.context_chars = max(context_tokens - max_tokens - _PROMPT_TOKENS, 500) * _CHARS_PER_TOKEN

    def select(self, retrieval: Retrieval) -> dict[int, Document]:
        """The passages the model sees, by rank: the top ones that fit in its context (at least one)."""
        chosen: dict[int, Document] = {}
        used = 0
        for document in retrieval.documents[: self.passages]:
            size = len(document.page_content)
            if chosen and used + size > self.context_chars:
                break
            chosen[int(document.metadata["rank"])] = document
            used += size
        return chosen

    def messages(self, retrieval: Retrieval, passages: dict[int, Document]) -> list[BaseMessage]:
        """The system prompt and the user message (the delimited passages, earlier questions, the question)."""
        question = retrieval.question
        language = "en" if question.language == "en" else "nl"
        delimiters = PROMPTS["delimiters"]
        system = "\n".join(PROMPTS["system"]).format(
            **delimiters, language_rule=PROMPTS["language_rule"][language], refusal=PROMPTS["refusal"][language]
        )
        blocks = []
        for number, document in passages.items():
            meta = document.metadata
            text = document.page_content
            # A passage must not be able to close the data block and speak as the user.
            for delimiter in delimiters.values():
                text = re.sub(re.escape(delimiter), " ", text, flags=re.IGNORECASE)
            blocks.append(
                PROMPTS["passage"].format(
                    n=number,
                    school=meta.get("school", meta.get("doc_id", "")),
                    page=citation_for(document, "").page or "-",
                    section=meta.get("section", "") or "-",
                    scope=PROMPTS["scope"]["regional" if meta.get("scope") == "regional" else "school"],
                    text=text,
                )
            )
        user = PROMPTS["user"].format(
            **delimiters,
            passages="\n\n".join(blocks),
            history=PROMPTS["history"].format(questions=question.earlier) if question.earlier else "",
            question=question.text,
            reminder=PROMPTS["reminder"][language].format(refusal=PROMPTS["refusal"][language]),
        )
        return [SystemMessage(content=system), HumanMessage(content=user)]

    def compose(self, retrieval: Retrieval, contacts: Mapping[str, str]) -> Answer:
        """One answer, generated in one call (no streaming)."""
        passages = self.select(retrieval)
        if not passages:
            return self._refusal(retrieval, passages, contacts)
        with self._model_errors():
            reply = self.chat_model.invoke(self.messages(retrieval, passages))
        return self.finish(retrieval, passages, contacts, str(reply.content))

    def stream(self, retrieval: Retrieval, contacts: Mapping[str, str]) -> AnswerStream:
        """The answer as a stream of text pieces; its ``answer`` is the verified answer once it has been read."""
        passages = self.select(retrieval)
        if not passages:
            refusal = self._refusal(retrieval, passages, contacts)
            return AnswerStream(iter([refusal.answer]), set(), lambda _: refusal)

        def pieces() -> Iterator[str]:
            with self._model_errors():
                for chunk in self.chat_model.stream(self.messages(retrieval, passages)):
                    yield str(chunk.content)

        return AnswerStream(pieces(), set(passages), lambda raw: self.finish(retrieval, passages, contacts, raw))

    def finish(self, retrieval: Retrieval, passages: dict[int, Document], contacts: Mapping[str, str], raw: str) -> Answer:
        """The verified answer for the model's raw text."""
        language = retrieval.question.language
        checked = verify(raw, passages, language)
        if checked.refused:
            return self._refusal(retrieval, passages, contacts)
        text = _label_regional(checked.text, passages, language)
        if language == "other":
            text = f"{phrase(language, 'other_language')}\n\n{text}"
        sources = self._sources(retrieval, passages, checked)
        schools = list(dict.fromkeys(passages[n].metadata["doc_id"] for n in checked.cited))
        return Answer(retrieval.question.text, text, language, False, schools, sources)

    def _sources(self, retrieval: Retrieval, passages: dict[int, Document], checked: Verification) -> list[Citation]:
        """Every retrieved passage; the cited ones with the sentences the answer rests on as their quote."""
        weights = _term_weights(retrieval)
        claims: dict[int, str] = {}
        for sentence in _SENTENCE_END.split(checked.text):
            for number in cited_numbers(sentence):
                claims[number] = f"{claims.get(number, '')} {MARKER.sub(' ', sentence)}"
        sources: list[Citation] = []
        for document in retrieval.documents:
            rank = int(document.metadata["rank"])
            if rank not in checked.cited:
                sources.append(citation_for(document, ""))
                continue
            units = _sentences(document.page_content)
            quoted = [u for u in units if any(_flat(q).strip(" .,;:!?…") in _flat(u) for q in checked.quotes.get(rank, []))]
            if not quoted:
                claim = claims.get(rank, "")
                if retrieval.question.language != "nl":
                    claim = f"{claim} {search_words(claim, english=True)}"
                claim_stems = set(analyse(claim))

                def support(unit: str) -> float:
                    stems = set(analyse(unit))
                    return len(stems & claim_stems) + sum(w for s, w in weights.items() if s in stems)

                best = [u for u in sorted(units, key=support, reverse=True) if support(u) > 0][:_QUOTE_SENTENCES]
                quoted = sorted(best, key=units.index) or units[:1]
            first = citation_for(document, quoted[0] if quoted else "")
            sources.append(citation_for(document, " ".join(quoted), first.page))
        return sources

    def _refusal(self, retrieval: Retrieval, passages: dict[int, Document], contacts: Mapping[str, str]) -> Answer:
        question = retrieval.question
        documents = list(passages.values()) or retrieval.documents
        schools = list(retrieval.schools) or list(dict.fromkeys(d.metadata["doc_id"] for d in retrieval.documents))
        looked = [(s, next((d.metadata.get("school", s) for d in documents if d.metadata["doc_id"] == s), s),
                   [d for d in documents if d.metadata["doc_id"] == s]) for s in schools]
        text = " ".join(refusals(question.language, looked if len(retrieval.schools) == 1 else [], contacts))
        sources = [citation_for(document) for document in retrieval.documents]
        return Answer(question.text, text, question.language, True, schools, sources)

    @contextmanager
    def _model_errors(self) -> Iterator[None]:
        """Whatever goes wrong in the backend (server down, unknown model, timeout) is a ModelError naming it."""
        try:
            yield
        except SopError:
            raise
        except Exception as exc:  # the backends raise their own types (openai, httpx, ollama, llama_cpp)
            raise ModelError(f"SOP_LLM={self.spec}: the model did not answer ({type(exc).__name__}: {exc})") from exc


def _term_weights(retrieval: Retrieval) -> dict[str, float]:
    """Stems of the question's key terms with their weight (1, or 0.5 for the earlier question of a follow-up)."""
    weights: dict[str, float] = {}
    for term in retrieval.question.terms:
        for form in term.forms:
            for stem in form:
                weight = 1.0 if term.weight > FOLLOW_UP_WEIGHT else FOLLOW_UP_WEIGHT
                weights[stem] = max(weights.get(stem, 0.0), weight)
    return weights


def _gguf_model(settings: Settings, name: str) -> BaseChatModel:
    from assistant.answers.gguf_chat import GgufChatModel

    return GgufChatModel(
        model_path=Path(name).expanduser(),
        n_ctx=settings.llm_ctx,
        n_threads=settings.llm_threads,
        max_tokens=settings.llm_max_tokens,
    )


def _openai_model(settings: Settings, name: str) -> BaseChatModel:
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        model=name,
        base_url=settings.llm_base_url,
        # Local OpenAI-compatible servers ignore the key, but the client insists on one.
        api_key=settings.llm_api_key or "not-needed",
        temperature=0,
        max_tokens=settings.llm_max_tokens,
        timeout=settings.llm_timeout,
        max_retries=0,
    )


def _ollama_model(settings: Settings, name: str) -> BaseChatModel:
    from langchain_ollama import ChatOllama

    return ChatOllama(
        model=name,
        base_url=settings.llm_base_url,
        temperature=0,
        num_predict=settings.llm_max_tokens,
        num_ctx=settings.llm_ctx,
        client_kwargs={"timeout": settings.llm_timeout},
    )


# SOP_LLM's backend name → the chat model it makes and the package that brings it.
CHAT_MODELS: dict[str, tuple[Callable[[Settings, str], BaseChatModel], str]] = {
    "gguf": (_gguf_model, "llama-cpp-python"),
    "openai": (_openai_model, "langchain-openai"),
    "ollama": (_ollama_model, "langchain-ollama"),
}


def make_chat_model(settings: Settings) -> BaseChatModel:
    """The LangChain chat model named by ``SOP_LLM`` (``openai:<model>``, ``ollama:<model>``, ``gguf:<path>``)."""
    backend, _, name = settings.llm.partition(":")
    if backend not in CHAT_MODELS or not name:
        raise UsageError(f"SOP_LLM={settings.llm}: {SPEC_FORMS}")
    make, package = CHAT_MODELS[backend]
    try:
        return make(settings, name)
    except ImportError as exc:
        raise ModelError(f"SOP_LLM={settings.llm}: {package} is not installed (pip install -e '.[llm]')") from exc


def make_llm_composer(settings: Settings) -> LlmComposer:
    """The LLM composer for ``SOP_LLM`` (called by ``assistant.service.make_composer``)."""
    return LlmComposer(
        make_chat_model(settings),
        settings.llm,
        passages=settings.llm_passages,
        context_tokens=settings.llm_ctx,
        max_tokens=settings.llm_max_tokens,
    )
