"""Reading a date and time that a staff member typed, in the zone they work in."""

from __future__ import annotations

import re
from datetime import datetime, tzinfo

# What people type: 2026-12-01 09:00, 2026-12-01T09:00, 01.12.2026 09:00.
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2})[:.](\d{2})$")
_DOTTED = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4}),? (\d{1,2})[:.](\d{2})$")


def parse_moment(text: str, zone: tzinfo) -> datetime:
    """``2026-12-01 09:00`` (or ``01.12.2026 09:00``) in ``zone``; ValueError otherwise."""
    value = " ".join(text.split())
    if m := _ISO.match(value):
        year, month, day, hour, minute = (int(g) for g in m.groups())
    elif m := _DOTTED.match(value):
        day, month, year, hour, minute = (int(g) for g in m.groups())
    else:
        raise ValueError(f"not a date and time: {text!r}")
    return datetime(year, month, day, hour, minute, tzinfo=zone)
