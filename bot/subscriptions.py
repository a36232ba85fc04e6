"""What users follow, and who an announcement reaches.

Topics are few and fixed (their labels are translated in the catalogs); ``all`` means every
announcement, so its subscribers are in every audience.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import Select, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import utc
from bot.i18n import N_, translations
from bot.models import ReminderRequest, Subscription, User
from bot.users import reply_lang

Topic = Literal["events", "trainings", "partners", "all"]
TOPICS: tuple[Topic, ...] = ("events", "trainings", "partners", "all")
# Not a topic of announcements: subscribers who also want a reminder before every session of
# the topics they follow, not only those they pressed "Remind me" for.
REMINDERS = "reminders"
OPTIONS = (*TOPICS, REMINDERS)

# What each option is called in /subscribe, /mydata, announcements' audiences and /stats.
LABELS = {
    "events": N_("Workshops and sessions"),
    "trainings": N_("Trainings"),
    "partners": N_("Partner news"),
    "all": N_("All announcements"),
    "reminders": N_("⏰ Reminders before sessions of my topics"),
}


def topic_label(option: str, lang: str) -> str:
    return translations(lang).gettext(LABELS[option])


EVERYONE = "any"  # an audience: whoever follows at least one topic


@dataclass(frozen=True)
class Recipient:
    user_id: int
    chat_id: int
    lang: str


class SubscriptionStore:
    def __init__(self, sessions: sessionmaker[Session], default_lang: str) -> None:
        self.sessions = sessions
        self.default_lang = default_lang

    def options(self, user_id: int) -> set[str]:
        with self.sessions() as session:
            query = select(Subscription.topic).where(Subscription.user_id == user_id)
            return set(session.scalars(query))

    def toggle(self, user_id: int, option: str, now: datetime) -> bool:
        """Follow or stop following ``option``; returns whether the user follows it now."""
        if option not in OPTIONS:
            raise ValueError(f"unknown subscription option {option!r}")
        with self.sessions.begin() as session:
            removed = session.execute(
                delete(Subscription).where(
                    Subscription.user_id == user_id, Subscription.topic == option
                )
            ).rowcount
        if removed:
            return False
        try:
            with self.sessions.begin() as session:
                session.add(Subscription(user_id=user_id, topic=option, created_at=utc(now)))
        except IntegrityError:  # a double tap raced us to it: followed either way
            pass
        return True

    def subscribe(self, user_id: int, options: list[str], now: datetime) -> None:
        for option in set(options) - self.options(user_id):
            self.toggle(user_id, option, now)

    def unsubscribe(self, user_id: int) -> int:
        """Stop everything; returns how many options were dropped."""
        with self.sessions.begin() as session:
            return session.execute(
                delete(Subscription).where(Subscription.user_id == user_id)
            ).rowcount

    def audience(self, topic: str, langs: list[str] | None = None) -> list[Recipient]:
        """Active (not blocked) followers of ``topic`` or of everything, in ``langs`` if given;
        ``EVERYONE``: whoever follows any topic."""
        topics = list(TOPICS) if topic == EVERYONE else [topic, "all"]
        query = (
            select(User.id, User.chat_id, User.lang, User.language_code)
            .where(
                User.blocked.is_(False),
                User.id.in_(select(Subscription.user_id).where(Subscription.topic.in_(topics))),
            )
            .order_by(User.id)
        )
        return self._recipients(query, langs)

    def reminded(self, event_key: str, topic: str) -> list[Recipient]:
        """Who gets a reminder for an event of ``topic``: those who pressed "Remind me" for it
        and the topic's followers who opted into reminders."""
        asked = select(ReminderRequest.user_id).where(ReminderRequest.event_key == event_key)
        opted = select(Subscription.user_id).where(Subscription.topic == REMINDERS)
        following = select(Subscription.user_id).where(Subscription.topic.in_([topic, "all"]))
        query = (
            select(User.id, User.chat_id, User.lang, User.language_code)
            .where(
                User.blocked.is_(False),
                User.id.in_(asked) | (User.id.in_(opted) & User.id.in_(following)),
            )
            .order_by(User.id)
        )
        return self._recipients(query, None)

    def _recipients(self, query: Select, langs: list[str] | None) -> list[Recipient]:
        with self.sessions() as session:
            rows = session.execute(query).all()
        people = [
            Recipient(uid, chat, reply_lang(chosen, code, self.default_lang))
            for uid, chat, chosen, code in rows
        ]
        return [p for p in people if langs is None or p.lang in langs]
