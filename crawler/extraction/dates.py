"""Dates as Portuguese-language outlets write them.

`parse_date` reads one machine date (RFC 822 with Portuguese or English names, ISO
8601, offsets written `-03:00`, `-0300`, `GMT-3`, `BRT`...) or one human date.
`scan_dates` finds every date printed in a line of page text, in the forms
Brazilian and Portuguese sites use:

    25/10/2016 - 16:12:11        25/10/2016 • 14h51        25.10.16 | 18h15
    24/10/2016 18h07 - Atualizado às 19h10               25-10-2016
    Publicado em 5 de março de 2024 às 18h32            Terça, 25 Outubro 2016 18:15
    18 Out. 2016 12:37          5 mar 2024        21.dez.2018 às 12h55
    outubro 23, 2016            2016-10-25 19:57:02      Atualizado há 2 horas

each with the label written before it ("Publicado em", "Atualizado às"). A date
without an offset gets the outlet's timezone (an IANA name), so Brazilian summer
time before 2019 comes out right. `reconcile` checks a machine date against the
wall-clock time shown on the page.
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
    "cest": 120, "brt": -180, "brst": -120, "amt": -240, "amst": -180, "act": -300,
    "fnt": -120, "est": -300, "edt": -240, "cst": -360, "cdt": -300, "mst": -420,
    "mdt": -360, "pst": -480, "pdt": -420, "wat": 60, "cat": 120, "azot": -60,
    "azost": 0, "cvt": -60,
}  # fmt: skip
_NAMED_ZONES = {
    "brasilia": "America/Sao_Paulo", "lisboa": "Europe/Lisbon", "portugal": "Europe/Lisbon",
}  # fmt: skip

_MONTH_WORD = (
    r"(?P<mon>jan(?:eiro|uary)?|fev(?:ereiro)?|feb(?:ruary)?|mar(?:co|ch)?|abr(?:il)?|"
    r"apr(?:il)?|mai(?:o)?|may|jun(?:ho|e)?|jul(?:ho|y)?|ago(?:sto)?|aug(?:ust)?|"
    r"set(?:embro)?|sept?(?:ember)?|out(?:ubro)?|oct(?:ober)?|nov(?:embro|ember)?|"
    r"dez(?:embro)?|dec(?:ember)?)\b\.?"
)
_TIME = (
    r"(?P<H>[01]?\d|2[0-3])\s*(?:(?:h|:)\s*(?P<M>[0-5]\d)(?:\s*(?::|m)\s*(?P<S>[0-5]\d))?"
    r"(?:\s*(?:min|hs?|m|s)\b)?|\s*h(?:rs?|s)?\b)(?:\s*(?P<ap>[ap])\.?m\b\.?)?"
)
_SCAN_ZONES = ("brst", "brt", "amst", "amt", "fnt", "west", "wet", "cest", "cet", "bst", "azost",
               "azot", "cvt", "utc", "gmt")  # fmt: skip
_OFFSET = (
    r"(?:\s*\(?\s*(?P<tz>(?:gmt|utc|ut)\s*[+-]\s*\d{1,2}(?::?\d{2})?\b|[+-]\d{2}:?\d{2}\b|"
    r"(?:" + "|".join(_SCAN_ZONES) + r")\b|"
    r"(?:horario|hora)\s+(?:oficial\s+)?de\s+(?:brasilia|lisboa|portugal))\s*\)?)?"
)
_AT = r"(?:[\s,|•·–—/-]*(?:as|a\s+s|at|t)?[\s,|•·:–—-]*)"
_NUMERIC = (
    r"(?<![\d/.-])(?P<d>[0-3]?\d)(?P<sep>[/.-])(?P<m>[01]?\d)(?P=sep)(?P<y>\d{4}|\d{2})(?![\d])"
)
_WORDY = (
    r"(?<!\d)(?P<d>[0-3]?\d)(?:o|º)?(?:\s*(?:de|\.|-|/)\s*|\s+)" + _MONTH_WORD
    + r"(?:\s*(?:de|\.|-|,|/)\s*|\s+)(?P<y>\d{4})(?!\d)"
)  # fmt: skip
_MONTH_FIRST = _MONTH_WORD + r"\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})(?!\d)"
_ISO_TEXT = r"(?<!\d)(?P<y>\d{4})-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?![\d])"
_YEAR_FIRST = (
    r"(?<!\d)(?P<y>\d{4})\s*[-/.,]\s*" + _MONTH_WORD + r"\s*[-/.,]\s*(?P<d>[0-3]?\d)(?!\d)"
)

_SCAN = re.compile(
    "|".join(
        f"(?:{form}(?:{_AT}{_TIME})?{_OFFSET})".replace("(?P<", f"(?P<{name}_")
        .replace("(?P=sep)", f"(?P={name}_sep)")
        for name, form in (
            ("num", _NUMERIC), ("wordy", _WORDY), ("first", _MONTH_FIRST), ("iso", _ISO_TEXT),
            ("yfirst", _YEAR_FIRST),
        )
    )
)  # fmt: skip
_UPDATED_TIME = re.compile(
    r"\b(?:atualizad[oa]|modificad[oa]|editad[oa]|updated)\s*(?:em|as|a\s+s|at)?\s*:?\s*"
    + _TIME.replace("(?P<", "(?P<upd_")
)
_NUMBER_WORDS = {
    "um": 1, "uma": 1, "dois": 2, "duas": 2, "tres": 3, "quatro": 4, "cinco": 5, "seis": 6,
    "sete": 7, "oito": 8, "nove": 9, "dez": 10, "onze": 11, "doze": 12, "meia": 0,
}  # fmt: skip
_RELATIVE = re.compile(
    r"\bha\s+(?:cerca\s+de\s+|mais\s+de\s+)?(?P<n>\d{1,3}|"
    + "|".join(_NUMBER_WORDS)
    + r")\s*(?P<unit>segundos?|s\b|minutos?|min\b|m\b|horas?|h\b|"
    r"dias?|d\b)"
    r"|\b(?P<n2>\d{1,3})\s*(?P<unit2>minutos?|min|horas?|h|dias?)\s+(?:atras|ago)\b"
    r"|\b(?P<day>hoje|ontem|today|yesterday)\s*,?\s*(?:as|a\s+s|at)?\s*"
    + _TIME.replace("(?P<", "(?P<rel_")
)
_PUBLISHED_WORDS = re.compile(
    r"(?:public|postad|criad|escrit|enviad|data\b|date\b|posted|published|em\s*:?\s*$)"
)
_UPDATED_WORDS = re.compile(r"(?:atualiz|modific|editad|revis|alterad|updated|modified)")
_LABEL_REACH = 40

_ISO = re.compile(
    r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[t\s]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,]\d+)?)?\s*"
    r"(?P<tz>z|[+-]\d{2}(?::?\d{2})?|(?:utc|gmt)\s*(?:[+-]\s*\d{1,2}(?::?\d{2})?)?)?)?$"
)
_COMPACT_ISO = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?:t(?P<H>\d{2})(?P<M>\d{2}))?")
_RFC822 = re.compile(
    r"^(?:[a-z]{3,}\.?,?\s+)?(?P<d>\d{1,2})[\s-]+" + _MONTH_WORD + r"[\s-]+(?P<y>\d{4})"
    r"(?:\s+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?\s*"
    r"(?P<tz>z|(?:gmt|utc|ut)?\s*[+-]\d{1,2}(?::?\d{2})?|[a-z]{1,5})?$"
)
_MIN_YEAR = 1990
_DIGIT = re.compile(r"\d")
_WORDS_FOR_NUMBERS = re.compile(r"\bh[áa]\s", re.IGNORECASE)
_COMBINING = re.compile("[\u0300-\u036f]")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class WallClock:
    """A date as written: the local wall-clock reading, and the offset or zone if given.

    `precision` says how much of it was written: "day", "hour", "minute" or "second".
    """

    moment: datetime  # naive
    offset: timedelta | None
    has_time: bool
    precision: str = "day"
    zone: str | None = None  # an IANA zone named in words ("horário de Brasília")


@dataclass(frozen=True, slots=True)
class FoundDate:
    """A date found in a line of text, where it stands and what the text calls it."""

    start: int
    end: int
    clock: WallClock
    label: str  # "published", "updated" or ""
    relative: bool = False  # written relative to now ("há 2 horas", "ontem às 18h")


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
    cleaned = simplify(text)
    for pattern in (_ISO, _RFC822):
        found = _clock(pattern.match(cleaned))
        if found is not None:
            return found
    found = _clock(_COMPACT_ISO.fullmatch(cleaned))
    if found is not None:
        return found
    for match in _SCAN.finditer(cleaned):
        found = _clock(match)
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
    """Attach the written offset (or named zone), or the outlet's zone when none was written."""
    if clock.offset is not None:
        return clock.moment.replace(tzinfo=timezone(clock.offset))
    return clock.moment.replace(tzinfo=outlet_zone(clock.zone or timezone_name))


