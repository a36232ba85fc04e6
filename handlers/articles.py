"""Knowledge from Telegram (staff): a document, a forwarded channel post, or text pasted after
/addarticle becomes an article; /articles lists those added so, each removable.

Staff first see what was read — language, title, date, the number of passages and the first
ones, the dates and names found — and publish it or not. A file that cannot be read is
refused with the reason, in their language; nothing is half-published: the article and its
file are stored together and ingested, or neither stays. The role is checked at every step.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import date
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import content, uploads
from bot.i18n import translations
from bot.i18n.formatting import format_day, format_number
from bot.publish import PublishFailed, take_effect
from handlers import ask, media
from handlers.conversation import Dialogues, SharedConversation
from handlers.permissions import allowed, cancel_step, staff_step, stale_button
from handlers.render import LANGUAGE_NAMES
from handlers.send import patiently, redraw, send_html
from handlers.services import services, user_lang

log = logging.getLogger(__name__)

DRAFT = "article"
PREFIX = "article:"
TEXT, CONFIRM = range(2)
# How much of each first passage the preview shows.
PREVIEW_CHARS = 300


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """/addarticle: the next message is the article's text."""
    _ = translations(await user_lang(update, context)).gettext
    said = _("Paste the article's text: its first line is the title when it looks like one.")
    await send_html(context, update.effective_chat.id, escape(f"{said}\n/cancel"))
    return TEXT


async def pasted(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    return await _preview(update, context, lambda today: uploads.from_text(_text(update), today))


async def forwarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A channel post forwarded by staff is an article to add; by anyone else, a question."""
    if not await _is_staff(update, context):
        await ask.ask(update, context)
        return ConversationHandler.END
    return await pasted(update, context)


async def document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """A document sent by staff: read it (within the size limit) into an article draft. Anyone
    else is told that questions are read as text."""
    if not await _is_staff(update, context):
        await media.not_text(update, context)
        return ConversationHandler.END
    svc = services(context)
    sent = update.effective_message.document
    limit = int(svc.settings.upload_limit_mb * 1_000_000)
    name = sent.file_name or ""
    lang = await user_lang(update, context)
    if (sent.file_size or 0) > limit:
        _ = translations(lang).gettext
        text = _("The file is larger than {limit} MB.").format(
            limit=format_number(svc.settings.upload_limit_mb, lang)
        )
        await send_html(context, update.effective_chat.id, escape(text))
        return ConversationHandler.END
    data = await _download(context, sent.file_id)
    if data is None:
        _ = translations(await user_lang(update, context)).gettext
        text = _("The file could not be downloaded from Telegram. Please send it again.")
        await send_html(context, update.effective_chat.id, escape(text))
        return ConversationHandler.END
    context.user_data[DRAFT] = {"file_id": sent.file_id, "file_name": name}
    return await _preview(
        update, context, lambda today: uploads.from_document(name, data, limit, today)
    )


async def decide(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """✅ Publish or ✖ Cancel under the preview."""
    query = update.callback_query
    await patiently(query.answer)
    lang = await user_lang(update, context)
    _ = translations(lang).gettext
    draft = context.user_data.pop(DRAFT, None)
    chat_id = update.effective_chat.id
    if draft is None or "markdown" not in draft:
        await send_html(context, chat_id, escape(_("This button is no longer active.")))
        return ConversationHandler.END
    await patiently(lambda: query.edit_message_reply_markup(None))
    if query.data == f"{PREFIX}cancel":
        await send_html(context, chat_id, escape(_("Cancelled: nothing was changed.")))
        return ConversationHandler.END
    svc = services(context)
    data = await _download(context, draft["file_id"]) if draft.get("file_id") else None
    if draft.get("file_id") and data is None:
        text = _("The file could not be downloaded from Telegram. Please send it again.")
        await send_html(context, chat_id, escape(text))
        return ConversationHandler.END
    sessions = svc.assistant.sessions
    version = await asyncio.to_thread(
        lambda: uploads.store(
            sessions,
            draft["path"],
            draft["markdown"],
            file_name=draft.get("file_name"),
            data=data,
            author=update.effective_user.id,
            now=svc.clock(),
        )
    )
    try:
        await take_effect(svc.assistant, lambda: uploads.unstore(sessions, draft["path"], version))
    except PublishFailed as exc:
        log.error("article by user %s not published:\n%s", update.effective_user.id, exc)
        text = _("The article could not be published, so nothing has changed.")
        await send_html(context, chat_id, escape(text))
        return ConversationHandler.END
    text = _("Published: “{title}” is answered from now, on every replica.").format(
        title=draft["title"]
    )
    await send_html(context, chat_id, escape(text))
    return ConversationHandler.END


async def listing(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/articles (staff): what was added from Telegram, newest first, each removable."""
    if not await allowed(update, context):
        return
    lang = await user_lang(update, context)
    text, markup = await asyncio.to_thread(_listing, context, lang)
    await send_html(context, update.effective_chat.id, text, markup)


async def remove(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """🗑 Remove under /articles: withdraw the article (and its file), redraw the list."""
    query = update.callback_query
    if not await allowed(update, context):  # an alert says so
        return
    lang = await user_lang(update, context)
    _ = translations(lang).gettext
    svc = services(context)
    sessions = svc.assistant.sessions
    path = await asyncio.to_thread(content.path_of, sessions, int(query.data.rsplit(":", 1)[1]))
    if path is None or not path.startswith((f"{uploads.UPLOADS}/", f"{uploads.ANSWERS}/")):
        await patiently(lambda: query.answer(_("This button is no longer active.")))
        return
    version = await asyncio.to_thread(
        lambda: uploads.withdraw(sessions, path, author=update.effective_user.id, now=svc.clock())
    )
    try:
        await take_effect(svc.assistant, lambda: content.forget(sessions, [version]))
    except PublishFailed as exc:
        log.error("article %s not removed:\n%s", path, exc)
        await patiently(lambda: query.answer(_("It could not be removed; nothing has changed.")))
        return
    await asyncio.to_thread(uploads.drop_file, sessions, path)
    await patiently(lambda: query.answer(_("Removed: it is no longer answered from.")))
    text, markup = await asyncio.to_thread(_listing, context, lang)
    await redraw(query, text, markup)


def _listing(context: ContextTypes.DEFAULT_TYPE, lang: str) -> tuple[str, InlineKeyboardMarkup]:
    _ = translations(lang).gettext
    added = uploads.listed(services(context).assistant.sessions)
    if not added:
        return escape(_("No articles were added from Telegram yet.")), InlineKeyboardMarkup([])
    lines = [escape(_("Articles added from Telegram, newest first:"))]
    rows = []
    for number, article in enumerate(added, 1):
        day = format_day(article.day, lang) if article.day else "—"
        language = LANGUAGE_NAMES.get(article.lang, article.lang)
        lines.append(f"\n{number}. <b>{escape(article.title)}</b>\n{escape(language)}, {day}")
        label = _("🗑 Remove {number}").format(number=format_number(number, lang))
        rows.append([InlineKeyboardButton(label, callback_data=f"{PREFIX}rm:{article.version}")])
    return "\n".join(lines), InlineKeyboardMarkup(rows)


async def _preview(
    update: Update, context: ContextTypes.DEFAULT_TYPE, read: Callable[[date], uploads.Draft]
) -> int:
    """Read the draft (``read(today)``) and show it with ✅ Publish / ✖ Cancel, or the reason
    it cannot be published."""
    lang = await user_lang(update, context)
    _ = translations(lang).gettext
    svc = services(context)
    chat_id = update.effective_chat.id
    try:
        draft = await asyncio.to_thread(read, svc.clock().date())
    except uploads.Refused as refused:
        context.user_data.pop(DRAFT, None)
        reason = refused.in_language(_)
        await send_html(
            context, chat_id, escape(_("Not published: {reason}").format(reason=reason))
        )
        return ConversationHandler.END
    article = draft.article
    context.user_data[DRAFT] = {
        **context.user_data.get(DRAFT, {}),
        "path": draft.path,
        "markdown": draft.markdown,
        "title": article.title,
    }
    facts = [
        _("Title: {title}").format(title=article.title),
        _("Language: {language}").format(language=LANGUAGE_NAMES.get(article.lang, article.lang)),
        _("Passages: {count}").format(count=format_number(len(draft.passages), lang)),
    ]
    if draft.dates:
        facts.append(_("Dates found: {dates}").format(dates=", ".join(draft.dates[:8])))
    if draft.names:
        facts.append(_("Names found: {names}").format(names=", ".join(draft.names)))
    shown = [_shorten(p) for p in draft.passages[: uploads.SHOWN_PASSAGES]]
    heading = _("This is what I read:")
    text = "\n".join(
        [
            f"<b>{escape(heading)}</b>",
            *map(escape, facts),
            "",
            *(f"<blockquote>{escape(p)}</blockquote>" for p in shown),
            escape(_("Publish it? It will be answered from at once.")),
        ]
    )
    buttons = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(_("✅ Publish"), callback_data=f"{PREFIX}publish"),
                InlineKeyboardButton(_("✖ Cancel"), callback_data=f"{PREFIX}cancel"),
            ]
        ]
    )
    await send_html(context, chat_id, text, buttons)
    return CONFIRM


