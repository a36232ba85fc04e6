"""Engine and session factory; the schema is migrated to the newest revision on first use."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.migrate import upgrade
from bot.settings import Settings


def make_engine(settings: Settings, *, migrate: bool = True) -> Engine:
    """An engine for the configured database, with SQLite made safe for several processes.

    The database is migrated to the newest revision first (a quick look when it is already
    there), so no code runs against an old schema; ``migrate=False`` is for the commands that
    report on or migrate the database themselves. Errors never show the statement's
    parameters: they are people's names and questions, and errors go to the log.
    """
    url = settings.effective_database_url
    if url.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"timeout": SQLITE_BUSY_MS / 1000}, hide_parameters=True
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            _wal(cursor)
            # Durable across a killed process (what the outbox needs); only a power cut can
            # lose the last commits. FULL would fsync every delivery's commit.
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

    else:
        engine = create_engine(url, pool_pre_ping=True, hide_parameters=True)
    if migrate:
        upgrade(engine)
    return engine


def _wal(cursor: sqlite3.Cursor, patience: float = 30.0) -> None:
    """Put the database in WAL mode (it stays so; later calls change nothing).

    On a brand-new file, processes that connect at the same moment race to switch it, and
    SQLite refuses the losers at once instead of waiting out the busy timeout; they wait here.
    """
    deadline = time.monotonic() + patience
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


# How long a write that can be dropped (who wrote when, the question asked) waits for a lock
# another process holds (`reformbot ingest`, a migration): answering must not wait for it.
BRIEF_LOCK_SECONDS = 2.0
SQLITE_BUSY_MS = 30_000  # the engine's own patience (``timeout`` above)


@contextmanager
def brief_transaction(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A write transaction that waits at most BRIEF_LOCK_SECONDS for a lock, then fails
    (``OperationalError``) instead of keeping the person waiting; the caller drops the write."""
    with sessions.begin() as session:
        connection = session.connection()
        if connection.dialect.name == "postgresql":
            ms = int(BRIEF_LOCK_SECONDS * 1000)
            session.execute(text(f"SET LOCAL lock_timeout = {ms}"))
            yield session
            return
        raw = connection.connection.dbapi_connection
        raw.execute(f"PRAGMA busy_timeout = {int(BRIEF_LOCK_SECONDS * 1000)}")
        try:
            yield session
            session.flush()
        finally:
            raw.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")


def reason(exc: SQLAlchemyError) -> str:
    """What went wrong with the database, for a log line: the first line of the driver's
    message ("database is locked"), never the statement or its parameters."""
    return str(getattr(exc, "orig", None) or exc).splitlines()[0]
