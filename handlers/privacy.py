"""/mydata shows what the bot keeps about the person asking; /forget deletes it, after asking."""

from __future__ import annotations

import asyncio
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.i18n import translations
from bot.i18n.formatting import format_day, format_number
from bot.subscriptions import topic_label
from bot.users import Profile
from handlers.render import LANGUAGE_NAMES
from handlers.send import patiently, send_html
from handlers.services import services, user_lang

PREFIX = "forget:"


def profile_lines(profile: Profile, lang: str) -> list[str]:
    """The stored facts, one line each, in the reader's language."""
    _ = translations(lang).gettext
    if profile.lang:
        language = _("Language: {language} (chosen with /language)").format(
            language=LANGUAGE_NAMES[profile.lang]
        )
    else:
        language = _("Language: that of your Telegram app ({language})").format(
            language=profile.language_code or "-"
        )
    topics = ", ".join(topic_label(t, lang) for t in profile.topics)
    return [
        _("Name: {name}").format(name=profile.first_name or "-"),
        language,
        _("Subscriptions: {topics}").format(topics=topics) if topics else _("Subscriptions: none"),
        _("Reminders: {count}").format(count=format_number(profile.reminders, lang)),
        _("Questions kept: {count}, with a vote: {votes}").format(
            count=format_number(profile.questions, lang), votes=format_number(profile.votes, lang)
        ),
        _("First message: {date}").format(date=format_day(profile.since, lang)),
        *(
            [
                _("Conversations with the programme team: {count}").format(
                    count=format_number(profile.handoffs, lang)
                )
            ]
            if profile.handoffs
            else []
        ),
    ]


async def my_data(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    lang = await user_lang(update, context)
    _ = translations(lang).gettext
    # user_lang has stored the person (as any message does), so there is a profile to show.
    profile = await asyncio.to_thread(services(context).users.profile, update.effective_user.id)
    if profile is None:
        return
    heading = _("What I keep about you")
    lines = [f"<b>{escape(heading)}</b>"]
    lines += [f"• {escape(line)}" for line in profile_lines(profile, lang)]
    lines.append(escape(_("Send /forget to delete all of it.")))
    await send_html(context, update.effective_chat.id, "\n".join(lines))


async def forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask first: deleting cannot be undone."""
    lang = await user_lang(update, context)
    _ = translations(lang).gettext
    question = _(
        "Delete everything I keep about you: your name, questions, votes, subscriptions and"
        " reminders? This cannot be undone."
    )
    buttons = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(_("Delete my data"), callback_data=PREFIX + "yes"),
                InlineKeyboardButton(_("Keep it"), callback_data=PREFIX + "no"),
            ]
        ]
    )
    await send_html(context, update.effective_chat.id, escape(question), buttons)


async def confirm(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The answer to /forget. The language is read before deleting: afterwards the person's
    choice of language is gone too."""
    query = update.callback_query
    lang = await user_lang(update, context)
    _ = translations(lang).gettext
    await patiently(query.answer)
    await patiently(lambda: query.edit_message_reply_markup(None))
    if query.data == PREFIX + "yes":
        await asyncio.to_thread(services(context).users.forget, update.effective_user.id)
        text = _("Done: everything I kept about you is deleted.")
    else:
        text = _("Nothing was deleted.")
    await send_html(context, update.effective_chat.id, escape(text))
