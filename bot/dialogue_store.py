"""Where a multi-step dialogue (/announce, /newevent) stands, kept in the database.

Several bot replicas serve one bot behind a webhook, and consecutive updates of one person
may reach different replicas; a conversation kept in one process's memory would be lost at
the next step. So the step and the draft live here, and a replica that takes a step holds it
(``busy_until``) until it has stored the next one: a double tap handled by two replicas (or
two workers of one) runs once, not twice. A dialogue left alone for ``EXPIRY`` is forgotten,
so a message days later is read as a question rather than as the answer to an old prompt.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import utc
from bot.models import Conversation

EXPIRY = timedelta(hours=24)
# How long a step may take before another replica may take the conversation over (the one
# holding it died mid-step). Publishing an event is the slowest step: seconds, not minutes.
HOLD = timedelta(seconds=120)
STARTING = -2  # the state while a dialogue's first step is being handled


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    raise TypeError(f"{type(value).__name__} cannot be kept in a conversation draft")


def _decode(value: dict) -> Any:
    if set(value) == {"$datetime"}:
        return datetime.fromisoformat(value["$datetime"])
    return value


def dump_draft(draft: dict) -> str:
    """JSON, with datetimes (an event's start) kept as datetimes."""
    return json.dumps(draft, default=_encode, ensure_ascii=False)


def load_draft(text: str) -> dict:
    return json.loads(text, object_hook=_decode)


@dataclass(frozen=True)
class Step:
    """A conversation someone is in: its state and draft as stored, taken by the caller."""

    name: str
    chat_id: int
    user_id: int
    state: int
    draft: dict
    version: int
    busy: bool  # a handler holds it (see ConversationStore.take)


class ConversationStore:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def current(self, name: str, chat_id: int, user_id: int, now: datetime) -> Step | None:
        """The conversation's stored step, unless there is none or it expired."""
        with self.sessions() as session:
            row = session.get(Conversation, (chat_id, user_id, name))
            return _step(row, now) if row else None

    def steps(self, chat_id: int, user_id: int, now: datetime) -> dict[str, Step]:
        """Every dialogue this person is in, by name: one query for all of them."""
        query = select(Conversation).where(
            Conversation.chat_id == chat_id, Conversation.user_id == user_id
        )
        with self.sessions() as session:
            found = (_step(row, now) for row in session.scalars(query))
            return {step.name: step for step in found if step}

    def take(self, step: Step, now: datetime) -> bool:
        """Hold ``step`` while it is handled; False if another handler holds it or has moved
        the conversation on since it was read."""
        with self.sessions() as session, session.begin():
            taken = session.execute(
                update(Conversation)
                .where(
                    Conversation.name == step.name,
                    Conversation.chat_id == step.chat_id,
                    Conversation.user_id == step.user_id,
                    Conversation.version == step.version,
                    or_(Conversation.busy_until.is_(None), Conversation.busy_until < utc(now)),
                )
                .values(busy_until=utc(now) + HOLD)
            )
            return taken.rowcount == 1

    def begin(self, name: str, chat_id: int, user_id: int, now: datetime) -> None:
        """Start (or restart) a dialogue, held by the caller while its first step runs, so
        the person's next update waits for that step to be stored wherever it lands."""
        moment = utc(now)
        self._write(
            name,
            chat_id,
            user_id,
            state=STARTING,
            draft="{}",
            updated_at=moment,
            busy_until=moment + HOLD,
        )

    def save(
        self, name: str, chat_id: int, user_id: int, state: int, draft: dict, now: datetime
    ) -> None:
        """Store the next step of the dialogue the caller holds, and let go of it."""
        self._write(
            name,
            chat_id,
            user_id,
            state=state,
            draft=dump_draft(draft),
            updated_at=utc(now),
            busy_until=None,
        )

    def _write(self, name: str, chat_id: int, user_id: int, **values: object) -> None:
        for _attempt in range(3):
            try:
                with self.sessions.begin() as session:
                    row = session.get(Conversation, (chat_id, user_id, name))
                    if row is None:
                        key = {"name": name, "chat_id": chat_id, "user_id": user_id}
                        session.add(Conversation(**key, version=0, **values))
                    else:
                        for field, value in values.items():
                            setattr(row, field, value)
                        row.version += 1
                return
            except IntegrityError:  # begun at the same moment elsewhere: write over it
                continue
        raise RuntimeError(f"conversation {name} of chat {chat_id} could not be stored")

    def release(self, step: Step) -> None:
        """Let go of a step whose handler changed nothing (or failed)."""
        with self.sessions() as session, session.begin():
            session.execute(
                update(Conversation)
                .where(
                    Conversation.name == step.name,
                    Conversation.chat_id == step.chat_id,
                    Conversation.user_id == step.user_id,
                )
                .values(busy_until=None)
            )

    def end(self, name: str, chat_id: int, user_id: int) -> None:
        with self.sessions() as session, session.begin():
            session.execute(
                delete(Conversation).where(
                    Conversation.name == name,
                    Conversation.chat_id == chat_id,
                    Conversation.user_id == user_id,
                )
            )

    def forget_expired(self, now: datetime) -> int:
        """Drop conversations nobody continued: their drafts are not kept forever."""
        with self.sessions() as session, session.begin():
            gone = session.execute(
                delete(Conversation).where(Conversation.updated_at < utc(now) - EXPIRY)
            )
            return gone.rowcount


def _step(row: Conversation, now: datetime) -> Step | None:
    """The row as a step; None once it expired."""
    if row.updated_at < utc(now) - EXPIRY:
        return None
    busy = row.busy_until is not None and row.busy_until > utc(now)
    draft = load_draft(row.draft)
    return Step(row.name, row.chat_id, row.user_id, row.state, draft, row.version, busy)
