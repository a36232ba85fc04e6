"""Knowledge published through the bot, kept in the database (``models.Content``).

What staff publish from Telegram (an event's article and record today) must reach every
replica, including one started later with another knowledge directory or none: so the
database, not a replica's disk, holds it. Each save is a new version of a path of the
knowledge tree (``records/published/x.yaml``), so nothing staff published is ever
overwritten; ingestion reads the newest versions beside the knowledge directory's files, and
``reformbot export`` writes them out as files, so keeping the knowledge in a repository of
files stays possible.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.models import Content


def current(session: Session) -> dict[str, str]:
    """Path → text of the newest version of every published file not withdrawn."""
    newest = (
        select(Content.path, func.max(Content.version).label("version"))
        .group_by(Content.path)
        .subquery()
    )
    rows = session.execute(
        select(Content.path, Content.text).join(
            newest, (Content.path == newest.c.path) & (Content.version == newest.c.version)
        )
    )
    return {path: text for path, text in rows if text is not None}


def stamp(session: Session) -> int:
    """Changes whenever anything is published or withdrawn: a cheap look before reading all."""
    return session.scalar(select(func.coalesce(func.max(Content.id), 0))) or 0


def save(
    session: Session, path: str, text: str | None, *, author: int | None, at: datetime
) -> int:
    """Store a new version of ``path`` (``None`` withdraws it); returns the row's id."""
    version = session.scalar(
        select(func.coalesce(func.max(Content.version), 0)).where(Content.path == path)
    )
    row = Content(path=path, version=version + 1, text=text, author=author, created_at=at)
    session.add(row)
    session.flush()
    return row.id


def path_of(sessions: sessionmaker[Session], version: int) -> str | None:
    """The path a stored version belongs to (a button names an article by a version's id)."""
    with sessions() as session:
        row = session.get(Content, version)
        return row.path if row else None


def forget(sessions: sessionmaker[Session], ids: list[int]) -> None:
    """Delete versions that never took effect (a publication whose ingestion failed)."""
    with sessions.begin() as session:
        session.execute(delete(Content).where(Content.id.in_(ids)))


def export(sessions: sessionmaker[Session], directory: Path) -> list[str]:
    """Write the current version of every published file under ``directory`` (the layout of
    the knowledge directory); returns the paths written."""
    with sessions() as session:
        files = current(session)
    root = directory.resolve()
    for path, text in sorted(files.items()):
        target = (root / path).resolve()
        if not target.is_relative_to(root):
            raise ValueError(f"{path}: not a path inside the knowledge directory")
        write_atomically(target, text)
    return sorted(files)


def write_atomically(path: Path, text: str) -> None:
    """Readers see the old state or the whole new file, never half of it; the temporary name
    starts with a dot and ends in .tmp, so ingestion never reads it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
