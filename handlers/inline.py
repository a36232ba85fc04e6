"""Inline mode: ``@bot question`` in any chat offers the answer and matching events to share;
an empty query offers the upcoming events."""

from __future__ import annotations

import asyncio

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.answers import Answer
from bot.catalog import card, find_record, page
from bot.records import ProjectRecord
from handlers.render import answer_html, card_html
from handlers.send import patiently
from handlers.services import Services, services, user_languages

MAX_QUERY = 256  # Telegram's own limit for inline queries
MAX_RESULTS = 10
CACHE_SECONDS = 30


def _event_result(record: ProjectRecord, lang: str, svc: Services) -> InlineQueryResultArticle:
    sections = card(record, lang, svc.zone)
    return InlineQueryResultArticle(
        id=f"e:{record.id}",
        title=record.name[lang][:120],
        description=sections[2].text if len(sections) > 2 else record.summary[lang][:120],
        input_message_content=InputTextMessageContent(
            card_html(sections), parse_mode=ParseMode.HTML
        ),
    )


def _answer_result(question: str, answer: Answer) -> InlineQueryResultArticle:
    first = next((s.text for s in answer.sections if s.kind != "heading"), "")
    return InlineQueryResultArticle(
        id="answer",
        title=question[:120],
        description=first[:120],
        input_message_content=InputTextMessageContent(
            answer_html(answer)[0], parse_mode=ParseMode.HTML
        ),
    )


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offer the answer to what the user typed, and the events it names."""
    query = update.inline_query
    svc = services(context)
    lang, chosen = await user_languages(update, context)
    kb = svc.assistant.knowledge()
    text = query.query.strip()[:MAX_QUERY]
    results: list[InlineQueryResultArticle] = []
    if text:
        answer = await asyncio.to_thread(svc.assistant.ask, text, lang=chosen, now=svc.clock())
        if answer.answered:
            results.append(_answer_result(text, answer))
        events = [find_record(kb, e.id) for e in answer.events]
        results += [_event_result(r, answer.lang, svc) for r in events if r][: MAX_RESULTS - 1]
    else:
        shown = page(kb, "events", 0, svc.clock(), lang, size=MAX_RESULTS)
        results = [_event_result(r, lang, svc) for r in shown.records]
    await patiently(lambda: query.answer(results, cache_time=CACHE_SECONDS, is_personal=True))
