"""The bot's one broadcast schedule, in the database, shared by every sender.

Telegram's limit (~30 messages a second) is per bot, however many processes send for it; each
bot replica or worker pacing itself at the full rate would together exceed it. Instead every
sender books its next few slots here with one atomic UPDATE ... RETURNING (a row lock on
PostgreSQL, the write lock on SQLite), so the slots of all senders interleave at the rate.
A flood wait one sender meets is written here too, so nobody books a slot inside it.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import case, insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.models import BroadcastPace

ROW = 1  # one bot, one schedule


class SharedSchedule:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    async def book(self, count: int, gap: float, now: float) -> float:
        return await asyncio.to_thread(self._book, count, gap, now)

    async def pause(self, until: float) -> None:
        await asyncio.to_thread(self._pause, until)

    def _book(self, count: int, gap: float, now: float) -> float:
        pace = BroadcastPace
        later = case((pace.next_slot > pace.paused_until, pace.next_slot), else_=pace.paused_until)
        first = case((later > now, later), else_=now)
        statement = (
            update(pace)
            .where(pace.id == ROW)
            .values(next_slot=first + count * gap)
            .returning(pace.next_slot)
        )
        while True:
            with self.sessions.begin() as session:
                booked = session.scalar(statement)
            if booked is not None:
                return booked - count * gap
            self._create()

    def _pause(self, until: float) -> None:
        pace = BroadcastPace
        statement = (
            update(pace)
            .where(pace.id == ROW)
            .values(paused_until=case((pace.paused_until < until, until), else_=pace.paused_until))
        )
        with self.sessions.begin() as session:
            if session.execute(statement).rowcount:
                return
        self._create()
        self._pause(until)

    def _create(self) -> None:
        try:
            with self.sessions.begin() as session:
                session.execute(
                    insert(BroadcastPace).values(id=ROW, next_slot=0.0, paused_until=0.0)
                )
        except IntegrityError:
            pass  # another sender made it first
