"""/events, /trainings and /partners: lists paged with buttons, each entry opening its card.

Paging edits the list in place (the chat does not fill up with pages), and so does opening an
entry: the card replaces the page, with ◀ Back to it. A card opened from anywhere else (an
answer, a notice, a link) is a message of its own. An event card offers Add to calendar and
Remind me.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from html import escape

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.catalog import (
    LIST_OF,
    NO_FILTER,
    Filter,
    Listing,
    Page,
    can_add_to_calendar,
    card,
    find_record,
    page,
    reminders_left,
)
from bot.i18n import translations
from handlers.render import (
    LIST_CODES,
    card_html,
    card_keyboard,
    country_name,
    filter_keyboard,
    month_name,
    page_data,
    page_keyboard,
)
from handlers.send import patiently, redraw, send_html
from handlers.services import services, user_lang


def _listing_text(
    what: Listing, upcoming: bool, has_records: bool, lang: str, chosen: Filter = NO_FILTER
) -> str:
    _ = translations(lang).gettext
    hint = _("Tap one for details.")
    if what == "events" and upcoming:
        lines = [_(LIST_OF[what].heading), _("Soonest first.") + " " + hint]
    elif what == "events":
        lines = [_("Nothing is scheduled at the moment.")]
        if has_records:
            lines.append(_("The most recent ones were:"))
    elif what == "trainings":
        lines = [_(LIST_OF[what].heading), _("Newest first.") + " " + hint]
    else:
        lines = [_(LIST_OF[what].heading), hint]
    narrowed = [
        *([country_name(chosen.country, lang)] if chosen.country else []),
        *([month_name(chosen.month, lang)] if chosen.month else []),
    ]
    if narrowed:
        lines.insert(1, _("Only: {what}").format(what=", ".join(narrowed)))
    return "\n".join([f"<b>{escape(lines[0])}</b>", *map(escape, lines[1:])])


def _page(
    context: ContextTypes.DEFAULT_TYPE, what: Listing, number: int, lang: str, chosen: Filter
) -> Page:
    svc = services(context)
    return page(svc.assistant.knowledge(), what, number, svc.clock(), lang, chosen=chosen)


def _listing(
    context: ContextTypes.DEFAULT_TYPE,
    what: Listing,
    number: int,
    lang: str,
    chosen: Filter = NO_FILTER,
) -> tuple[str, InlineKeyboardMarkup]:
    shown = _page(context, what, number, lang, chosen)
    text = _listing_text(what, shown.upcoming, bool(shown.records), lang, chosen)
    return text, page_keyboard(shown, what, lang, chosen)


async def show_listing(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, what: Listing, number: int, lang: str
) -> None:
    text, markup = _listing(context, what, number, lang)
    await send_html(context, chat_id, text, markup)


def _card(
    context: ContextTypes.DEFAULT_TYPE, record_id: str, lang: str, back: str | None = None
) -> tuple[str, InlineKeyboardMarkup] | None:
    svc = services(context)
    record = find_record(svc.assistant.knowledge(), record_id)
    if record is None:
        return None
    text = card_html(card(record, lang, svc.zone))
    remind = bool(reminders_left(record, svc.clock(), svc.settings.reminders))
    calendar = can_add_to_calendar(record, svc.clock())
    return text, card_keyboard(record, lang, calendar=calendar, remind=remind, back=back)


async def show_card(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, record_id: str, lang: str
) -> None:
    shown = _card(context, record_id, lang)
    if shown is None:
        _ = translations(lang).gettext
        await send_html(context, chat_id, escape(_("That entry is no longer available.")))
        return
    await send_html(context, chat_id, *shown)


def list_command(what: Listing) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]:
    """/events, /trainings, /partners: a list's first page (upcoming events, or the latest
    when nothing is scheduled)."""

    async def show(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        lang = await user_lang(update, context)
        await show_listing(context, update.effective_chat.id, what, 0, lang)

    return show


async def turn_page(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A list button (list:<what>:<page>[:<filter>]), a filter's choice, or ◀ Back on a card:
    show that page in place."""
    query = update.callback_query
    lang = await user_lang(update, context)
    _prefix, what, number, *token = query.data.split(":")
    await patiently(query.answer)
    chosen = Filter.parse(token[0]) if token else NO_FILTER
    await redraw(query, *_listing(context, what, int(number), lang, chosen))


async def choose_filter(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """🌍 Country or 🗓 Month under a list (fc:/fm:<list>:<filter>): its choices replace the
    list's buttons; each shows the first page so narrowed."""
    query = update.callback_query
    lang = await user_lang(update, context)
    kind, code, token = query.data.split(":")
    what, chosen = LIST_CODES[code], Filter.parse(token)
    await patiently(query.answer)
    shown = _page(context, what, 0, lang, chosen)
    by = "country" if kind == "fc" else "month"
    markup = filter_keyboard(what, shown, chosen, lang, by)
    await patiently(lambda: query.edit_message_reply_markup(markup))


async def open_card_in_list(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An entry of a list page (c:<list><page>[.<filter>]:<id>): its card replaces the page."""
    query = update.callback_query
    lang = await user_lang(update, context)
    _prefix, where, record_id = query.data.split(":", 2)
    place, _dot, token = where.partition(".")
    back = page_data(LIST_CODES[place[0]], int(place[1:]), Filter.parse(token))
    shown = _card(context, record_id, lang, back)
    if shown is None:
        _ = translations(lang).gettext
        await patiently(lambda: query.answer(_("That entry is no longer available.")))
        return
    await patiently(query.answer)
    await redraw(query, *shown)


async def open_card(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A record button elsewhere (card:<id>): send its card as a message of its own."""
    query = update.callback_query
    await patiently(query.answer)
    lang = await user_lang(update, context)
    await show_card(context, update.effective_chat.id, query.data.split(":", 1)[1], lang)
