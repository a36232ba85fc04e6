"""The composition root: one function builds the python-telegram-bot Application from Settings
and the core, and registers every handler in one block; :func:`run` starts it.

It lives in ``handlers`` rather than ``bot`` so that the core never imports ``telegram``;
``reformbot run`` imports it only when the bot is actually started.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from datetime import datetime

from telegram import Bot, Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.assistant import Assistant
from bot.broadcast.dispatcher import Dispatcher
from bot.catalog import LISTS
from bot.clock import wall
from bot.dialogue_store import ConversationStore
from bot.handoffs import HandoffStore
from bot.settings import Settings
from bot.staff import StaffStore
from bot.subscriptions import SubscriptionStore
from bot.users import UserStore
from handlers import (
    announce,
    articles,
    ask,
    browse,
    calendar,
    feedback,
    gaps,
    handoff,
    help,
    inline,
    language,
    media,
    newevent,
    pace,
    privacy,
    reminders,
    scheduled,
    staff,
    start,
    stats,
    subscribe,
    translate,
)
from handlers.commands import publish_command_menus, show_staff_menu
from handlers.conversation import Dialogues
from handlers.delivery import TelegramTransport
from handlers.errors import on_error
from handlers.pace import OnePerPerson
from handlers.profile import publish_profile
from handlers.render import ASK_PERSON
from handlers.services import KEY, Services

# Answering is CPU-bound and synchronous, so more updates in flight only queue inside the HTTP
# client (bench/bot_load.py: 200 at once cost twice the CPU per answer of a few at once); a
# few let one user's slow Telegram call overlap another's answer.
CONCURRENT_UPDATES = 8
# The rate check runs in a group of its own, before every other handler.
PACE_GROUP = -100
# Then replies in the staff chat's hand-offs, which no other handler may also take.
STAFF_GROUP = -1


class NotConfigured(ValueError):
    """A setting the bot cannot run without is missing; the message says which and how."""


async def _noop(update: Update, _context: object) -> None:
    """The page-number button: nothing to do but stop the app's spinner."""
    await update.callback_query.answer()


