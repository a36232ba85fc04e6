"""ORM models: what ingestion stores and what the search index is built from.

Rows of one knowledge file are replaced together by ingestion with explicit deletes, so the
models carry foreign keys (with ON DELETE CASCADE for hand-run cleanups) but no relationships.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class SourceFile(Base):
    """One file of the knowledge directory as last ingested; its hash says if it changed."""

    __tablename__ = "source_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(String(512), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))


class Article(Base):
    """An article: a .txt or .md file, or one line of a .jsonl bulk import."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_file_id: Mapped[int] = mapped_column(ForeignKey("source_files.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255), index=True)
    path: Mapped[str] = mapped_column(String(768))
    lang: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(Text)
    date: Mapped[date | None] = mapped_column(Date, nullable=True)
    source: Mapped[str | None] = mapped_column(Text, nullable=True)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)


class Passage(Base):
    """A few sentences of an article: the unit BM25 ranks and snippets are cut from."""

    __tablename__ = "passages"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    tokens: Mapped[str] = mapped_column(Text)


class Record(Base):
    """A structured programme, partner or event record, validated, stored whole as JSON."""

    __tablename__ = "records"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_file_id: Mapped[int] = mapped_column(ForeignKey("source_files.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255), unique=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    start_utc: Mapped[datetime | None] = mapped_column(DateTime, nullable=True, index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    tokens: Mapped[str] = mapped_column(Text)


class Meta(Base):
    """Small key/value facts about the store, such as the knowledge version stamp."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
