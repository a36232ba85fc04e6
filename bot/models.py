"""ORM models: the knowledge ingestion stores, and the people who talk to the bot.

Rows of one knowledge file are replaced together by ingestion with explicit deletes, so the
models carry foreign keys (with ON DELETE CASCADE for hand-run cleanups) but no relationships.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
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


class User(Base):
    """Someone who wrote to the bot; ``lang`` is set only when they chose it with /language."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)  # Telegram user id
    chat_id: Mapped[int] = mapped_column(BigInteger)  # their private chat with the bot
    first_name: Mapped[str] = mapped_column(String(255), default="")
    language_code: Mapped[str | None] = mapped_column(String(35), nullable=True)
    lang: Mapped[str | None] = mapped_column(String(16), nullable=True)
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    seen_at: Mapped[datetime] = mapped_column(DateTime)


class Exchange(Base):
    """A question and what it was answered with, kept so staff can review the votes."""

    __tablename__ = "exchanges"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    question: Mapped[str] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(16))
    intent: Mapped[str] = mapped_column(String(32))
    answered: Mapped[bool] = mapped_column(Boolean)
    source_key: Mapped[str | None] = mapped_column(String(255), nullable=True)
    source_path: Mapped[str | None] = mapped_column(String(768), nullable=True)
    vote: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)  # +1 or -1
    asked_at: Mapped[datetime] = mapped_column(DateTime)
    voted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # When staff answered the question in /gaps, or dismissed it: no longer a gap.
    settled_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class QuestionDay(Base):
    """Questions counted per day (UTC) and language once their rows are gone: a person's
    oldest questions are deleted past REFORMBOT_QUESTIONS_KEPT, and /stats still counts them."""

    __tablename__ = "question_days"
    __table_args__ = (UniqueConstraint("day", "lang"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    lang: Mapped[str] = mapped_column(String(16))
    asked: Mapped[int] = mapped_column(Integer, default=0)
    answered: Mapped[int] = mapped_column(Integer, default=0)
    likes: Mapped[int] = mapped_column(Integer, default=0)
    dislikes: Mapped[int] = mapped_column(Integer, default=0)


class ReminderRequest(Base):
    """A user's "Remind me" for an event; one per user and event."""

    __tablename__ = "reminder_requests"
    __table_args__ = (UniqueConstraint("user_id", "event_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    event_key: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Handoff(Base):
    """A person's question passed to programme staff in the staff chat (bot.handoffs)."""

    __tablename__ = "handoffs"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    chat_id: Mapped[int] = mapped_column(BigInteger)  # the person's private chat
    lang: Mapped[str] = mapped_column(String(16))
    user_name: Mapped[str] = mapped_column(String(64))
    question: Mapped[str] = mapped_column(Text)  # empty until they write it (after /contact)
    bot_answer: Mapped[str] = mapped_column(Text)  # what the bot had answered them
    staff_chat_id: Mapped[int] = mapped_column(BigInteger)
    topic_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # forum topic
    opened_at: Mapped[datetime] = mapped_column(DateTime)
    last_at: Mapped[datetime] = mapped_column(DateTime)  # the latest message either way
    answered_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    waiting_noted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class HandoffMessage(Base):
    """One message of a hand-off: the person's (no staff user) or a staff member's answer."""

    __tablename__ = "handoff_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    handoff_id: Mapped[int] = mapped_column(
        ForeignKey("handoffs.id", ondelete="CASCADE"), index=True
    )
    # Where it shows in the staff chat: staff answer by replying to it in a group without topics.
    staff_message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True, index=True)
    staff_user_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime)


class UploadedFile(Base):
    """The document an article staff sent from Telegram was read from (bot.uploads), kept
    beside the article's versions in ``content``: the text published is what was read, the
    file is what was sent."""

    __tablename__ = "uploaded_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(String(512), index=True)  # the article's path
    file_name: Mapped[str] = mapped_column(String(255))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    author: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class StaffMember(Base):
    """Someone allowed to publish: ``admin`` may also add and remove staff. The admins named
    in REFORMBOT_ADMINS are admins without a row here."""

    __tablename__ = "staff"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    role: Mapped[str] = mapped_column(String(16))  # "admin" or "staff"
    added_by: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    added_at: Mapped[datetime] = mapped_column(DateTime)


class Subscription(Base):
    """A user follows a topic (see ``bot.subscriptions.TOPICS``)."""

    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("user_id", "topic"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    topic: Mapped[str] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Announcement(Base):
    """Something sent to many chats: a staff announcement, a new-event notice or a reminder.

    ``key`` makes the automatic ones happen once (``event:<id>``, ``reminder:<id>:...``);
    ``texts`` holds one Telegram-HTML version per language and ``fallback_lang`` names the
    version for everyone else. Status: scheduled → sending → done, or cancelled.
    """

    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(String(255), unique=True, nullable=True)
    kind: Mapped[str] = mapped_column(String(16))  # announcement, event, reminder
    status: Mapped[str] = mapped_column(String(16), index=True)
    author_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    texts: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    fallback_lang: Mapped[str] = mapped_column(String(16))
    topic: Mapped[str] = mapped_column(String(32))
    langs: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)  # None: everyone
    event_key: Mapped[str | None] = mapped_column(String(255), nullable=True)
    due_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    started_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    author_lang: Mapped[str | None] = mapped_column(String(16), nullable=True)
    progress_chat_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    progress_message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    reported: Mapped[bool] = mapped_column(Boolean, default=False)  # final report sent
    # Shared by every sender: when the progress message was last edited, and when a sender
    # took the final report (so replicas edit at the set pace and report once).
    progress_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    report_taken_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class Delivery(Base):
    """The outbox: one row per announcement and chat, moving pending → sending → sent, failed
    or blocked, each step in its own transaction. A row found ``sending`` under a stale claim
    was in flight when its sender died: ``uncertain`` records that it was sent again."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("announcement_id", "chat_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    announcement_id: Mapped[int] = mapped_column(
        ForeignKey("announcements.id", ondelete="CASCADE"), index=True
    )
    chat_id: Mapped[int] = mapped_column(BigInteger)
    lang: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    claimed_by: Mapped[str | None] = mapped_column(String(80), nullable=True)  # host:pid:id
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    uncertain: Mapped[bool] = mapped_column(Boolean, default=False)
    message_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    done_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class BroadcastPace(Base):
    """The bot's broadcast schedule, shared by every sender (bot.broadcast.schedule): the
    next free slot and the end of any flood wait, in wall-clock seconds."""

    __tablename__ = "broadcast_pace"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    next_slot: Mapped[float] = mapped_column(Float)
    paused_until: Mapped[float] = mapped_column(Float)


class Conversation(Base):
    """Where someone's /announce or /newevent dialogue stands (bot.dialogue_store), kept here
    so that the next step may reach any bot replica."""

    __tablename__ = "conversations"

    # The person first: every message they send looks up all their dialogues at once.
    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    state: Mapped[int] = mapped_column(Integer)
    draft: Mapped[str] = mapped_column(Text)  # JSON (bot.dialogue_store.dump_draft)
    version: Mapped[int] = mapped_column(Integer, default=0)
    busy_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class Content(Base):
    """A knowledge file staff published through the bot (an event's article and record, and
    later uploaded articles), one row per version: the database is its source of truth, so a
    replica with another knowledge directory, or none, has it too. The newest version of a
    path is the current one; a version without text withdraws the file. ``reformbot export``
    writes the current versions out as files."""

    __tablename__ = "content"
    __table_args__ = (UniqueConstraint("path", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(String(512), index=True)  # as in the knowledge directory
    version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    author: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # a Telegram user id
    created_at: Mapped[datetime] = mapped_column(DateTime)
