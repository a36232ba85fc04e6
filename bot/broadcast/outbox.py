"""The durable outbox: announcements and their per-chat deliveries in the database.

Every state change is its own committed transaction, so a process killed at any instant leaves
rows that say exactly what is known: ``pending`` rows were not sent, ``sent``/``failed``/
``blocked`` rows are final, and only rows left ``sending`` are uncertain (Telegram has no
idempotency key, so a message accepted just before the kill cannot be told from one that was
not). Senders claim only as many rows as they are about to send, which keeps that set small;
:meth:`Outbox.recover` sends them again and marks them ``uncertain`` for the report, as is a
row whose send timed out and was retried.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Integer, Select, cast, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session, sessionmaker

from bot.clock import utc
from bot.models import Announcement, Delivery, User
from bot.subscriptions import Recipient

# A timed-out send is retried this many times in all, with growing pauses, then given up.
MAX_ATTEMPTS = 5
STATES = ("pending", "sending", "sent", "failed", "blocked")


@dataclass(frozen=True)
class Job:
    """One message to send: a claimed delivery with its text resolved for the chat."""

    delivery_id: int
    announcement_id: int
    chat_id: int
    lang: str
    text: str
    event_key: str | None
    attempts: int


@dataclass(frozen=True)
class Sent:
    message_id: int | None  # None: Telegram accepted it, but its answer could not be read


@dataclass(frozen=True)
class Blocked:
    """The user blocked the bot (or deleted their account): skip them from now on."""


@dataclass(frozen=True)
class Failed:
    reason: str


@dataclass(frozen=True)
class Retry:
    """Not sent; try again after ``seconds``. ``flood``: Telegram asked us to slow down, which
    is not the message's fault and does not count against its attempts."""

    seconds: float
    flood: bool = False


Outcome = Sent | Blocked | Failed | Retry


@dataclass
class Progress:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATES, 0))
    uncertain: int = 0

    @property
    def remaining(self) -> int:
        return self.counts["pending"] + self.counts["sending"]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Summary:
    """One announcement as ``reformbot announcements`` and the final report show it."""

    id: int
    kind: str
    status: str
    author_id: int | None
    author_lang: str | None
    topic: str
    langs: list[str] | None
    due_at: datetime
    created_at: datetime
    finished_at: datetime | None
    preview: str
    progress: Progress
    progress_chat_id: int | None
    progress_message_id: int | None


