"""Core results as Telegram messages: HTML text, message splitting and inline keyboards.

Everything that comes from content (answers, record fields, user input) is escaped here, and
only here: a stray ``<`` or ``&`` in an article would otherwise make Telegram refuse the whole
reply. Sections are rendered one by one so that a long reply can be split between them
without ever cutting through a tag.
"""

from __future__ import annotations

from datetime import datetime
from html import escape

from babel.dates import format_skeleton
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.answers import Answer, EventRef, Section
from bot.catalog import LISTS, NO_FILTER, Filter, Listing, Page
from bot.i18n import babel_locale, translations
from bot.languages import LANGUAGES
from bot.records import Precision, ProjectRecord

MAX_MESSAGE = 4096
# Telegram shows about this many characters of a full-width button on a phone.
BUTTON_CHARS = 48
# The language menu shows each language in its own name, whatever the reader's language.
LANGUAGE_NAMES = {language.tag: language.name for language in LANGUAGES}
# Three language buttons fit a row on a phone.
_LANGUAGES_PER_ROW = 3


def section_html(section: Section) -> str:
    match section.kind:
        case "heading":
            return f"<b>{escape(section.text)}</b>"
        case "item":
            details = "".join(f"\n    {escape(line)}" for line in section.lines)
            return f"• <b>{escape(section.text)}</b>{details}"
        case "quote":
            body = escape("\n".join(section.lines))
            return f"{escape(section.text)}\n<blockquote>{body}</blockquote>"
        case "source":
            links = (f'\n<a href="{escape(url)}">{escape(url)}</a>' for url in section.lines)
            return f"<i>{escape(section.text)}</i>{''.join(links)}"
    return escape(section.text)


def _units(text: str) -> int:
    """Telegram measures length in UTF-16 code units; the markup counts here too, to be safe."""
    return len(text.encode("utf-16-le")) // 2


