"""The crawl engine: many outlet passes, one after another or at once, on one Scrapy crawler."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import redis

from atalaia.redis_keys import Keys
from tests.newsroom import Newsroom
from tests.newsroom.model import Fault

from .crawling import ROOT, stories


def passes(
    catalogue: Path, redis_url: str, keys: Keys, *steps: list[str], **settings: object
) -> dict[str, Any]:
    """Run `steps` of passes on one engine (tests/crawl/engine_passes.py)."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.crawl.engine_passes", str(catalogue), redis_url,
         keys.prefix, json.dumps(list(steps)), json.dumps(settings)],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
    assert "error" not in report, report["error"]
    return report


def listed(newsroom: Newsroom, outlet: str) -> set[str]:
    return {a.canonical_url for a in newsroom.expected(outlet, listed_only=True)}


def test_two_outlets_at_once_each_get_their_own_summary(
    newsroom: Newsroom, newsroom_catalogue: Path, redis_url: str, redis_client: redis.Redis,
    keys: Keys,
) -> None:  # fmt: skip
    report = passes(newsroom_catalogue, redis_url, keys, ["diario-planalto", "folha-interior"])
    planalto, folha = report["steps"][0]
    assert (planalto["outlet"], folha["outlet"]) == ("diario-planalto", "folha-interior")
    assert planalto["new_stories"] == len(listed(newsroom, "diario-planalto"))
    assert folha["new_stories"] == len(listed(newsroom, "folha-interior"))
    assert planalto["errors"] == folha["errors"] == 0
    assert planalto["finished"] and folha["finished"]
    by_outlet: dict[str, set[str]] = {}
    for story in stories(redis_client, keys):
        by_outlet.setdefault(story.article.outlet, set()).add(story.article.canonical_url or "")
    assert by_outlet == {
        "diario-planalto": listed(newsroom, "diario-planalto"),
        "folha-interior": listed(newsroom, "folha-interior"),
    }
    assert report["crawlers"] == 1


def test_robots_txt_is_fetched_once_over_several_passes_and_later_passes_run(
    newsroom: Newsroom, newsroom_catalogue: Path, redis_url: str, keys: Keys
) -> None:
    report = passes(
        newsroom_catalogue, redis_url, keys,
        ["diario-planalto"], ["diario-planalto"], ["folha-interior"], ["diario-planalto"],
    )  # fmt: skip
    first, second, other, third = (step[0] for step in report["steps"])
    assert first["new_stories"] == len(listed(newsroom, "diario-planalto"))
    # The passes after the first one ran: they read the feeds again (unchanged now).
    for later in (second, third):
        assert later["finished"] and later["new_stories"] == 0
        assert later["not_modified"] + later["feeds_fetched"] + later["sections_fetched"] > 0
    assert other["new_stories"] == len(listed(newsroom, "folha-interior"))
    robots = newsroom.requests_for("diario-planalto", "/robots.txt", method="GET")
    assert len(robots) == 1
    assert report["crawlers"] == 1


def test_robots_txt_older_than_its_ttl_is_read_again(
    newsroom: Newsroom, newsroom_catalogue: Path, redis_url: str, keys: Keys
) -> None:
    steps = [["diario-planalto"]] * 3
    passes(newsroom_catalogue, redis_url, keys, *steps, robotstxt_ttl=0)
    robots = newsroom.requests_for("diario-planalto", "/robots.txt", method="GET")
    assert len(robots) >= 3  # at least once per pass


def test_an_outlet_that_fails_does_not_disturb_one_crawled_with_it(
    newsroom: Newsroom, newsroom_catalogue: Path, redis_url: str, keys: Keys
) -> None:
    newsroom.set_fault("diario-planalto", Fault.error500())
    report = passes(newsroom_catalogue, redis_url, keys, ["diario-planalto", "folha-interior"])
    failed, fine = report["steps"][0]
    assert failed["errors"] > 0 and failed["new_stories"] == 0
    assert any("500" in message for message in failed["error_messages"])
    assert fine["errors"] == 0
    assert fine["new_stories"] == len(listed(newsroom, "folha-interior"))
    assert fine["error_messages"] == []


def test_many_passes_leave_one_crawler(
    newsroom: Newsroom, newsroom_catalogue: Path, redis_url: str, keys: Keys
) -> None:
    outlets = sorted(newsroom.outlets)
    steps = [outlets[:3], outlets[3:], outlets, outlets[:2], outlets[2:]]
    report = passes(newsroom_catalogue, redis_url, keys, *steps)
    assert [len(step) for step in report["steps"]] == [len(step) for step in steps]
    assert all(summary["finished"] for step in report["steps"] for summary in step)
    assert report["crawlers"] == 1
    assert report["crawler_objects"] == 1
