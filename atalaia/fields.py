"""Field types shared by the config files, each validated the same way everywhere."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BeforeValidator

from atalaia.durations import parse_duration


def check_http_url(value: str) -> str:
    """`value`, when it is an absolute http(s) URL; ValueError otherwise."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("not an http(s) URL")
    return value


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown timezone {value!r} (use an IANA name such as America/Sao_Paulo)"
        ) from None
    return value


def _duration(value: str) -> str:
    parse_duration(value)
    return value


HttpUrl = Annotated[str, AfterValidator(check_http_url)]
"""An absolute http(s) URL."""

Timezone = Annotated[str, AfterValidator(_timezone)]
"""An IANA timezone name, such as America/Sao_Paulo."""

Duration = Annotated[str, AfterValidator(_duration)]
"""A duration as users write it: 30s, 5m, 2h, 1d."""


def _positive(seconds: float) -> float:
    if seconds <= 0:
        raise ValueError("must be more than zero")
    return seconds


Seconds = Annotated[float, BeforeValidator(parse_duration)]
"""A duration given as users write it (30s, 5m, 2h, 1d) or in seconds, held in seconds."""

PositiveSeconds = Annotated[float, BeforeValidator(parse_duration), AfterValidator(_positive)]
"""Seconds, more than zero."""
