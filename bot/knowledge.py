"""The knowledge base in memory: articles, passages and records, and the index over them.

Built from the database, never from files, so every process (command line, bot replicas)
answers from what was last ingested successfully. The index is the expensive part; it is kept
on disk (bot.search.store) under a key naming the stored knowledge version and the documents it
covers, so a restart, or another process on the same machine, loads it instead of rebuilding.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.ingest.loader import record_index_text, stored_version
from bot.models import Article, Passage, Record
from bot.records import ProjectRecord
from bot.search.index import SearchIndex
from bot.search.spelling import Spelling
from bot.search.store import IndexStore
from bot.text.analyzer import analyze_word
from bot.text.glossary import CONCEPT_PREFIX
from bot.text.romanized import ROMANIZED_LANGS, NativeVocabulary, sound_key
from bot.text.translit import KEY_PREFIX

log = logging.getLogger(__name__)


@dataclass
class ArticleInfo:
    key: str
    path: str  # as shown to users: "knowledge/articles/x.txt" or ".../x.jsonl#id"
    file_name: str  # the file under articles/, as records name it in `source`
    lang: str
    title: str
    date: date | None
    passages: list[int] = field(default_factory=list)  # document numbers, in article order
    source: str | None = None  # where the original is on the web, when it is a link


@dataclass
class PassageInfo:
    article: ArticleInfo
    text: str


@dataclass
class KnowledgeBase:
    """Document ``i`` of the index is ``passages[i]`` or, after them, a record."""

    version: str | None
    articles: list[ArticleInfo]
    passages: list[PassageInfo]
    records: list[ProjectRecord]
    index: SearchIndex
    spelling: Spelling
    articles_by_file: dict[str, list[ArticleInfo]] = field(init=False)
    _native: dict[str, NativeVocabulary] = field(init=False, default_factory=dict)
    _written: dict[str, bool] = field(init=False, default_factory=dict)
    _known: dict[tuple[str, str], bool] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.articles_by_file = {}
        for article in self.articles:
            self.articles_by_file.setdefault(article.file_name, []).append(article)

    def record_at(self, doc: int) -> ProjectRecord | None:
        offset = doc - len(self.passages)
        return self.records[offset] if offset >= 0 else None

    def record_doc(self, number: int) -> int:
        return len(self.passages) + number

    def articles_of(self, record: ProjectRecord) -> list[ArticleInfo]:
        return [a for name in record.source for a in self.articles_by_file.get(name, [])]

    def native_vocabulary(self, lang: str) -> NativeVocabulary:
        """The stems of ``lang``'s script (ka, ru, el) by sound, for questions typed in Latin
        letters; built on first use, since most knowledge is never asked about that way."""
        if lang not in self._native:
            doc_freq = np.diff(self.index.matrix.indptr)
            stems = (
                (t, float(doc_freq[i]))
                for i, t in enumerate(self.index.terms)
                if t[:1] not in (KEY_PREFIX, CONCEPT_PREFIX)
            )
            self._native[lang] = NativeVocabulary.build(lang, stems)
        return self._native[lang]

    def known_word(self, lang: str, typed: str) -> bool:
        """Whether a word is one the knowledge has: for English and Latin Uzbek its stem, for
        Georgian, Russian and Greek spelt in their script, a stem that sounds like it."""
        key = (lang, typed)
        if key not in self._known:
            self._known[key] = self._lookup_word(lang, typed)
        return self._known[key]

    def _lookup_word(self, lang: str, typed: str) -> bool:
        word = analyze_word(typed, lang)
        if word is None:
            return False
        if lang not in ROMANIZED_LANGS:
            return word.stem in self.index.vocabulary
        vocabulary = self.native_vocabulary(lang)
        return word.stem in vocabulary or sound_key(word.stem, lang) in vocabulary.key_set

    def written(self, doc: int) -> bool:
        """Whether the passage ``doc`` is of an article staff wrote: a file of its own, not a
        row of a bulk ``.jsonl`` import of laws or news."""
        return "#" not in self.passages[doc].article.path

    def in_written_articles(self, token: str) -> bool:
        """Whether an article staff wrote (a file of its own, not a row of a bulk ``.jsonl``
        import of laws or news) has ``token``: such articles say what the bot is for too."""
        if token not in self._written:
            col = self.index.vocabulary.get(token)
            found = False
            if col is not None:
                start, end = self.index.matrix.indptr[col], self.index.matrix.indptr[col + 1]
                for doc in self.index.matrix.indices[start:end]:
                    if doc < len(self.passages) and self.written(doc):
                        found = True
                        break
            self._written[token] = found
        return self._written[token]

    def in_records(self, token: str) -> bool:
        """Whether some record has ``token``: records are the last documents of the index."""
        last = self.index.last_document(token)
        return last is not None and last >= len(self.passages)


def document_texts(
    articles: list[ArticleInfo], passages: list[PassageInfo], records: list[ProjectRecord]
) -> Iterator[tuple[str, str]]:
    """(text, language) of everything indexed, as ingestion analysed it."""
    for article in articles:
        yield article.title, article.lang
    for passage in passages:
        yield passage.text, passage.article.lang
    for record in records:
        yield from record_index_text(record)


def index_key(version: str | None, passage_ids: list[int], record_ids: list[int]) -> str:
    """Names one index exactly: the knowledge version (which includes the analysis version)
    and the database rows in index order, which differ when a database is rebuilt."""
    digest = hashlib.sha256(f"{version}\n".encode())
    digest.update(np.array(passage_ids, dtype=np.int64).tobytes())
    digest.update(b"\n")
    digest.update(np.array(record_ids, dtype=np.int64).tobytes())
    return digest.hexdigest()[:32]


def stored_tokens(session: Session) -> list[list[str]]:
    """The index tokens of every passage, then every record: the index's document order."""
    passages = select(Passage.tokens).order_by(Passage.article_id, Passage.position)
    tokens = [t.split() for t in session.scalars(passages)]
    tokens += [t.split() for t in session.scalars(select(Record.tokens).order_by(Record.key))]
    return tokens


