"""Engine and session factory; the schema is migrated to the newest revision on first use."""

from __future__ import annotations

import sqlite3
import time

from sqlalchemy import Engine, create_engine, event
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
        engine = create_engine(url, connect_args={"timeout": 30}, hide_parameters=True)

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