class Outbox:
    def __init__(self, sessions: sessionmaker[Session], owner: str) -> None:
        self.sessions = sessions
        self.owner = owner  # this process; rows it claims carry it

    # -- announcements ---------------------------------------------------------------------

    def create(
        self,
        *,
        kind: str,
        texts: dict[str, str],
        fallback_lang: str,
        topic: str,
        due_at: datetime,
        now: datetime,
        langs: list[str] | None = None,
        author_id: int | None = None,
        author_lang: str | None = None,
        event_key: str | None = None,
        key: str | None = None,
    ) -> int | None:
        """Queue an announcement for ``due_at``; None when one with this ``key`` exists
        (which is how automatic notices happen once however often they are derived)."""
        if fallback_lang not in texts:
            raise ValueError("the fallback language needs a text")
        try:
            with self.sessions.begin() as session:
                if key is not None and session.scalar(
                    select(Announcement.id).where(Announcement.key == key)
                ):
                    return None
                row = Announcement(
                    key=key,
                    kind=kind,
                    status="scheduled",
                    author_id=author_id,
                    author_lang=author_lang,
                    texts=texts,
                    fallback_lang=fallback_lang,
                    topic=topic,
                    langs=langs,
                    event_key=event_key,
                    due_at=utc(due_at),
                    created_at=utc(now),
                    progress_chat_id=author_id,
                )
                session.add(row)
                session.flush()
                return row.id
        except IntegrityError:  # another sender derived the same notice at the same moment
            return None

    def due(self, now: datetime) -> list[Announcement]:
        """Scheduled announcements whose time has come, oldest first."""
        query = (
            select(Announcement)
            .where(Announcement.status == "scheduled", Announcement.due_at <= utc(now))
            .order_by(Announcement.due_at, Announcement.id)
        )
        with self.sessions() as session:
            return list(session.scalars(query))

    def scheduled(self, kind: str) -> list[Announcement]:
        query = select(Announcement).where(
            Announcement.status == "scheduled", Announcement.kind == kind
        )
        with self.sessions() as session:
            return list(session.scalars(query))

    def update_texts(self, announcement_id: int, texts: dict[str, str]) -> None:
        """New wording for an announcement that has not started (an edited event record)."""
        with self.sessions.begin() as session:
            session.execute(
                update(Announcement)
                .where(Announcement.id == announcement_id, Announcement.status == "scheduled")
                .values(texts=texts)
            )

    def start(self, announcement_id: int, recipients: list[Recipient], now: datetime) -> bool:
        """Write one pending delivery per recipient chat and mark the announcement sending,
        in one transaction; False if it had already started (another process got there)."""
        with self.sessions.begin() as session:
            started = session.execute(
                update(Announcement)
                .where(Announcement.id == announcement_id, Announcement.status == "scheduled")
                .values(status="sending", started_at=utc(now))
            ).rowcount
            if not started:
                return False
            chats: dict[int, str] = {}
            for person in recipients:
                chats.setdefault(person.chat_id, person.lang)
            if chats:
                session.execute(
                    insert(Delivery),
                    [
                        {
                            "announcement_id": announcement_id,
                            "chat_id": chat,
                            "lang": lang,
                            "state": "pending",
                            "attempts": 0,
                            "uncertain": False,
                        }
                        for chat, lang in chats.items()
                    ],
                )
            return True

    def cancel(self, announcement_id: int, now: datetime) -> bool:
        """Stop a scheduled announcement, or the unsent rest of one being sent."""
        with self.sessions.begin() as session:
            cancelled = session.execute(
                update(Announcement)
                .where(
                    Announcement.id == announcement_id,
                    Announcement.status.in_(("scheduled", "sending")),
                )
                .values(status="cancelled", finished_at=utc(now))
            ).rowcount
            session.execute(
                update(Delivery)
                .where(Delivery.announcement_id == announcement_id, Delivery.state == "pending")
                .values(state="failed", error="cancelled", done_at=utc(now))
            )
            return bool(cancelled)

    # -- deliveries ----------------------------------------------------------------------------

    def recover(self, now: datetime, lease: timedelta) -> int:
        """Rows another sender claimed longer than ``lease`` ago and never finished: it died
        mid-send. They go back to pending, marked uncertain; returns how many."""
        with self.sessions.begin() as session:
            return session.execute(
                update(Delivery)
                .where(
                    Delivery.state == "sending",
                    Delivery.claimed_by != self.owner,
                    Delivery.claimed_at < utc(now - lease),
                )
                .values(state="pending", uncertain=True, claimed_by=None)
            ).rowcount

    def claim(self, now: datetime, limit: int) -> list[Job]:
        """Take up to ``limit`` pending rows for this sender, oldest announcement first.

        On PostgreSQL concurrent senders skip each other's locked rows; on SQLite the
        database-wide write lock serialises claims, and the ``state`` check in the UPDATE
        keeps a row from being taken twice either way."""
        moment = utc(now)
        ready = (Delivery.state == "pending") & (
            Delivery.not_before.is_(None) | (Delivery.not_before <= moment)
        )
        with self.sessions.begin() as session:
            ids = list(
                session.scalars(
                    select(Delivery.id)
                    .where(ready)
                    .order_by(Delivery.id)
                    .limit(limit)
                    .with_for_update(skip_locked=True)
                )
            )
            if not ids:
                return []
            session.execute(
                update(Delivery)
                .where(Delivery.id.in_(ids), ready)
                .values(state="sending", claimed_by=self.owner, claimed_at=moment)
            )
            rows = session.execute(
                select(Delivery, Announcement)
                .join(Announcement, Announcement.id == Delivery.announcement_id)
                .where(
                    Delivery.id.in_(ids),
                    Delivery.state == "sending",
                    Delivery.claimed_by == self.owner,
                )
                .order_by(Delivery.id)
            ).all()
            return [
                Job(
                    d.id,
                    a.id,
                    d.chat_id,
                    d.lang,
                    a.texts.get(d.lang) or a.texts[a.fallback_lang],
                    a.event_key,
                    d.attempts,
                )
                for d, a in rows
            ]

    def release(self, jobs: list[Job]) -> None:
        """Hand back rows claimed but not sent (the sender is stopping): plainly pending."""
        if not jobs:
            return
        with self.sessions.begin() as session:
            session.execute(
                update(Delivery)
                .where(
                    Delivery.id.in_([j.delivery_id for j in jobs]),
                    Delivery.claimed_by == self.owner,
                    Delivery.state == "sending",
                )
                .values(state="pending", claimed_by=None)
            )

    def record(self, job: Job, outcome: Outcome, now: datetime) -> None:
        """Store what happened to one send, at once. A finished row keeps ``claimed_by``:
        which sender (host, process) sent it, for whoever looks into a delivery later."""
        moment = utc(now)
        values: dict[str, object] = {}
        match outcome:
            case Sent(message_id):
                values |= {"state": "sent", "message_id": message_id, "done_at": moment}
            case Blocked():
                values |= {"state": "blocked", "done_at": moment}
            case Failed(reason):
                values |= {"state": "failed", "error": reason[:500], "done_at": moment}
            case Retry(seconds, flood):
                attempts = job.attempts + (0 if flood else 1)
                if attempts >= MAX_ATTEMPTS:
                    values |= {"state": "failed", "error": "timed out", "done_at": moment}
                else:
                    values |= {
                        "state": "pending",
                        "claimed_by": None,
                        "attempts": attempts,
                        "not_before": utc(now + timedelta(seconds=seconds)),
                    }
                if not flood:  # a timeout: Telegram may have delivered it all the same
                    values["uncertain"] = True
        with self.sessions.begin() as session:
            session.execute(
                update(Delivery)
                .where(Delivery.id == job.delivery_id, Delivery.claimed_by == self.owner)
                .values(**values)
            )
            if isinstance(outcome, Blocked):
                session.execute(
                    update(User).where(User.chat_id == job.chat_id).values(blocked=True)
                )

    # -- progress and reports ------------------------------------------------------------------

    def progress(self, announcement_ids: list[int]) -> dict[int, Progress]:
        result = {a: Progress() for a in announcement_ids}
        if not announcement_ids:
            return result
        query = (
            select(
                Delivery.announcement_id,
                Delivery.state,
                func.count(),
                func.sum(cast(Delivery.uncertain, Integer)),
            )
            .where(Delivery.announcement_id.in_(announcement_ids))
            .group_by(Delivery.announcement_id, Delivery.state)
        )
        with self.sessions() as session:
            for announcement_id, state, count, uncertain in session.execute(query):
                result[announcement_id].counts[state] = count
                result[announcement_id].uncertain += uncertain or 0
        return result

    def finish(self, now: datetime) -> list[int]:
        """Mark done the announcements being sent that have nothing left to send; returns
        those this call finished (exactly one process finishes each, and reports it)."""
        busy = select(Delivery.announcement_id).where(Delivery.state.in_(("pending", "sending")))
        with self.sessions() as session:
            ready = list(
                session.scalars(
                    select(Announcement.id).where(
                        Announcement.status == "sending", Announcement.id.not_in(busy)
                    )
                )
            )
        finished = []
        for announcement_id in ready:
            with self.sessions.begin() as session:
                if session.execute(
                    update(Announcement)
                    .where(Announcement.id == announcement_id, Announcement.status == "sending")
                    .values(status="done", finished_at=utc(now))
                ).rowcount:
                    finished.append(announcement_id)
        return finished

    def set_progress_message(self, announcement_id: int, message_id: int) -> None:
        with self.sessions.begin() as session:
            session.execute(
                update(Announcement)
                .where(Announcement.id == announcement_id)
                .values(progress_message_id=message_id)
            )

    def unreported(self) -> list[Summary]:
        """Finished or cancelled announcements whose author has not had the final report."""
        query = select(Announcement).where(
            Announcement.status.in_(("done", "cancelled")),
            Announcement.reported.is_(False),
            Announcement.progress_chat_id.is_not(None),
        )
        return self._summaries(query)

    def watched(self) -> list[Summary]:
        """Announcements being sent whose author follows a progress message."""
        query = select(Announcement).where(
            Announcement.status == "sending", Announcement.progress_chat_id.is_not(None)
        )
        return self._summaries(query)

    def take_progress_turn(self, announcement_id: int, now: datetime, every: float) -> bool:
        """Whether this sender may edit the progress message now: the last edit, by any
        sender, was at least ``every`` seconds ago. With several senders on one broadcast,
        each keeping its own count of time would edit it several times as often."""
        since = timedelta(seconds=every)
        return self._take_turn(announcement_id, Announcement.progress_at, now, since)

    def take_report(self, announcement_id: int, now: datetime, lease: timedelta) -> bool:
        """Whether this sender is the one to send the final report: one sender takes it, and
        another may take it over only if it is still unsent after ``lease`` (that sender
        died in between)."""
        unsent = Announcement.reported.is_(False)
        return self._take_turn(announcement_id, Announcement.report_taken_at, now, lease, unsent)

    def _take_turn(
        self,
        announcement_id: int,
        taken_at: InstrumentedAttribute[datetime | None],
        now: datetime,
        since: timedelta,
        *conditions: ColumnElement[bool],
    ) -> bool:
        """Set ``taken_at`` to now unless another sender set it less than ``since`` ago:
        one UPDATE, so of senders racing for the turn exactly one gets it."""
        moment = utc(now)
        with self.sessions.begin() as session:
            turn = session.execute(
                update(Announcement)
                .where(
                    Announcement.id == announcement_id,
                    or_(taken_at.is_(None), taken_at <= moment - since),
                    *conditions,
                )
                .values({taken_at: moment})
            )
            return bool(turn.rowcount)

    def mark_reported(self, announcement_id: int) -> None:
        with self.sessions.begin() as session:
            session.execute(
                update(Announcement)
                .where(Announcement.id == announcement_id)
                .values(reported=True)
            )

    def summaries(
        self, *, ids: list[int] | None = None, status: str | None = None, limit: int = 50
    ) -> list[Summary]:
        """Announcements newest first (or the given ids), with their delivery counts."""
        query = select(Announcement).order_by(Announcement.id.desc()).limit(limit)
        if ids is not None:
            query = query.where(Announcement.id.in_(ids))
        if status is not None:
            query = query.where(Announcement.status == status)
        return self._summaries(query)

    def _summaries(self, query: Select) -> list[Summary]:
        with self.sessions() as session:
            rows = list(session.scalars(query))
        counts = self.progress([r.id for r in rows])
        return [
            Summary(
                r.id,
                r.kind,
                r.status,
                r.author_id,
                r.author_lang,
                r.topic,
                r.langs,
                r.due_at,
                r.created_at,
                r.finished_at,
                r.texts.get(r.fallback_lang, ""),
                counts[r.id],
                r.progress_chat_id,
                r.progress_message_id,
            )
            for r in rows
        ]