def _cut(block: str, limit: int) -> list[str]:
    """A single block longer than a message: cut plain text at line, then word boundaries."""
    pieces, current = [], ""
    for word in block.replace("\n", "\n ").split(" "):
        candidate = f"{current} {word}" if current else word
        if _units(candidate) > limit and current:
            pieces.append(current)
            candidate = word
        while _units(candidate) > limit:  # one "word" longer than a message
            pieces.append(candidate[: limit // 2])
            candidate = candidate[limit // 2 :]
        current = candidate
    return [*pieces, current] if current else pieces


def split_message(blocks: list[str], limit: int = MAX_MESSAGE) -> list[str]:
    """Join blocks with blank lines into as few messages as fit, breaking only between them."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        candidate = f"{current}\n\n{block}" if current else block
        if _units(candidate) <= limit:
            current = candidate
            continue
        if current:
            messages.append(current)
        if _units(block) <= limit:
            current = block
        else:
            *whole, current = _cut(block, limit)
            messages += whole
    if current:
        messages.append(current)
    return messages


def _oversized(section: Section, limit: int) -> list[Section]:
    """A quote or item too long for one message becomes plain text parts that can be cut."""
    if _units(section_html(section)) <= limit:
        return [section]
    return [Section("text", section.text), *(Section("text", line) for line in section.lines)]


def sections_html(sections: list[Section], limit: int = MAX_MESSAGE) -> list[str]:
    blocks = [section_html(s) for section in sections for s in _oversized(section, limit)]
    return split_message(blocks, limit)


def answer_html(answer: Answer) -> list[str]:
    return sections_html(answer.sections)


def card_html(sections: list[Section]) -> str:
    return "\n".join(section_html(s) for s in sections)


# -- keyboards ---------------------------------------------------------------------------------


def _button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=data)


def _shorten(text: str, limit: int = BUTTON_CHARS) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(" ,.:;–-") + "…"


# A button's date at the precision the source gives: "2021", "Jul 2021", "Jul 13, 2021".
_LABEL_SKELETONS = {Precision.YEAR: "y", Precision.MONTH: "yMMM"}


def record_label(
    name: str, start: datetime | None, lang: str, precision: Precision = Precision.DAY
) -> str:
    """A button for a record: its date first (sessions of one series differ only by it), no
    more precise than known ("1 January 2021" for a year would be invented)."""
    if start is None:
        return _shorten(name)
    skeleton = _LABEL_SKELETONS.get(precision, "yMMMd")
    day = format_skeleton(skeleton, start, tzinfo=start.tzinfo, locale=babel_locale(lang))
    return f"{day} · {_shorten(name, BUTTON_CHARS - len(day) - 3)}"


def _record_button_label(record: ProjectRecord, lang: str) -> str:
    if record.start is None:
        return record_label(record.name[lang], None, lang)
    start = record.start
    return record_label(record.name[lang], start.value, lang, start.precision)


def language_keyboard() -> list[list[InlineKeyboardButton]]:
    buttons = [_button(name, f"lang:{tag}") for tag, name in LANGUAGE_NAMES.items()]
    step = _LANGUAGES_PER_ROW
    return [buttons[i : i + step] for i in range(0, len(buttons), step)]


def menu_keyboard(lang: str) -> list[list[InlineKeyboardButton]]:
    """A button per list, then Help, two to a row."""
    _ = translations(lang).gettext
    buttons = [_button(_(kind.button), page_data(kind.name, 0)) for kind in LISTS]
    buttons.append(_button(_("❓ Help"), "help"))
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


def welcome_keyboard(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(language_keyboard() + menu_keyboard(lang))


# A record opened from a list page says which page (and filter) to go back to, in few bytes:
# callback data is limited to 64, and an id may take 48 ("c:e0.GE2703:<id>").
LIST_CODES: dict[str, Listing] = {kind.code: kind.name for kind in LISTS}
_CODE_OF = {what: code for code, what in LIST_CODES.items()}
FILTERABLE = tuple(kind.name for kind in LISTS if kind.filterable)


def page_data(what: Listing, number: int, chosen: Filter = NO_FILTER) -> str:
    """The callback data showing page ``number`` of a listing, narrowed by ``chosen``."""
    return f"list:{what}:{number}" + (f":{chosen.token}" if chosen.token else "")


def page_keyboard(
    page: Page, what: Listing, lang: str, chosen: Filter = NO_FILTER
) -> InlineKeyboardMarkup:
    """One button per record on the page, then ◀ n/N ▶ when there is more than one page,
    then 🌍 Country and 🗓 Month where the listing spans more than one (or is narrowed)."""
    _ = translations(lang).gettext
    where = f"{_CODE_OF[what]}{page.number}" + (f".{chosen.token}" if chosen.token else "")
    rows = [[_button(_record_button_label(r, lang), f"c:{where}:{r.id}")] for r in page.records]
    if page.count > 1:
        nav = []
        if page.has_previous:
            nav.append(_button("◀", page_data(what, page.number - 1, chosen)))
        nav.append(_button(f"{page.number + 1}/{page.count}", "noop"))
        if page.has_next:
            nav.append(_button("▶", page_data(what, page.number + 1, chosen)))
        rows.append(nav)
    if what in FILTERABLE:
        narrow = []
        state = f"{_CODE_OF[what]}:{chosen.token}"
        if len(page.countries) > 1 or chosen.country:
            narrow.append(_button(_("🌍 Country"), f"fc:{state}"))
        if len(page.months) > 1 or chosen.month:
            narrow.append(_button(_("🗓 Month"), f"fm:{state}"))
        if narrow:
            rows.append(narrow)
    return InlineKeyboardMarkup(rows)


def country_name(code: str, lang: str) -> str:
    """ "Georgia", "Грузия", "საქართველო": CLDR's name of the territory in the reader's locale."""
    return babel_locale(lang).territories.get(code, code)


def month_name(month: tuple[int, int], lang: str) -> str:
    """ "March 2027", "март 2027 г." in the reader's locale."""
    first = datetime(month[0], month[1], 1)
    return format_skeleton("yMMMM", first, locale=babel_locale(lang))


def filter_keyboard(
    what: Listing, page: Page, chosen: Filter, lang: str, by: str
) -> InlineKeyboardMarkup:
    """The choices of one criterion (``by``: "country" or "month"), each showing the first
    page so narrowed, and one to show them all again."""
    _ = translations(lang).gettext
    if by == "country":
        options = [
            (country_name(code, lang), Filter(code, chosen.month)) for code in page.countries
        ]
        everything = (_("All countries"), Filter(None, chosen.month))
    else:
        options = [(month_name(m, lang), Filter(chosen.country, m)) for m in page.months]
        everything = (_("All months"), Filter(chosen.country, None))
    rows = [[_button(label, page_data(what, 0, f))] for label, f in [*options, everything]]
    return InlineKeyboardMarkup(rows)


def card_keyboard(
    record: ProjectRecord, lang: str, *, calendar: bool, remind: bool, back: str | None = None
) -> InlineKeyboardMarkup:
    """Add to calendar and Remind me where they apply, Register, and ◀ Back to the list page
    (callback data ``back``) when the card replaced one."""
    _ = translations(lang).gettext
    rows = []
    row = []
    if calendar and record.kind == "event":
        row.append(_button(_("📆 Add to calendar"), f"ics:{record.id}"))
    if remind:
        row.append(_button(_("🔔 Remind me"), f"remind:{record.id}"))
    if row:
        rows.append(row)
    if record.registration:
        rows.append([InlineKeyboardButton(_("✍️ Register"), url=record.registration)])
    if back:
        rows.append([_button(_("◀ Back"), back)])
    return InlineKeyboardMarkup(rows)


def reminders_keyboard(
    records: list[ProjectRecord], lang: str, cancel_prefix: str
) -> InlineKeyboardMarkup:
    """Per event a row: its card, and 🔕 to cancel the reminder."""
    rows = [
        [
            _button(_record_button_label(r, lang), f"card:{r.id}"),
            _button("🔕", f"{cancel_prefix}{r.id}"),
        ]
        for r in records
    ]
    return InlineKeyboardMarkup(rows)


def answer_keyboard(
    exchange_id: int | None,
    lang: str,
    *,
    readable: bool,
    events: list[EventRef],
    person: bool = False,
) -> InlineKeyboardMarkup | None:
    """👍/👎 under every answer; "read the passage" under answers quoted from an article; a
    button per event an answer lists, opening its card; **Ask a person** where ``person`` (an
    "I don't know", where staff take questions). Without a stored exchange (the database
    could not be written) only the event buttons: the others need it."""
    _ = translations(lang).gettext
    rows = [
        [_button(record_label(e.title, datetime.fromisoformat(e.start), lang), f"card:{e.id}")]
        for e in events
    ]
    if exchange_id is not None:
        if readable:
            rows.append([_button(_("📖 Read the full passage"), f"full:{exchange_id}")])
        vote = f"vote:{exchange_id}:"
        rows.append([_button("👍", vote + "1"), _button("👎", vote + "-1")])
        if person:
            rows.append([ask_person_button(lang, exchange_id)])
    return InlineKeyboardMarkup(rows) if rows else None


# The callback data of **Ask a person** (handlers.handoff): the exchange whose question it is.
ASK_PERSON = "person:"


def ask_person_button(lang: str, exchange_id: int) -> InlineKeyboardButton:
    _ = translations(lang).gettext
    return _button(_("🙋 Ask a person"), f"{ASK_PERSON}{exchange_id}")


def voted_keyboard(
    markup: InlineKeyboardMarkup | None, exchange_id: int, value: int, person: str | None = None
) -> InlineKeyboardMarkup:
    """The same keyboard with the chosen vote ticked, so the user sees it was counted; after a
    👎, **Ask a person** in the language ``person`` (None: staff take no questions)."""
    chosen = f"vote:{exchange_id}:{value}"
    asking = f"{ASK_PERSON}{exchange_id}"
    rows = []
    for row in markup.inline_keyboard if markup else ():
        new_row = []
        for button in row:
            label = button.text.removesuffix(" ✓")
            if button.callback_data == chosen:
                label += " ✓"
            new_row.append(InlineKeyboardButton(label, callback_data=button.callback_data))
        rows.append(new_row)
    offered = any(b.callback_data == asking for row in rows for b in row)
    if value < 0 and person is not None and not offered:
        rows.append([ask_person_button(person, exchange_id)])
    return InlineKeyboardMarkup(rows)
