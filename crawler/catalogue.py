"""The outlet catalogue (seeds/outlets.yaml): where crawling starts.

Loaded and validated once into typed `Outlet` values; a mistake refuses the whole
file with its line and field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import timedelta
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from atalaia.durations import parse_duration
from atalaia.errors import AtalaiaError, ConfigErrors
from atalaia.fields import HttpUrl, Timezone, check_http_url
from atalaia.yamlfile import YamlDocument, load_yaml, validate
from crawler.ownership import HostPattern, best_match

OUTLET_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
TRACKING_PARAMETER = re.compile(r"^[A-Za-z0-9_.\[\]-]{1,64}\*?$")


class Section(BaseModel):
    """A listing page and the pattern (a regex searched in the link's path) of its articles."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: HttpUrl
    articles: str

    @field_validator("articles")
    @classmethod
    def _regex(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from None
        return value


class Outlet(BaseModel):
    """One news outlet and how to poll it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    name: str
    country: str = Field(default="", max_length=2)
    language: str = "pt"
    timezone: Timezone = "UTC"
    homepage: str = ""
    # Hosts the outlet owns besides its homepage's (subdomains included).
    domains: tuple[str, ...] = ()
    # May this outlet's own hosts be on private or loopback addresses (an intranet,
    # the test newsroom)? Links and redirects to other private addresses stay refused.
    allow_private_network: bool = False
    # Query parameters of this outlet's links that only track clicks, besides the
    # common ones of crawler.urls (a name, or a prefix ending in "*").
    tracking_parameters: tuple[str, ...] = ()
    feeds: tuple[HttpUrl, ...] = ()
    sitemaps: tuple[HttpUrl, ...] = ()
    sections: tuple[Section, ...] = ()
    every: str | None = None
    cron: str | None = None
    enabled: bool = True
    concurrency: int = Field(default=2, ge=1, le=4)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not OUTLET_ID.match(value):
            raise ValueError(
                f"{value!r} is not a valid id: use lowercase letters, digits, '-' or '_'"
            )
        return value

    @field_validator("homepage")
    @classmethod
    def _homepage(cls, value: str) -> str:
        return check_http_url(value) if value else value

    @field_validator("domains")
    @classmethod
    def _domains(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for domain in value:
            HostPattern.parse(domain)
        return value

    @field_validator("tracking_parameters")
    @classmethod
    def _tracking_parameters(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for name in value:
            if not TRACKING_PARAMETER.match(name):
                raise ValueError(
                    f"{name!r} is not a query parameter name (letters, digits, '_', '-', "
                    "'.'; end with '*' for a prefix)"
                )
        return value

    @field_validator("every")
    @classmethod
    def _every(cls, value: str | None) -> str | None:
        if value is not None and parse_duration(value) < 1:
            raise ValueError("polling more often than every second is not allowed")
        return value

    @field_validator("cron")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        if value is not None:
            fields = value.split()
            if len(fields) != 5:
                raise ValueError(f"a cron expression has 5 fields, got {len(fields)}: {value!r}")
            from apscheduler.triggers.cron import CronTrigger

            try:
                CronTrigger.from_crontab(value)
            except ValueError as exc:
                raise ValueError(f"invalid cron expression {value!r}: {exc}") from None
        return value

    @model_validator(mode="after")
    def _schedule_and_sources(self) -> Outlet:
        if self.every is not None and self.cron is not None:
            raise ValueError("give either 'every' or 'cron', not both")
        if self.enabled and not (self.feeds or self.sitemaps or self.sections):
            raise ValueError("an enabled outlet needs at least one of feeds, sitemaps or sections")
        return self

    @property
    def interval(self) -> timedelta | None:
        """The polling interval; None when the outlet runs on `cron`."""
        if self.cron is not None:
            return None
        return timedelta(seconds=parse_duration(self.every or "5m"))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def source_urls(self) -> list[str]:
        """Its feeds, sitemaps and section pages, as configured."""
        return [*self.feeds, *self.sitemaps, *(section.url for section in self.sections)]

    @cached_property
    def owned_hosts(self) -> tuple[HostPattern, ...]:
        """The hosts this outlet owns (see crawler.ownership): its homepage's and its
        `domains`; without a homepage, the hosts of its feeds, sitemaps and sections.
        (Asked for every request the outlet makes: worked out once.)"""
        sources = [self.homepage] if self.homepage else self.source_urls
        patterns = dict.fromkeys(HostPattern.parse(url) for url in [*sources, *self.domains])
        return tuple(patterns)

    def owns(self, url: str) -> bool:
        """Whether `url` is on one of this outlet's own hosts."""
        return best_match(self.owned_hosts, url) is not None


class _CatalogueFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outlets: list[Outlet]


class Catalogue:
    """The outlets of one catalogue file, in file order, by id."""

    def __init__(self, path: Path, outlets: Sequence[Outlet]) -> None:
        self.path = path
        self.outlets = list(outlets)
        self.by_id = {outlet.id: outlet for outlet in self.outlets}

    def __iter__(self) -> Iterator[Outlet]:
        return iter(self.outlets)

    def __len__(self) -> int:
        return len(self.outlets)

    @property
    def enabled(self) -> list[Outlet]:
        return [outlet for outlet in self.outlets if outlet.enabled]

    def owner_of(self, url: str) -> Outlet | None:
        """The outlet whose owned host is the most specific match for `url`, or None."""
        best: tuple[HostPattern, Outlet] | None = None
        for outlet in self.outlets:
            pattern = best_match(outlet.owned_hosts, url)
            if pattern is not None and (
                best is None or best_match([best[0], pattern], url) is pattern
            ):
                best = (pattern, outlet)
        return best[1] if best else None

    def select(self, ids: Sequence[str]) -> list[Outlet]:
        """The named outlets (disabled ones too, when named), or every enabled one."""
        if not ids:
            return self.enabled
        unknown = [outlet_id for outlet_id in ids if outlet_id not in self.by_id]
        if unknown:
            raise UnknownOutlet(unknown, sorted(self.by_id))
        return [self.by_id[outlet_id] for outlet_id in ids]


class UnknownOutlet(AtalaiaError, LookupError):
    def __init__(self, unknown: Sequence[str], known: Sequence[str]) -> None:
        self.unknown = list(unknown)
        self.known = list(known)
        super().__init__(
            f"unknown outlet {', '.join(unknown)}; the catalogue has: {', '.join(known)}"
        )


def load_catalogue(path: Path) -> Catalogue:
    """Load and validate `path`; raises ConfigError(s) naming file, line and field."""
    document = load_yaml(path)
    if not isinstance(document.data, dict):
        raise ConfigErrors([document.error((), "expected a mapping with an 'outlets:' list")])
    parsed = validate(_CatalogueFile, document)
    _check_unique_ids(document, parsed.outlets)
    return Catalogue(path, parsed.outlets)


def _check_unique_ids(document: YamlDocument, outlets: Sequence[Outlet]) -> None:
    seen: dict[str, int] = {}
    errors = []
    for index, outlet in enumerate(outlets):
        if outlet.id in seen:
            first = document.line_of(("outlets", seen[outlet.id]))
            errors.append(
                document.error(
                    ("outlets", index, "id"),
                    f"duplicate id {outlet.id!r} (first used on line {first})",
                )
            )
        else:
            seen[outlet.id] = index
    if errors:
        raise ConfigErrors(errors)
