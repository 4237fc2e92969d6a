"""`scrapy list` and `scrapy crawl` work from the project root, as for any Scrapy project."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import redis

from atalaia.redis_keys import Keys
from tests.newsroom import Newsroom

from .crawling import ROOT, stories


def scrapy(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args],
        capture_output=True, text=True, cwd=ROOT, timeout=120, env={**os.environ, **(env or {})},
    )  # fmt: skip


def test_scrapy_list_names_the_one_spider() -> None:
    result = scrapy("list")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["outlet"]


def test_scrapy_crawl_one_outlet_of_a_catalogue(
    newsroom: Newsroom, newsroom_catalogue: Path, redis_url: str, redis_client: redis.Redis,
    keys: Keys,
) -> None:  # fmt: skip
    result = scrapy(
        "crawl", "outlet", "-a", "outlet=folha-interior",
        "-s", f"ATALAIA_OUTLETS={newsroom_catalogue}", "-s", f"ATALAIA_REDIS_URL={redis_url}",
        "-s", f"ATALAIA_REDIS_PREFIX={keys.prefix}", "-s", "ATALAIA_SITEMAP_WINDOW=315360000",
        "-s", "LOG_LEVEL=WARNING",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    crawled = {s.article.canonical_url for s in stories(redis_client, keys)}
    expected = {a.canonical_url for a in newsroom.expected("folha-interior", listed_only=True)}
    assert crawled == expected


def test_scrapy_crawl_reads_the_atalaia_environment(
    newsroom: Newsroom, newsroom_catalogue: Path, redis_url: str, redis_client: redis.Redis,
    keys: Keys, tmp_path: Path,
) -> None:  # fmt: skip
    """ATALAIA_REDIS_URL and the other ATALAIA_* variables apply as they do to `atalaia`."""
    env = {
        "ATALAIA_OUTLETS": str(newsroom_catalogue),
        "ATALAIA_REDIS_URL": redis_url,
        "ATALAIA_REDIS_PREFIX": keys.prefix,
        "ATALAIA_SITEMAP_WINDOW": "3650d",
        "ATALAIA_DATA_DIR": str(tmp_path / "var"),
    }
    result = scrapy(
        "crawl", "outlet", "-a", "outlet=portal-rede", "-s", "LOG_LEVEL=WARNING", env=env
    )
    assert result.returncode == 0, result.stderr
    crawled = {s.article.canonical_url for s in stories(redis_client, keys)}
    expected = {a.canonical_url for a in newsroom.expected("portal-rede", listed_only=True)}
    assert crawled == expected
    assert not (tmp_path / "var" / "redis").exists(), "an embedded Redis was started instead"
