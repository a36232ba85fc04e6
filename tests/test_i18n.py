"""Every string the bot says is translated for every reply language."""

from __future__ import annotations

import importlib.util
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from babel.dates import get_timezone_name
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.assistant import Assistant
from bot.i18n import LOCALES_DIR, babel_locale, locale_name, translations
from bot.i18n.formatting import format_when
from bot.languages import SUPPORTED
from bot.publish import ZONE_CHOICES
from bot.records import Precision, When
from bot.settings import PROJECT_ROOT

PLACEHOLDER = re.compile(r"\{(\w+)\}")
SAME_WORD = "the same word in this language"


def source_messages() -> set[str]:
    """Every gettext message in the code, extracted the way pybabel does."""
    found = set()
    for package in ("bot", "handlers"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            PROJECT_ROOT / package,
            keywords={"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)},
        ):
            found.update([message] if isinstance(message, str) else message)
    return found


@pytest.mark.parametrize("lang", SUPPORTED)
def test_catalog_translates_every_message(lang: str) -> None:
    path = LOCALES_DIR / locale_name(lang) / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        catalog = read_po(po, locale=locale_name(lang))
    expected = source_messages()
    assert expected, "no messages were extracted"
    for message_id in expected:
        message = catalog.get(message_id)
        assert message is not None, f"{lang}: {message_id!r} is missing"
        assert message.string and not message.fuzzy, f"{lang}: {message_id!r} is untranslated"
        assert set(PLACEHOLDER.findall(message.string)) == set(PLACEHOLDER.findall(message_id))
        # A word the language shares with English ("Seminar" in Azerbaijani) is marked so by
        # its translator; anything else identical was forgotten.
        if lang != "en" and SAME_WORD not in message.user_comments:
            assert message.string != message_id, f"{lang}: {message_id!r} left in English"


def test_catalog_has_no_messages_the_code_no_longer_uses() -> None:
    expected = source_messages()
    for lang in SUPPORTED:
        with (LOCALES_DIR / locale_name(lang) / "LC_MESSAGES" / "messages.po").open("rb") as po:
            stale = {m.id for m in read_po(po) if m.id} - expected
        assert not stale, f"{lang}: {stale}"


def test_translations_are_used_at_run_time() -> None:
    assert translations("el").gettext("Upcoming events") == "Επερχόμενες εκδηλώσεις"
    assert translations("uz-Latn").gettext("Trainings") == "Treninglar"


@pytest.mark.parametrize("zone", ZONE_CHOICES)
@pytest.mark.parametrize("lang", SUPPORTED)
def test_an_event_time_names_its_zone_as_babel_does_on_that_day(lang: str, zone: str) -> None:
    """In winter and in summer, every zone /newevent offers, in every reply language: the
    zone's name for that date (no Russian "летнее время" in December, no "Unknown Region"),
    and the day of the month as readers write it."""
    tz = ZoneInfo(zone)
    for month in (1, 7):
        start = datetime(2027, month, 3, 10, 0, tzinfo=tz)
        text = format_when(When(value=start, precision=Precision.MINUTE), None, lang, tz)
        named = get_timezone_name(start, "long", locale=babel_locale(lang))
        assert text.endswith(f", {named}")
        assert "[" not in text and "Unknown" not in text
        assert not re.search(r"(^|\D)03(\D|$)", text)  # the 3rd, not the 03rd


def test_georgia_keeps_standard_time_in_a_russian_december() -> None:
    december = datetime(2027, 12, 3, 10, 0, tzinfo=ZoneInfo("Asia/Tbilisi"))
    moment = When(value=december, precision=Precision.MINUTE)
    text = format_when(moment, None, "ru", december.tzinfo)
    assert text.endswith("Грузия, стандартное время") and "летнее" not in text


def test_the_readme_shows_what_each_reader_sees_as_the_bot_makes_it(assistant: Assistant) -> None:
    """The README's six-locale table is the output of bench/locale_table.py, not typed."""
    spec = importlib.util.spec_from_file_location(
        "locale_table", PROJECT_ROOT / "bench" / "locale_table.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert f"{module.BEGIN}\n{module.table(assistant)}\n{module.END}" in readme
