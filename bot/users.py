"""People who talk to the bot: their language, their questions and votes, their reminders.

Everything here is stored at once (one short transaction per call), so a restart of the bot, or
another replica answering the next message, sees the same user. The calls are synchronous and
short; handlers call them directly instead of hopping threads for a millisecond of SQL.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.answers import Answer
from bot.clock import utc
from bot.db import brief_transaction
from bot.i18n import from_language_code
from bot.models import (
    Conversation,
    Exchange,
    Handoff,
    QuestionDay,
    ReminderRequest,
    Subscription,
    User,
)

# Ids come back from Telegram callback data, which a modified client can fill with anything;
# beyond a 64-bit integer the database driver would raise instead of finding nothing.
_MAX_ID = 2**63 - 1


def reply_lang(chosen: str | None, language_code: str | None, default: str) -> str:
    """The language to write to someone in: chosen with /language, else their Telegram app's,
    else the bot's default. Replies and broadcasts decide it the same way."""
    return chosen or from_language_code(language_code) or default


@dataclass(frozen=True)
class Person:
    id: int
    chat_id: int
    language_code: str | None
    lang: str | None  # chosen with /language


@dataclass(frozen=True)
class Feedback:
    exchange_id: int
    user_id: int
    question: str
    lang: str
    answered: bool
    source_path: str | None
    vote: int
    voted_at: datetime


@dataclass(frozen=True)
class Profile:
    """Everything kept about one person (``/mydata``)."""

    first_name: str
    language_code: str | None
    lang: str | None
    topics: list[str]
    reminders: int
    questions: int
    votes: int
    since: datetime
    handoffs: int = 0  # conversations with the programme team ("Ask a person")


