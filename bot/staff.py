"""Who may publish: staff send announcements and events, admins also appoint staff.

The admins in REFORMBOT_ADMINS are admins whatever the database says, so a fresh install (or
one whose staff table was emptied by mistake) always has someone who can run it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import utc
from bot.models import StaffMember


class Role(StrEnum):
    STAFF = "staff"
    ADMIN = "admin"


@dataclass(frozen=True)
class Member:
    user_id: int
    role: Role
    from_settings: bool  # named in REFORMBOT_ADMINS: cannot be removed from the bot


class StaffStore:
    def __init__(self, sessions: sessionmaker[Session], admins: list[int]) -> None:
        self.sessions = sessions
        self.admins = frozenset(admins)

    def role(self, user_id: int) -> Role | None:
        if user_id in self.admins:
            return Role.ADMIN
        with self.sessions() as session:
            row = session.get(StaffMember, user_id)
            return Role(row.role) if row else None

    def is_staff(self, user_id: int) -> bool:
        return self.role(user_id) is not None

    def is_admin(self, user_id: int) -> bool:
        return self.role(user_id) is Role.ADMIN

    def add(self, user_id: int, role: Role, *, by: int | None, now: datetime) -> None:
        """Appoint, or change the role of, a member."""
        with self.sessions.begin() as session:
            row = session.get(StaffMember, user_id)
            if row is None:
                session.add(
                    StaffMember(user_id=user_id, role=role, added_by=by, added_at=utc(now))
                )
            else:
                row.role = role

    def remove(self, user_id: int) -> bool:
        """False when there was no such member in the database."""
        with self.sessions.begin() as session:
            row = session.get(StaffMember, user_id)
            if row is None:
                return False
            session.delete(row)
            return True

    def members(self) -> list[Member]:
        with self.sessions() as session:
            rows = session.scalars(select(StaffMember).order_by(StaffMember.user_id)).all()
        stored = {r.user_id: Member(r.user_id, Role(r.role), False) for r in rows}
        for user_id in self.admins:
            stored[user_id] = Member(user_id, Role.ADMIN, True)
        return sorted(stored.values(), key=lambda m: (m.role != Role.ADMIN, m.user_id))
