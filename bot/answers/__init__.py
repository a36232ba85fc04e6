"""Answers as channel-neutral data: localized sections plus the facts other tools read.

A composer fills an :class:`Answer` with text already in the reply language; a renderer (plain
text here, Telegram HTML in ``handlers``) only decides how each kind of section looks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

SectionKind = Literal["heading", "text", "item", "quote", "source"]


@dataclass(frozen=True)
class Section:
    kind: SectionKind
    text: str
    lines: tuple[str, ...] = ()  # an item's details, a quote's body
    ref: str | None = None  # the record id an item shows


@dataclass(frozen=True)
class SourceRef:
    id: str
    title: str
    path: str
    lang: str
    score: float


@dataclass(frozen=True)
class EventRef:
    id: str
    title: str
    start: str  # ISO 8601 with offset


@dataclass
class Answer:
    lang: str
    intent: str
    answered: bool
    sections: list[Section] = field(default_factory=list)
    sources: list[SourceRef] = field(default_factory=list)
    events: list[EventRef] = field(default_factory=list)
    # How the answer was reached, step by step (``reformbot ask --explain``); not for users.
    explain: list[str] = field(default_factory=list)
