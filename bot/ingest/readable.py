"""What the knowledge readers read: a file of the directory, or a file kept in the database.

Files published through the bot live in the database (bot.content); the readers of articles
and records read them exactly as they read the directory's files, through the few methods of
``pathlib.Path`` they use.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, Protocol


class Readable(Protocol):
    @property
    def suffix(self) -> str: ...

    @property
    def stem(self) -> str: ...

    def read_text(self, encoding: str = ...) -> str: ...

    def open(self, mode: str = ..., buffering: int = ..., encoding: str = ...) -> IO[str]: ...


@dataclass(frozen=True)
class StoredText:
    """A file published through the bot, with the path it has in the knowledge tree."""

    rel: str
    body: str

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.rel).suffix

    @property
    def stem(self) -> str:
        return PurePosixPath(self.rel).stem

    def read_text(self, encoding: str = "utf-8") -> str:
        return self.body

    def open(self, mode: str = "r", buffering: int = -1, encoding: str = "utf-8") -> IO[str]:
        return io.StringIO(self.body)
