"""Which events count as upcoming, at the precision their date is known."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.assistant import Assistant
from bot.catalog import Filter, listing, upcoming_events


def test_an_event_stays_upcoming_until_its_end(assistant: Assistant) -> None:
    kb = assistant.knowledge()
    during = datetime(2021, 7, 13, 8, 0, tzinfo=UTC)  # 11:00 in Athens, the session is on
    after = datetime(2021, 7, 13, 9, 30, tzinfo=UTC)
    assert "gr-innovation-workshop-2021-07-13" in [r.id for r in upcoming_events(kb, during)]
    assert "gr-innovation-workshop-2021-07-13" not in [r.id for r in upcoming_events(kb, after)]


def test_a_period_known_to_the_month_lasts_until_that_month_ends(assistant: Assistant) -> None:
    kb = assistant.knowledge()  # "2021" to "2021-06": the workshops ran until June
    ids = {moment: [r.id for r in upcoming_events(kb, moment)] for moment in (
        datetime(2021, 6, 30, 20, tzinfo=UTC), datetime(2021, 7, 1, 1, tzinfo=UTC)
    )}  # fmt: skip
    june, july = ids.values()
    assert "gr-opsi-innovation-workshops-2021" in june
    assert "gr-opsi-innovation-workshops-2021" not in july


def test_trainings_held_so_far_leave_out_one_still_to_come(assistant: Assistant) -> None:
    kb = assistant.knowledge()
    before, after = datetime(2012, 6, 1, tzinfo=UTC), datetime(2014, 1, 1, tzinfo=UTC)
    training = "nato-pdp-hr-trainings-2013"
    assert training not in [r.id for r in listing(kb, "trainings", before, "en")[0]]
    assert training in [r.id for r in upcoming_events(kb, before)]  # under /events instead
    assert training in [r.id for r in listing(kb, "trainings", after, "en")[0]]


@pytest.mark.parametrize(
    ("chosen", "token"),
    [
        (Filter(), ""),
        (Filter("GE"), "GE"),
        (Filter(month=(2027, 3)), "2703"),
        (Filter("UZ", (2030, 12)), "UZ3012"),
    ],
)
def test_a_filter_fits_a_button_and_reads_back(chosen: Filter, token: str) -> None:
    assert chosen.token == token and Filter.parse(token) == chosen
