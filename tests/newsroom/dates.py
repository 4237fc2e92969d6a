"""Dates as each outlet writes them, right or wrong."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime

from .text import MONTHS

_PT_DAYS = ("Seg", "Ter", "Qua", "Qui", "Sex", "Sáb", "Dom")
_PT_MONTHS = ("Jan", "Fev", "Mar", "Abr", "Mai", "Jun", "Jul", "Ago", "Set", "Out", "Nov", "Dez")


def rfc822(moment: datetime) -> str:
    """RSS pubDate with the moment's own offset: "Thu, 27 Feb 2025 19:02:00 -0300"."""
    return format_datetime(moment)


def rfc822_portuguese(moment: datetime) -> str:
    """The legacy trap: "Seg, 24 Set 2018 19:51:00 -0300"."""
    english = format_datetime(moment)
    return (
        f"{_PT_DAYS[moment.weekday()]}, {moment.day:02d} {_PT_MONTHS[moment.month - 1]} "
        f"{english.split(' ', 3)[3]}"
    )


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC).replace(microsecond=0), usegmt=True)


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def iso_z(moment: datetime) -> str:
    """UTC in the Zulu form with milliseconds: "2025-02-27T22:02:00.000Z"."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def wall_clock_as_z(local: datetime) -> str:
    """The trap: local wall-clock time marked as UTC."""
    return local.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def utc_wall_clock_as(local: datetime, label: str = "-03:00") -> str:
    """The trap: the UTC wall-clock time labelled with a local offset."""
    return local.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S") + label


def wall_clock_as_gmt(local: datetime) -> str:
    """The Público trap: Lisbon local time as an RFC 1123 date in GMT."""
    return local.replace(tzinfo=UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")


def visible_br(local: datetime, sep: str = " ") -> str:
    """ "27/02/2025 19h02" (sep " - " gives "27/02/2025 - 19h02")."""
    return f"{local:%d/%m/%Y}{sep}{local:%H}h{local:%M}"


def visible_long(local: datetime, capital_month: bool = False) -> str:
    """ "27 de fevereiro de 2025, 19:02" (pt-PT style capitalises: "27 de Fevereiro")."""
    month = MONTHS[local.month - 1]
    if capital_month:
        month = month.capitalize()
    return f"{local.day} de {month} de {local.year}, {local.hour}:{local:%M}"
