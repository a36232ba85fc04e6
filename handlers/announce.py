"""/announce: a staff member writes an announcement (one version per language if they like),
picks who gets it, sees the exact number of recipients, and sends it now or later.

The draft is kept with the conversation's step in the database (handlers.conversation), so the
next step may reach another bot replica; confirmed, it becomes an announcement in the outbox,
where the broadcast dispatcher takes over. ``/cancel`` ends it anywhere.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.i18n import translations
from bot.i18n.formatting import format_number
from bot.languages import SUPPORTED
from bot.moments import InvalidInput, example_moment, format_moment, parse_moment
from bot.subscriptions import EVERYONE, TOPICS, topic_label
from handlers.conversation import Dialogues, SharedConversation
from handlers.permissions import allowed, staff_step
from handlers.render import LANGUAGE_NAMES
from handlers.send import patiently, send_html
from handlers.services import services, user_lang

CHOOSE_LANG, TEXT, MORE, FALLBACK, AUDIENCE, LANGS, CONFIRM, WHEN = range(8)
DRAFT = "announcement_draft"


def _button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=f"an:{data}")


async def _say(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    text: str,
    rows: list[list[InlineKeyboardButton]] | None = None,
) -> None:
    markup = InlineKeyboardMarkup(rows) if rows else None
    await send_html(context, update.effective_chat.id, text, markup)


async def _tapped(update: Update) -> str:
    """Acknowledge a button and return what follows ``an:`` in its data."""
    query = update.callback_query
    await patiently(query.answer)
    return query.data.removeprefix("an:")


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    if not await allowed(update, context):
        return ConversationHandler.END
    context.user_data[DRAFT] = {"texts": {}}
    _ = translations(await user_lang(update, context)).gettext
    rows = [[_button(LANGUAGE_NAMES[lang], f"lang:{lang}")] for lang in SUPPORTED]
    await _say(
        update,
        context,
        escape(
            _("New announcement. Which language will you write in? /cancel stops at any step.")
        ),
        rows,
    )
    return CHOOSE_LANG


async def choose_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    lang = (await _tapped(update)).removeprefix("lang:")
    if lang not in SUPPORTED:
        return CHOOSE_LANG
    context.user_data[DRAFT]["writing"] = lang
    _ = translations(await user_lang(update, context)).gettext
    text = _("Send the text in {language}. Bold, italics and links are kept.")
    await _say(update, context, escape(text.format(language=LANGUAGE_NAMES[lang])))
    return TEXT


async def take_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    draft = context.user_data[DRAFT]
    lang = draft["writing"]
    draft["texts"][lang] = update.message.text_html
    _ = translations(await user_lang(update, context)).gettext
    rows = [
        [_button(f"➕ {LANGUAGE_NAMES[other]}", f"lang:{other}")]
        for other in SUPPORTED
        if other not in draft["texts"]
    ]
    rows.append([_button(_("Continue →"), "next")])
    saved = _("Saved the {language} version. Add a version in another language, or continue.")
    await _say(update, context, escape(saved.format(language=LANGUAGE_NAMES[lang])), rows)
    return MORE


async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    _ = translations(await user_lang(update, context)).gettext
    await _say(update, context, escape(_("Please send the announcement as a text message.")))
    return TEXT


async def versions_done(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await _tapped(update)
    draft = context.user_data[DRAFT]
    _ = translations(await user_lang(update, context)).gettext
    if len(draft["texts"]) == 1:
        draft["fallback"] = next(iter(draft["texts"]))
        return await _ask_audience(update, context)
    rows = [[_button(LANGUAGE_NAMES[lang], f"fallback:{lang}")] for lang in draft["texts"]]
    question = _("People whose language has no version of its own get which one?")
    await _say(update, context, escape(question), rows)
    return FALLBACK


async def choose_fallback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    lang = (await _tapped(update)).removeprefix("fallback:")
    draft = context.user_data[DRAFT]
    if lang not in draft["texts"]:
        return FALLBACK
    draft["fallback"] = lang
    return await _ask_audience(update, context)


async def _ask_audience(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    lang = await user_lang(update, context)
    _ = translations(lang).gettext
    rows = [[_button(_("Everyone subscribed"), f"to:{EVERYONE}")]]
    rows += [[_button(topic_label(t, lang), f"to:{t}")] for t in TOPICS if t != "all"]
    note = _("Who should get it? Subscribers of “All announcements” get every announcement.")
    await _say(update, context, escape(note), rows)
    return AUDIENCE


async def choose_audience(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    topic = (await _tapped(update)).removeprefix("to:")
    if topic not in (EVERYONE, *TOPICS):
        return AUDIENCE
    draft = context.user_data[DRAFT]
    draft["topic"], draft["langs"] = topic, list(SUPPORTED)
    lang = await user_lang(update, context)
    _ = translations(lang).gettext
    note = _("Which readers? Everyone is included; tap a language to leave its readers out.")
    await _say(update, context, escape(note), _language_toggles(draft["langs"], lang))
    return LANGS


def _language_toggles(chosen: list[str], lang: str) -> list[list[InlineKeyboardButton]]:
    _ = translations(lang).gettext
    rows = [
        [_button(f"{'✅' if tag in chosen else '▫️'} {LANGUAGE_NAMES[tag]}", f"reader:{tag}")]
        for tag in SUPPORTED
    ]
    rows.append([_button(_("Continue →"), "preview")])
    return rows


async def toggle_reader(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    tag = (await _tapped(update)).removeprefix("reader:")
    draft = context.user_data[DRAFT]
    if tag in SUPPORTED:
        langs = draft["langs"]
        draft["langs"] = [t for t in SUPPORTED if (t in langs) != (t == tag)]
    markup = InlineKeyboardMarkup(
        _language_toggles(draft["langs"], await user_lang(update, context))
    )
    await patiently(lambda: update.callback_query.edit_message_reply_markup(markup))
    return LANGS


async def preview(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """The announcement as its readers will see it, and exactly how many will get it."""
    await _tapped(update)
    draft = context.user_data[DRAFT]
    lang = await user_lang(update, context)
    _ = translations(lang).gettext
    if not draft["langs"]:
        await _say(update, context, escape(_("Leave at least one language in.")))
        return LANGS
    svc = services(context)
    langs = None if len(draft["langs"]) == len(SUPPORTED) else draft["langs"]
    recipients = await asyncio.to_thread(svc.subscriptions.audience, draft["topic"], langs)
    draft["count"] = len(recipients)
    texts, fallback = draft["texts"], draft["fallback"]
    await _say(update, context, escape(_("Preview, each version as its readers will get it:")))
    for version in texts.values():
        await _say(update, context, version)
    by_lang = Counter(r.lang for r in recipients)
    lines = [_("Recipients: {count}").format(count=format_number(len(recipients), lang))]
    strays = 0
    for tag in SUPPORTED:
        if not by_lang[tag]:
            continue
        count = format_number(by_lang[tag], lang)
        if tag in texts:
            line = _("• {language}: {count}, their own version")
        else:
            strays += by_lang[tag]
            line = _("• {language}: {count}, the {fallback} version (none of their own)")
        lines.append(
            line.format(
                language=LANGUAGE_NAMES[tag], count=count, fallback=LANGUAGE_NAMES[fallback]
            )
        )
    if strays:
        warning = _("⚠️ {count} of them get a version not in their language.")
        lines.append(warning.format(count=format_number(strays, lang)))
    rows = [
        [_button(_("📣 Send now"), "send"), _button(_("🕒 Schedule"), "schedule")],
        [_button(_("Cancel"), "cancel")],
    ]
    await _say(update, context, escape("\n".join(lines)), rows)
    return CONFIRM


async def _queue(update: Update, context: ContextTypes.DEFAULT_TYPE, due: datetime) -> int:
    draft = context.user_data.pop(DRAFT)
    svc = services(context)
    langs = None if len(draft["langs"]) == len(SUPPORTED) else draft["langs"]
    author_lang = await user_lang(update, context)
    return await asyncio.to_thread(
        svc.outbox.create,
        kind="announcement",
        texts=draft["texts"],
        fallback_lang=draft["fallback"],
        topic=draft["topic"],
        langs=langs,
        due_at=due,
        now=svc.clock(),
        author_id=update.effective_user.id,
        author_lang=author_lang,
    )


async def send_now(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await _tapped(update)
    number = await _queue(update, context, services(context).clock())
    _ = translations(await user_lang(update, context)).gettext
    text = _("Announcement #{id} is on its way; I will show the progress here.")
    await _say(update, context, escape(text.format(id=number)))
    return ConversationHandler.END


def _zone(context: ContextTypes.DEFAULT_TYPE) -> ZoneInfo:
    return services(context).zone or ZoneInfo("UTC")


async def ask_when(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    await _tapped(update)
    _ = translations(await user_lang(update, context)).gettext
    zone = _zone(context)
    text = _("When should it go? Send the date and time like {example} (time zone {zone}).")
    example = example_moment(services(context).clock(), zone.key, days=1)
    await _say(update, context, escape(text.format(example=example, zone=zone.key)))
    return WHEN


async def take_when(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    lang = await user_lang(update, context)
    _ = translations(lang).gettext
    zone = _zone(context)
    try:
        due = parse_moment(update.message.text, zone.key)
    except InvalidInput as exc:
        await _say(update, context, escape(exc.explain(lang, zone)))
        return WHEN
    if due <= services(context).clock():
        await _say(update, context, escape(_("That time has passed. Send a later one.")))
        return WHEN
    number = await _queue(update, context, due)
    text = _("Announcement #{id} is scheduled for {moment}.")
    moment = format_moment(due, lang, zone)
    await _say(update, context, escape(text.format(id=number, moment=moment)))
    return ConversationHandler.END


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    if update.callback_query:
        await _tapped(update)
    context.user_data.pop(DRAFT, None)
    _ = translations(await user_lang(update, context)).gettext
    await _say(update, context, escape(_("Cancelled. Nothing was sent.")))
    return ConversationHandler.END


async def nothing_to_cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _ = translations(await user_lang(update, context)).gettext
    await _say(update, context, escape(_("There is nothing to cancel.")))


async def use_buttons(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Typing while the conversation waits for a button: say so, stay in the same step."""
    _ = translations(await user_lang(update, context)).gettext
    await _say(update, context, escape(_("Please use the buttons above, or /cancel.")))