async def _in_staff_chat(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The staff chat: a reply in a hand-off goes to the person and nowhere else; the rest
    is a group like any (commands, questions to the bot)."""
    if await handoff.from_staff(update, context):
        raise ApplicationHandlerStop


class _UnusableButton(CallbackQueryHandler):
    """A button press nothing can be done with: no data, which python-telegram-bot lets match
    every pattern (so it reached the subscription toggle and crashed it), or no chat (a
    button on an inline message: this bot puts none there, so it is forged). Taken first and
    only acknowledged."""

    def check_update(self, update: object) -> bool | None:
        if not (isinstance(update, Update) and update.callback_query):
            return None
        query = update.callback_query
        return not query.data or query.message is None


def register(application: Application, dialogues: Dialogues) -> None:
    add = application.add_handler
    application.add_handler(TypeHandler(Update, pace.slow_down), group=PACE_GROUP)
    add(_UnusableButton(_noop))
    # Subscriptions belong to a person's private chat with the bot, where broadcasts go.
    private = filters.ChatType.PRIVATE
    add(announce.conversation(dialogues))  # first: while it runs, its steps take the user's input
    add(newevent.conversation(dialogues))  # before /cancel, the catch-all button and ask.ask
    add(translate.conversation(dialogues))
    add(gaps.conversation(dialogues))
    add(articles.conversation(dialogues))
    staff_chat = application.bot_data[KEY].settings.staff_chat
    if staff_chat is not None:
        threaded = filters.IS_TOPIC_MESSAGE | filters.REPLY
        in_thread = filters.Chat(staff_chat) & filters.TEXT & threaded
        application.add_handler(MessageHandler(in_thread, _in_staff_chat), group=STAFF_GROUP)
    add(CommandHandler("start", start.start))
    add(CommandHandler("help", help.show_help))
    add(CommandHandler("language", language.language))
    for kind in LISTS:
        add(CommandHandler(kind.name, browse.list_command(kind.name)))
    add(CommandHandler("subscribe", subscribe.subscribe, private))
    add(CommandHandler("unsubscribe", subscribe.unsubscribe, private))
    add(CommandHandler("reminders", reminders.my_reminders, private))
    add(CommandHandler("mydata", privacy.my_data, private))
    add(CommandHandler("forget", privacy.forget, private))
    add(CallbackQueryHandler(privacy.confirm, pattern=rf"^{privacy.PREFIX}(yes|no)$"))
    add(CommandHandler("myid", staff.my_id))
    add(CommandHandler("staff", staff.list_staff, private))
    add(CommandHandler("scheduled", scheduled.scheduled, private))
    add(CommandHandler("gaps", gaps.show, private))
    add(CommandHandler("articles", articles.listing, private))
    add(CommandHandler("stats", stats.show, private))
    add(CallbackQueryHandler(stats.show, pattern=rf"^{stats.PREFIX}\d+$"))
    add(CallbackQueryHandler(articles.remove, pattern=rf"^{articles.PREFIX}rm:\d+$"))
    add(CallbackQueryHandler(gaps.dismiss, pattern=rf"^{gaps.PREFIX}dismiss:\d+$"))
    add(CallbackQueryHandler(scheduled.cancel, pattern=rf"^{scheduled.PREFIX}\d+$"))
    add(CommandHandler("addstaff", staff.add_staff, private))
    add(CommandHandler("removestaff", staff.remove_staff, private))
    add(CommandHandler(help.PRIVATE_ONLY, help.in_private_only, filters.ChatType.GROUPS))
    add(CommandHandler("cancel", announce.nothing_to_cancel))
    add(CallbackQueryHandler(subscribe.toggle, pattern=r"^sub:"))
    add(ChatMemberHandler(subscribe.membership, ChatMemberHandler.MY_CHAT_MEMBER))
    add(CallbackQueryHandler(language.choose, pattern=r"^lang:"))
    add(CallbackQueryHandler(help.show_help, pattern=r"^help$"))
    names = "|".join(kind.name for kind in LISTS)
    codes = "".join(kind.code for kind in LISTS)
    narrowed = "".join(kind.code for kind in LISTS if kind.filterable)
    listing = rf"^list:({names}):\d+(:[A-Z]{{0,2}}\d{{0,4}})?$"
    add(CallbackQueryHandler(browse.turn_page, pattern=listing))
    filtering = rf"^f[cm]:[{narrowed}]:([A-Z]{{2}})?(\d{{4}})?$"
    add(CallbackQueryHandler(browse.choose_filter, pattern=filtering))
    add(CallbackQueryHandler(browse.open_card, pattern=r"^card:"))
    add(CallbackQueryHandler(browse.open_card_in_list, pattern=rf"^c:[{codes}]\d+(\.\w*)?:"))
    add(CallbackQueryHandler(calendar.add_to_calendar, pattern=r"^ics:"))
    add(CallbackQueryHandler(calendar.remind_me, pattern=r"^remind:"))
    add(CallbackQueryHandler(reminders.my_reminders, pattern=r"^myreminders$"))
    add(CallbackQueryHandler(reminders.cancel, pattern=rf"^{reminders.PREFIX}"))
    add(CallbackQueryHandler(ask.read_passage, pattern=r"^full:\d+$"))
    add(CallbackQueryHandler(feedback.vote, pattern=r"^vote:\d+:-?1$"))
    add(CallbackQueryHandler(handoff.offer, pattern=rf"^{ASK_PERSON}\d+$"))
    add(CommandHandler("contact", handoff.contact, private))
    add(CallbackQueryHandler(_noop))
    add(InlineQueryHandler(inline.inline_query))
    add(MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE, ask.ask))
    add(MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.GROUPS, ask.in_group))
    add(MessageHandler(filters.ChatType.PRIVATE & ~filters.TEXT, media.not_text))
    add(MessageHandler(filters.ChatType.PRIVATE & filters.COMMAND, help.unknown_command))
    application.add_error_handler(on_error)


def build_application(
    settings: Settings,
    assistant: Assistant | None = None,
    *,
    clock: Callable[[], datetime] = wall,
) -> Application:
    """The bot, wired to the core; raises NotConfigured when there is no token to run with."""
    if settings.telegram_bot_token is None:
        raise NotConfigured(
            "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and put its token "
            "in the environment or .env"
        )
    base = settings.telegram_api_base_url
    assistant = assistant or Assistant(settings, background=True)
    dialogues = Dialogues(ConversationStore(assistant.sessions))

    async def post_init(application: Application) -> None:
        # Loaded (or ingested), and answering's lexicons read, before the first user waits.
        await asyncio.to_thread(assistant.warm_up)
        # Drafts nobody came back to.
        await asyncio.to_thread(dialogues.store.forget_expired, wall())
        contact = settings.staff_chat is not None
        await publish_command_menus(application, settings.default_lang, contact=contact)
        await publish_profile(application, settings.default_lang)
        for member in await asyncio.to_thread(services.staff.members):
            person = await asyncio.to_thread(services.users.get, member.user_id)
            await show_staff_menu(application.bot, person, member.user_id, settings.default_lang)
        # The outbox loop runs beside the update handlers for the life of the bot; it
        # resumes whatever a previous run left pending. Deployments that give delivery to
        # `reformbot worker` switch it off here.
        if settings.delivery:
            dispatcher.start()

    async def post_stop(_application: Application) -> None:
        await dispatcher.stop()
        await asyncio.to_thread(assistant.wait_for_refresh)

    application = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(f"{base}/bot")
        .base_file_url(f"{base}/file/bot")
        .concurrent_updates(OnePerPerson(CONCURRENT_UPDATES, dialogues.prepared))
        .post_init(post_init)
        .post_stop(post_stop)
        .build()
    )
    dispatcher = Dispatcher(
        assistant, TelegramTransport(application.bot), settings=settings, clock=clock
    )
    application.bot_data[KEY] = services = Services(
        settings,
        assistant,
        UserStore(assistant.sessions, settings.questions_kept),
        clock,
        StaffStore(assistant.sessions, settings.admins),
        SubscriptionStore(assistant.sessions, settings.default_lang),
        dispatcher,
        HandoffStore(assistant.sessions),
    )
    register(application, dialogues)
    return application


log = logging.getLogger(__name__)


def work(settings: Settings) -> None:
    """``reformbot worker``: only the delivery side (announcements, event notices,
    reminders), for deployments that keep it apart from the processes answering users. Any
    number may run beside bot replicas; the outbox's row locks keep them from sending twice."""
    if settings.telegram_bot_token is None:
        build_application(settings)  # raises NotConfigured with the explanation
    asyncio.run(_work(settings))


async def _work(settings: Settings) -> None:
    await _check_token(settings)
    assistant = Assistant(settings, background=True)
    await asyncio.to_thread(assistant.knowledge)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    base = settings.telegram_api_base_url
    token = settings.telegram_bot_token.get_secret_value()
    async with Bot(token, base_url=f"{base}/bot", base_file_url=f"{base}/file/bot") as bot:
        dispatcher = Dispatcher(assistant, TelegramTransport(bot), settings=settings)
        dispatcher.start()
        log.info("worker started: delivering announcements and reminders")
        await stop.wait()
        await dispatcher.stop()
    log.info("worker stopped")


def run(settings: Settings, *, webhook: bool) -> None:
    """Serve until interrupted: long polling, or a webhook server checking the secret token."""
    if webhook and (not settings.webhook_url or settings.webhook_secret is None):
        raise NotConfigured(
            "webhook mode needs REFORMBOT_WEBHOOK_URL (the public HTTPS URL) and "
            "REFORMBOT_WEBHOOK_SECRET"
        )
    application = build_application(settings)
    asyncio.run(_check_token(settings))
    if not webhook:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
        return
    path = settings.webhook_url.split("://", 1)[1].partition("/")[2]
    application.run_webhook(
        listen=settings.webhook_listen,
        port=settings.webhook_port,
        url_path=path,
        webhook_url=settings.webhook_url,
        secret_token=settings.webhook_secret.get_secret_value(),
        allowed_updates=Update.ALL_TYPES,
    )


async def _check_token(settings: Settings) -> None:
    """Ask the Bot API who we are before starting, so a refused token or an unreachable server
    is one line for the operator rather than PTB's start-up traceback."""
    base = settings.telegram_api_base_url
    token = settings.telegram_bot_token.get_secret_value()
    try:
        async with Bot(token, base_url=f"{base}/bot") as bot:
            await bot.get_me()
    except InvalidToken:
        raise NotConfigured(
            f"{base} refused TELEGRAM_BOT_TOKEN: check it with @BotFather (/token)"
        ) from None
    except NetworkError as exc:
        raise NotConfigured(f"cannot reach the Bot API at {base}: {exc.message}") from None
