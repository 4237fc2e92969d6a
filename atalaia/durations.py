"""Durations as users write them in config files: 30s, 5m, 2h, 1d (at most 3650d)."""

from __future__ import annotations

import math
import re

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
MAX_DURATION = 3650 * 86400.0
"""Ten years: longer is a typo (and overflows timedelta and the scheduler)."""


def parse_duration(text: str | int | float) -> float:
    """Seconds in `text` ("90s", "5m", "1.5h", "30d"; a bare number is seconds)."""
    if isinstance(text, bool):
        raise ValueError(f"not a duration: {text!r}")
    if isinstance(text, int | float):
        if text < 0:
            raise ValueError(f"a duration cannot be negative: {text!r}")
        return _bounded(float(text), text)
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"not a duration: {text!r} (write e.g. 30s, 5m, 2h or 1d)")
    return _bounded(float(match.group(1)) * _UNITS[match.group(2) or "s"], text)


def _bounded(seconds: float, text: str | int | float) -> float:
    if not math.isfinite(seconds) or seconds > MAX_DURATION:
        raise ValueError(f"too long: {text!r} (at most {MAX_DURATION / 86400:.0f}d)")
    return seconds