class UserStore:
    def __init__(self, sessions: sessionmaker[Session], questions_kept: int = 200) -> None:
        self.sessions = sessions
        self.questions_kept = questions_kept

    def seen(
        self,
        user_id: int,
        chat_id: int,
        *,
        first_name: str,
        language_code: str | None,
        now: datetime,
    ) -> Person:
        """Create or refresh a user; writing to the bot again means they have not blocked it.
        Waits only briefly for a lock another process holds (``OperationalError`` then)."""
        with brief_transaction(self.sessions) as session:
            user = session.get(User, user_id)
            if user is None:
                user = User(id=user_id, created_at=utc(now), lang=None)
                session.add(user)
            user.chat_id = chat_id
            user.first_name = first_name[:255]
            user.language_code = language_code
            user.blocked = False
            user.seen_at = utc(now)
            return Person(user.id, user.chat_id, user.language_code, user.lang)

    def profile(self, user_id: int) -> Profile | None:
        with self.sessions() as session:
            user = session.get(User, user_id)
            if user is None:
                return None
            topics = session.scalars(
                select(Subscription.topic).where(Subscription.user_id == user_id)
            ).all()
            count = select(func.count())
            reminders = session.scalar(
                count.select_from(ReminderRequest).where(ReminderRequest.user_id == user_id)
            )
            asked = Exchange.user_id == user_id
            questions = session.scalar(count.select_from(Exchange).where(asked))
            votes = session.scalar(
                count.select_from(Exchange).where(asked, Exchange.vote.is_not(None))
            )
            handoffs = session.scalar(count.select_from(Handoff).where(Handoff.user_id == user_id))
            return Profile(
                user.first_name,
                user.language_code,
                user.lang,
                sorted(topics),
                reminders or 0,
                questions or 0,
                votes or 0,
                user.created_at.replace(tzinfo=UTC),
                handoffs or 0,
            )

    def forget(self, user_id: int) -> bool:
        """Delete everything kept about a person: their row and, with it, their questions,
        votes, subscriptions, reminders and hand-offs; and any unfinished dialogue. A staff
        role stays: it is the programme's decision, not data about them. False when nothing
        was kept."""
        with self.sessions.begin() as session:
            session.execute(delete(Conversation).where(Conversation.user_id == user_id))
            user = session.get(User, user_id)
            if user is None:
                return False
            for model in (Exchange, ReminderRequest, Subscription):
                session.execute(delete(model).where(model.user_id == user_id))
            session.delete(user)
            return True

    def get(self, user_id: int) -> Person | None:
        with self.sessions() as session:
            user = session.get(User, user_id)
            return Person(user.id, user.chat_id, user.language_code, user.lang) if user else None

    def choose_language(self, user_id: int, lang: str) -> None:
        with self.sessions.begin() as session:
            user = session.get(User, user_id)
            if user is not None:
                user.lang = lang

    def mark_blocked(self, chat_id: int, blocked: bool = True) -> None:
        """Telegram said the user blocked the bot (or, with False, unblocked it): broadcasts
        skip them until they return."""
        with self.sessions.begin() as session:
            for user in session.scalars(select(User).where(User.chat_id == chat_id)):
                user.blocked = blocked

    def is_blocked(self, user_id: int) -> bool:
        with self.sessions() as session:
            user = session.get(User, user_id)
            return bool(user and user.blocked)

    def record_exchange(self, user_id: int, question: str, answer: Answer, now: datetime) -> int:
        """Keep the question with what answered it; the id goes into the vote buttons."""
        top = answer.sources[0] if answer.sources else None
        with brief_transaction(self.sessions) as session:
            row = Exchange(
                user_id=user_id,
                question=question,
                lang=answer.lang,
                intent=answer.intent,
                answered=answer.answered,
                source_key=top.id if top else None,
                source_path=top.path if top else None,
                asked_at=utc(now),
            )
            session.add(row)
            session.flush()
            # Only the latest questions are kept: a person sending thousands of messages
            # must not grow the database without bound. Looking for the first question past
            # the limit is one index probe; the rare deletion happens only when there is one.
            newest_dropped = session.scalar(
                select(Exchange.id)
                .where(Exchange.user_id == user_id)
                .order_by(Exchange.id.desc())
                .offset(self.questions_kept)
                .limit(1)
            )
            if newest_dropped is not None:
                older = (Exchange.user_id == user_id) & (Exchange.id <= newest_dropped)
                _count_by_day(session, session.scalars(select(Exchange).where(older)).all())
                session.execute(delete(Exchange).where(older))
            return row.id

    def exchange(self, exchange_id: int, user_id: int) -> Exchange | None:
        """The user's own exchange; someone else's id (forged callback data) finds nothing."""
        if not 0 < exchange_id <= _MAX_ID:
            return None
        with self.sessions() as session:
            row = session.get(Exchange, exchange_id)
            return row if row is not None and row.user_id == user_id else None

    def vote(self, exchange_id: int, user_id: int, value: int, now: datetime) -> bool:
        """Store 👍 (+1) or 👎 (-1); pressing again changes the vote rather than adding one."""
        if value not in (1, -1):
            raise ValueError("a vote is +1 or -1")
        if not 0 < exchange_id <= _MAX_ID:
            return False
        with self.sessions.begin() as session:
            row = session.get(Exchange, exchange_id)
            if row is None or row.user_id != user_id:
                return False
            row.vote = value
            row.voted_at = utc(now)
            return True

    def feedback(self, limit: int = 50) -> list[Feedback]:
        """The latest votes, newest first, for staff to review."""
        query = (
            select(Exchange)
            .where(Exchange.vote.is_not(None))
            .order_by(Exchange.voted_at.desc(), Exchange.id.desc())
            .limit(limit)
        )
        with self.sessions() as session:
            return [
                Feedback(
                    r.id,
                    r.user_id,
                    r.question,
                    r.lang,
                    r.answered,
                    r.source_path,
                    r.vote or 0,
                    r.voted_at or r.asked_at,
                )
                for r in session.scalars(query)
            ]

    def reminded_events(self, user_id: int) -> list[str]:
        """The events the user pressed "Remind me" for, in the order they asked."""
        with self.sessions() as session:
            return list(
                session.scalars(
                    select(ReminderRequest.event_key)
                    .where(ReminderRequest.user_id == user_id)
                    .order_by(ReminderRequest.id)
                )
            )

    def cancel_reminder(self, user_id: int, event_key: str) -> bool:
        """Forget a "Remind me": reminders are addressed when they fall due, so none comes.
        False when there was none."""
        with self.sessions.begin() as session:
            gone = session.execute(
                delete(ReminderRequest).where(
                    ReminderRequest.user_id == user_id, ReminderRequest.event_key == event_key
                )
            )
        return bool(gone.rowcount)

    def request_reminder(self, user_id: int, event_key: str, now: datetime) -> bool:
        """Remember a "Remind me"; False when the user had already asked for this event."""
        try:
            with self.sessions.begin() as session:
                session.add(
                    ReminderRequest(user_id=user_id, event_key=event_key, created_at=utc(now))
                )
        except IntegrityError:
            return False
        return True


def _count_by_day(session: Session, gone: list[Exchange]) -> None:
    """Add questions about to be deleted to the per-day counts /stats reads (bot.stats)."""
    counts: dict[tuple[date, str], Counter[str]] = {}
    for row in gone:
        day = counts.setdefault((row.asked_at.date(), row.lang), Counter())
        day["asked"] += 1
        day["answered"] += bool(row.answered)
        day["likes"] += row.vote == 1
        day["dislikes"] += row.vote == -1
    for (day, lang), added in counts.items():
        stored = session.scalar(
            select(QuestionDay).where(QuestionDay.day == day, QuestionDay.lang == lang)
        )
        if stored is None:
            stored = QuestionDay(day=day, lang=lang, asked=0, answered=0, likes=0, dislikes=0)
            session.add(stored)
        for field, value in added.items():
            setattr(stored, field, getattr(stored, field) + value)
