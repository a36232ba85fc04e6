"""Upcoming events with an injected clock: soonest first, or the most recent when none is."""

from __future__ import annotations

from datetime import datetime

from bot.assistant import Assistant


def at(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


def test_upcoming_workshops_are_listed_soonest_first(assistant: Assistant) -> None:
    answer = assistant.ask("Which workshops are coming up?", now=at("2021-07-15T09:00:00+03:00"))
    assert answer.intent == "events" and answer.answered
    assert [e.start for e in answer.events] == [
        "2021-07-19T10:00:00+03:00",
        "2021-07-27T10:00:00+03:00",
    ]
    assert answer.sources[0].id == "004_93ea14b30314b68e"


def test_an_event_starting_now_is_still_upcoming(assistant: Assistant) -> None:
    answer = assistant.ask("Upcoming workshops?", now=at("2021-07-13T10:00:00+03:00"))
    assert len(answer.events) == 3


def test_an_event_that_started_is_no_longer_upcoming(assistant: Assistant) -> None:
    answer = assistant.ask("Upcoming workshops?", now=at("2021-07-13T07:00:01+00:00"))
    assert [e.start[:10] for e in answer.events] == ["2021-07-19", "2021-07-27"]


def test_nothing_upcoming_names_the_most_recent(assistant: Assistant) -> None:
    answer = assistant.ask("Are there any upcoming workshops?", now=at("2026-11-22T12:00:00Z"))
    assert answer.answered and answer.events == []
    headings = [s.text for s in answer.sections if s.kind == "heading"]
    assert headings == ["Nothing is scheduled at the moment."]
    items = [s for s in answer.sections if s.kind == "item"]
    assert "session 3 of 3" in items[0].text  # 27 July, the latest, comes first
    assert any("July 27, 2021" in line for line in items[0].lines)


def test_dates_are_formatted_for_the_reader(assistant: Assistant) -> None:
    now = at("2021-07-15T09:00:00+03:00")
    greek = assistant.ask("Ποια εργαστήρια έρχονται;", now=now)
    russian = assistant.ask("Какие семинары-практикумы скоро?", lang="ru", now=now)
    georgian = assistant.ask("Which workshops are coming up?", lang="ka", now=now)
    assert any("Δευτέρα 19 Ιουλίου 2021" in line for s in greek.sections for line in s.lines)
    assert any("19 июля 2021" in line for s in russian.sections for line in s.lines)
    assert any("19 ივლისი, 2021" in line for s in georgian.sections for line in s.lines)


def test_periods_are_shown_at_the_precision_the_article_gives(assistant: Assistant) -> None:
    answer = assistant.ask("Samarqand va Fargʻona viloyatlarida qanday loyiha bor?")
    assert "Qachon: 2023–2026" in answer.sections[1].text
    english = assistant.ask("Are there upcoming workshops?", now=at("2026-01-01T00:00:00Z"))
    opsi = next(s for s in english.sections if s.kind == "item" and "OPSI" in s.text)
    assert "When: January\u2009–\u2009June 2021" in opsi.lines  # Babel's thin spaces
