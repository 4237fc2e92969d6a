"""The date a URL names: `sitemap-2026-11.xml`, `/2026/11/30/`, `news-20261130.xml`.

Used to put sitemaps and links without a `lastmod` or publication date in order,
newest first. A URL that names a month or a year stands for its last moment: a
monthly sitemap holds entries up to the end of its month.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlsplit

_YEAR = r"(?P<year>(?:19|20)\d\d)"
_MONTH = r"(?P<month>0?[1-9]|1[0-2])"
_DAY = r"(?P<day>0?[1-9]|[12]\d|3[01])"
_SEP = r"[-/_.]"
# Most precise first; digits around a match would make it part of a longer number.
_PATTERNS = (
    re.compile(rf"(?<!\d){_YEAR}({_SEP}){_MONTH}\2{_DAY}(?!\d)"),
    re.compile(rf"(?<!\d){_YEAR}(?P<mm>0[1-9]|1[0-2])(?P<dd>0[1-9]|[12]\d|3[01])(?!\d)"),
    re.compile(rf"(?<!\d){_YEAR}{_SEP}{_MONTH}(?![\d])"),
    re.compile(rf"(?<![\d\w]){_YEAR}(?![\d])"),
)


def date_in_url(url: str, *, day_only: bool = False) -> datetime | None:
    """The last moment (UTC) of the day, month or year that `url`'s path or query names
    (`day_only`: only a full date counts, as for article URLs, where a year alone is
    more often a topic, "copa-2026", than a date)."""
    parts = urlsplit(url)
    named = _named_in_query(parts.query, day_only)
    if named is not None:
        return named
    text = parts.path + ("?" + parts.query if parts.query else "")
    for pattern in _PATTERNS[:2] if day_only else _PATTERNS:
        # the last one: /arquivo/2019/sitemap-2026-11.xml is about 2026-11
        found = next(reversed(list(pattern.finditer(text))), None)
        if found is None:
            continue
        groups = found.groupdict()
        year = int(groups["year"])
        month = int(groups.get("month") or groups.get("mm") or 12)
        last_day = calendar.monthrange(year, month)[1]
        day = int(groups.get("day") or groups.get("dd") or last_day)
        if day > last_day:
            continue
        return datetime(year, month, day, 23, 59, 59, tzinfo=UTC)
    return None


_QUERY_NAMES = {
    "year": ("yyyy", "year", "ano", "y"),
    "month": ("mm", "month", "mes", "m"),
    "day": ("dd", "day", "dia", "d"),
}


def _named_in_query(query: str, day_only: bool) -> datetime | None:
    """`?yyyy=2026&mm=11&dd=30` and the like."""
    if not query:
        return None
    values = {key.lower(): value for key, value in parse_qsl(query)}
    found: dict[str, int] = {}
    for part, names in _QUERY_NAMES.items():
        for name in names:
            if values.get(name, "").isdigit():
                found[part] = int(values[name])
                break
    year, month, day = found.get("year"), found.get("month"), found.get("day")
    if year is None or not 1900 < year < 2100 or (day_only and day is None):
        return None
    if month is None:
        month = 12
    if not 1 <= month <= 12:
        return None
    last_day = calendar.monthrange(year, month)[1]
    day = last_day if day is None else day
    if not 1 <= day <= last_day:
        return None
    return datetime(year, month, day, 23, 59, 59, tzinfo=UTC)
