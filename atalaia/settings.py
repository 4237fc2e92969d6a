"""Atalaia's settings and their defaults, in one place.

Only `Settings.from_environment` reads the environment; everything else is handed
a `Settings` (or the plain values it needs).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from atalaia.durations import parse_duration
from atalaia.errors import AtalaiaError

CONTACT_URL = "https://github.com/atalaia-news/atalaia"
USER_AGENT = f"Atalaia/0.1 (+{CONTACT_URL}; news monitor)"


@dataclass(frozen=True)
class Settings:
    outlets_path: Path = Path("seeds/outlets.yaml")
    watchlists_path: Path = Path("watchlists.yaml")
    redis_url: str | None = None
    data_dir: Path = Path("var")
    redis_prefix: str = "atalaia:"
    dedupe_ttl: float = 30 * 86400.0
    story_ttl: float = 7 * 86400.0
    sitemap_window: float = 2 * 86400.0
    claim_lease: float = 900.0
    # The daemon's coordination timings (operators rarely change them; tests shorten
    # them): how long the scheduler leader's lease lives without renewal, so a standby
    # leads within this long of the leader's death (ATALAIA_LEASE_TTL), and how long a
    # crawl job stays pending with a dead crawler before another crawler claims it
    # (ATALAIA_CLAIM_IDLE).
    lease_ttl: float = 15.0
    claim_idle: float = 60.0
    recent_stories: int = 500_000
    # How long alerts and stories are kept for browsing (`atalaia alerts`, `atalaia
    # stories`, the web app); daily match counts are kept a year regardless
    # (ATALAIA_KEEP_FOR). `recent_stories` caps the stories kept, whatever their age.
    keep_for: float = 30 * 86400.0
    # The zone that days and times are shown in (the web app, `atalaia alerts`) and
    # that daily counts are kept in (ATALAIA_TIMEZONE; default: this machine's zone).
    timezone: str = "UTC"
    # Required for the web app on an address other than loopback (ATALAIA_WEB_TOKEN).
    web_token: str | None = None
    user_agent: str = USER_AGENT
    download_timeout: float = 20.0
    download_maxsize: int = 10 * 1024 * 1024
    retry_times: int = 2
    article_attempts: int = 5

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ, **given: object) -> Settings:
        """Defaults, overridden by ATALAIA_* variables, overridden by `given` (command-line)."""
        values: dict[str, object] = {"timezone": local_zone_name(environ)}
        env = {
            "ATALAIA_OUTLETS": ("outlets_path", Path),
            "ATALAIA_WATCHLISTS": ("watchlists_path", Path),
            "ATALAIA_REDIS_URL": ("redis_url", str),
            "ATALAIA_DATA_DIR": ("data_dir", Path),
            "ATALAIA_REDIS_PREFIX": ("redis_prefix", str),
            "ATALAIA_DEDUPE_TTL": ("dedupe_ttl", parse_duration),
            "ATALAIA_STORY_TTL": ("story_ttl", parse_duration),
            "ATALAIA_SITEMAP_WINDOW": ("sitemap_window", parse_duration),
            "ATALAIA_CLAIM_LEASE": ("claim_lease", parse_duration),
            "ATALAIA_LEASE_TTL": ("lease_ttl", _positive_duration),
            "ATALAIA_CLAIM_IDLE": ("claim_idle", _positive_duration),
            "ATALAIA_DOWNLOAD_TIMEOUT": ("download_timeout", parse_duration),
            "ATALAIA_USER_AGENT": ("user_agent", str),
            "ATALAIA_KEEP_FOR": ("keep_for", _positive_duration),
            "ATALAIA_TIMEZONE": ("timezone", _zone_name),
            "ATALAIA_WEB_TOKEN": ("web_token", str),
        }
        for variable, (name, convert) in env.items():
            raw = environ.get(variable)
            if raw:
                try:
                    values[name] = convert(raw)  # type: ignore[operator]
                except ValueError as exc:
                    raise AtalaiaError(f"{variable}: {exc}") from None
        values.update({k: v for k, v in given.items() if v is not None})
        return replace(cls(), **values)  # type: ignore[arg-type]

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _positive_duration(text: str) -> float:
    seconds = parse_duration(text)
    if seconds <= 0:
        raise ValueError(f"must be more than zero: {text!r}")
    return seconds


def _zone_name(text: str) -> str:
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown timezone {text!r} (write e.g. America/Sao_Paulo)") from None
    return text


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
            return _zone_name(name)
        except ValueError:
            continue
    return "UTC"
