"""Ask a person: a question the bot could not answer (or answered badly) goes to programme
staff in the staff chat, and their replies come back to the person's chat.

Every "I don't know" and every 👎 offers **Ask a person**, and /contact does too. The question,
the person's language and first name (never a phone number: the bot has none) and what the
bot answered go to ``REFORMBOT_STAFF_CHAT``: one forum topic per person where the group has
topics, else one thread of replies per person. A staff member's reply there reaches the person
from the bot, not from their account; the person's next messages go to the same topic or
thread until staff /close it or it has been quiet for 48 hours. The conversation is in the
database (bot.handoffs), so a restart or another replica loses nothing of it.
"""

from __future__ import annotations

import asyncio
import logging
from html import escape

from telegram import Message, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot.handoffs import Handoff, live
from bot.i18n import translations
from bot.i18n.formatting import format_when
from bot.records import Precision, When
from handlers.render import ASK_PERSON, LANGUAGE_NAMES
from handlers.send import patiently, send_html
from handlers.services import Services, services, user_lang

log = logging.getLogger(__name__)

# Telegram's limit for a forum topic's name.
TOPIC_NAME = 128
_FORUM = "staff_chat_is_forum"


async def offer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The **Ask a person** button (person:<exchange>) under an answer: pass that question on,
    with the answer the person saw."""
    query = update.callback_query
    svc = services(context)
    lang = await user_lang(update, context)
    _ = translations(lang).gettext
    exchange = await asyncio.to_thread(
        svc.users.exchange, int(query.data.removeprefix(ASK_PERSON)), update.effective_user.id
    )
    if svc.settings.staff_chat is None or exchange is None:
        await patiently(lambda: query.answer(_("That entry is no longer available.")))
        return
    await patiently(query.answer)
    shown = query.message.text if isinstance(query.message, Message) else ""
    await _open(update, context, lang, exchange.question, shown or "")


async def contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/contact: the next message the person writes goes to staff."""
    svc = services(context)
    lang = await user_lang(update, context)
    _ = translations(lang).gettext
    if svc.settings.staff_chat is None:
        await send_html(
            context,
            update.effective_chat.id,
            escape(_("Sorry, there is no one to pass questions to here yet.")),
        )
        return
    await _open(update, context, lang, "", "")


