"""When the article was published and updated, from many independent signals, reconciled.

Candidates, each with where it came from (`source`):

- "jsonld", "meta", "time": machine dates (JSON-LD `datePublished`, meta tags,
  `<time datetime>` or `itemprop=datePublished` near the headline);
- "visible": the date line printed nearest the headline, in any of the forms
  `dates.scan_dates` reads, with its label ("Publicado em", "Atualizado às");
- "url": a date in the article's address (`/2024/03/05/`, `-20240305`);
- "listing": what the feed item or news sitemap said (`listed_at`), in a crawl;
- "htmldate": htmldate's guess, asked only when nothing else gave a date.

A machine date is checked against the shown wall clock (`dates.reconcile`): trusted
as labelled when its own offset gives the shown time, corrected when it is local
time labelled UTC or UTC labelled with a local offset. A page that shows only a day
gives that day (midnight in the outlet's zone, precision "day"), made exact by a
listing or machine date of the same day.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from urllib.parse import urlsplit

from lxml.html import HtmlElement  # type: ignore[import-untyped]

from crawler.extraction.dates import (
    FoundDate,
    WallClock,
    express,
    localise,
    outlet_zone,
    parse_date_or_none,
    read_wall_clock,
    reconcile,
    scan_dates,
)
from crawler.extraction.errors import DateError
from crawler.extraction.jsonld import JsonLd, texts
from crawler.extraction.landmarks import Landmarks, Line, Spot, nearest
from crawler.extraction.metatags import MetaTags

_PUBLISHED_META = (
    "article:published_time", "og:published_time", "datepublished", "parsely-pub-date",
    "publishdate", "publish-date", "pubdate", "publication_date", "dc.date.issued",
    "dcterms.created", "dcterms.issued", "dc.date", "date", "sailthru.date", "created",
)  # fmt: skip
_MODIFIED_META = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "dcterms.modified",
    "lastmod",
)
_SPOT_WINDOW = (250, 800)  # element positions before and after the headline
_TEXT_BEFORE, _TEXT_AFTER = 400, 1500  # characters of page text around the headline
_FAR_AFTER = 8000  # a short date line after the article text ("Fonte: X, 20 de outubro")
_LONG_LINE = 200  # in a longer line, only a date at its start is a date line
_LINE_START = 40
_FAR_LINE = 90
_SHORT_PART = 12  # "18" / "Out." / "2016" / "12:37", one element each
_MAX_PARTS = 6
_LIST_REACH = 4  # a date with two more dated lines this close is a list of teasers
_URL_DATE = re.compile(
    r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<s>[/_-]?)(?P<m>[01]\d)(?P=s)(?P<d>[0-3]\d)(?!\d)"
    r"|/(?P<y2>(?:19|20)\d{2})/(?P<m2>[01]?\d)/(?P<d2>[0-3]?\d)/"
)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PageDates:
    published: datetime | None
    updated: datetime | None
    source: str = ""  # where `published` came from
    precision: str = ""  # "day", "hour", "minute" or "second"


@dataclass(frozen=True, slots=True)
class _Candidate:
    moment: datetime
    source: str
    precision: str


@dataclass(frozen=True, slots=True)
class DateSignals:
    """What the extractor gathered for the dates, besides the page's own markup."""

    url: str
    timezone: str
    headline_line: int | None  # index of the headline's line in `Landmarks.lines`
    headline_position: int | None  # its element position
    listed_at: datetime | None = None
    now: datetime | None = None


def choose_dates(
    root: HtmlElement, jsonld: JsonLd, meta: MetaTags, marks: Landmarks, signals: DateSignals
) -> PageDates:
    timezone = signals.timezone
    zone = outlet_zone(timezone)
    near_spots = _near_headline(marks.datelines, signals.headline_position)
    shown_found = _shown_on_page(marks.lines, signals)
    shown = shown_found.clock if shown_found is not None else _shown_in_spots(near_spots)
    machine = _machine_date(jsonld, meta, near_spots, timezone)
    published = _published(machine, shown, signals, zone)
    if published is None:
        published = _updated_day(marks.lines, signals, zone) or _fallback(root, signals, zone)
    if published is None:
        return PageDates(None, None)
    shift = timedelta(0)
    if machine is not None and published.source == machine.source:
        shift = published.moment - machine.moment  # non-zero when the offset was mislabelled
    updated = _updated(jsonld, meta, marks.lines, signals, machine, shift, zone)
    moment = published.moment.replace(microsecond=0)
    return PageDates(moment, updated, published.source, published.precision)


