"""The durable outbox against a real SQLite database, and the broadcast's pace.

Every test drives :class:`Outbox` the way the dispatcher does (create → start → claim →
record → finish) with explicit moments, so no test depends on the wall clock; the pacer gets
an injected clock and sleep.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.broadcast.outbox import (
    MAX_ATTEMPTS,
    Blocked,
    Failed,
    Job,
    Outbox,
    Retry,
    Sent,
)
from bot.broadcast.pacing import Pacer
from bot.broadcast.report import progress_text
from bot.broadcast.schedule import SharedSchedule
from bot.db import make_engine, make_sessionmaker
from bot.models import Announcement, Delivery
from bot.settings import Settings
from bot.subscriptions import Recipient
from bot.users import UserStore

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LEASE = timedelta(seconds=30)
TEXTS = {"en": "Hello everyone", "ka": "გამარჯობა ყველას", "ru": "Всем привет"}


@pytest.fixture
def sessions(settings: Settings) -> sessionmaker[Session]:
    return make_sessionmaker(make_engine(settings))


@pytest.fixture
def outbox(sessions: sessionmaker[Session]) -> Outbox:
    return Outbox(sessions, owner="sender-a")


def announce(
    outbox: Outbox,
    chats: list[tuple[int, str]],
    *,
    now: datetime = NOW,
    event_key: str | None = None,
) -> int:
    """An announcement started for ``chats`` (chat id, language), its deliveries pending."""
    announcement_id = outbox.create(
        kind="announcement" if event_key is None else "event",
        texts=TEXTS,
        fallback_lang="en",
        topic="all",
        due_at=now,
        now=now,
        event_key=event_key,
    )
    assert announcement_id is not None
    assert outbox.start(announcement_id, [Recipient(c, c, lang) for c, lang in chats], now)
    return announcement_id


def english(*chats: int) -> list[tuple[int, str]]:
    return [(chat, "en") for chat in chats]


def deliveries(sessions: sessionmaker[Session], announcement_id: int) -> dict[int, Delivery]:
    """The announcement's delivery rows by chat id, as stored now."""
    with sessions() as session:
        rows = session.scalars(select(Delivery).where(Delivery.announcement_id == announcement_id))
        return {row.chat_id: row for row in rows}


def states(sessions: sessionmaker[Session], announcement_id: int) -> dict[int, str]:
    return {chat: row.state for chat, row in deliveries(sessions, announcement_id).items()}


def announcement(sessions: sessionmaker[Session], announcement_id: int) -> Announcement:
    with sessions() as session:
        row = session.get(Announcement, announcement_id)
        assert row is not None
        return row


# -- announcements -----------------------------------------------------------------------------


def test_an_announcement_is_scheduled_and_due_only_when_its_time_comes(outbox: Outbox) -> None:
    later = NOW + timedelta(hours=2)
    announcement_id = outbox.create(
        kind="announcement", texts=TEXTS, fallback_lang="en", topic="all", due_at=later, now=NOW
    )
    assert announcement_id is not None
    assert outbox.due(NOW) == []
    assert outbox.due(later - timedelta(seconds=1)) == []
    [due] = outbox.due(later)
    assert (due.id, due.status, due.kind) == (announcement_id, "scheduled", "announcement")


def test_due_announcements_come_oldest_first(outbox: Outbox) -> None:
    common = {"kind": "announcement", "texts": TEXTS, "fallback_lang": "en", "topic": "all"}
    second = outbox.create(**common, due_at=NOW - timedelta(minutes=1), now=NOW)
    first = outbox.create(**common, due_at=NOW - timedelta(minutes=5), now=NOW)
    third = outbox.create(**common, due_at=NOW, now=NOW)
    assert [a.id for a in outbox.due(NOW)] == [first, second, third]


def test_a_key_makes_an_announcement_only_once(outbox: Outbox) -> None:
    common = {"kind": "event", "texts": TEXTS, "fallback_lang": "en", "topic": "events"}
    first = outbox.create(**common, due_at=NOW, now=NOW, key="event:x")
    assert first is not None
    assert outbox.create(**common, due_at=NOW, now=NOW, key="event:x") is None
    assert [a.id for a in outbox.due(NOW)] == [first]


