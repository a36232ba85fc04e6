"""/gaps (staff): what people asked that the bot could not answer, to answer or dismiss.

Each gap has ✍️ Answer (the staff member writes the answer; it becomes a short article in
the database, answerable at once) and ✖ Dismiss. The role is checked again at every step.
"""

from __future__ import annotations

import asyncio
import logging
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import content, gaps
from bot.i18n import translations
from bot.i18n.formatting import format_day, format_number
from bot.publish import PublishFailed, take_effect
from bot.users import reply_lang
from handlers.conversation import Dialogues, SharedConversation
from handlers.permissions import allowed, cancel_step, staff_step
from handlers.render import LANGUAGE_NAMES
from handlers.send import patiently, redraw, send_html
from handlers.services import services, user_lang

log = logging.getLogger(__name__)

DRAFT = "gaps"
PREFIX = "gap:"
ANSWER = 0
SHOWN = 10


def _listing(open_gaps: list[gaps.Gap], lang: str) -> tuple[str, InlineKeyboardMarkup]:
    _ = translations(lang).gettext
    if not open_gaps:
        return escape(
            _("No open questions: everything asked was answered.")
        ), InlineKeyboardMarkup([])
    lines = [escape(_("Questions the bot could not answer, the most asked first:"))]
    rows = []
    for number, gap in enumerate(open_gaps, 1):
        asked = _("{language}, asked {count}×, last on {day}").format(
            language=LANGUAGE_NAMES.get(gap.lang, gap.lang),
            count=format_number(gap.asked, lang),
            day=format_day(gap.last_asked, lang),
        )
        lines.append(f"\n{number}. <i>{escape(gap.question)}</i>\n{escape(asked)}")
        rows.append(
            [
                InlineKeyboardButton(
                    _("✍️ Answer {number}").format(number=number),
                    callback_data=f"{PREFIX}answer:{gap.exchange_id}",
                ),
                InlineKeyboardButton(
                    _("✖ Dismiss {number}").format(number=number),
                    callback_data=f"{PREFIX}dismiss:{gap.exchange_id}",
                ),
            ]
        )
    return "\n".join(lines), InlineKeyboardMarkup(rows)


async def show(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/gaps."""
    if not await allowed(update, context):
        return
    lang = await user_lang(update, context)
    found = await asyncio.to_thread(gaps.open_gaps, services(context).assistant.sessions, SHOWN)
    await send_html(context, update.effective_chat.id, *_listing(found, lang))


async def dismiss(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """✖ Dismiss: the gap is settled; the list is redrawn in place."""
    if not await allowed(update, context):
        return
    query = update.callback_query
    lang = await user_lang(update, context)
    _ = translations(lang).gettext
    svc = services(context)
    sessions = svc.assistant.sessions
    gap = await asyncio.to_thread(gaps.find, sessions, int(query.data.rsplit(":", 1)[1]))
    if gap is not None:
        await asyncio.to_thread(gaps.settle, sessions, gap, svc.clock())
    await patiently(lambda: query.answer(_("Dismissed.") if gap else _("Already settled.")))
    text, markup = _listing(await asyncio.to_thread(gaps.open_gaps, sessions, SHOWN), lang)
    await redraw(query, text, markup)


async def start_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """✍️ Answer: ask for the answer, in the question's language."""
    query = update.callback_query
    await patiently(query.answer)
    lang = await user_lang(update, context)
    _ = translations(lang).gettext
    sessions = services(context).assistant.sessions
    gap = await asyncio.to_thread(gaps.find, sessions, int(query.data.rsplit(":", 1)[1]))
    if gap is None:
        await send_html(context, update.effective_chat.id, escape(_("Already settled.")))
        return ConversationHandler.END
    context.user_data[DRAFT] = {"id": gap.exchange_id}
    text = _("Write the answer to “{question}”, in {language}. /cancel stops.").format(
        question=gap.question, language=LANGUAGE_NAMES.get(gap.lang, gap.lang)
    )
    await send_html(context, update.effective_chat.id, escape(text))
    return ANSWER


async def take_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """The answer: kept as an article, ingested, the gap settled."""
    lang = await user_lang(update, context)
    _ = translations(lang).gettext
    svc = services(context)
    sessions = svc.assistant.sessions
    draft = context.user_data.pop(DRAFT, {})
    chat_id = update.effective_chat.id
    gap = await asyncio.to_thread(gaps.find, sessions, draft.get("id", 0))
    if gap is None:
        await send_html(context, chat_id, escape(_("Already settled.")))
        return ConversationHandler.END
    now = svc.clock()
    _path, version = await asyncio.to_thread(
        lambda: gaps.store_answer(
            sessions, gap, update.message.text, now=now, author=update.effective_user.id
        )
    )
    try:
        await take_effect(svc.assistant, lambda: content.forget(sessions, [version]))
    except PublishFailed as exc:
        log.error("answer by user %s not published:\n%s", update.effective_user.id, exc)
        text = _("The answer could not be published, so nothing has changed.")
        await send_html(context, chat_id, escape(text))
        return ConversationHandler.END
    askers = await asyncio.to_thread(gaps.settle, sessions, gap, now)
    told = await _tell_askers(context, set(askers), gap, update.message.text)
    text = _(
        "Published: the bot answers “{question}” now ({count} askings settled, {told} people "
        "told)."
    ).format(
        question=gap.question,
        count=format_number(len(askers), lang),
        told=format_number(told, lang),
    )
    await send_html(context, chat_id, escape(text))
    return ConversationHandler.END


async def _tell_askers(
    context: ContextTypes.DEFAULT_TYPE, askers: set[int], gap: gaps.Gap, answer: str
) -> int:
    """Offer the new answer to everyone who asked, in their language; how many got it."""
    svc = services(context)
    told = 0
    for user_id in sorted(askers):
        person = await asyncio.to_thread(svc.users.get, user_id)
        if person is None or await asyncio.to_thread(svc.users.is_blocked, user_id):
            continue
        reader = reply_lang(person.lang, person.language_code, svc.settings.default_lang)
        _ = translations(reader).gettext
        heading = _("💡 The programme team answered a question you asked:")
        text = f"<b>{escape(heading)}</b>\n<i>{escape(gap.question)}</i>\n\n{escape(answer)}"
        told += await send_html(context, person.chat_id, text) is not None
    return told


def conversation(dialogues: Dialogues) -> SharedConversation:
    """The ✍️ Answer dialogue, one per user and private chat."""
    message = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE
    text = message & filters.TEXT & ~filters.COMMAND
    return SharedConversation(
        "gaps",
        DRAFT,
        dialogues,
        entry_points=[
            CallbackQueryHandler(staff_step(start_answer), pattern=rf"^{PREFIX}answer:\d+$")
        ],
        states={ANSWER: [MessageHandler(text, staff_step(take_answer))]},
        fallbacks=[CommandHandler("cancel", cancel_step(DRAFT), filters=message)],
    )
