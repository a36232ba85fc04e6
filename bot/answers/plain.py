"""An answer as plain text: what ``reformbot ask`` prints and the JSON ``text`` field holds."""

from __future__ import annotations

from bot.answers import Answer, Section


def _section(section: Section) -> str:
    match section.kind:
        case "item":
            return "\n".join([f"• {section.text}", *(f"  {line}" for line in section.lines)])
        case "quote":
            return "\n".join([section.text, *(f"“{line}”" for line in section.lines)])
        case "source":
            return "\n".join([section.text, *section.lines])
    return section.text


def to_plain_text(answer: Answer) -> str:
    return "\n\n".join(_section(s) for s in answer.sections)
