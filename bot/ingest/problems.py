"""Errors that point at a file and line, so staff can fix their content."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    message: str
    warning: bool = False  # reported, but the file is ingested all the same

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class IngestError(Exception):
    """Raised with every problem found, after reading all files, before writing any row."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))

    def __reduce__(self) -> tuple[type[IngestError], tuple[list[Problem]]]:
        # Raised in the process that ingests for a running bot, and read in the bot's.
        return IngestError, (self.problems,)
