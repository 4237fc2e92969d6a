"""Redis going away in the middle of a crawl: a clear error, and nothing lost."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import redis

from atalaia.redis_connection import EmbeddedRedis, connect
from atalaia.redis_keys import Keys
from tests.newsroom import Newsroom

from .crawling import ROOT, crawl, stories


def test_redis_stopping_mid_crawl_is_reported_and_the_next_pass_catches_up(
    tmp_path: Path, keys: Keys
) -> None:
    server = EmbeddedRedis(tmp_path / "redis-data")
    url = server.start()
    with Newsroom(articles_per_outlet=8, latency=0.25) as room:
        catalogue = room.write_catalogue(tmp_path / "outlets.yaml")
        env = {
            **os.environ,
            "ATALAIA_REDIS_URL": url,
            "ATALAIA_REDIS_PREFIX": keys.prefix,
            "ATALAIA_WATCHLISTS": str(ROOT / "watchlists.yaml"),
            "ATALAIA_SITEMAP_WINDOW": "3650d",
            "ATALAIA_CLAIM_LEASE": "2s",
        }
        first = subprocess.Popen(
            [sys.executable, "-m", "scheduler.cli", "crawl", "--outlets", str(catalogue)],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        client = connect(url)
        while not client.exists(keys.recent_stories()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert client.exists(keys.recent_stories()), "the crawl never got going"
        server.stop()  # Redis goes away while articles are still being fetched
        _, stderr = first.communicate(timeout=120)
        assert first.returncode == 2
        assert "lost the connection to Redis during the crawl" in stderr
        assert "Traceback" not in stderr

        restarted = EmbeddedRedis(tmp_path / "redis-data")
        url = restarted.start()
        time.sleep(2)  # the claims of the crawl that lost Redis expire
        try:
            crawl(catalogue, url, keys, ATALAIA_CLAIM_LEASE="2s")
            client = connect(url)
            found = Counter(s.article.canonical_url for s in stories(client, keys))
            expected = {a.canonical_url for a in room.expected(listed_only=True)}
            assert set(found) == expected
            assert max(found.values()) == 1, "a story was handed on twice"
        finally:
            _cleanup(client, keys)
            restarted.stop()


def _cleanup(client: redis.Redis, keys: Keys) -> None:
    stale = list(client.scan_iter(match=keys.prefix + "*"))
    if stale:
        client.delete(*stale)