def load_knowledge(
    session: Session, shown_root: str, store: IndexStore | None = None
) -> KnowledgeBase:
    """Everything ingested, with the index over passages then records: loaded from ``store``
    when it holds this knowledge's index, otherwise built from the stored tokens (and saved)."""
    articles: dict[int, ArticleInfo] = {}
    for row in session.scalars(select(Article).order_by(Article.id)):
        articles[row.id] = ArticleInfo(
            key=row.key,
            path=f"{shown_root}/{row.path}",
            file_name=row.path.split("#", 1)[0].removeprefix("articles/"),
            lang=row.lang,
            title=row.title,
            date=row.date,
            source=row.source if (row.source or "").startswith(("http://", "https://")) else None,
        )
    passages: list[PassageInfo] = []
    passage_ids: list[int] = []
    order = (Passage.article_id, Passage.position)
    for passage_id, article_id, text in session.execute(
        select(Passage.id, Passage.article_id, Passage.text).order_by(*order)
    ):
        article = articles[article_id]
        article.passages.append(len(passages))
        passages.append(PassageInfo(article, text))
        passage_ids.append(passage_id)
    records: list[ProjectRecord] = []
    record_ids: list[int] = []
    for record_id, data in session.execute(select(Record.id, Record.data).order_by(Record.key)):
        records.append(ProjectRecord.model_validate(data))
        record_ids.append(record_id)
    version = stored_version(session)
    key = index_key(version, passage_ids, record_ids)
    size = len(passages) + len(records)
    loaded = _load_index(store, key, size) if store else None
    if loaded is None:
        index = SearchIndex.build(stored_tokens(session))
        spelling = Spelling.build(document_texts(list(articles.values()), passages, records))
        if store:
            path = store.save(key, index.to_arrays() | spelling.to_arrays())
            log.info("search index built and saved to %s", path)
        loaded = index, spelling
    return KnowledgeBase(version, list(articles.values()), passages, records, *loaded)


def _load_index(store: IndexStore, key: str, size: int) -> tuple[SearchIndex, Spelling] | None:
    arrays = store.load(key)
    if arrays is None:
        return None
    try:
        index, spelling = SearchIndex.from_arrays(arrays), Spelling.from_arrays(arrays)
        if index.size != size:
            raise ValueError(f"{index.size} documents, the knowledge has {size}")
    except (KeyError, ValueError) as exc:
        log.warning("index file for %s unusable (%s): rebuilding it", key, exc)
        return None
    return index, spelling
