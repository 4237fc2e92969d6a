"""Dates as Portuguese-language outlets write them.

`parse_date` reads machine dates (RFC 822 with Portuguese or English names, ISO
8601) and the human forms printed on pages ("24/09/2018 19h51",
"21.dez.2018 às 12h55", "11 de outubro de 2020, 8:34"). A date without an offset
gets the outlet's timezone (an IANA name), so Brazilian summer time before 2019
comes out right. `reconcile` fixes a machine date whose offset is mislabelled by
comparing it with the wall-clock time shown on the page.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from crawler.extraction.errors import DateError

_MONTHS = {
    "jan": 1, "fev": 2, "feb": 2, "mar": 3, "abr": 4, "apr": 4, "mai": 5, "may": 5,
    "jun": 6, "jul": 7, "ago": 8, "aug": 8, "set": 9, "sep": 9, "out": 10, "oct": 10,
    "nov": 11, "dez": 12, "dec": 12,
}  # fmt: skip

_ZONES = {
    "z": 0, "ut": 0, "utc": 0, "gmt": 0, "wet": 0, "west": 60, "bst": 60, "cet": 60,
    "cest": 120, "brt": -180, "brst": -120, "amt": -240, "est": -300, "edt": -240,
    "cst": -360, "cdt": -300, "mst": -420, "mdt": -360, "pst": -480, "pdt": -420,
    "wat": 60, "cat": 120,
}  # fmt: skip

_OFFSET = r"(?P<tz>z|[+-]\d{2}(?::?\d{2})?|[a-z]{1,5})?"
_TIME = r"(?P<H>\d{1,2})\s*(?:h|:)\s*(?P<M>\d{2})(?:\s*(?::|m)\s*(?P<S>\d{2}))?(?:\s*s)?"
_MONTH_WORD = r"(?P<mon>[a-z]{3,9})"
_SEP = r"(?:\s*(?:,|-|–|—|\||as|a\s+s|at|T)?\s*)"

_ISO = re.compile(
    r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[t\s]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?\s*"
    r"(?P<tz>z|[+-]\d{2}(?::?\d{2})?|utc|gmt)?)?$"
)
_COMPACT_ISO = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?:t(?P<H>\d{2})(?P<M>\d{2}))?")
_RFC822 = re.compile(
    r"^(?:[a-z]{3,}\.?,?\s+)?(?P<d>\d{1,2})[\s-]+" + _MONTH_WORD + r"\.?[\s-]+(?P<y>\d{4})"
    r"(?:\s+" + _TIME + r")?\s*" + _OFFSET + r"$"
)
_NUMERIC = re.compile(
    r"(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})(?:" + _SEP + _TIME + r")?"
)
_WORDY = re.compile(
    r"(?P<d>\d{1,2})(?:\s*(?:de|\.|-)\s*|\s+)" + _MONTH_WORD
    + r"\.?(?:\s*(?:de|\.|-|,)\s*|\s+)(?P<y>\d{4})(?:" + _SEP + _TIME + r")?"
)  # fmt: skip
_ENGLISH = re.compile(
    _MONTH_WORD + r"\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})(?:" + _SEP + _TIME + r")?"
)


@dataclass(frozen=True, slots=True)
class WallClock:
    """A date as written: the local wall-clock reading and the offset, if any was given."""

    moment: datetime  # naive
    offset: timedelta | None
    has_time: bool


def outlet_zone(name: str) -> tzinfo:
    """The tzinfo for an IANA name; unknown or empty names mean UTC."""
    return _zone(name or "UTC")


@cache
def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def read_wall_clock(text: str) -> WallClock:
    """Read `text` into its wall-clock reading without interpreting the offset."""
    cleaned = _simplify(text)
    for reader in (_read_iso, _read_rfc822, _read_numeric, _read_wordy, _read_english):
        found = reader(cleaned)
        if found is not None:
            return found
    raise DateError(text)


def parse_date(text: str, timezone_name: str = "UTC") -> datetime:
    """An aware datetime for `text`; dates without an offset are in `timezone_name`.

    Raises `DateError` when `text` is not a date.
    """
    return localise(read_wall_clock(text), timezone_name)


def parse_date_or_none(text: str | None, timezone_name: str = "UTC") -> datetime | None:
    """`parse_date`, or None for empty or unreadable text."""
    if not text or not text.strip():
        return None
    try:
        return parse_date(text, timezone_name)
    except DateError:
        return None


def localise(clock: WallClock, timezone_name: str) -> datetime:
    """Attach the written offset, or the outlet's zone when none was written."""
    if clock.offset is not None:
        return clock.moment.replace(tzinfo=timezone(clock.offset))
    return clock.moment.replace(tzinfo=outlet_zone(timezone_name))


