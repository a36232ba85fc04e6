"""What a staff member reads about their announcement: the live progress and the final report."""

from __future__ import annotations

from bot.broadcast.outbox import Summary
from bot.i18n import translations
from bot.i18n.formatting import format_number


def report_heading(summary: Summary, lang: str) -> str:
    """The report's first line: how the announcement stands."""
    _ = translations(lang).gettext
    if summary.status == "done":
        heading = _("✅ Announcement #{id} is delivered.")
    elif summary.status == "cancelled":
        heading = _("Announcement #{id} was cancelled.")
    else:
        heading = _("📣 Sending announcement #{id}…")
    return heading.format(id=summary.id)


def progress_text(summary: Summary, lang: str) -> str:
    """Counts while sending; the final report once the announcement is done or cancelled."""
    _ = translations(lang).gettext
    progress = summary.progress

    def n(value: int) -> str:
        return format_number(value, lang)

    lines = [
        report_heading(summary, lang),
        "",
        _("Sent: {count}").format(count=n(progress.counts["sent"])),
        _("Failed: {count}").format(count=n(progress.counts["failed"])),
        _("Blocked the bot: {count}").format(count=n(progress.counts["blocked"])),
    ]
    if summary.status == "sending":
        lines.append(_("Remaining: {count}").format(count=n(progress.remaining)))
    if progress.uncertain:
        lines.append(
            _(
                "{count} may have arrived twice: their send timed out or the bot stopped "
                "while sending, so they were sent again."
            ).format(count=n(progress.uncertain))
        )
    return "\n".join(lines)
