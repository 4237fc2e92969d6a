"""Atalaia's settings and their defaults, in one place.

Only `Settings.from_environment` reads the environment; everything else is handed
a `Settings` (or the plain values it needs).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

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
    recent_stories: int = 50_000
    user_agent: str = USER_AGENT
    download_timeout: float = 20.0
    download_maxsize: int = 10 * 1024 * 1024
    retry_times: int = 2
    article_attempts: int = 5

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ, **given: object) -> Settings:
        """Defaults, overridden by ATALAIA_* variables, overridden by `given` (command-line)."""
        values: dict[str, object] = {}
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


def _positive_duration(text: str) -> float:
    seconds = parse_duration(text)
    if seconds <= 0:
        raise ValueError(f"must be more than zero: {text!r}")
    return seconds
