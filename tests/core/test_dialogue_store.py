"""Dialogue steps in the database: what lets any bot replica take the next step."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.db import make_engine, make_sessionmaker
from bot.dialogue_store import EXPIRY, HOLD, STARTING, ConversationStore
from bot.settings import Settings

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
START = datetime(2027, 3, 1, 6, 0, tzinfo=UTC)


@pytest.fixture
def sessions(settings: Settings) -> sessionmaker[Session]:
    return make_sessionmaker(make_engine(settings))


@pytest.fixture
def store(sessions: sessionmaker[Session]) -> ConversationStore:
    return ConversationStore(sessions)


def test_a_step_and_its_draft_come_back_as_stored(store: ConversationStore) -> None:
    store.begin("newevent", 5, 7, NOW)
    assert store.current("newevent", 5, 7, NOW).busy  # held while its first step runs
    draft = {"title": "Open data", "start": START, "texts": {"ka": "ღია მონაცემები"}}
    store.save("newevent", 5, 7, 3, draft, NOW)
    step = store.current("newevent", 5, 7, NOW + timedelta(minutes=5))
    assert (step.state, step.draft, step.busy) == (3, draft, False)
    assert step.draft["start"] == START  # a datetime again, not a string
    assert store.current("announce", 5, 7, NOW) is None  # another dialogue of the same person
    assert store.current("newevent", 5, 8, NOW) is None  # another person in the same chat


def test_a_held_step_is_taken_once(store: ConversationStore) -> None:
    """A double tap reaching two replicas: the first takes the step, the second cannot until
    the first has stored the next one, and then only in the step it moved on to."""
    store.begin("announce", 1, 1, NOW)
    store.save("announce", 1, 1, 0, {"texts": {}}, NOW)
    seen_by_a = store.current("announce", 1, 1, NOW)
    seen_by_b = store.current("announce", 1, 1, NOW)
    assert store.take(seen_by_a, NOW)
    assert not store.take(seen_by_b, NOW)
    assert store.current("announce", 1, 1, NOW).busy
    store.save("announce", 1, 1, 1, {"texts": {}, "writing": "en"}, NOW)
    assert not store.take(seen_by_b, NOW)  # stale: the dialogue moved on
    now_seen = store.current("announce", 1, 1, NOW)
    assert (now_seen.state, now_seen.busy) == (1, False)
    assert store.take(now_seen, NOW)


def test_a_step_held_by_a_dead_replica_is_taken_over_after_the_hold(
    store: ConversationStore,
) -> None:
    store.begin("announce", 1, 1, NOW)
    store.save("announce", 1, 1, 2, {}, NOW)
    assert store.take(store.current("announce", 1, 1, NOW), NOW)
    later = NOW + HOLD + timedelta(seconds=1)
    step = store.current("announce", 1, 1, later)
    assert not step.busy and store.take(step, later)


def test_a_dialogue_left_alone_expires(store: ConversationStore) -> None:
    store.begin("newevent", 2, 2, NOW)
    assert store.current("newevent", 2, 2, NOW).state == STARTING
    store.save("newevent", 2, 2, 1, {"title": "x"}, NOW)
    assert store.current("newevent", 2, 2, NOW + EXPIRY - timedelta(minutes=1)) is not None
    assert store.current("newevent", 2, 2, NOW + EXPIRY + timedelta(minutes=1)) is None
    assert store.forget_expired(NOW + EXPIRY + timedelta(minutes=1)) == 1


def test_ending_removes_the_dialogue(store: ConversationStore) -> None:
    store.begin("announce", 3, 3, NOW)
    store.save("announce", 3, 3, 4, {"texts": {"en": "Hi"}}, NOW)
    store.end("announce", 3, 3)
    assert store.current("announce", 3, 3, NOW) is None


def test_all_dialogues_of_a_person_come_in_one_look(store: ConversationStore) -> None:
    store.begin("announce", 4, 4, NOW)
    store.save("announce", 4, 4, 1, {}, NOW)
    store.begin("newevent", 4, 4, NOW)
    store.begin("newevent", 4, 5, NOW)  # someone else in the same group chat
    store.begin("announce", 6, 4, NOW - EXPIRY - timedelta(minutes=1))  # long forgotten
    steps = store.steps(4, 4, NOW)
    assert {name: (s.state, s.busy) for name, s in steps.items()} == {
        "announce": (1, False),
        "newevent": (STARTING, True),
    }
    assert store.steps(6, 4, NOW) == {}