def _shorten(passage: str) -> str:
    return passage if len(passage) <= PREVIEW_CHARS else passage[: PREVIEW_CHARS - 1] + "…"


def _text(update: Update) -> str:
    message: Message = update.effective_message
    return message.text or message.caption or ""


async def _is_staff(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    user = update.effective_user
    return user is not None and await asyncio.to_thread(services(context).staff.is_staff, user.id)


async def _download(context: ContextTypes.DEFAULT_TYPE, file_id: str) -> bytes | None:
    try:
        found = await patiently(lambda: context.bot.get_file(file_id))
        return bytes(await patiently(found.download_as_bytearray))
    except TelegramError as exc:
        log.warning("file %s not downloaded: %s", file_id, exc.message)
        return None


def conversation(dialogues: Dialogues) -> SharedConversation:
    """Adding an article, one per user and private chat."""
    private = filters.ChatType.PRIVATE
    message = filters.UpdateType.MESSAGE & private
    text = message & filters.TEXT & ~filters.COMMAND
    # A document or a forwarded post starts over whatever step the dialogue is at.
    sent = [
        MessageHandler(message & filters.Document.ALL, document),
        MessageHandler(text & filters.FORWARDED, forwarded),
    ]
    return SharedConversation(
        "articles",
        DRAFT,
        dialogues,
        entry_points=[CommandHandler("addarticle", staff_step(start), filters=private), *sent],
        states={
            TEXT: [*sent, MessageHandler(text, staff_step(pasted))],
            CONFIRM: [
                *sent,
                CallbackQueryHandler(staff_step(decide), pattern=rf"^{PREFIX}(publish|cancel)$"),
                CallbackQueryHandler(stale_button),
            ],
        },
        fallbacks=[CommandHandler("cancel", cancel_step(DRAFT), filters=message)],
    )
