"""Atalaia's settings: one pydantic-settings model, the only place a default lives.

Every field is read from the environment as `ATALAIA_<FIELD>` (paths and two
historical names are spelled out with `validation_alias`), and a command line's
values win over the environment. Durations are written as users write them (`30s`,
`5m`, `2h`, `1d`) and held in seconds. Scrapy's settings are derived from this model
by `crawler.scrapy_settings.derived`, and the crawl's components read this model
through `crawler.services`; no other module reads these variables.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from atalaia.errors import AtalaiaError
from atalaia.fields import PositiveSeconds, Seconds, Timezone

CONTACT_URL = "https://github.com/atalaia-news/atalaia"
USER_AGENT = f"Atalaia/0.1 (+{CONTACT_URL}; news monitor)"
ENV_PREFIX = "ATALAIA_"

_ENVIRON: ContextVar[Mapping[str, str] | None] = ContextVar("atalaia_environ", default=None)


class Settings(BaseSettings):
    """What a run is configured with; immutable once made (`model_copy(update=...)`)."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        frozen=True,
        extra="ignore",
        populate_by_name=True,
        env_ignore_empty=True,
        validate_default=True,
    )

    # The files users edit, and where the embedded Redis keeps its data.
    outlets_path: Path = Field(
        default=Path("seeds/outlets.yaml"), validation_alias="ATALAIA_OUTLETS"
    )
    watchlists_path: Path = Field(
        default=Path("watchlists.yaml"), validation_alias="ATALAIA_WATCHLISTS"
    )
    data_dir: Path = Path("var")
    # None: an embedded Redis under data_dir. Every key starts with redis_prefix, so
    # deployments (and tests) can share a server.
    redis_url: str | None = None
    redis_prefix: str = "atalaia:"

    # How long article URLs are remembered, how long a story's copies are recognised,
    # how old a sitemap entry or child sitemap may be, and how long a crawler's claim
    # on an article URL holds before another crawler may take it.
    dedupe_ttl: Seconds = 30 * 86400.0
    story_ttl: Seconds = 7 * 86400.0
    sitemap_window: Seconds = 2 * 86400.0
    claim_lease: Seconds = 900.0
    # The daemon's coordination timings (operators rarely change them; tests shorten
    # them): the scheduler leader's lease, so a standby leads within this long of the
    # leader's death, and how long a crawl job stays pending with a dead crawler
    # before another crawler claims it.
    lease_ttl: PositiveSeconds = 15.0
    claim_idle: PositiveSeconds = 60.0
    # Outlet passes one daemon's crawler runs at once, all on one Scrapy crawler (each
    # outlet still gets at most 2 requests at a time): polls mostly wait on the
    # network, and 10,000 outlets every 5 minutes are 33 polls a second.
    crawl_concurrency: int = Field(default=32, gt=0)

    # Stories kept, at most, whatever their age; how long alerts and stories are kept
    # for browsing (`atalaia alerts`, `atalaia stories`, the web app; daily match
    # counts are kept a year regardless).
    recent_stories: int = Field(default=500_000, gt=0)
    keep_for: PositiveSeconds = 30 * 86400.0
    # The zone that days and times are shown in and that daily counts are kept in
    # (default: this machine's zone).
    timezone: Timezone = Field(default_factory=lambda: local_zone_name(os.environ))
    # Required for the web app on an address other than loopback; never shown.
    web_token: str | None = Field(default=None, repr=False)

    # The crawl's manners and limits.
    user_agent: str = USER_AGENT
    download_timeout: Seconds = 20.0
    download_maxsize: int = Field(default=10 * 1024 * 1024, gt=0)
    retry_times: int = Field(default=2, ge=0)
    # Fetches of one article URL before it is given up, and extractions of one page
    # before it is a poison page (it crashes the worker, or nests too deep).
    article_attempts: int = Field(default=5, gt=0)
    extraction_attempts: int = Field(default=3, gt=0)
    # Child sitemaps of an index read per pass, and new links of one source fetched
    # per pass (both newest first; links already seen do not count).
    sitemap_children: int = Field(default=3, gt=0)
    max_links_per_source: int = Field(default=500, gt=0)
    # How long a host's robots.txt is obeyed before it is read again: one crawler
    # lives as long as its process (crawler.engine).
    robotstxt_ttl: Seconds = 6 * 3600.0

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        environ = _ENVIRON.get()
        if environ is None:
            return init_settings, env_settings
        return init_settings, _MappingEnvSource(settings_cls, environ)

    @classmethod
    def from_environment(
        cls, environ: Mapping[str, str] | None = None, **given: object
    ) -> Settings:
        """Defaults, overridden by ATALAIA_* variables (of `environ`, the process's by
        default), overridden by the `given` values that are not None (the command line).
        A value that does not fit is an AtalaiaError naming its variable."""
        values: dict[str, Any] = {k: v for k, v in given.items() if v is not None}
        if environ is not None and "timezone" not in values:
            values.setdefault(
                "timezone", environ.get("ATALAIA_TIMEZONE") or local_zone_name(environ)
            )
        token = _ENVIRON.set(environ)
        try:
            return cls(**values)
        except ValidationError as exc:
            raise AtalaiaError(_message(exc)) from None
        finally:
            _ENVIRON.reset(token)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def variable(name: str) -> str:
    """The environment variable that sets field `name`."""
    alias = Settings.model_fields[name].validation_alias
    return alias if isinstance(alias, str) else ENV_PREFIX + name.upper()


class _MappingEnvSource(EnvSettingsSource):
    """The environment source, reading a given mapping instead of os.environ."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._environ = environ
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return {
            key.lower(): value
            for key, value in self._environ.items()
            if value != ""  # env_ignore_empty
        }


def _message(error: ValidationError) -> str:
    lines = []
    for problem in error.errors(include_url=False, include_input=False):
        field = str(problem["loc"][0]) if problem["loc"] else ""
        name = field if field in Settings.model_fields else _field_of(field)
        where = variable(name) if name else field
        lines.append(f"{where}: {problem['msg'].removeprefix('Value error, ')}")
    return "; ".join(lines)


def _field_of(alias: str) -> str:
    for name, info in Settings.model_fields.items():
        if info.validation_alias == alias:
            return name
    return ""


def local_zone_name(environ: Mapping[str, str], localtime: Path = Path("/etc/localtime")) -> str:
    """This machine's timezone as an IANA name: $TZ, else where /etc/localtime points,
    else UTC."""
    candidates = [environ.get("TZ", "").removeprefix(":")]
    try:
        target = str(localtime.resolve())
    except OSError:
        target = ""
    if "zoneinfo/" in target:
        candidates.append(target.split("zoneinfo/", 1)[1])
    for name in filter(None, candidates):
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            continue
        return name
    return "UTC"
