"""/newevent: a staff member publishes an event by answering a few questions.

Title; kind (buttons); time zone (buttons, or a typed IANA name); start and end (typed in that
zone; the end may be skipped); the place, or Online and then the link to join; the
registration link (may be skipped); then a preview of the event's card with Publish and Cancel.
/cancel stops at any step and nothing is published. A bad answer gets its reason and the same
question again. Publishing is :mod:`bot.publish` (knowledge files, then ingestion); once the
event is in the knowledge the dispatcher announces it to the topic's subscribers by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from html import escape
from typing import Any

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.catalog import card
from bot.i18n import N_, translations
from bot.moments import EXAMPLE_FORMAT, InvalidInput, example_moment, require_future
from bot.publish import (
    EVENT_TYPES,
    EventDraft,
    PublishFailed,
    build_record,
    parse_end,
    parse_place,
    parse_start,
    parse_title,
    parse_type,
    parse_url,
    parse_zone,
    publish,
    type_label,
    zone_choices,
)
from handlers.conversation import Dialogues, SharedConversation
from handlers.permissions import allowed, cancel_step, stale_button
from handlers.render import card_html
from handlers.send import patiently, send_html
from handlers.services import Services, services, user_lang

log = logging.getLogger(__name__)

TITLE, TYPE, ZONE, START, END, WHERE, LINK, REGISTRATION, CONFIRM = range(9)
DRAFT = "newevent"  # the answers so far: user_data while a step runs, else the database
PREFIX = "newevent:"  # of this conversation's button data
MAX_PROBLEMS_SHOWN = 3

Draft = dict[str, Any]
Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[int | None]]


def _draft(context: ContextTypes.DEFAULT_TYPE) -> Draft:
    return context.user_data.setdefault(DRAFT, {})


def _button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=PREFIX + data)


def _rows(buttons: list[InlineKeyboardButton], width: int = 2) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([buttons[i : i + width] for i in range(0, len(buttons), width)])


def _event(draft: Draft, lang: str) -> EventDraft:
    return EventDraft(
        title=draft["title"],
        type=draft["type"],
        timezone=draft["timezone"],
        start=draft["start"],
        lang=lang,
        end=draft.get("end"),
        place=None if draft.get("online") else draft.get("place"),
        online=bool(draft.get("online")),
        link=draft.get("link") if draft.get("online") else None,
        registration=draft.get("registration"),
    )


def _question(
    step: int, draft: Draft, lang: str, svc: Services
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The question of ``step``, as HTML, with its buttons."""
    _ = translations(lang).gettext
    if step == TITLE:
        return escape(_("What is the event called? Type its title.")), None
    elif step == TYPE:
        buttons = [_button(type_label(t, lang), f"type:{t}") for t in EVENT_TYPES]
        return escape(_("What kind of event is it?")), _rows(buttons)
    elif step == ZONE:
        text = _(
            "Which time zone are its dates and times in? Choose one, or type its name "
            "(for example Asia/Tbilisi)."
        )
        zones = zone_choices(svc.settings.timezone)
        return escape(text), _rows([_button(z, f"tz:{z}") for z in zones])
    elif step == START:
        zone = draft["timezone"]
        example = example_moment(svc.clock(), zone)
        text = _("When does it start? Type the date and time in {zone}, for example {example}.")
        return escape(text.format(zone=zone, example=example)), None
    elif step == END:
        zone = draft["timezone"]
        example = (draft["start"] + timedelta(hours=2)).strftime(EXAMPLE_FORMAT)
        text = _(
            "When does it end? Type the date and time in {zone}, for example {example}, or /skip."
        )
        return escape(text.format(zone=zone, example=example)), None
    elif step == WHERE:
        text = _("Where does it take place? Type the venue and address, or press Online.")
        return escape(text), _rows([_button(_("🌐 Online"), "online")])
    elif step == LINK:
        text = _(
            "Send the link participants join with (it starts with https://), "
            "or /skip if it is not known yet."
        )
        return escape(text), None
    elif step == REGISTRATION:
        text = _(
            "Send the registration link (it starts with https://), or /skip if there is none."
        )
        return escape(text), None
    record = build_record(_event(draft, lang))
    text = "\n\n".join(
        [
            escape(_("This is how the event will be shown:")),
            card_html(card(record, lang, svc.zone)),
            escape(_("Publish it?")),
        ]
    )
    buttons = [_button(_("✅ Publish"), "publish"), _button(_("✖️ Cancel"), "cancel")]
    return text, _rows(buttons)


