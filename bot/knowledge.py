"""The knowledge base in memory: articles, passages and records, and the index over them.

Built from the database, never from files, so every process (command line, bot replicas)
answers from what was last ingested successfully.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.ingest.loader import stored_version
from bot.models import Article, Passage, Record
from bot.records import ProjectRecord
from bot.search.index import SearchIndex


@dataclass
class ArticleInfo:
    key: str
    path: str  # as shown to users: "knowledge/articles/x.txt" or ".../x.jsonl#id"
    file_name: str  # the file under articles/, as records name it in `source`
    lang: str
    title: str
    date: date | None
    passages: list[int] = field(default_factory=list)  # document numbers, in article order


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
    articles_by_file: dict[str, list[ArticleInfo]]

    def record_at(self, doc: int) -> ProjectRecord | None:
        offset = doc - len(self.passages)
        return self.records[offset] if offset >= 0 else None

    def record_doc(self, number: int) -> int:
        return len(self.passages) + number

    def articles_of(self, record: ProjectRecord) -> list[ArticleInfo]:
        return [a for name in record.source for a in self.articles_by_file.get(name, [])]


def load_knowledge(session: Session, shown_root: str) -> KnowledgeBase:
    """Everything ingested, with the index built over passages then records."""
    articles: dict[int, ArticleInfo] = {}
    for row in session.scalars(select(Article).order_by(Article.id)):
        articles[row.id] = ArticleInfo(
            key=row.key,
            path=f"{shown_root}/{row.path}",
            file_name=row.path.split("#", 1)[0].removeprefix("articles/"),
            lang=row.lang,
            title=row.title,
            date=row.date,
        )
    passages: list[PassageInfo] = []
    tokens: list[list[str]] = []
    rows = session.execute(
        select(Passage.article_id, Passage.text, Passage.tokens).order_by(
            Passage.article_id, Passage.position
        )
    )
    for article_id, text, passage_tokens in rows:
        article = articles[article_id]
        article.passages.append(len(passages))
        passages.append(PassageInfo(article, text))
        tokens.append(passage_tokens.split())
    records: list[ProjectRecord] = []
    for record in session.scalars(select(Record).order_by(Record.key)):
        records.append(ProjectRecord.model_validate(record.data))
        tokens.append(record.tokens.split())
    by_file: dict[str, list[ArticleInfo]] = {}
    for article in articles.values():
        by_file.setdefault(article.file_name, []).append(article)
    return KnowledgeBase(
        version=stored_version(session),
        articles=list(articles.values()),
        passages=passages,
        records=records,
        index=SearchIndex(tokens),
        articles_by_file=by_file,
    )