def scan_dates(
    text: str, *, now: datetime | None = None, timezone_name: str = "UTC"
) -> list[FoundDate]:
    """Every date written in `text` (one line of a page), in order.

    Dates written relative to the reading ("há 2 horas", "ontem às 18h") are found
    only when `now` (the time the page was fetched) is given.
    """
    if not _DIGIT.search(text) and (now is None or not _WORDS_FOR_NUMBERS.search(text)):
        return []
    cleaned = simplify(text)
    found: list[FoundDate] = []
    for match in _SCAN.finditer(cleaned):
        clock = _clock(match)
        if clock is not None and _plausible(clock, now):
            found.append(FoundDate(match.start(), match.end(), clock, ""))
    found += _updated_times(cleaned, found)
    if now is not None:
        found += _relative(cleaned, now, timezone_name, found)
    found.sort(key=lambda f: f.start)
    labelled = []
    previous_end = 0
    for item in found:
        label = _label(cleaned[max(previous_end, item.start - _LABEL_REACH) : item.start])
        labelled.append(_with_label(item, label or item.label))
        previous_end = item.end
    return labelled


def reconcile(machine: datetime, shown: WallClock | None, timezone_name: str) -> datetime:
    """The true instant of a machine date, checked against the time shown on the page.

    In order: a machine date whose own wall clock is the shown time is trusted as
    labelled, whatever its offset (a page in Manaus, UTC-4, keeps -04:00) - unless
    it is labelled UTC and the outlet is not in UTC, when it is local time
    labelled `Z`/GMT; a machine date that is the shown time once put in the
    outlet's zone is right; a machine date whose wall clock is the shown time plus
    its offset is UTC mislabelled with a local offset. When none of these agree,
    or the page shows no time of day, the machine date is trusted.

    The result keeps a written non-zero offset; a UTC date is expressed in the
    outlet's zone.
    """
    zone = outlet_zone(timezone_name)
    if shown is None or not shown.has_time:
        return express(machine, zone)
    wall = machine.replace(tzinfo=None)
    offset = machine.utcoffset()
    shown_moment = _shown_moment(shown, zone)
    if _same_minute(wall, shown.moment):
        if offset or zone.utcoffset(wall) == timedelta(0):
            return machine
        return wall.replace(tzinfo=zone)  # local time labelled UTC
    if shown_moment is not None and _same_instant(machine, shown_moment):
        return machine.astimezone(shown_moment.tzinfo)
    local = machine.astimezone(zone)
    if _same_minute(local.replace(tzinfo=None), shown.moment):
        return local
    if offset:
        really_utc = wall.replace(tzinfo=UTC)
        for expressed in (really_utc.astimezone(zone), really_utc.astimezone(machine.tzinfo)):
            if _same_minute(expressed.replace(tzinfo=None), shown.moment):
                return expressed
    return express(machine, zone)


