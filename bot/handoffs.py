"""Hand-offs: a person's question passed to programme staff, and their answers passed back.

Everything is in the database, so a hand-off survives a restart and any replica can carry its
next message: the staff chat's topic or thread it lives in, each message either way, who
answered and when. A hand-off stays open until staff close it or it has been quiet for
:data:`QUIET_FOR`; while open, what the person writes goes to staff instead of the search.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import utc
from bot.models import Handoff, HandoffMessage

# A conversation nobody has written in for this long is over: the person's next message is a
# question for the bot again.
QUIET_FOR = timedelta(hours=48)
# A person still waiting for staff after this long is told so, once.
WAITING_NOTE_AFTER = timedelta(days=1)
# What staff see of the bot's answer: enough to know what the person already got.
ANSWER_SHOWN = 1500


class HandoffStore:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def open(
        self,
        *,
        user_id: int,
        chat_id: int,
        lang: str,
        name: str,
        question: str,
        bot_answer: str,
        staff_chat_id: int,
        now: datetime,
    ) -> Handoff:
        """A new hand-off; a person has one at a time, so an open one is closed first. It goes
        to the forum topic of the person's earlier hand-offs, if any: one topic per person."""
        at = utc(now)
        with self.sessions.begin() as session:
            self._close_open(session, user_id, at)
            topic = session.scalars(
                select(Handoff.topic_id)
                .where(
                    Handoff.user_id == user_id,
                    Handoff.staff_chat_id == staff_chat_id,
                    Handoff.topic_id.is_not(None),
                )
                .order_by(Handoff.id.desc())
                .limit(1)
            ).first()
            row = Handoff(
                user_id=user_id,
                chat_id=chat_id,
                lang=lang,
                user_name=name[:64],
                question=question,
                bot_answer=bot_answer[:ANSWER_SHOWN],
                staff_chat_id=staff_chat_id,
                topic_id=topic,
                opened_at=at,
                last_at=at,
            )
            session.add(row)
            session.flush()
            return row

    def current(self, user_id: int, now: datetime) -> Handoff | None:
        """The person's open hand-off, unless it has been quiet too long."""
        with self.sessions() as session:
            row = session.scalars(
                select(Handoff)
                .where(Handoff.user_id == user_id, Handoff.closed_at.is_(None))
                .order_by(Handoff.id.desc())
                .limit(1)
            ).first()
        return row if row is not None and live(row, now) else None

    def of_topic(self, staff_chat_id: int, topic_id: int) -> Handoff | None:
        """The latest hand-off of a forum topic in the staff chat, open or not."""
        with self.sessions() as session:
            row = session.scalars(
                select(Handoff)
                .where(Handoff.staff_chat_id == staff_chat_id, Handoff.topic_id == topic_id)
                .order_by(Handoff.id.desc())
                .limit(1)
            ).first()
        return row

    def replied_to(self, staff_chat_id: int, message_id: int) -> Handoff | None:
        """The hand-off a staff chat message belongs to, open or not, for a group without
        topics: staff answer by replying to any message of its thread."""
        with self.sessions() as session:
            row = session.scalars(
                select(Handoff)
                .join(HandoffMessage, HandoffMessage.handoff_id == Handoff.id)
                .where(
                    Handoff.staff_chat_id == staff_chat_id,
                    HandoffMessage.staff_message_id == message_id,
                )
                .order_by(Handoff.id.desc())
                .limit(1)
            ).first()
        return row

    def ask(self, handoff_id: int, question: str) -> None:
        """The question of a hand-off opened with /contact, once the person writes it."""
        with self.sessions.begin() as session:
            session.execute(
                update(Handoff).where(Handoff.id == handoff_id).values(question=question)
            )

    def set_topic(self, handoff_id: int, topic_id: int) -> None:
        with self.sessions.begin() as session:
            session.execute(
                update(Handoff).where(Handoff.id == handoff_id).values(topic_id=topic_id)
            )

    def add_message(
        self,
        handoff_id: int,
        *,
        text: str,
        now: datetime,
        staff_message_id: int | None = None,
        staff_user_id: int | None = None,
    ) -> None:
        """One message of the conversation, the person's (no staff user) or a staff member's;
        ``staff_message_id`` is where it shows in the staff chat. A staff answer marks the
        hand-off answered."""
        at = utc(now)
        with self.sessions.begin() as session:
            session.add(
                HandoffMessage(
                    handoff_id=handoff_id,
                    staff_message_id=staff_message_id,
                    staff_user_id=staff_user_id,
                    text=text,
                    at=at,
                )
            )
            values: dict[str, object] = {"last_at": at}
            row = session.get(Handoff, handoff_id)
            if staff_user_id is not None and row is not None and row.answered_at is None:
                values["answered_at"] = at
            session.execute(update(Handoff).where(Handoff.id == handoff_id).values(**values))

    def messages(self, handoff_id: int) -> Sequence[HandoffMessage]:
        with self.sessions() as session:
            return session.scalars(
                select(HandoffMessage)
                .where(HandoffMessage.handoff_id == handoff_id)
                .order_by(HandoffMessage.id)
            ).all()

    def close(self, handoff_id: int, now: datetime) -> bool:
        """Close it; False if it was already closed (another staff member, another replica)."""
        with self.sessions.begin() as session:
            done = session.execute(
                update(Handoff)
                .where(Handoff.id == handoff_id, Handoff.closed_at.is_(None))
                .values(closed_at=utc(now))
            )
            return done.rowcount == 1

    def claim_waiting(self, now: datetime) -> list[Handoff]:
        """Open hand-offs nobody has answered for a day, each claimed once for the note that
        says so: the claim is one conditional update, so two senders never both take one."""
        cutoff = utc(now) - WAITING_NOTE_AFTER
        with self.sessions.begin() as session:
            due = session.scalars(
                select(Handoff).where(
                    Handoff.closed_at.is_(None),
                    Handoff.answered_at.is_(None),
                    Handoff.waiting_noted_at.is_(None),
                    Handoff.opened_at <= cutoff,
                )
            ).all()
            claimed = []
            for row in due:
                taken = session.execute(
                    update(Handoff)
                    .where(Handoff.id == row.id, Handoff.waiting_noted_at.is_(None))
                    .values(waiting_noted_at=utc(now))
                )
                if taken.rowcount == 1 and live(row, now):
                    claimed.append(row)
            return claimed

    @staticmethod
    def _close_open(session: Session, user_id: int, at: datetime) -> None:
        session.execute(
            update(Handoff)
            .where(Handoff.user_id == user_id, Handoff.closed_at.is_(None))
            .values(closed_at=at)
        )


def live(row: Handoff, now: datetime) -> bool:
    """Open: not closed by staff, and not quiet for too long."""
    return row.closed_at is None and utc(now) - row.last_at < QUIET_FOR
