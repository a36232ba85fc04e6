"""What each reader sees for one event, in every reply language: the README's table.

The rows are made by the code readers' messages are made by (the list button's label, the
card's lines), from an event of the shipped knowledge, so the table cannot drift from what the
bot shows: ``--write`` puts it into README.md between its markers, and a test checks that it
is still what this script prints.

    uv run python bench/locale_table.py [--write]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.answers.items import record_details
from bot.assistant import Assistant
from bot.catalog import find_record
from bot.languages import SUPPORTED
from bot.settings import PROJECT_ROOT, Settings
from handlers.render import record_label

EVENT = "gr-innovation-workshop-2021-07-13"
README = PROJECT_ROOT / "README.md"
BEGIN, END = "<!-- locale-table: begin -->", "<!-- locale-table: end -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\u202f", " ").replace("\u2009", " ")


def table(assistant: Assistant) -> str:
    """A Markdown table: per reply language, the list button and the card's first lines."""
    record = find_record(assistant.knowledge(), EVENT)
    if record is None:
        raise SystemExit(f"{EVENT}: no such record in the knowledge")
    rows = ["| Reader | List button | Card: when, where |", "|---|---|---|"]
    for lang in SUPPORTED:
        label = record_label(record.name[lang], record.start.value, lang, record.start.precision)
        when, where = record_details(record, lang)[:2]
        rows.append(f"| `{lang}` | {_cell(label)} | {_cell(when)}<br>{_cell(where)} |")
    return "\n".join(rows)


def write(readme: Path, text: str) -> None:
    """Replace what stands between the README's markers."""
    content = readme.read_text(encoding="utf-8")
    start, end = content.index(BEGIN) + len(BEGIN), content.index(END)
    readme.write_text(f"{content[:start]}\n{text}\n{content[end:]}", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="update README.md in place")
    args = parser.parse_args()
    text = table(Assistant(Settings()))
    if args.write:
        write(README, text)
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
