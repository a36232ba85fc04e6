"""The README's example of /stats, made by the bot's own code: the dev questions and the
blind Azerbaijani/Armenian ones asked over a week by a few dozen people in a temporary
database, some votes and subscriptions, then the picture and its caption as /stats sends them.

    uv run python bench/stats_example.py [--write]

``--write`` saves the picture as docs/stats-example.png and the caption into README.md
(between the stats-example markers); without it the caption is printed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.assistant import Assistant
from bot.settings import PROJECT_ROOT, Settings
from bot.stats import compute, summary
from bot.stats_chart import png
from bot.subscriptions import TOPICS, SubscriptionStore
from bot.users import UserStore

QUESTIONS = [
    PROJECT_ROOT / "tests" / "data" / "dev.jsonl",
    PROJECT_ROOT / "bench" / "questions" / "added" / "azhy-tune.jsonl",
]
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
PEOPLE = 40
README = PROJECT_ROOT / "README.md"
BEGIN, END = "<!-- stats-example: begin -->", "<!-- stats-example: end -->"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings(data_dir=Path(scratch), _env_file=None, timezone="Asia/Tbilisi")
        assistant = Assistant(settings)
        users = UserStore(assistant.sessions)
        subscriptions = SubscriptionStore(assistant.sessions, settings.default_lang)
        lines = [json.loads(line) for path in QUESTIONS for line in path.open(encoding="utf-8")]
        for number, line in enumerate(lines):
            person = 1000 + number % PEOPLE
            when = NOW - timedelta(days=number % 7, hours=number % 9)
            users.seen(person, person, first_name="", language_code=line["lang"], now=when)
            exchange = users.record_exchange(person, line["q"], assistant.ask(line["q"]), when)
            if number % 5 == 0:
                users.vote(exchange, person, -1 if number % 15 == 0 else 1, when)
            if number % 3 == 0:
                subscriptions.subscribe(person, [TOPICS[number % len(TOPICS)]], now=when)
        figures = compute(assistant.sessions, NOW, 7, settings.zone, "en")
    caption = summary(figures, "en")
    if not args.write:
        print(caption)
        return 0
    (PROJECT_ROOT / "docs").mkdir(exist_ok=True)
    (PROJECT_ROOT / "docs" / "stats-example.png").write_bytes(png(figures, "en"))
    text = README.read_text(encoding="utf-8")
    start, stop = text.index(BEGIN) + len(BEGIN), text.index(END)
    README.write_text(f"{text[:start]}\n```\n{caption}\n```\n{text[stop:]}", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
