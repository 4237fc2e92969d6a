"""Running `atalaia crawl` as a user would, against the newsroom, and reading its results."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import redis

from atalaia.redis_keys import Keys
from atalaia.story import Story

ROOT = Path(__file__).resolve().parents[2]


def atalaia(
    *args: str,
    redis_url: str,
    keys: Keys,
    env: dict[str, str] | None = None,
    timeout: int = 120,
) -> subprocess.CompletedProcess[str]:
    """Run the `atalaia` command line in a child process, as a user would."""
    environment = {
        **os.environ,
        "ATALAIA_REDIS_URL": redis_url,
        "ATALAIA_REDIS_PREFIX": keys.prefix,
        "ATALAIA_WATCHLISTS": str(ROOT / "watchlists.yaml"),
        # The newsroom's articles are dated July 2025: follow sitemaps that far back.
        "ATALAIA_SITEMAP_WINDOW": "3650d",
        "ATALAIA_DOWNLOAD_TIMEOUT": "2",
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "scheduler.cli", *args],
        capture_output=True, text=True, cwd=ROOT, env=environment, timeout=timeout,
    )  # fmt: skip


def crawl(catalogue: Path, redis_url: str, keys: Keys, *outlets: str, **env: str) -> dict[str, Any]:
    """`atalaia crawl --json`; returns the summary, with per-outlet entries by id."""
    result = atalaia(
        "crawl", "--json", "--outlets", str(catalogue), *outlets,
        redis_url=redis_url, keys=keys, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    summary: dict[str, Any] = json.loads(result.stdout)
    summary["by_outlet"] = {entry["outlet"]: entry for entry in summary["outlets"]}
    return summary


def stories(client: redis.Redis, keys: Keys) -> list[Story]:
    """Every story handed on, oldest first, from the recent-stories stream."""
    entries = client.xrange(keys.recent_stories()) or []
    return [Story.from_json(fields[b"story"]) for _, fields in entries if fields]
