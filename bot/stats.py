"""What people asked and how the bot did, over the last days: the figures of /stats, of
``reformbot stats --csv`` and of the weekly digest to the staff chat, computed once here so
the three always agree.

Questions are counted per day (in the bot's zone) and language, with the share answered and
the votes, those already deleted past REFORMBOT_QUESTIONS_KEPT included (kept as counts per
UTC day, without their words: they add to the counts, not to the topics). Topics are the
glossary's core concepts the questions use ("training", "workshop", a town); subscribers are
counted per topic and reply language; deliveries are those of announcements, notices and
reminders finished in the period.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_interval
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.answers.quotes import in_reader_script
from bot.clock import utc
from bot.i18n import babel_locale, translations
from bot.i18n.formatting import format_number, format_share
from bot.languages import BY_TAG, LANGUAGES, LEXICON_LANG
from bot.models import Delivery, Exchange, QuestionDay, Subscription, User
from bot.text.analyzer import concept_spans, content_words, default_glossary
from bot.text.glossary import CONCEPT_PREFIX
from bot.users import reply_lang

PERIODS = (7, 30)
TOP_TOPICS = 8


@dataclass
class Stats:
    days: int
    first: date  # the first day counted, in the bot's zone
    last: date
    # day → language → questions asked
    asked: dict[date, Counter[str]] = field(default_factory=dict)
    answered: int = 0
    likes: int = 0
    dislikes: int = 0
    topics: Counter[str] = field(default_factory=Counter)  # concept (no "@") → questions
    subscribers: dict[str, Counter[str]] = field(default_factory=dict)  # topic → lang → people
    deliveries: Counter[str] = field(default_factory=Counter)  # sent, failed, blocked

    @property
    def questions(self) -> int:
        return sum(sum(langs.values()) for langs in self.asked.values())

    @property
    def answered_share(self) -> float:
        return self.answered / self.questions if self.questions else 0.0

    def by_language(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for langs in self.asked.values():
            total.update(langs)
        return total


def compute(
    sessions: sessionmaker[Session], now: datetime, days: int, zone: ZoneInfo | None, default: str
) -> Stats:
    """The figures of the ``days`` days ending today (in ``zone``, UTC without one)."""
    tz = zone or UTC
    last = now.astimezone(tz).date()
    first = last - timedelta(days=days - 1)
    since = utc(datetime.combine(first, datetime.min.time(), tz))
    stats = Stats(days, first, last)
    stats.asked = {first + timedelta(days=n): Counter() for n in range(days)}
    topics = default_glossary().topics
    with sessions() as session:
        rows = session.execute(
            select(
                Exchange.asked_at,
                Exchange.lang,
                Exchange.answered,
                Exchange.vote,
                Exchange.question,
            ).where(Exchange.asked_at >= since)
        )
        for asked_at, lang, answered, vote, question in rows:
            day = asked_at.replace(tzinfo=UTC).astimezone(tz).date()
            if day not in stats.asked:
                continue
            stats.asked[day][lang] += 1
            stats.answered += bool(answered)
            stats.likes += vote == 1
            stats.dislikes += vote == -1
            stats.topics.update(_topics(question, lang, topics))
        counted = session.execute(
            select(QuestionDay).where(QuestionDay.day >= first, QuestionDay.day <= last)
        )
        for (day,) in counted:
            stats.asked[day.day][day.lang] += day.asked
            stats.answered += day.answered
            stats.likes += day.likes
            stats.dislikes += day.dislikes
        people = session.execute(
            select(Subscription.topic, User.lang, User.language_code)
            .join(User, User.id == Subscription.user_id)
            .where(User.blocked.is_(False))
        )
        for topic, chosen, code in people:
            lang = reply_lang(chosen, code, default)
            stats.subscribers.setdefault(topic, Counter())[lang] += 1
        done = session.execute(
            select(Delivery.state, func.count())
            .where(Delivery.done_at >= since, Delivery.state.in_(("sent", "failed", "blocked")))
            .group_by(Delivery.state)
        )
        stats.deliveries.update(dict(done.all()))
    return stats


def _topics(question: str, lang: str, topics: frozenset[str]) -> set[str]:
    found = content_words(question, lang)
    spans = concept_spans([w.stem for w in found])
    return {c.removeprefix(CONCEPT_PREFIX) for _s, _e, c in spans if c in topics}


def as_csv(stats: Stats) -> str:
    """The figures as rows of (section, key, language, value), for a spreadsheet."""
    out = io.StringIO()
    rows = csv.writer(out)
    rows.writerow(["section", "key", "lang", "value"])
    for day, langs in sorted(stats.asked.items()):
        for lang, count in sorted(langs.items()):
            rows.writerow(["questions", day.isoformat(), lang, count])
    rows.writerow(["answered", "questions", "", stats.answered])
    rows.writerow(["answered", "share", "", f"{stats.answered_share:.3f}"])
    rows.writerow(["votes", "up", "", stats.likes])
    rows.writerow(["votes", "down", "", stats.dislikes])
    for topic, count in stats.topics.most_common(TOP_TOPICS):
        rows.writerow(["topics", topic, "", count])
    for topic, langs in sorted(stats.subscribers.items()):
        for lang, count in sorted(langs.items()):
            rows.writerow(["subscribers", topic, lang, count])
    for state in ("sent", "failed", "blocked"):
        rows.writerow(["deliveries", state, "", stats.deliveries[state]])
    return out.getvalue()


def summary(stats: Stats, lang: str) -> str:
    """The figures in a few lines of the reader's language (the picture's caption, the
    weekly digest)."""
    _ = translations(lang).gettext

    def n(value: int) -> str:
        return format_number(value, lang)

    subscribed = sum(sum(langs.values()) for langs in stats.subscribers.values())
    lines = [
        period(stats, lang),
        _("Questions: {count}, answered: {share}").format(
            count=n(stats.questions), share=format_share(stats.answered_share, lang)
        ),
        f"👍 {n(stats.likes)} · 👎 {n(stats.dislikes)}",  # no words to translate
        _("Subscriptions: {count}").format(count=n(subscribed)),
        _("Messages delivered: {sent}, failed: {failed}, blocked: {blocked}").format(
            sent=n(stats.deliveries["sent"]),
            failed=n(stats.deliveries["failed"]),
            blocked=n(stats.deliveries["blocked"]),
        ),
    ]
    if stats.topics:
        common = stats.topics.most_common(TOP_TOPICS // 2)
        top = ", ".join(f"{topic_label(t, lang)} ({n(c)})" for t, c in common)
        lines.append(_("Most asked about: {topics}").format(topics=top))
    return "\n".join(lines)


def period(stats: Stats, lang: str) -> str:
    """The days counted, as the reader's locale writes a span of dates."""
    return format_interval(stats.first, stats.last, "yMMMd", locale=babel_locale(lang))


def topic_label(concept: str, lang: str) -> str:
    """A concept as the glossary names it in the reader's language (else in English)."""
    language = BY_TAG[lang]
    lexicon = language.lexicon or next(
        other.lexicon for other in LANGUAGES if other.rules is language.rules and other.lexicon
    )
    glossary = default_glossary()
    names = glossary.labels.get(CONCEPT_PREFIX + concept, {})
    if lexicon in names:
        label = in_reader_script(names[lexicon], LEXICON_LANG[lexicon], lang)
    else:
        label = names.get("en", concept)
    # Places are names, and the lexicon writes every term in lower case.
    return label[:1].upper() + label[1:] if CONCEPT_PREFIX + concept in glossary.names else label