def _published(
    machine: _Candidate | None, shown: WallClock | None, signals: DateSignals, zone: tzinfo
) -> _Candidate | None:
    timezone = signals.timezone
    listed = _listed(signals, zone)
    if machine is not None and machine.precision == "day":
        if shown is not None and shown.has_time:
            visible = _visible(shown, timezone, zone)
            if _local_day(visible.moment, zone) == _local_day(machine.moment, zone):
                return visible
        return _sharpened(machine, listed, zone)
    if machine is not None:
        moment = reconcile(machine.moment, shown, timezone)
        return _Candidate(moment, machine.source, machine.precision)
    if shown is not None:
        visible = _visible(shown, timezone, zone)
        if visible.precision == "day":
            return _sharpened(visible, listed, zone)
        return visible
    day = _url_day(signals.url)
    if day is not None:
        midnight = datetime(day.year, day.month, day.day, tzinfo=zone)
        return _sharpened(_Candidate(midnight, "url", "day"), listed, zone)
    return listed


def _updated_day(lines: list[Line], signals: DateSignals, zone: tzinfo) -> _Candidate | None:
    """The day of the only date the page shows, an 'updated' line: the article is
    at least that old, and most are updated the day they are published."""
    shown = _shown_on_page(lines, signals, label="updated")
    if shown is None:
        return None
    moment = shown.clock.moment
    return _Candidate(
        datetime(moment.year, moment.month, moment.day, tzinfo=zone), "visible", "day"
    )


def _sharpened(day: _Candidate, listed: _Candidate | None, zone: tzinfo) -> _Candidate:
    """A day-only date made exact by the listing's date of the same day."""
    if listed is not None and _local_day(listed.moment, zone) == _local_day(day.moment, zone):
        return listed
    return day


def _visible(shown: WallClock, timezone: str, zone: tzinfo) -> _Candidate:
    moment = localise(shown, timezone)
    return _Candidate(express(moment, zone), "visible", shown.precision)


def _listed(signals: DateSignals, zone: tzinfo) -> _Candidate | None:
    listed = signals.listed_at
    if listed is None or listed.tzinfo is None:
        return None
    precision = "day" if listed.time() == datetime.min.time() else "second"
    return _Candidate(express(listed, zone), "listing", precision)


def _fallback(root: HtmlElement, signals: DateSignals, zone: tzinfo) -> _Candidate | None:
    """htmldate's guess: only when the page, its address and its listing gave nothing."""
    day = _htmldate_day(root, signals)
    if day is None:
        return None
    return _Candidate(datetime(day.year, day.month, day.day, tzinfo=zone), "htmldate", "day")


def _htmldate_day(root: HtmlElement, signals: DateSignals) -> date | None:
    from htmldate import find_date  # imported here: most pages never need it

    latest = (signals.now or datetime.now(UTC)) + timedelta(days=1)
    try:
        found = find_date(
            root,
            extensive_search=True,
            original_date=True,
            url=signals.url or None,
            max_date=latest.strftime("%Y-%m-%d"),
        )
    except (ValueError, TypeError) as error:  # htmldate's own parsing giving up
        log.debug("htmldate failed on %s: %s", signals.url, error)
        return None
    if not found:
        return None
    try:
        day = date.fromisoformat(found)
    except ValueError:
        return None
    # htmldate answers January 1st when it found only a year, and the 1st of the month
    # when it read only a month from an address such as /2025/07/: that is no day
    if (day.month, day.day) == (1, 1):
        return None
    if day.day == 1 and re.search(rf"{day.year}[/_-]{day.month:02d}(?![/_-]?\d)", signals.url):
        return None
    return day


def _machine_date(
    jsonld: JsonLd, meta: MetaTags, near_spots: list[Spot], timezone: str
) -> _Candidate | None:
    sources = (
        ("jsonld", [*texts(jsonld.article.get("datePublished")),
                    *texts(jsonld.article.get("dateCreated"))]),
        ("meta", [meta.first(key) for key in _PUBLISHED_META]),
        ("time", [_spot_datetime(s) for s in near_spots if not _is_update(s)]),
    )  # fmt: skip
    for source, candidates in sources:
        for text in candidates:
            clock = _machine_clock(text)
            if clock is not None:
                return _Candidate(localise(clock, timezone), source, clock.precision)
    return None


def _machine_clock(text: str) -> WallClock | None:
    if not text or not text.strip():
        return None
    try:
        return read_wall_clock(text)
    except DateError:
        return None


def _spot_datetime(spot: Spot) -> str:
    element = spot.element
    return element.get("datetime") or element.get("content") or ""


def _is_update(spot: Spot) -> bool:
    itemprop = (spot.element.get("itemprop") or "").lower()
    return itemprop == "datemodified" or bool(_label_of(spot.text) == "updated")


def _label_of(text: str) -> str:
    found = scan_dates(text)
    return found[0].label if found else ""


def _near_headline(datelines: list[Spot], position: int | None) -> list[Spot]:
    if position is None:
        return datelines[:5]
    before, after = _SPOT_WINDOW
    return nearest(datelines, position, before=before, after=after)


def _shown_in_spots(spots: list[Spot]) -> WallClock | None:
    """The nearest date element that shows a date and is not an 'updated' line."""
    for spot in spots:
        for found in scan_dates(spot.text):
            if found.label != "updated":
                return found.clock
    return None