def reconcile(machine: datetime, shown: WallClock, timezone_name: str) -> datetime:
    """Correct a machine date whose offset is mislabelled, using the time shown on the page.

    Tries, in order: the machine date as given; its wall clock in the outlet's zone
    (local time labelled `Z`/GMT); its wall clock as UTC (UTC labelled with the local
    offset). The first whose local wall clock equals the shown time (to the minute)
    wins. When none agrees, or the page shows no time of day, the machine date is
    trusted. The result is expressed in the outlet's zone.
    """
    zone = outlet_zone(timezone_name)
    if not shown.has_time:
        return machine.astimezone(zone)
    wall = machine.replace(tzinfo=None)
    for candidate in (machine, wall.replace(tzinfo=zone), wall.replace(tzinfo=UTC)):
        local = candidate.astimezone(zone).replace(tzinfo=None)
        if _same_minute(local, shown.moment):
            return candidate.astimezone(zone)
    return machine.astimezone(zone)


def _same_minute(a: datetime, b: datetime) -> bool:
    return a.replace(second=0, microsecond=0) == b.replace(second=0, microsecond=0)


def _simplify(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", ascii_text)


def _offset(token: str | None) -> timedelta | None:
    if not token:
        return None
    if token in _ZONES:
        return timedelta(minutes=_ZONES[token])
    match = re.fullmatch(r"([+-])(\d{2}):?(\d{2})?", token)
    if match is None:
        raise ValueError(token)
    minutes = int(match.group(2)) * 60 + int(match.group(3) or 0)
    if minutes > 18 * 60:
        raise ValueError(token)
    return timedelta(minutes=-minutes if match.group(1) == "-" else minutes)


def _month(word: str) -> int:
    return _MONTHS[word[:3]]


def _build(groups: dict[str, str | None], month: int, tz_token: str | None = None) -> WallClock:
    moment = datetime(
        int(groups["y"] or 0),
        month,
        int(groups["d"] or 0),
        int(groups.get("H") or 0),
        int(groups.get("M") or 0),
        int(groups.get("S") or 0),
    )
    return WallClock(moment, _offset(tz_token), groups.get("H") is not None)


def _attempt(match: re.Match[str] | None, month_key: str) -> WallClock | None:
    if match is None:
        return None
    groups = match.groupdict()
    try:
        month = _month(groups["mon"] or "") if month_key == "mon" else int(groups["m"] or 0)
        return _build(groups, month, groups.get("tz"))
    except (KeyError, ValueError):
        return None


def _read_iso(text: str) -> WallClock | None:
    found = _attempt(_ISO.match(text), "m")
    if found is None:
        found = _attempt(_COMPACT_ISO.fullmatch(text), "m")
    return found


def _read_rfc822(text: str) -> WallClock | None:
    return _attempt(_RFC822.match(text), "mon")


def _read_numeric(text: str) -> WallClock | None:
    return _attempt(_NUMERIC.search(text), "m")


def _read_wordy(text: str) -> WallClock | None:
    return _attempt(_WORDY.search(text), "mon")


def _read_english(text: str) -> WallClock | None:
    return _attempt(_ENGLISH.search(text), "mon")
