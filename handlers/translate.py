"""/translate (staff): the title and place of an event published from the bot, in another
reply language.

/newevent repeats what the staff member typed in every language, so until now a Russian
reader saw a Georgian title; staff without access to the files add the translation here. Each
one is a new version of the event's record in the database (bot.content), ingested at once.
The role is checked again at every step, as in the other staff dialogues.
"""

from __future__ import annotations

import asyncio
import logging
from html import escape
from typing import Any

from sqlalchemy.orm import Session, sessionmaker
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import content
from bot.catalog import find_record, upcoming_events
from bot.i18n import translations
from bot.languages import SUPPORTED
from bot.moments import InvalidInput
from bot.publish import (
    PublishFailed,
    parse_place,
    parse_title,
    record_path,
    store_translation,
    take_effect,
)
from handlers.conversation import Dialogues, SharedConversation
from handlers.permissions import cancel_step, staff_step, stale_button
from handlers.render import LANGUAGE_NAMES
from handlers.send import patiently, send_html
from handlers.services import services, user_lang

log = logging.getLogger(__name__)

DRAFT = "translate"
PREFIX = "tr:"
EVENT, LANG, TITLE, PLACE = range(4)


def _draft(context: ContextTypes.DEFAULT_TYPE) -> dict[str, Any]:
    return context.user_data.setdefault(DRAFT, {})


def _rows(buttons: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=PREFIX + data)] for text, data in buttons]
    )


def _published(sessions: sessionmaker[Session]) -> dict[str, str]:
    with sessions() as session:
        return content.current(session)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """/translate: the events published from the bot that are still to come."""
    lang = await user_lang(update, context)
    _ = translations(lang).gettext
    svc = services(context)
    stored = set(await asyncio.to_thread(_published, svc.assistant.sessions))
    events = [
        r
        for r in upcoming_events(svc.assistant.knowledge(), svc.clock())
        if record_path(r.id) in stored
    ]
    if not events:
        text = _("No event published with /newevent is still to come: nothing to translate.")
        await send_html(context, update.effective_chat.id, escape(text))
        return ConversationHandler.END
    context.user_data[DRAFT] = {"step": EVENT}
    text = _("Which event? /cancel stops.")
    markup = _rows([(r.name[lang], f"ev:{r.id}") for r in events])
    await send_html(context, update.effective_chat.id, escape(text), markup)
    return EVENT


async def chose_event(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    query = update.callback_query
    await patiently(query.answer)
    lang = await user_lang(update, context)
    _ = translations(lang).gettext
    record_id = query.data.removeprefix(PREFIX + "ev:")
    if find_record(services(context).assistant.knowledge(), record_id) is None:
        await send_html(
            context, update.effective_chat.id, escape(_("That entry is no longer available."))
        )
        return ConversationHandler.END
    _draft(context).update(id=record_id, step=LANG)
    text = _("Into which language?")
    markup = _rows([(LANGUAGE_NAMES[tag], f"lang:{tag}") for tag in SUPPORTED])
    await send_html(context, update.effective_chat.id, escape(text), markup)
    return LANG


async def chose_lang(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    query = update.callback_query
    await patiently(query.answer)
    lang = await user_lang(update, context)
    _ = translations(lang).gettext
    target = query.data.removeprefix(PREFIX + "lang:")
    if target not in SUPPORTED:
        return LANG
    _draft(context).update(lang=target, step=TITLE)
    text = _("Send the event's title in {language}.").format(language=LANGUAGE_NAMES[target])
    await send_html(context, update.effective_chat.id, escape(text))
    return TITLE


async def typed_title(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    lang = await user_lang(update, context)
    _ = translations(lang).gettext
    draft = _draft(context)
    try:
        draft["name"] = parse_title(update.message.text)
    except InvalidInput as exc:  # too long: the title again
        await send_html(context, update.effective_chat.id, escape(exc.explain(lang)))
        return TITLE
    record = find_record(services(context).assistant.knowledge(), draft["id"])
    if record is not None and record.place:
        draft["step"] = PLACE
        language = LANGUAGE_NAMES[draft["lang"]]
        text = _("Send the place in {language}, or /skip to keep it as it is.")
        await send_html(context, update.effective_chat.id, escape(text.format(language=language)))
        return PLACE
    return await _save(update, context, None)


async def typed_place(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    try:
        place = parse_place(update.message.text)
    except InvalidInput as exc:  # too long: the place again
        lang = await user_lang(update, context)
        await send_html(context, update.effective_chat.id, escape(exc.explain(lang)))
        return PLACE
    return await _save(update, context, place)


async def skip_place(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    return await _save(update, context, None)


async def _save(update: Update, context: ContextTypes.DEFAULT_TYPE, place: str | None) -> int:
    lang = await user_lang(update, context)
    _ = translations(lang).gettext
    svc = services(context)
    draft = context.user_data.pop(DRAFT, {})
    chat_id = update.effective_chat.id
    try:
        stored = await asyncio.to_thread(
            store_translation,
            svc.assistant.sessions,
            draft["id"],
            draft["lang"],
            name=draft["name"],
            place=place,
            now=svc.clock(),
            author=update.effective_user.id,
        )
        await take_effect(svc.assistant, stored.withdraw)
    except PublishFailed as exc:
        log.error("translation by user %s not saved:\n%s", update.effective_user.id, exc)
        text = _("The translation could not be saved, so nothing has changed.")
        await send_html(context, chat_id, escape(text))
        return ConversationHandler.END
    name = stored.record.name[draft["lang"]]
    text = _("Saved: readers in {language} now see “{title}”.")
    await send_html(
        context, chat_id, escape(text.format(language=LANGUAGE_NAMES[draft["lang"]], title=name))
    )
    return ConversationHandler.END


def conversation(dialogues: Dialogues) -> SharedConversation:
    """The /translate conversation, one per user and private chat."""
    message = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE
    text = message & filters.TEXT & ~filters.COMMAND
    return SharedConversation(
        "translate",
        DRAFT,
        dialogues,
        entry_points=[CommandHandler("translate", staff_step(start), filters=message)],
        states={
            EVENT: [CallbackQueryHandler(staff_step(chose_event), pattern=rf"^{PREFIX}ev:")],
            LANG: [CallbackQueryHandler(staff_step(chose_lang), pattern=rf"^{PREFIX}lang:")],
            TITLE: [MessageHandler(text, staff_step(typed_title))],
            PLACE: [
                MessageHandler(text, staff_step(typed_place)),
                CommandHandler("skip", staff_step(skip_place), filters=message),
            ],
        },
        fallbacks=[
            CommandHandler("cancel", cancel_step(DRAFT), filters=message),
            CallbackQueryHandler(stale_button, pattern=rf"^{PREFIX}"),
        ],
    )