async def _ask(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    lang: str,
    step: int,
    before: str | None = None,
) -> int:
    """Send the question of ``step`` (after ``before``, a reason or an introduction, when
    given); returns ``step``, the state to wait in."""
    draft = _draft(context)
    draft["step"] = step
    text, markup = _question(step, draft, lang, services(context))
    if before:
        text = f"{escape(before)}\n\n{text}"
    await send_html(context, update.effective_chat.id, text, markup)
    return step


def _next(step: int, draft: Draft) -> int:
    if step == WHERE:
        return LINK if draft.get("online") else REGISTRATION
    if step == LINK:
        return REGISTRATION
    return step + 1


async def _drop_buttons(query: CallbackQuery) -> None:
    """Take the buttons off an answered question, so an old one cannot be pressed again."""
    # BadRequest: already gone (a double tap), or the message is too old to edit.
    with contextlib.suppress(BadRequest):
        await patiently(lambda: query.edit_message_reply_markup(None))


# -- entry, and answers typed or pressed ----------------------------------------------------


async def new_event(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """/newevent: staff only; everyone else is refused, and the attempt is logged."""
    if not await allowed(update, context):
        return ConversationHandler.END
    lang = await user_lang(update, context)
    _ = translations(lang).gettext
    context.user_data[DRAFT] = {}
    intro = _(
        "New event. Answer a few questions; /cancel stops at any time and publishes nothing."
    )
    return await _ask(update, context, lang, TITLE, intro)


Reader = Callable[[str, Draft, Services], Draft]

_READERS: dict[int, Reader] = {
    TITLE: lambda text, _d, _s: {"title": parse_title(text)},
    ZONE: lambda text, _d, _s: {"timezone": parse_zone(text)},
    START: lambda text, d, s: {"start": parse_start(text, d["timezone"], s.clock())},
    END: lambda text, d, _s: {"end": parse_end(text, d["timezone"], d["start"])},
    WHERE: lambda text, _d, _s: {"place": parse_place(text), "online": False},
    LINK: lambda text, _d, _s: {"link": parse_url(text)},
    REGISTRATION: lambda text, _d, _s: {"registration": parse_url(text)},
}
_SKIPPED = {END: {"end": None}, LINK: {"link": None}, REGISTRATION: {"registration": None}}


def _typed(step: int) -> Handler:
    """The handler of a typed answer to ``step``: stored and on to the next question, or the
    reason it cannot be used and the same question again."""

    async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        lang = await user_lang(update, context)
        draft = _draft(context)
        try:
            changes = _READERS[step](update.message.text, draft, services(context))
        except InvalidInput as exc:
            return await _ask(update, context, lang, step, exc.explain(lang))
        draft.update(changes)
        return await _ask(update, context, lang, _next(step, draft))

    return answer


def _skip(step: int) -> Handler:
    async def skip(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        lang = await user_lang(update, context)
        draft = _draft(context)
        draft.update(_SKIPPED[step])
        return await _ask(update, context, lang, _next(step, draft))

    return skip


async def chose_type(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    query = update.callback_query
    await patiently(query.answer)
    lang = await user_lang(update, context)
    try:
        event_type = parse_type(query.data.removeprefix(PREFIX + "type:"))
    except InvalidInput as exc:  # forged button data
        return await _ask(update, context, lang, TYPE, exc.explain(lang))
    await _drop_buttons(query)
    _draft(context)["type"] = event_type
    return await _ask(update, context, lang, ZONE)


async def chose_zone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    query = update.callback_query
    await patiently(query.answer)
    lang = await user_lang(update, context)
    try:
        zone = parse_zone(query.data.removeprefix(PREFIX + "tz:"))
    except InvalidInput as exc:
        return await _ask(update, context, lang, ZONE, exc.explain(lang))
    await _drop_buttons(query)
    _draft(context)["timezone"] = zone
    return await _ask(update, context, lang, START)


async def chose_online(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    query = update.callback_query
    await patiently(query.answer)
    lang = await user_lang(update, context)
    await _drop_buttons(query)
    draft = _draft(context)
    draft.update(online=True, place=None)
    return await _ask(update, context, lang, LINK)


async def confirm(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int | None:
    """Publish or Cancel under the preview."""
    query = update.callback_query
    await patiently(query.answer)
    lang = await user_lang(update, context)
    _ = translations(lang).gettext
    chat_id = update.effective_chat.id
    # Taken at once, before any await: a second tap while publishing finds nothing to publish.
    draft = context.user_data.pop(DRAFT, None)
    if draft is None:
        return None
    await _drop_buttons(query)
    if query.data == PREFIX + "cancel":
        await send_html(context, chat_id, escape(_("Cancelled: nothing was published.")))
        return ConversationHandler.END
    svc = services(context)
    user = update.effective_user
    if not await asyncio.to_thread(
        svc.staff.is_staff, user.id
    ):  # removed from staff since /newevent
        log.warning("/newevent publish refused: user %s is no longer staff", user.id)
        await send_html(context, chat_id, escape(_("Only programme staff can publish events.")))
        return ConversationHandler.END
    now = svc.clock()
    try:
        require_future(draft["start"], now)
    except InvalidInput as exc:  # the preview waited too long: ask for the start again
        context.user_data[DRAFT] = draft
        return await _ask(update, context, lang, START, exc.explain(lang))
    taken = {record.id for record in svc.assistant.knowledge().records}
    try:
        published = await publish(
            svc.assistant, _event(draft, lang), now=now, taken=taken, author=user.id
        )
    except PublishFailed as exc:
        log.error("event from user %s not published:\n%s", user.id, exc)
        problems = "\n".join(exc.problems[:MAX_PROBLEMS_SHOWN])
        text = _(
            "The event could not be published, so nothing has changed: the knowledge files "
            "have a problem. Ask an admin to fix it (reformbot ingest lists it), then try again."
        )
        await send_html(context, chat_id, f"{escape(text)}\n\n<code>{escape(problems)}</code>")
        return ConversationHandler.END
    except Exception:
        log.exception("publishing an event from user %s failed", user.id)
        text = _("Something went wrong, and nothing was published. Please try again later.")
        await send_html(context, chat_id, escape(text))
        return ConversationHandler.END
    record = published.record
    log.info("user %s published event %s", user.id, record.id)
    text = _(
        "Published: {title}. It is listed under /events now, and subscribers will be told "
        "about it."
    ).format(title=record.name[lang])
    await send_html(context, chat_id, escape(text))
    return ConversationHandler.END


# -- anything else while the conversation waits ---------------------------------------------


async def cannot_skip(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    lang = await user_lang(update, context)
    step = _draft(context).get("step", TITLE)
    reason = translations(lang).gettext("This question cannot be skipped.")
    return await _ask(update, context, lang, step, reason)


async def off_script(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    """Text where a button is wanted, or a sticker or photo where text is: the question again."""
    lang = await user_lang(update, context)
    _ = translations(lang).gettext
    step = _draft(context).get("step", TITLE)
    if update.message.text:
        reason = _("Please choose with the buttons below.")
    else:
        reason = _("Please answer with text.")
    return await _ask(update, context, lang, step, reason)


def conversation(dialogues: Dialogues) -> SharedConversation:
    """The /newevent conversation, one per user and private chat."""
    message = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE
    text = message & filters.TEXT & ~filters.COMMAND

    def typed(step: int) -> MessageHandler:
        return MessageHandler(text, _typed(step))

    def skip(step: int) -> CommandHandler:
        return CommandHandler("skip", _skip(step), filters=message)

    # Buttons are tracked per user and chat, not per message, on purpose: a question's buttons
    # are taken off once answered, and an old one is answered by stale_button.
    return SharedConversation(
        "newevent",
        DRAFT,
        dialogues,
        entry_points=[CommandHandler("newevent", new_event, filters=message)],
        states={
            TITLE: [typed(TITLE)],
            TYPE: [CallbackQueryHandler(chose_type, pattern=rf"^{PREFIX}type:")],
            ZONE: [CallbackQueryHandler(chose_zone, pattern=rf"^{PREFIX}tz:"), typed(ZONE)],
            START: [typed(START)],
            END: [typed(END), skip(END)],
            WHERE: [
                CallbackQueryHandler(chose_online, pattern=rf"^{PREFIX}online$"),
                typed(WHERE),
            ],
            LINK: [typed(LINK), skip(LINK)],
            REGISTRATION: [typed(REGISTRATION), skip(REGISTRATION)],
            CONFIRM: [CallbackQueryHandler(confirm, pattern=rf"^{PREFIX}(publish|cancel)$")],
        },
        fallbacks=[
            CommandHandler(
                "cancel",
                cancel_step(DRAFT, N_("Cancelled: nothing was published.")),
                filters=message,
            ),
            CommandHandler("skip", cannot_skip, filters=message),
            CallbackQueryHandler(stale_button, pattern=rf"^{PREFIX}"),
            MessageHandler(message & ~filters.COMMAND, off_script),
        ],
    )