def conversation(dialogues: Dialogues) -> SharedConversation:
    def on(pattern: str, callback: Callable[..., Awaitable[int]]) -> CallbackQueryHandler:
        return CallbackQueryHandler(staff_step(callback), pattern=f"^an:{pattern}")

    # New messages only: an edit of an earlier one carries no ``update.message``.
    new = filters.UpdateType.MESSAGE
    typed = new & filters.TEXT & ~filters.COMMAND
    return SharedConversation(
        "announce",
        DRAFT,
        dialogues,
        entry_points=[CommandHandler("announce", start, new & filters.ChatType.PRIVATE)],
        states={
            CHOOSE_LANG: [on("lang:", choose_language)],
            TEXT: [
                MessageHandler(typed, staff_step(take_text)),
                MessageHandler(new & ~filters.COMMAND, not_text),
            ],
            MORE: [on("lang:", choose_language), on("next$", versions_done)],
            FALLBACK: [on("fallback:", choose_fallback)],
            AUDIENCE: [on("to:", choose_audience)],
            LANGS: [on("reader:", toggle_reader), on("preview$", preview)],
            CONFIRM: [
                on("send$", send_now),
                on("schedule$", ask_when),
                CallbackQueryHandler(cancel, pattern="^an:cancel$"),
            ],
            WHEN: [MessageHandler(typed, staff_step(take_when))],
        },
        fallbacks=[
            CommandHandler("cancel", cancel),
            MessageHandler(typed, use_buttons),
        ],
    )