def test_senders_deriving_the_same_notice_at_once_make_it_once(
    sessions: sessionmaker[Session],
) -> None:
    """Every replica derives event notices and reminders; racing to create the same key,
    one creates it and the others are told it exists (no error, no second copy)."""
    common = {"kind": "reminder", "texts": TEXTS, "fallback_lang": "en", "topic": "events"}
    created: list[int | None] = []
    gate = threading.Barrier(6)

    def sender(name: str) -> None:
        outbox = Outbox(sessions, owner=name)
        gate.wait(timeout=30)
        for n in range(10):
            created.append(outbox.create(**common, due_at=NOW, now=NOW, key=f"reminder:{n}"))

    threads = [threading.Thread(target=sender, args=(f"s{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    made = [i for i in created if i is not None]
    assert len(created) == 60 and len(made) == 10
    assert sorted(a.id for a in Outbox(sessions, owner="x").due(NOW)) == sorted(made)


def test_the_fallback_language_needs_a_text(outbox: Outbox) -> None:
    with pytest.raises(ValueError, match="fallback"):
        outbox.create(
            kind="announcement",
            texts={"ka": "გამარჯობა"},
            fallback_lang="en",
            topic="all",
            due_at=NOW,
            now=NOW,
        )


def test_start_writes_one_pending_delivery_per_chat_and_happens_once(
    outbox: Outbox, sessions: sessionmaker[Session]
) -> None:
    announcement_id = outbox.create(
        kind="announcement", texts=TEXTS, fallback_lang="en", topic="all", due_at=NOW, now=NOW
    )
    assert announcement_id is not None
    people = [Recipient(1, 11, "ka"), Recipient(2, 12, "en"), Recipient(3, 11, "ru")]
    assert outbox.start(announcement_id, people, NOW)
    rows = deliveries(sessions, announcement_id)
    assert sorted(rows) == [11, 12]  # one chat, one message, in the first person's language
    assert rows[11].lang == "ka"
    assert {(r.state, r.attempts, r.uncertain) for r in rows.values()} == {("pending", 0, False)}
    assert announcement(sessions, announcement_id).status == "sending"
    # Another process (or a second round) starting it again writes nothing more.
    other = Outbox(sessions, owner="sender-b")
    assert not other.start(announcement_id, [*people, Recipient(4, 14, "en")], NOW)
    assert sorted(deliveries(sessions, announcement_id)) == [11, 12]
    assert outbox.due(NOW) == []


# -- claiming ---------------------------------------------------------------------------------


def test_claim_takes_pending_rows_for_this_sender_with_their_text(
    outbox: Outbox, sessions: sessionmaker[Session]
) -> None:
    announcement_id = announce(outbox, [(11, "ka"), (12, "el"), (13, "ru")], event_key="ev-1")
    jobs = outbox.claim(NOW, limit=10)
    assert [(j.chat_id, j.lang, j.text) for j in jobs] == [
        (11, "ka", TEXTS["ka"]),
        (12, "el", TEXTS["en"]),  # no Greek text: the fallback language's
        (13, "ru", TEXTS["ru"]),
    ]
    assert {(j.announcement_id, j.event_key, j.attempts) for j in jobs} == {
        (announcement_id, "ev-1", 0)
    }
    rows = deliveries(sessions, announcement_id)
    assert {(r.state, r.claimed_by) for r in rows.values()} == {("sending", "sender-a")}
    assert outbox.claim(NOW, limit=10) == []  # nothing is handed out twice


def test_claim_takes_at_most_the_limit_oldest_announcement_first(outbox: Outbox) -> None:
    older = announce(outbox, english(1, 2, 3))
    newer = announce(outbox, english(4, 5))
    first = outbox.claim(NOW, limit=2)
    assert [(j.announcement_id, j.chat_id) for j in first] == [(older, 1), (older, 2)]
    second = outbox.claim(NOW, limit=2)
    assert [(j.announcement_id, j.chat_id) for j in second] == [(older, 3), (newer, 4)]
    assert [j.chat_id for j in outbox.claim(NOW, limit=2)] == [5]
    assert outbox.claim(NOW, limit=2) == []


def test_a_row_claimed_by_one_sender_is_not_claimed_by_another(
    sessions: sessionmaker[Session],
) -> None:
    a, b = Outbox(sessions, owner="sender-a"), Outbox(sessions, owner="sender-b")
    announce(a, english(*range(1, 11)))
    taken_a = a.claim(NOW, limit=4)
    taken_b = b.claim(NOW, limit=100)
    assert len(taken_a) == 4 and len(taken_b) == 6
    assert not {j.delivery_id for j in taken_a} & {j.delivery_id for j in taken_b}
    assert a.claim(NOW, limit=100) == [] and b.claim(NOW, limit=100) == []


def test_concurrent_senders_never_claim_a_row_twice(sessions: sessionmaker[Session]) -> None:
    """Six senders, each on its own thread and connection, race to drain 400 rows."""
    announcement_id = announce(Outbox(sessions, owner="setup"), english(*range(1, 401)))
    taken: dict[str, list[Job]] = {}
    errors: list[BaseException] = []
    gate = threading.Barrier(6)

    def sender(name: str) -> None:
        outbox = Outbox(sessions, owner=name)
        mine: list[Job] = []
        try:
            gate.wait(timeout=30)
            # A sender that lost the race for the rows it selected gets nothing this time
            # (on SQLite they all select the same oldest rows); it tries again while any
            # row is pending, as the dispatcher does on its next round.
            while True:
                jobs = outbox.claim(NOW, limit=7)
                mine += jobs
                if (
                    not jobs
                    and not outbox.progress([announcement_id])[announcement_id].counts["pending"]
                ):
                    break
        except BaseException as exc:  # reported below, with the thread's name
            errors.append(exc)
        taken[name] = mine

    threads = [threading.Thread(target=sender, args=(f"sender-{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a sender hung"
    assert errors == []
    claims = Counter(j.delivery_id for jobs in taken.values() for j in jobs)
    assert [d for d, n in claims.items() if n > 1] == []  # never handed out twice
    rows = deliveries(sessions, announcement_id)
    assert len(claims) == len(rows) == 400  # and every row was handed out
    owner_of = {j.delivery_id: name for name, jobs in taken.items() for j in jobs}
    assert all(row.claimed_by == owner_of[row.id] for row in rows.values())


# -- recording outcomes --------------------------------------------------------------------------


def test_sent_failed_and_blocked_are_final(
    outbox: Outbox, sessions: sessionmaker[Session]
) -> None:
    users = UserStore(sessions)
    for chat in (1, 2, 3):
        users.seen(chat, chat, first_name=f"U{chat}", language_code="en", now=NOW)
    announcement_id = announce(outbox, english(1, 2, 3))
    sent, failed, blocked = outbox.claim(NOW, limit=3)
    later = NOW + timedelta(seconds=1)
    outbox.record(sent, Sent(message_id=501), later)
    outbox.record(failed, Failed("Bad Request: chat not found"), later)
    outbox.record(blocked, Blocked(), later)
    rows = deliveries(sessions, announcement_id)
    assert (rows[1].state, rows[1].message_id) == ("sent", 501)
    assert (rows[2].state, rows[2].error) == ("failed", "Bad Request: chat not found")
    assert rows[3].state == "blocked"
    # Done, each naming the sender that sent it (for whoever looks into a delivery later).
    assert all(r.claimed_by == "sender-a" and r.done_at is not None for r in rows.values())
    # The person who blocked the bot is marked so, and only they.
    assert [users.is_blocked(u) for u in (1, 2, 3)] == [False, False, True]
    # Final rows are never handed out again, however much time passes.
    assert outbox.claim(NOW + timedelta(days=1), limit=10) == []


def test_a_flood_wait_retries_later_without_counting_an_attempt(
    outbox: Outbox, sessions: sessionmaker[Session]
) -> None:
    announcement_id = announce(outbox, english(7))
    moment = NOW
    for _ in range(3 * MAX_ATTEMPTS):  # far more floods than attempts: never given up
        [job] = outbox.claim(moment, limit=1)
        assert job.attempts == 0
        outbox.record(job, Retry(3.0, flood=True), moment)
        row = deliveries(sessions, announcement_id)[7]
        assert (row.state, row.attempts, row.claimed_by) == ("pending", 0, None)
        # Not before Telegram's retry_after has passed.
        assert outbox.claim(moment + timedelta(seconds=2.9), limit=1) == []
        moment += timedelta(seconds=3)
    [job] = outbox.claim(moment, limit=1)
    outbox.record(job, Sent(9), moment)
    assert states(sessions, announcement_id) == {7: "sent"}


def test_timeouts_are_retried_with_their_pause_then_fail_after_max_attempts(
    outbox: Outbox, sessions: sessionmaker[Session]
) -> None:
    announcement_id = announce(outbox, english(7))
    moment, sends = NOW, 0
    while jobs := outbox.claim(moment, limit=1):
        [job] = jobs
        assert job.attempts == sends
        sends += 1
        outbox.record(job, Retry(0.5 * 2**job.attempts), moment)
        row = deliveries(sessions, announcement_id)[7]
        if row.state == "pending":
            assert row.attempts == sends
            pause = timedelta(seconds=0.5 * 2**job.attempts)
            assert outbox.claim(moment + pause - timedelta(milliseconds=1), limit=1) == []
            moment += pause
        assert sends <= MAX_ATTEMPTS, "a timing-out send was retried beyond MAX_ATTEMPTS"
    assert sends == MAX_ATTEMPTS  # sent this many times in all
    row = deliveries(sessions, announcement_id)[7]
    assert (row.state, row.error) == ("failed", "timed out")
    assert row.done_at is not None


def test_flood_waits_between_timeouts_do_not_use_up_attempts(
    outbox: Outbox, sessions: sessionmaker[Session]
) -> None:
    announcement_id = announce(outbox, english(7))
    moment = NOW
    for _ in range(MAX_ATTEMPTS - 1):
        for outcome in (Retry(1.0), Retry(1.0, flood=True)):
            [job] = outbox.claim(moment, limit=1)
            outbox.record(job, outcome, moment)
            moment += timedelta(seconds=1)
    row = deliveries(sessions, announcement_id)[7]
    assert (row.state, row.attempts) == ("pending", MAX_ATTEMPTS - 1)
    [job] = outbox.claim(moment, limit=1)
    outbox.record(job, Retry(1.0), moment)  # the last allowed attempt timed out as well
    assert states(sessions, announcement_id) == {7: "failed"}


# -- a sender that died --------------------------------------------------------------------------


def test_recover_takes_back_only_stale_rows_of_other_senders_as_uncertain(
    sessions: sessionmaker[Session],
) -> None:
    dead = Outbox(sessions, owner="dead")
    alive = Outbox(sessions, owner="alive")
    announcement_id = announce(dead, english(*range(1, 9)))
    stale = dead.claim(NOW, limit=3)  # chats 1-3: in flight when "dead" was killed
    done = dead.claim(NOW, limit=1)  # chat 4: finished before that
    dead.record(done[0], Sent(40), NOW)
    mine = alive.claim(NOW, limit=1)  # chat 5: the live sender's own, long-running
    fresh = dead.claim(NOW + LEASE, limit=1)  # chat 6: claimed within the lease
    assert [j.chat_id for j in stale + done + mine + fresh] == [1, 2, 3, 4, 5, 6]

    # Within the lease nothing is taken: a slow send is not a dead sender.
    assert alive.recover(NOW + LEASE - timedelta(seconds=1), LEASE) == 0
    assert alive.recover(NOW + LEASE + timedelta(seconds=1), LEASE) == 3
    rows = deliveries(sessions, announcement_id)
    for chat in (1, 2, 3):
        assert (rows[chat].state, rows[chat].uncertain, rows[chat].claimed_by) == (
            "pending",
            True,
            None,
        )
    assert (rows[4].state, rows[4].uncertain) == ("sent", False)
    assert (rows[5].state, rows[5].claimed_by, rows[5].uncertain) == ("sending", "alive", False)
    assert (rows[6].state, rows[6].claimed_by, rows[6].uncertain) == ("sending", "dead", False)
    assert {(r.state, r.uncertain) for c, r in rows.items() if c > 6} == {("pending", False)}
    # Recovering again finds nothing new; the recovered rows are sent again by the living.
    assert alive.recover(NOW + LEASE + timedelta(seconds=1), LEASE) == 0
    again = alive.claim(NOW + LEASE + timedelta(seconds=1), limit=3)
    assert [j.chat_id for j in again] == [1, 2, 3]


def test_a_dead_senders_late_result_does_not_overwrite_the_new_senders(
    sessions: sessionmaker[Session],
) -> None:
    slow = Outbox(sessions, owner="slow")
    other = Outbox(sessions, owner="other")
    announcement_id = announce(slow, english(1))
    [old_job] = slow.claim(NOW, limit=1)
    later = NOW + 2 * LEASE
    assert other.recover(later, LEASE) == 1
    [new_job] = other.claim(later, limit=1)
    assert new_job.delivery_id == old_job.delivery_id
    slow.record(old_job, Failed("too late"), later)  # the old claim no longer holds
    row = deliveries(sessions, announcement_id)[1]
    assert (row.state, row.claimed_by) == ("sending", "other")
    other.record(new_job, Sent(77), later)
    row = deliveries(sessions, announcement_id)[1]
    assert (row.state, row.message_id, row.uncertain) == ("sent", 77, True)


def test_recovered_rows_are_counted_uncertain_in_progress_and_report(
    sessions: sessionmaker[Session],
) -> None:
    dead = Outbox(sessions, owner="dead")
    alive = Outbox(sessions, owner="alive")
    announcement_id = announce(dead, english(1, 2, 3, 4))
    dead.claim(NOW, limit=2)
    later = NOW + 2 * LEASE
    assert alive.recover(later, LEASE) == 2
    for job in alive.claim(later, limit=10):
        alive.record(job, Sent(job.chat_id), later)
    progress = alive.progress([announcement_id])[announcement_id]
    assert progress.counts["sent"] == 4 and progress.uncertain == 2
    assert (progress.remaining, progress.total) == (0, 4)
    assert alive.finish(later) == [announcement_id]
    [summary] = alive.summaries(ids=[announcement_id])
    assert summary.status == "done" and summary.progress.uncertain == 2
    report = progress_text(summary, "en")
    assert "Sent: 4" in report
    assert "2 may have arrived twice" in report


# -- finishing ---------------------------------------------------------------------------------


def test_finish_reports_an_announcement_exactly_once(sessions: sessionmaker[Session]) -> None:
    a, b = Outbox(sessions, owner="sender-a"), Outbox(sessions, owner="sender-b")
    announcement_id = announce(a, english(1, 2))
    assert a.finish(NOW) == [] and b.finish(NOW) == []  # pending rows
    first, second = a.claim(NOW, limit=1)[0], b.claim(NOW, limit=1)[0]
    a.record(first, Sent(1), NOW)
    assert a.finish(NOW) == [] and b.finish(NOW) == []  # one still being sent
    b.record(second, Retry(1.0), NOW)
    assert a.finish(NOW) == [] and b.finish(NOW) == []  # waiting to be retried
    [second] = b.claim(NOW + timedelta(seconds=1), limit=1)
    b.record(second, Blocked(), NOW)
    reported = b.finish(NOW) + a.finish(NOW) + b.finish(NOW) + a.finish(NOW)
    assert reported == [announcement_id]
    row = announcement(sessions, announcement_id)
    assert row.status == "done" and row.finished_at is not None


def test_concurrent_finishers_report_each_announcement_once(
    sessions: sessionmaker[Session],
) -> None:
    setup = Outbox(sessions, owner="setup")
    ids = [announce(setup, english(10 * n + 1, 10 * n + 2)) for n in range(5)]
    for job in setup.claim(NOW, limit=100):
        setup.record(job, Sent(job.chat_id), NOW)
    reported: list[int] = []
    lock = threading.Lock()
    gate = threading.Barrier(8)

    def finisher(name: str) -> None:
        outbox = Outbox(sessions, owner=name)
        gate.wait(timeout=30)
        for _ in range(3):
            finished = outbox.finish(NOW)
            with lock:
                reported.extend(finished)

    threads = [threading.Thread(target=finisher, args=(f"f{i}",)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(reported) == ids


def test_an_announcement_nobody_follows_finishes_at_once(
    outbox: Outbox, sessions: sessionmaker[Session]
) -> None:
    announcement_id = announce(outbox, [])
    assert deliveries(sessions, announcement_id) == {}
    assert outbox.finish(NOW) == [announcement_id]
    assert outbox.finish(NOW) == []


def test_cancel_stops_the_unsent_rest_and_is_not_reported_as_done(
    outbox: Outbox, sessions: sessionmaker[Session]
) -> None:
    announcement_id = announce(outbox, english(1, 2, 3))
    [in_flight] = outbox.claim(NOW, limit=1)
    assert outbox.cancel(announcement_id, NOW)
    assert outbox.claim(NOW, limit=10) == []
    outbox.record(in_flight, Sent(5), NOW)  # what was in flight still lands
    assert states(sessions, announcement_id) == {1: "sent", 2: "failed", 3: "failed"}
    assert {r.error for c, r in deliveries(sessions, announcement_id).items() if c > 1} == {
        "cancelled"
    }
    assert outbox.finish(NOW) == []
    assert announcement(sessions, announcement_id).status == "cancelled"
    assert not outbox.cancel(announcement_id, NOW)


# -- the pace ----------------------------------------------------------------------------------


class FakeTime:
    """A monotonic clock that only moves when the pacer sleeps (or a test says so)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []
        self.on_sleep: list = []  # callbacks run once, at the next sleep

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        assert seconds > 0, "the pacer slept for nothing"
        self.sleeps.append(seconds)
        self.now += seconds
        while self.on_sleep:
            self.on_sleep.pop(0)()


class LocalSchedule:
    """The schedule of one sender alone, without a database: the pacer's own logic, tested."""

    def __init__(self) -> None:
        self._next = 0.0
        self._paused_until = 0.0

    async def book(self, count: int, gap: float, now: float) -> float:
        first = max(now, self._next, self._paused_until)
        self._next = first + count * gap
        return first

    async def pause(self, until: float) -> None:
        self._paused_until = max(self._paused_until, until)


def pacer(rate: float, chat_interval: float = 0.0) -> tuple[Pacer, FakeTime]:
    time = FakeTime()
    pace = Pacer(rate, chat_interval, LocalSchedule(), clock=time.clock, sleep=time.sleep)
    return pace, time


async def test_slots_are_spaced_by_the_rate_without_bursts() -> None:
    pace, time = pacer(rate=20)
    start = time.now
    moments = []
    for chat in range(1, 11):
        await pace.turn(chat)
        moments.append(time.now - start)
    assert moments == pytest.approx([0.05 * i for i in range(10)])
    # After a quiet minute the unused slots are not saved up for a burst.
    time.now += 60
    resumed = time.now
    moments = []
    for chat in range(11, 14):
        await pace.turn(chat)
        moments.append(time.now - resumed)
    assert moments == pytest.approx([0.0, 0.05, 0.10])


async def test_one_chat_waits_its_interval_while_others_go_at_the_rate() -> None:
    pace, time = pacer(rate=10, chat_interval=1.0)
    start = time.now
    await pace.turn(1)
    await pace.turn(2)
    await pace.turn(1)  # chat 1 again: a second after its last message, not 0.2 s
    assert time.now - start == pytest.approx(1.0)
    await pace.turn(3)  # the next chat only waits for the next slot
    assert time.now - start == pytest.approx(1.1)


async def test_a_pause_holds_every_slot_until_it_ends() -> None:
    pace, time = pacer(rate=50)
    await pace.turn(1)
    paused_at = time.now
    pace.pause(2.0)
    pace.pause(0.5)  # a shorter pause does not shorten the one in force
    await pace.turn(2)
    assert time.now - paused_at == pytest.approx(2.0)
    await pace.turn(3)
    assert time.now - paused_at == pytest.approx(2.02)


async def test_a_pause_that_begins_while_a_turn_waits_holds_that_turn_too() -> None:
    pace, time = pacer(rate=10)
    await pace.turn(1)
    # While the next turn sleeps for its slot, another send comes back with 429 retry_after 3.
    time.on_sleep.append(lambda: pace.pause(3.0))
    before = time.now
    await pace.turn(2)
    assert time.now - before == pytest.approx(0.1 + 3.0)


def test_the_rate_must_be_positive() -> None:
    with pytest.raises(ValueError):
        Pacer(0, 1.0, LocalSchedule())


async def test_senders_sharing_the_schedule_keep_the_rate_together(
    sessions: sessionmaker[Session],
) -> None:
    """Three senders (replicas) on one database: their slots interleave at the bot's rate,
    never three at once; a flood wait one of them meets holds the others' next bookings."""
    time = FakeTime()
    pacers = [
        Pacer(20, 0.0, SharedSchedule(sessions), clock=time.clock, sleep=time.sleep)
        for _ in range(3)
    ]
    firsts = [await p.reserve(4) for p in pacers]
    assert firsts == pytest.approx([time.now, time.now + 0.2, time.now + 0.4])
    moments = []
    for number, pacer in enumerate(pacers):
        for chat in range(4):
            await pacer.turn(number * 10 + chat)
            moments.append(time.now)
    assert sorted(moments) == pytest.approx([firsts[0] + 0.05 * i for i in range(12)])
    until = pacers[0].pause(3.0)
    await pacers[0].schedule.pause(until)
    assert await pacers[1].reserve(1) == pytest.approx(until)
    assert await pacers[2].reserve(1) == pytest.approx(until + 0.05)
