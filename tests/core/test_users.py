"""Users, their language and votes are stored, and only the asker can vote on an answer."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from bot.answers import Answer
from bot.assistant import Assistant
from bot.db import make_engine, make_sessionmaker
from bot.i18n import from_language_code
from bot.settings import Settings
from bot.stats import compute
from bot.users import UserStore

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def test_votes_belong_to_the_asker(settings: Settings) -> None:
    users = UserStore(make_sessionmaker(make_engine(settings)))
    users.seen(1, 1, first_name="A", language_code="ka", now=NOW)
    users.seen(2, 2, first_name="B", language_code="ru", now=NOW)
    exchange = users.record_exchange(1, "question?", Answer("ka", "search", False), NOW)
    assert not users.vote(exchange, 2, 1, NOW)  # forged callback data from someone else
    assert users.vote(exchange, 1, -1, NOW)
    [feedback] = users.feedback()
    assert (feedback.question, feedback.vote, feedback.user_id) == ("question?", -1, 1)


def test_writing_again_after_blocking_reactivates(settings: Settings) -> None:
    users = UserStore(make_sessionmaker(make_engine(settings)))
    users.seen(1, 10, first_name="A", language_code=None, now=NOW)
    users.mark_blocked(10)
    assert users.is_blocked(1)
    users.seen(1, 10, first_name="A", language_code=None, now=NOW)
    assert not users.is_blocked(1)


def test_reminder_is_requested_once(settings: Settings) -> None:
    users = UserStore(make_sessionmaker(make_engine(settings)))
    users.seen(1, 1, first_name="A", language_code=None, now=NOW)
    assert users.request_reminder(1, "event-1", NOW)
    assert not users.request_reminder(1, "event-1", NOW)


def test_telegram_language_codes() -> None:
    codes = ("ka", "ru-RU", "uz", "uz-Cyrl", "el", "pt-br", None)
    expected = ["ka", "ru", "uz-Latn", "uz-Cyrl", "el", None, None]
    assert [from_language_code(c) for c in codes] == expected


def test_database_errors_do_not_carry_what_people_wrote(settings: Settings) -> None:
    """An error's text goes to the log: never a question or a name in it."""
    assistant = Assistant(settings)
    users = UserStore(assistant.sessions)
    secret = "my private question about my pension"
    with pytest.raises(IntegrityError) as caught:
        users.record_exchange(987_654_321, secret, assistant.ask("hello"), datetime.now(UTC))
    assert secret not in str(caught.value)


def test_only_the_latest_questions_of_a_person_are_kept(settings: Settings) -> None:
    users = UserStore(make_sessionmaker(make_engine(settings)), questions_kept=3)
    now = datetime(2026, 11, 30, 12, tzinfo=UTC)
    users.seen(7, 7, first_name="Nino", language_code="en", now=now)
    users.seen(8, 8, first_name="Levan", language_code="en", now=now)
    other = users.record_exchange(8, "someone else's", Answer("en", "search", answered=True), now)
    ids = [
        users.record_exchange(7, f"question {n}", Answer("en", "search", answered=True), now)
        for n in range(5)
    ]
    assert [users.exchange(i, 7) is not None for i in ids] == [False, False, True, True, True]
    assert users.exchange(other, 8) is not None


def test_questions_deleted_past_the_limit_still_count_in_the_stats(
    settings: Settings, assistant: Assistant
) -> None:
    """Only the latest questions are kept, and /stats counts the older ones all the same."""
    users = UserStore(make_sessionmaker(make_engine(settings)), questions_kept=2)
    now = datetime.now(UTC)
    users.seen(31_337, 31_337, first_name="x", language_code="en", now=now)
    answer = assistant.ask("Which workshops are coming up?")
    ids = [users.record_exchange(31_337, f"question {n}", answer, now) for n in range(5)]
    users.vote(ids[-1], 31_337, -1, now)
    assert users.exchange(ids[0], 31_337) is None  # deleted
    figures = compute(users.sessions, now, 7, None, "en")
    assert figures.questions == 5 and figures.answered == 5 and figures.dislikes == 1
