"""How times, spans and states read on the web pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo


def offset_of(moment: datetime) -> str:
    """`-03:00`, with a real minus sign."""
    text = moment.strftime("%z")
    if not text:
        return ""
    return f"{text[0].replace('-', '−')}{text[1:3]}:{text[3:]}"


def local(moment: datetime | None, zone: ZoneInfo, language: str) -> str:
    """The reader's time, e.g. `15/07/2025 14:09` (pt) or `2025-07-15 14:09` (en)."""
    if moment is None:
        return ""
    there = moment.astimezone(zone)
    return there.strftime("%d/%m/%Y %H:%M" if language == "pt" else "%Y-%m-%d %H:%M")


def short(moment: datetime, zone: ZoneInfo, language: str, now: datetime) -> str:
    """Today's times as `14:09`, others with their day: `15/07 14:09`."""
    there, today = moment.astimezone(zone), now.astimezone(zone)
    if there.date() == today.date():
        return there.strftime("%H:%M")
    if there.year == today.year:
        return there.strftime("%d/%m %H:%M" if language == "pt" else "%b %d, %H:%M")
    return local(moment, zone, language)


def as_published(moment: datetime | None, language: str) -> str:
    """An article's own time, in its own offset: `15/07/2025 14:09 −03:00`."""
    if moment is None:
        return ""
    pattern = "%d/%m/%Y %H:%M" if language == "pt" else "%Y-%m-%d %H:%M"
    return f"{moment.strftime(pattern)} {offset_of(moment)}".strip()


def span(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}min"
    if seconds < 86400:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}"
    return f"{seconds // 86400}d{seconds % 86400 // 3600:02d}h"


def ago(moment: float | None, now: float, t: Callable[..., str]) -> str:
    return t("never") if moment is None else t("ago", span=span(now - moment))


def until(moment: float | None, now: float, t: Callable[..., str]) -> str:
    if moment is None:
        return "–"
    return t("due") if moment <= now else t("in", span=span(moment - now))
