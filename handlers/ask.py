"""Free-text questions: the core's answer as Telegram HTML, with its citation, 👍/👎 buttons
and, for an answer quoted from an article, a button to read the whole passage."""

from __future__ import annotations

import asyncio
import logging
from html import escape

from sqlalchemy.exc import SQLAlchemyError
from telegram import MessageEntity, Update
from telegram.constants import ChatAction
from telegram.ext import ContextTypes

from bot.answers import Answer
from bot.db import reason
from bot.handoffs import Handoff
from bot.i18n import translations
from bot.reading import full_passage
from bot.text.scripts import well_formed
from handlers import handoff
from handlers.render import answer_html, answer_keyboard, sections_html
from handlers.send import patiently, send_chunks, send_html
from handlers.services import languages_of, remember_now, services, user_lang

log = logging.getLogger(__name__)

# Telegram's own limit for a message; a longer text (a forwarded document, a webhook we did
# not expect) is answered from its beginning rather than analysed whole.
MAX_QUESTION = 4096
EVENT_BUTTONS = 5
# Most answers take milliseconds; "typing…" is shown only for one that takes longer (a
# database waiting for a lock), saving a Bot API call on every other answer.
TYPING_AFTER_SECONDS = 0.5


async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a question in the user's chosen language, else the question's own, else the
    language of their Telegram app."""
    chat_id = update.effective_chat.id
    question = well_formed(update.effective_message.text[:MAX_QUESTION])
    # One trip to a worker thread for the whole answer: each trip costs the event loop a
    # switch, and the answer needs them in turn anyway.
    work = asyncio.ensure_future(
        asyncio.to_thread(_answer_unless_talking, update, context, question)
    )
    if not (await asyncio.wait({work}, timeout=TYPING_AFTER_SECONDS))[0]:
        await patiently(lambda: context.bot.send_chat_action(chat_id, ChatAction.TYPING))
    answered = await work
    if isinstance(answered, Handoff):  # talking with staff: not a question for us
        await handoff.relay(update, context, answered)
        return
    answer, exchange_id = answered
    readable = answer.answered and bool(answer.sources)
    events = answer.events[:EVENT_BUTTONS]
    person = not answer.answered and services(context).settings.staff_chat is not None
    markup = answer_keyboard(
        exchange_id, answer.lang, readable=readable, events=events, person=person
    )
    await send_chunks(context, chat_id, answer_html(answer), markup)


async def in_group(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A group message that mentions the bot (``@bot какие тренинги…``) or replies to one of
    its messages: answered in the group, as a reply to the asker. Everything else said in the
    group is not for the bot. Votes and the full passage belong to the asker's private chat,
    so the answer carries only its events' buttons."""
    message = update.effective_message
    me = context.bot
    mention = f"@{me.username}".casefold()
    mentioned = [
        entity
        for entity in message.entities
        if entity.type == MessageEntity.MENTION
        and message.parse_entity(entity).casefold() == mention
    ]
    replied = message.reply_to_message and message.reply_to_message.from_user
    if not mentioned and not (replied and replied.id == me.id):
        return
    text = message.text or ""
    for entity in sorted(mentioned, key=lambda e: -e.offset):  # from the end: offsets hold
        text = text[: entity.offset] + text[entity.offset + entity.length :]
    question = well_formed(" ".join(text.split())[:MAX_QUESTION])
    if not question:
        _ = translations(await user_lang(update, context)).gettext
        hint = _("Ask me after my name, for example: @{bot} which trainings were held?")
        await send_html(
            context, message.chat_id, escape(hint.format(bot=me.username)), reply_to=message
        )
        return
    answer, _exchange = await asyncio.to_thread(_answer, update, context, question)
    markup = answer_keyboard(
        None, answer.lang, readable=False, events=answer.events[:EVENT_BUTTONS]
    )
    await send_chunks(context, message.chat_id, answer_html(answer), markup, reply_to=message)


def _answer_unless_talking(
    update: Update, context: ContextTypes.DEFAULT_TYPE, question: str
) -> tuple[Answer, int | None] | Handoff:
    """The answer, or the person's open conversation with staff, which the message is for."""
    return handoff.open_handoff(update, context) or _answer(update, context, question)


def _answer(
    update: Update, context: ContextTypes.DEFAULT_TYPE, question: str
) -> tuple[Answer, int | None]:
    """The answer and the stored exchange it belongs to (None when it could not be stored:
    the answer goes out all the same). Stores the user first: votes need an owner, and their
    app's language answers a question too short to tell its own."""
    svc = services(context)
    usual, chosen = languages_of(update, context, remember_now(update, context))
    now = svc.clock()
    answer = svc.assistant.ask(question, lang=chosen, now=now, fallback_lang=usual)
    try:
        return answer, svc.users.record_exchange(update.effective_user.id, question, answer, now)
    except SQLAlchemyError as exc:  # locked or full
        log.warning("question of user %s not stored: %s", update.effective_user.id, reason(exc))
        return answer, None


async def read_passage(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The "read the full passage" button (full:<exchange>): send the passage unabridged."""
    query = update.callback_query
    svc = services(context)
    lang = await user_lang(update, context)
    exchange = await asyncio.to_thread(
        svc.users.exchange, int(query.data.split(":")[1]), update.effective_user.id
    )
    sections = exchange and await asyncio.to_thread(
        full_passage,
        svc.assistant.knowledge(),
        exchange.source_path or "",
        exchange.question,
        exchange.lang,
    )
    if not sections:
        _ = translations(lang).gettext
        await patiently(lambda: query.answer(_("That entry is no longer available.")))
        return
    await patiently(query.answer)
    for chunk in sections_html(sections):
        if await send_html(context, update.effective_chat.id, chunk) is None:
            return