def open_handoff(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Handoff | None:
    """The person's open conversation with staff, if any (on the caller's worker thread: the
    answer's, so a private message costs the event loop no extra hop)."""
    svc = services(context)
    if svc.settings.staff_chat is None:
        return None
    return svc.handoffs.current(update.effective_user.id, svc.clock())


async def relay(update: Update, context: ContextTypes.DEFAULT_TYPE, handoff: Handoff) -> None:
    """A private message while the person has an open hand-off goes to staff instead of the
    search."""
    svc = services(context)
    text = update.effective_message.text or ""
    lang = await user_lang(update, context)
    _ = translations(lang).gettext
    if not handoff.question:  # after /contact: this is the question
        await asyncio.to_thread(svc.handoffs.ask, handoff.id, text)
        handoff.question = text
        posted = await _post(context, handoff, _header(handoff, svc))
        said = _("✅ Passed on to the programme team: their answer will come here.")
        said = f"{said}\n{_office_note(svc, lang)}".rstrip()
    else:
        line = f"💬 <b>{escape(handoff.user_name)}</b>:\n{escape(text)}"
        posted = await _post(context, handoff, line)
        said = _("✉️ Passed on to the programme team.")
    if posted is None:
        said = _("Sorry, your message could not be passed on right now. Please try again later.")
    else:
        await _keep(svc, handoff, text, posted)
    await send_html(context, update.effective_chat.id, escape(said))


async def from_staff(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """A message in the staff chat: a reply in a hand-off's topic (or to one of its messages,
    in a group without topics) goes to that person; /close ends the conversation. False for
    anything else said there (the staff's own talk, a question to the bot)."""
    svc = services(context)
    message = update.effective_message
    handoff = await _handoff_of(svc, message)
    if handoff is None or not message.text:
        return False
    _ = translations(svc.settings.default_lang).gettext
    sender = update.effective_user
    if sender is None or not await asyncio.to_thread(svc.staff.is_staff, sender.id):
        log.warning("user %s wrote in a hand-off but is not staff", sender and sender.id)
        return True
    if not live(handoff, svc.clock()):
        await _reply(context, message, _("This conversation is closed."))
        return True
    if message.text.split("@")[0].strip() == "/close":
        await _close(context, handoff, message)
        return True
    delivered = await send_html(context, handoff.chat_id, _answer_html(handoff.lang, message.text))
    if delivered is None:
        await _reply(context, message, _("Not delivered: the person has blocked the bot."))
        return True
    await asyncio.to_thread(
        svc.handoffs.add_message,
        handoff.id,
        text=message.text,
        now=svc.clock(),
        staff_message_id=message.message_id,
        staff_user_id=sender.id,
    )
    return True


async def _open(
    update: Update, context: ContextTypes.DEFAULT_TYPE, lang: str, question: str, shown: str
) -> None:
    """Open a hand-off; post it to staff at once when the question is known, else ask for it."""
    svc = services(context)
    _ = translations(lang).gettext
    user, chat = update.effective_user, update.effective_chat
    handoff = await asyncio.to_thread(
        lambda: svc.handoffs.open(
            user_id=user.id,
            chat_id=chat.id,
            lang=lang,
            name=user.first_name or "",
            question=question,
            bot_answer=shown,
            staff_chat_id=svc.settings.staff_chat,
            now=svc.clock(),
        )
    )
    if not question:
        said = _(
            "Write your message for the programme team: I will pass it on, and their answer "
            "will come here."
        )
        await send_html(context, chat.id, escape(said))
        return
    posted = await _post(context, handoff, _header(handoff, svc))
    if posted is None:
        await asyncio.to_thread(svc.handoffs.close, handoff.id, svc.clock())
        said = _("Sorry, your question could not be passed on right now. Please try again later.")
        await send_html(context, chat.id, escape(said))
        return
    await _keep(svc, handoff, question, posted)
    said = _(
        "✅ Passed on to the programme team: their answer will come here. Anything you write "
        "now goes to them too, until they close the conversation."
    )
    await send_html(context, chat.id, escape(f"{said}\n{_office_note(svc, lang)}".rstrip()))


async def _keep(svc: Services, handoff: Handoff, text: str, posted: int) -> None:
    """Store what the person wrote, and where it shows in the staff chat."""
    await asyncio.to_thread(
        lambda: svc.handoffs.add_message(
            handoff.id, text=text, now=svc.clock(), staff_message_id=posted
        )
    )


def _header(handoff: Handoff, svc: Services) -> str:
    """What staff see first: who asks, in which language, the question, what the bot said."""
    _ = translations(svc.settings.default_lang).gettext
    who = _("🙋 {name} asks ({language}):").format(
        name=handoff.user_name or "—", language=LANGUAGE_NAMES.get(handoff.lang, handoff.lang)
    )
    lines = [f"<b>{escape(who)}</b>", escape(handoff.question)]
    if handoff.bot_answer:
        answered = _("The bot answered:")
        lines += ["", f"<i>{escape(answered)}</i>", escape(handoff.bot_answer)]
    how = _("Reply here to answer them; /close ends the conversation.")
    return "\n".join([*lines, "", escape(how)])


def _office_note(svc: Services, lang: str) -> str:
    """When the team will answer, if the office is closed now; else nothing."""
    hours = svc.settings.hours
    opening = hours.next_opening(svc.clock()) if hours else None
    if opening is None:
        return ""
    _ = translations(lang).gettext
    when = format_when(When(value=opening, precision=Precision.MINUTE), None, lang, hours.zone)
    return _("The team is out of the office now; expect an answer from {when}.").format(when=when)


async def _post(context: ContextTypes.DEFAULT_TYPE, handoff: Handoff, html: str) -> int | None:
    """Post in the hand-off's topic (made on its first post, where the staff chat has topics)
    or thread (replies to its first message); the message's id, or None if it failed. A
    person's topic that staff closed or deleted is replaced by a new one."""
    try:
        return await _send(context, handoff, html)
    except BadRequest as exc:
        if handoff.topic_id is None:
            log.warning("hand-off %s not posted to the staff chat: %s", handoff.id, exc.message)
            return None
        log.info("topic %s of hand-off %s gone (%s): a new one", handoff.topic_id, handoff.id, exc)
        handoff.topic_id = None
        try:
            return await _send(context, handoff, html)
        except TelegramError as again:
            log.warning("hand-off %s not posted to the staff chat: %s", handoff.id, again)
            return None
    except TelegramError as exc:
        log.warning("hand-off %s not posted to the staff chat: %s", handoff.id, exc.message)
        return None


async def _send(context: ContextTypes.DEFAULT_TYPE, handoff: Handoff, html: str) -> int | None:
    svc = services(context)
    chat = handoff.staff_chat_id
    if handoff.topic_id is None and await _is_forum(context, chat):
        name = f"{handoff.user_name or '—'} · {handoff.question}"[:TOPIC_NAME]
        topic = await patiently(
            lambda: context.bot.create_forum_topic(chat, name), repeatable=False
        )
        handoff.topic_id = topic.message_thread_id
        await asyncio.to_thread(svc.handoffs.set_topic, handoff.id, handoff.topic_id)
    first = None
    if handoff.topic_id is None:
        earlier = await asyncio.to_thread(svc.handoffs.messages, handoff.id)
        first = next((m.staff_message_id for m in earlier if m.staff_message_id), None)
    sent = await send_html(context, chat, html, reply_to=first, thread=handoff.topic_id)
    return sent.message_id if sent else None


async def _is_forum(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> bool:
    """Whether the staff chat has topics; asked once per process."""
    known = context.bot_data.get(_FORUM)
    if known is None:
        found = await patiently(lambda: context.bot.get_chat(chat_id))
        known = context.bot_data[_FORUM] = bool(found.is_forum)
    return known


async def _handoff_of(svc: Services, message: Message) -> Handoff | None:
    """The hand-off a staff chat message belongs to: its topic's, or that of the message it
    replies to."""
    chat = message.chat_id
    if message.is_topic_message and message.message_thread_id:
        return await asyncio.to_thread(svc.handoffs.of_topic, chat, message.message_thread_id)
    if message.reply_to_message is not None:
        return await asyncio.to_thread(
            svc.handoffs.replied_to, chat, message.reply_to_message.message_id
        )
    return None


async def _close(context: ContextTypes.DEFAULT_TYPE, handoff: Handoff, message: Message) -> None:
    svc = services(context)
    _ = translations(svc.settings.default_lang).gettext
    if not await asyncio.to_thread(svc.handoffs.close, handoff.id, svc.clock()):
        await _reply(context, message, _("This conversation is closed."))
        return
    await send_html(context, handoff.chat_id, escape(_closed_note(handoff.lang)))
    await _reply(context, message, _("Closed: the person's next messages come to the bot."))


def _answer_html(lang: str, text: str) -> str:
    """A staff answer as the person sees it: from the bot, in their language, no name."""
    _ = translations(lang).gettext
    label = _("💬 The programme team answers:")
    return f"<b>{escape(label)}</b>\n{escape(text)}"


def _closed_note(lang: str) -> str:
    _ = translations(lang).gettext
    return _(
        "The programme team has closed this conversation. Ask me anything again whenever you like."
    )


async def _reply(context: ContextTypes.DEFAULT_TYPE, message: Message, text: str) -> None:
    await send_html(
        context,
        message.chat_id,
        escape(text),
        reply_to=message,
        thread=message.message_thread_id if message.is_topic_message else None,
    )
