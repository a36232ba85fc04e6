"""What people asked that the knowledge did not answer, for staff to fill (/gaps).

A gap is a question answered "I don't know", or one whose answer got 👎, not yet settled
(answered or dismissed by staff). Questions are grouped by their content words, so "Who heads
the Rustavi hall?" and "who heads the rustavi hall" are one gap, asked twice; the most asked
come first. An answer written by staff becomes a short article kept in the database
(bot.content), answerable at once on every replica.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import yaml
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot import content
from bot.clock import utc
from bot.models import Exchange
from bot.text.analyzer import content_words

# Where answers written in /gaps are kept in the knowledge tree.
ANSWERS = "articles/answers"


@dataclass(frozen=True)
class Gap:
    """One question as asked most recently, and how often it (or one like it) was asked."""

    exchange_id: int  # the latest asking: the gap's handle in buttons
    question: str
    lang: str
    asked: int
    last_asked: datetime
    disliked: int  # of them, answers that got 👎


def _key(question: str, lang: str) -> tuple[str, ...]:
    """What makes two questions the same gap: their content words' stems, in any order."""
    return tuple(sorted({w.stem for w in content_words(question, lang)})) or (question.casefold(),)


# How many of the latest open askings are grouped: /gaps is about what people ask now, and
# grouping reads each question's words, so the work stays bounded however long the bot runs.
RECENT = 2000


def _open(session: Session) -> Iterable[Exchange]:
    unanswered = or_(Exchange.answered.is_(False), Exchange.vote == -1)
    query = (
        select(Exchange)
        .where(unanswered, Exchange.settled_at.is_(None))
        .order_by(Exchange.id.desc())
        .limit(RECENT)
    )
    return session.scalars(query)


def open_gaps(sessions: sessionmaker[Session], limit: int = 10) -> list[Gap]:
    """The unsettled gaps, the most asked first (then the most recent)."""
    groups: dict[tuple[str, ...], list[Exchange]] = {}
    with sessions() as session:
        for row in _open(session):
            groups.setdefault(_key(row.question, row.lang), []).append(row)
    gaps = [
        Gap(
            rows[0].id,
            rows[0].question,
            rows[0].lang,
            len(rows),
            rows[0].asked_at,
            sum(r.vote == -1 for r in rows),
        )
        for rows in groups.values()
    ]
    return sorted(gaps, key=lambda g: (-g.asked, -g.exchange_id))[:limit]


def find(sessions: sessionmaker[Session], exchange_id: int) -> Gap | None:
    """The open gap a button names, or None when it was settled meanwhile."""
    with sessions() as session:
        row = session.get(Exchange, exchange_id)
        if row is None or row.settled_at is not None:
            return None
        key = _key(row.question, row.lang)
        same = [r for r in _open(session) if _key(r.question, r.lang) == key]
    if not same:
        return None
    disliked = sum(r.vote == -1 for r in same)
    return Gap(exchange_id, row.question, row.lang, len(same), row.asked_at, disliked)


def settle(sessions: sessionmaker[Session], gap: Gap, now: datetime) -> list[int]:
    """Mark every open asking of the gap settled; returns who asked, once per asking (an
    answer is offered to each of them)."""
    key = _key(gap.question, gap.lang)
    with sessions.begin() as session:
        rows = [r for r in _open(session) if _key(r.question, r.lang) == key]
        ids = [r.id for r in rows]
        session.execute(update(Exchange).where(Exchange.id.in_(ids)).values(settled_at=utc(now)))
        return [r.user_id for r in rows]


def answer_article(gap: Gap, text: str, today: date) -> str:
    """The short article an answer becomes: the question as its title, in its language."""
    meta = {"title": gap.question, "date": today.isoformat(), "lang": gap.lang}
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1_000_000)
    return f"---\n{front}---\n\n{text.strip()}\n"


def store_answer(
    sessions: sessionmaker[Session], gap: Gap, text: str, *, now: datetime, author: int | None
) -> tuple[str, int]:
    """Keep the answer as an article in the database; returns its path and the stored
    version's id (deleted again if ingestion fails)."""
    path = f"{ANSWERS}/gap-{gap.exchange_id}.md"
    with sessions.begin() as session:
        version = content.save(
            session, path, answer_article(gap, text, now.date()), author=author, at=utc(now)
        )
    return path, version