def _shown_on_page(lines: list[Line], signals: DateSignals, *, label: str = "") -> FoundDate | None:
    """The date printed nearest the headline that is not an 'updated' line (or the
    nearest 'updated' line, with `label="updated"`).

    Dates are looked for in the text just before the headline and after it; when
    there is none, in short lines further down (a signature line after the text).
    """
    if signals.headline_line is None:
        return None
    page = _PageDates(lines, signals)

    def wanted(found: FoundDate) -> bool:
        return (found.label == "updated") == (label == "updated")

    best: tuple[float, FoundDate] | None = None
    for distance, index in page.around():
        if best is not None and distance / 2 > best[0]:
            break
        for item in page.dates(index):
            if wanted(item):
                weight = distance / 2 if item.label == "published" else distance
                if best is None or weight < best[0]:
                    best = (weight, item)
                break
    if best is not None:
        return best[1]
    for index in page.far_after():
        for item in page.dates(index):
            if wanted(item) and len(lines[index].text) <= _FAR_LINE:
                return item
    return None


class _PageDates:
    """The dates printed in the lines around the headline, read once per line."""

    def __init__(self, lines: list[Line], signals: DateSignals) -> None:
        self.lines = lines
        self.signals = signals
        assert signals.headline_line is not None
        self.anchor = signals.headline_line
        self.read: dict[int, list[FoundDate]] = {}

    def around(self) -> list[tuple[int, int]]:
        """(distance, line index) around the headline's line, nearest first: the
        characters between; those before count double (dates sit under headlines
        more often than over them)."""
        lines, anchor = self.lines, self.anchor
        scored = [(0, anchor)]
        distance = 0
        for index in range(anchor + 1, len(lines)):
            if distance > _TEXT_AFTER:
                break
            scored.append((distance, index))
            distance += len(lines[index].text)
        distance = 0
        for index in range(anchor - 1, max(-1, anchor - 40), -1):
            if distance > 2 * _TEXT_BEFORE:
                break
            scored.append((distance, index))
            distance += 2 * len(lines[index].text)
        scored.sort()
        return scored

    def far_after(self) -> Iterator[int]:
        distance = 0
        for index in range(self.anchor, len(self.lines)):
            distance += len(self.lines[index].text)
            if distance > _FAR_AFTER:
                return
            if distance > _TEXT_AFTER:
                yield index

    def dates(self, index: int) -> list[FoundDate]:
        """The dates of line `index`, unless it is one of a list of dated teasers."""
        found = self._line(index)
        if not found:
            return []
        near = range(max(0, index - _LIST_REACH), min(len(self.lines), index + _LIST_REACH + 1))
        dated = [i for i in near if i != index and self._line(i)]
        span = [*dated, index]
        if len(dated) >= 2 and not min(span) <= self.anchor <= max(span):
            return []
        return found

    def _line(self, index: int) -> list[FoundDate]:
        if index not in self.read:
            self.read[index] = _line_dates(self.lines, index, self.signals)
        return self.read[index]


def _line_dates(lines: list[Line], index: int, signals: DateSignals) -> list[FoundDate]:
    """The dates in line `index`, with the short lines after it (a date split into
    one element per part: "18" / "Out." / "2016" / "12:37")."""
    line = lines[index]
    if line.link is not None or not any(c.isdigit() for c in line.text):
        return []
    text = line.text
    if len(text) < _SHORT_PART:
        for part in lines[index + 1 : index + _MAX_PARTS]:
            if len(part.text) >= _SHORT_PART or part.link is not None:
                break
            text += " " + part.text
    found = scan_dates(text, now=signals.now, timezone_name=signals.timezone)
    if len(text) > _LONG_LINE:
        found = [f for f in found if f.start <= _LINE_START or f.label]
    return found


def _updated(
    jsonld: JsonLd,
    meta: MetaTags,
    lines: list[Line],
    signals: DateSignals,
    machine: _Candidate | None,
    shift: timedelta,
    zone: tzinfo,
) -> datetime | None:
    timezone = signals.timezone
    for source, candidates in (
        ("jsonld", texts(jsonld.article.get("dateModified"))),
        ("meta", [meta.first(k) for k in _MODIFIED_META]),
    ):
        for text in candidates:
            updated = parse_date_or_none(text, timezone)
            if updated is not None:
                # the same source mislabels both dates the same way
                if machine is not None and machine.source == source:
                    updated += shift
                return express(updated, zone).replace(microsecond=0)
    shown = _shown_on_page(lines, signals, label="updated")
    if shown is not None and shown.clock.has_time:
        return express(localise(shown.clock, timezone), zone)
    return None


def _url_day(url: str) -> date | None:
    """A date written in the article's address: /2024/03/05/, /2024-03-05-, -20240305."""
    path = urlsplit(url).path if "://" in url else url
    for match in _URL_DATE.finditer(path):
        year = match.group("y") or match.group("y2")
        month = match.group("m") or match.group("m2")
        day = match.group("d") or match.group("d2")
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            continue
    return None


def _local_day(moment: datetime, zone: tzinfo) -> date:
    return moment.astimezone(zone).date()