def express(moment: datetime, zone: tzinfo) -> datetime:
    """`moment` with its true offset: a written non-zero offset is kept, UTC is
    expressed in the outlet's zone."""
    if moment.utcoffset():
        return moment
    return moment.astimezone(zone)


def simplify(text: str) -> str:
    """Lower case, accents and the unicode minus removed, whitespace collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower().replace("\u2212", "-"))
    return _SPACES.sub(" ", _COMBINING.sub("", decomposed))


def _shown_moment(shown: WallClock, zone: tzinfo) -> datetime | None:
    if shown.offset is not None:
        return shown.moment.replace(tzinfo=timezone(shown.offset))
    if shown.zone is not None:
        return shown.moment.replace(tzinfo=outlet_zone(shown.zone))
    return None


def _same_minute(a: datetime, b: datetime) -> bool:
    return a.replace(second=0, microsecond=0) == b.replace(second=0, microsecond=0)


def _same_instant(a: datetime, b: datetime) -> bool:
    return abs((a - b).total_seconds()) < 60


def _offset(token: str | None) -> tuple[timedelta | None, str | None]:
    """The offset a token writes, or the IANA zone it names in words (None, None when
    the token is no offset)."""
    if not token:
        return None, None
    token = re.sub(r"[\s()]", "", token)
    for words, zone in _NAMED_ZONES.items():
        if token.endswith(words):
            return None, zone
    if token in _ZONES:
        return timedelta(minutes=_ZONES[token]), None
    match = re.fullmatch(r"(?:gmt|utc|ut)?([+-])(\d{1,2}):?(\d{2})?", token)
    if match is None:
        return None, None
    minutes = int(match.group(2)) * 60 + int(match.group(3) or 0)
    if minutes > 18 * 60:
        return None, None
    return timedelta(minutes=-minutes if match.group(1) == "-" else minutes), None


def _clock(match: re.Match[str] | None) -> WallClock | None:
    """The wall clock of a date match, or None when its numbers are no date."""
    if match is None:
        return None
    groups = {
        key.split("_", 1)[-1]: value
        for key, value in match.groupdict().items()
        if value is not None
    }
    try:
        month = _MONTHS[groups["mon"][:3]] if "mon" in groups else int(groups["m"])
        year = int(groups["y"])
        if year < 100:
            year += 2000 if year < 70 else 1900
        hour = int(groups.get("H", 0))
        if groups.get("ap") in ("a", "p") and 1 <= hour <= 12:
            hour = hour % 12 + (12 if groups["ap"] == "p" else 0)
        moment = datetime(
            year, month, int(groups["d"]), hour, int(groups.get("M", 0)), int(groups.get("S", 0))
        )
        offset, zone = _offset(groups.get("tz") if "H" in groups else None)
    except (KeyError, ValueError):
        return None
    precision = "second" if "S" in groups else "minute" if "M" in groups else (
        "hour" if "H" in groups else "day"
    )  # fmt: skip
    return WallClock(moment, offset, precision != "day", precision, zone)


def _plausible(clock: WallClock, now: datetime | None) -> bool:
    if clock.moment.year < _MIN_YEAR:
        return False
    latest = (now.replace(tzinfo=None) if now else datetime.now()) + timedelta(days=2)
    return clock.moment <= latest


def _updated_times(text: str, dates: list[FoundDate]) -> list[FoundDate]:
    """'24/10/2016 18h07 - Atualizado às 19h10': a time alone, on the day before it."""
    found = []
    for match in _UPDATED_TIME.finditer(text):
        if any(d.start <= match.start() < d.end for d in dates):
            continue
        day = next((d for d in reversed(dates) if d.end <= match.start()), None)
        if day is None:
            continue
        hour, minute = int(match.group("upd_H")), int(match.group("upd_M") or 0)
        seconds = int(match.group("upd_S") or 0)
        moment = day.clock.moment.replace(hour=hour, minute=minute, second=seconds)
        precision = "second" if match.group("upd_S") else "minute"
        clock = WallClock(moment, day.clock.offset, True, precision, day.clock.zone)
        found.append(FoundDate(match.start(), match.end(), clock, "updated"))
    return found


def _relative(
    text: str, now: datetime, timezone_name: str, dates: list[FoundDate]
) -> list[FoundDate]:
    local_now = now.astimezone(outlet_zone(timezone_name))
    found = []
    for match in _RELATIVE.finditer(text):
        if any(d.start <= match.start() < d.end for d in dates):
            continue
        if match.group("day"):
            moment = local_now - timedelta(days=int(match.group("day") in ("ontem", "yesterday")))
            moment = moment.replace(
                hour=int(match.group("rel_H")), minute=int(match.group("rel_M") or 0), second=0
            )
            precision = "minute"
        else:
            amount, unit = (match.group("n"), match.group("unit")) if match.group("n") else (
                match.group("n2"), match.group("unit2")
            )  # fmt: skip
            number = int(amount) if amount.isdigit() else _NUMBER_WORDS[amount]
            precision, step = _UNITS[unit[0]]
            moment = local_now - number * step
        moment = moment.replace(microsecond=0)
        clock = WallClock(
            moment.replace(tzinfo=None), moment.utcoffset(), precision != "day", precision
        )
        found.append(FoundDate(match.start(), match.end(), clock, "", relative=True))
    return found


_UNITS = {
    "s": ("second", timedelta(seconds=1)), "m": ("minute", timedelta(minutes=1)),
    "h": ("hour", timedelta(hours=1)), "d": ("day", timedelta(days=1)),
}  # fmt: skip


def _label(before: str) -> str:
    """What the words just before a date call it."""
    updated = [m.end() for m in _UPDATED_WORDS.finditer(before)]
    published = [m.end() for m in _PUBLISHED_WORDS.finditer(before)]
    if updated and (not published or updated[-1] > published[-1]):
        return "updated"
    return "published" if published else ""


def _with_label(found: FoundDate, label: str) -> FoundDate:
    if label == found.label:
        return found
    return FoundDate(found.start, found.end, found.clock, label, found.relative)
