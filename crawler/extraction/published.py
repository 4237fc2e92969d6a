"""When the article was published and updated, as the page really means it.

Machine-readable dates come first (JSON-LD, meta tags, `<time datetime>`); a date
without an offset gets the outlet's timezone; a machine date whose offset is
mislabelled is corrected by the date line printed near the headline; the result
is expressed in the outlet's timezone, to the second.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from crawler.extraction.dates import (
    WallClock,
    localise,
    outlet_zone,
    parse_date_or_none,
    read_wall_clock,
    reconcile,
)
from crawler.extraction.errors import DateError
from crawler.extraction.jsonld import JsonLd, texts
from crawler.extraction.landmarks import Spot, nearest
from crawler.extraction.metatags import MetaTags

_PUBLISHED_META = (
    "article:published_time", "og:published_time", "datepublished", "parsely-pub-date",
    "publishdate", "publish-date", "pubdate", "publication_date", "dc.date.issued",
    "dcterms.created", "dc.date", "date", "sailthru.date",
)  # fmt: skip
_MODIFIED_META = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "dcterms.modified",
    "lastmod",
)
_UPDATE_WORDS = re.compile(r"^\W*(?:atualiz|updated|modificad|editad|última atualiz)", re.I)
_WINDOW_BEFORE, _WINDOW_AFTER = 250, 800


@dataclass(frozen=True, slots=True)
class PageDates:
    published: datetime | None
    updated: datetime | None


def choose_dates(
    jsonld: JsonLd,
    meta: MetaTags,
    datelines: list[Spot],
    headline_position: int | None,
    timezone: str,
) -> PageDates:
    zone = outlet_zone(timezone)
    near = _near_headline(datelines, headline_position)
    shown = _shown_date(near)
    machine, machine_source = _first_date(
        [
            [
                *texts(jsonld.article.get("datePublished")),
                *texts(jsonld.article.get("dateCreated")),
            ],
            [meta.first(key) for key in _PUBLISHED_META],
            [s.element.get("datetime") or s.element.get("content") or "" for s in near],
        ],
        timezone,
    )
    if machine is not None:
        published = reconcile(machine, shown, timezone) if shown else machine.astimezone(zone)
        shift = published - machine  # non-zero when the machine offset was mislabelled
    elif shown is not None:
        published, shift = localise(shown, timezone).astimezone(zone), timedelta(0)
    else:
        return PageDates(None, None)
    updated, updated_source = _first_date(
        [texts(jsonld.article.get("dateModified")), [meta.first(k) for k in _MODIFIED_META]],
        timezone,
    )
    if updated is not None:
        # the same source mislabels both dates the same way
        updated += shift if updated_source == machine_source else timedelta(0)
        updated = updated.astimezone(zone).replace(microsecond=0)
    return PageDates(published.replace(microsecond=0), updated)


def _first_date(sources: list[list[str]], timezone: str) -> tuple[datetime | None, int]:
    """The first readable date and the index of the source it came from."""
    for index, candidates in enumerate(sources):
        for text in candidates:
            found = parse_date_or_none(text, timezone)
            if found is not None:
                return found, index
    return None, -1


def _near_headline(datelines: list[Spot], position: int | None) -> list[Spot]:
    if position is None:
        return datelines[:5]
    return nearest(datelines, position, before=_WINDOW_BEFORE, after=_WINDOW_AFTER)


def _shown_date(spots: list[Spot]) -> WallClock | None:
    """The nearest date line that shows a time of day and is not an 'updated' line."""
    for spot in spots:
        if _UPDATE_WORDS.match(spot.text):
            continue
        try:
            clock = read_wall_clock(spot.text)
        except DateError:
            continue
        if clock.has_time:
            return clock
    return None
