"""`atalaia crawl` when outlets are down: a summary, no tracebacks, and exit 1 when none
could be reached."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from atalaia.redis_keys import Keys
from tests.daemon.test_failure_logs import offline_catalogue
from tests.newsroom import Newsroom

from .crawling import atalaia


def test_a_crawl_that_reaches_no_outlet_exits_1_and_says_so(
    tmp_path: Path, redis_url: str, keys: Keys
) -> None:
    catalogue, sources = offline_catalogue(tmp_path / "outlets.yaml")
    result = atalaia("crawl", "--outlets", str(catalogue), redis_url=redis_url, keys=keys)
    assert result.returncode == 1
    assert "no outlet could be reached" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "ERROR" not in result.stderr  # Scrapy's own lines repeat what the summary says
    for url in sources:
        assert f"fora-do-ar: {url}: connection refused" in result.stdout

    as_json = atalaia(
        "crawl", "--json", "--outlets", str(catalogue), redis_url=redis_url, keys=keys
    )
    assert as_json.returncode == 1
    assert json.loads(as_json.stdout)["totals"]["errors"] == 3


def test_a_crawl_that_reaches_one_outlet_succeeds(
    newsroom: Newsroom, tmp_path: Path, redis_url: str, keys: Keys
) -> None:
    catalogue, _ = offline_catalogue(tmp_path / "offline.yaml")
    offline = yaml.safe_load(catalogue.read_text(encoding="utf-8"))["outlets"]
    both = tmp_path / "outlets.yaml"
    entries = [*offline, newsroom.outlets["portal-rede"].catalogue_entry()]
    both.write_text(yaml.safe_dump({"outlets": entries}), encoding="utf-8")
    result = atalaia(
        "crawl", "--outlets", str(both), redis_url=redis_url, keys=keys,
        env={"ATALAIA_SITEMAP_WINDOW": "3650d"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
