"""Rendering answers as Telegram HTML: escaping and splitting long replies."""

from __future__ import annotations

from bot.answers import Answer, Section
from handlers.render import MAX_MESSAGE, answer_html, split_message
from tests.fakegram.html import telegram_length, visible_text


def test_content_is_escaped_and_valid_telegram_html() -> None:
    answer = Answer(
        "en",
        "search",
        True,
        [
            Section("heading", "Laws <2021> & decrees"),
            Section("quote", "From an article in Greek:", ("a < b && c > d",)),
            Section("item", "R&D <unit>", ("When: 2021",)),
            Section("source", "Source: <x> (knowledge/articles/a&b.txt)"),
        ],
    )
    [message] = answer_html(answer)
    shown = visible_text(message)  # raises if Telegram would refuse it
    assert "Laws <2021> & decrees" in shown and "a < b && c > d" in shown


def test_long_reply_is_split_on_paragraph_boundaries_under_the_limit() -> None:
    paragraphs = [f"Paragraph {i}: " + "word " * 150 for i in range(20)]
    answer = Answer("en", "search", True, [Section("text", p.strip()) for p in paragraphs])
    messages = answer_html(answer)
    assert len(messages) > 1
    assert all(telegram_length(m) <= MAX_MESSAGE for m in messages)
    rejoined = "\n\n".join(messages).split("\n\n")
    assert rejoined == [p.strip() for p in paragraphs]  # no paragraph was cut


def test_a_single_paragraph_longer_than_a_message_is_cut_between_words() -> None:
    text = " ".join(f"w{i}" for i in range(3000))
    messages = split_message([text], limit=1000)
    assert all(telegram_length(m) <= 1000 for m in messages)
    assert " ".join(messages).split() == text.split()


def test_emoji_count_twice_towards_the_limit() -> None:
    blocks = ["😀" * 1500, "😀" * 1500]
    messages = split_message(blocks)
    assert len(messages) == 2
