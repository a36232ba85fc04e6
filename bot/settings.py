"""One typed Settings object, read once from the environment and ``.env``, then passed in.

No other module reads ``os.environ``: tests and the command line build a Settings and hand it
to whatever needs it, so two configurations can live side by side in one process.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.text.detect import SUPPORTED

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Every setting the core knows; the README's "Settings" table lists the same names."""

    model_config = SettingsConfigDict(
        env_prefix="REFORMBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Field(
        default=PROJECT_ROOT / "data",
        description="Where the default SQLite database lives.",
    )
    knowledge_dir: Path = Field(
        default=PROJECT_ROOT / "knowledge",
        description="The content directory: articles/ and records/.",
    )
    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_URL", "REFORMBOT_DATABASE_URL"),
        description="SQLAlchemy URL; default: a SQLite file in data_dir.",
    )
    default_lang: str = Field(
        default="en", description="Reply language when a question's language is unclear."
    )

    @field_validator("default_lang")
    @classmethod
    def _supported(cls, value: str) -> str:
        if value not in SUPPORTED:
            raise ValueError(f"must be one of {', '.join(SUPPORTED)}")
        return value

    @property
    def effective_database_url(self) -> str:
        """DATABASE_URL when given, else the SQLite file under data_dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'reformbot.sqlite3').resolve()}"
