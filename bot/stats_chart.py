"""The /stats picture: the figures of bot.stats drawn with matplotlib, labelled in the
reader's language (titles from the catalogs, days and numbers from CLDR)."""

from __future__ import annotations

import io

from babel.dates import format_skeleton
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.i18n import babel_locale, translations
from bot.i18n.formatting import format_share
from bot.languages import BY_TAG
from bot.stats import TOP_TOPICS, Stats, period, topic_label
from bot.subscriptions import topic_label as topic_label_of


def png(stats: Stats, lang: str) -> bytes:
    """Four panels: questions per day by language, answered and votes, the topics asked
    about most, subscribers by topic and language; the period above."""
    _ = translations(lang).gettext
    locale = babel_locale(lang)
    # A Figure of its own, not pyplot's global state: handlers draw on worker threads.
    figure = Figure(figsize=(11, 8), layout="constrained")
    (per_day, outcome), (topics, subscribers) = figure.subplots(2, 2)
    days = sorted(stats.asked)
    languages = sorted(stats.by_language())
    bottom = [0] * len(days)
    for code in languages:
        counts = [stats.asked[day][code] for day in days]
        per_day.bar(range(len(days)), counts, bottom=bottom, label=BY_TAG[code].name)
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    step = max(1, len(days) // 10)
    per_day.set_xticks(range(0, len(days), step))
    per_day.set_xticklabels([format_skeleton("MMMd", d, locale=locale) for d in days][::step])
    per_day.set_title(_("Questions per day, by language"))
    if languages:
        # Room above the bars for the legend, so it covers no day.
        per_day.set_ylim(0, max(bottom) * 1.4 + 1)
        per_day.legend(fontsize="x-small", loc="upper left", ncols=4)

    unanswered = stats.questions - stats.answered
    labels = [_("answered"), _("not answered"), _("liked"), _("disliked")]
    outcome.bar(labels[:2], [stats.answered, unanswered], color=["#4c9a2a", "#c0392b"])
    outcome.bar(labels[2:], [stats.likes, stats.dislikes], color=["#2e86c1", "#884ea0"])
    outcome.set_title(
        _("Answered: {share}").format(share=format_share(stats.answered_share, lang))
    )

    common = stats.topics.most_common(TOP_TOPICS)[::-1]
    topics.barh([topic_label(t, lang) for t, _n in common], [n for _t, n in common])
    topics.set_title(_("Most asked about"))

    kinds = sorted(stats.subscribers)
    left = [0] * len(kinds)
    for code in sorted({c for langs in stats.subscribers.values() for c in langs}):
        counts = [stats.subscribers[k][code] for k in kinds]
        names = [topic_label_of(kind, lang) for kind in kinds]
        subscribers.barh(names, counts, left=left, label=BY_TAG[code].name)
        left = [a + b for a, b in zip(left, counts, strict=True)]
    subscribers.set_title(_("Subscribers by topic and language"))
    if kinds:
        subscribers.legend(fontsize="small")

    for axes, counted in ((per_day, "y"), (outcome, "y"), (topics, "x"), (subscribers, "x")):
        (axes.yaxis if counted == "y" else axes.xaxis).set_major_locator(MaxNLocator(integer=True))
    if not stats.topics:
        _nothing(topics, _("Nothing asked yet."))
    if not kinds:
        _nothing(subscribers, _("No subscribers yet."))
    figure.suptitle(period(stats, lang))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


def _nothing(axes: Axes, said: str) -> None:
    axes.set_xticks([])
    axes.set_yticks([])
    axes.text(0.5, 0.5, said, ha="center", va="center", transform=axes.transAxes)
