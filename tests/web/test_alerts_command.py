"""`atalaia alerts` and `atalaia stories` after crawling the newsroom, as a user runs
them; `--follow` as a real process while a crawl creates alerts."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from atalaia.redis_keys import Keys
from tests.crawl.crawling import ROOT, atalaia, crawl
from tests.newsroom import DEFAULT_SPECS, Newsroom


@pytest.fixture
def room(tmp_path: Path) -> Iterator[tuple[Newsroom, Path]]:
    with Newsroom(outlets=DEFAULT_SPECS[:2], seed=0, articles_per_outlet=4) as newsroom:
        yield newsroom, newsroom.write_catalogue(tmp_path / "outlets.yaml")


def _json(*args: str, redis_url: str, keys: Keys) -> list[dict[str, object]]:
    result = atalaia(*args, "--json", redis_url=redis_url, keys=keys)
    assert result.returncode == 0, result.stderr
    found: list[dict[str, object]] = json.loads(result.stdout)
    return found


def test_alerts_and_stories_after_a_crawl(
    room: tuple[Newsroom, Path], redis_url: str, keys: Keys
) -> None:
    newsroom, catalogue = room
    summary = crawl(catalogue, redis_url, keys)
    created = sum(summary["matches"].values())
    assert created >= 2
    alerts = _json("alerts", "--outlets", str(catalogue), redis_url=redis_url, keys=keys)
    assert len(alerts) == created
    times = [str(a["created_at"]) for a in alerts]
    assert times == sorted(times, reverse=True)
    assert {a["delivery"] for a in alerts} == {"none"}  # the default watchlist notifies no one
    outlet = next(iter(newsroom.outlets))
    mine = _json("alerts", "--outlet", outlet, redis_url=redis_url, keys=keys)
    assert mine and all(a["article"]["outlet"] == outlet for a in mine)  # type: ignore[index]
    assert _json("alerts", "--watchlist", "nope", redis_url=redis_url, keys=keys) == []

    stories = _json("stories", redis_url=redis_url, keys=keys)
    expected = {a.canonical_url for a in newsroom.expected()}
    assert len(stories) == len(expected)
    assert {s["article"]["canonical_url"] for s in stories} == expected  # type: ignore[index]
    matched = [s for s in stories if s["watchlists"]]
    assert len(matched) == created
    queried = _json("stories", "--query", "title:(Coreia OR Rússia)", redis_url=redis_url,
                    keys=keys)  # fmt: skip
    assert queried and all(
        any(w in s["article"]["title"] for w in ("Coreia", "Rússia"))  # type: ignore[index]
        for s in queried
    )
    bad = atalaia("stories", "--query", "Lula AND", redis_url=redis_url, keys=keys)
    assert bad.returncode == 2 and "bad query" in bad.stderr

    lines = atalaia("alerts", "--limit", "2", redis_url=redis_url, keys=keys).stdout.splitlines()
    assert len(lines) == 2
    assert "coreia-russia" in lines[0] and "  none  " in lines[0]
    assert str(alerts[0]["article"]["title"]) in lines[0]  # type: ignore[index]


def test_follow_prints_alerts_as_a_crawl_creates_them(
    room: tuple[Newsroom, Path], redis_url: str, keys: Keys
) -> None:
    newsroom, catalogue = room
    crawl(catalogue, redis_url, keys)
    environment = {
        **os.environ, "ATALAIA_REDIS_URL": redis_url, "ATALAIA_REDIS_PREFIX": keys.prefix,
        "ATALAIA_WATCHLISTS": str(ROOT / "watchlists.yaml"),
    }  # fmt: skip
    follower = subprocess.Popen(
        [sys.executable, "-m", "scheduler.cli", "alerts", "--follow", "--json", "-n", "1"],
        cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        for line in follower.stdout or []:
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()
    try:
        first = json.loads(lines.get(timeout=30))
        assert first["watchlist"]["id"] == "coreia-russia"
        outlet = next(iter(newsroom.outlets))
        fresh = newsroom.publish(outlet, topic="coreia")
        started = time.monotonic()
        crawl(catalogue, redis_url, keys)
        followed = json.loads(lines.get(timeout=30))
        assert followed["article"]["canonical_url"] == fresh.canonical_url
        assert time.monotonic() - started < 30
        assert lines.empty()
    finally:
        follower.send_signal(signal.SIGINT)
        code = follower.wait(15)
    assert code == 0, follower.stderr.read() if follower.stderr else ""
