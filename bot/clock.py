"""The one clock: what time it is, and the form moments are stored in.

Handlers, the dispatcher and the dialogue store each take a clock as a parameter (tests move
it); this is the real one they default to, and the one conversion every table uses.
"""

from __future__ import annotations

from datetime import UTC, datetime


def wall() -> datetime:
    """Now, aware, in UTC."""
    return datetime.now(UTC)


def utc(moment: datetime) -> datetime:
    """Naive UTC, the one form both SQLite and PostgreSQL columns give back unchanged."""
    return moment.astimezone(UTC).replace(tzinfo=None)
