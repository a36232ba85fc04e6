"""Every string the bot says is translated for every reply language."""

from __future__ import annotations

import re

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR, locale_name, translations
from bot.settings import PROJECT_ROOT
from bot.text.detect import SUPPORTED

PLACEHOLDER = re.compile(r"\{(\w+)\}")


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
        if lang != "en":
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
