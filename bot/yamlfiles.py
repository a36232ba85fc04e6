"""The project's own data files (glossary, thesaurus, intents, asks, roles, smalltalk), read
through libyaml's C parser where PyYAML was built with it.

They hold thousands of terms: the pure-Python parser took 0.6 s of the first question's wait
after a start. Files staff write (records, front matter) keep the pure-Python parser
(``bot.ingest.yamltext``): it points at the line a mistake is on, libyaml at where it noticed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    """A data file of the project's own (UTF-8, trusted shape)."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
