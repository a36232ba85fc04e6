"""Event notices and reminders are planned record by record: one that fails stops no other."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.assistant import Assistant
from bot.broadcast import notices
from bot.broadcast.outbox import Outbox
from bot.settings import Settings

BROKEN = "gr-innovation-workshop-2021-07-13"


def test_a_record_that_cannot_be_announced_stops_no_other(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A record whose texts could not be made (an overflowing date did this) used to fail the
    whole round, and with it every notice and reminder."""
    texts = notices._texts

    def fragile(record, *args, **kwargs):  # type: ignore[no-untyped-def]
        if record.id == BROKEN:
            raise OverflowError("date value out of range")
        return texts(record, *args, **kwargs)

    monkeypatch.setattr(notices, "_texts", fragile)
    assistant = Assistant(settings)  # its own database: these notices must reach no one
    outbox = Outbox(assistant.sessions, "test")
    now = datetime(2021, 7, 1, 12, tzinfo=UTC)
    created = notices.plan_notices(
        assistant.knowledge(), outbox, now, reminders=[timedelta(hours=1)], default_lang="en"
    )
    keys = {a.key for a in outbox.scheduled("event")} | {
        a.key for a in outbox.scheduled("reminder")
    }
    assert f"event:{BROKEN}" not in keys
    assert "event:gr-innovation-workshop-2021-07-19" in keys
    assert "event:gr-innovation-workshop-2021-07-27" in keys
    assert created >= 4  # two notices and their reminders
