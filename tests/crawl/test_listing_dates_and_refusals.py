"""In a crawl: the date a feed gives a link reaches the story when the page shows none,
and every page refused as not an article is counted per outlet with its reason."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from atalaia.redis_keys import Keys
from tests.newsroom import Newsroom
from tests.newsroom.model import OutletSpec, Style, Trap

from .crawling import atalaia, crawl, stories

ARC = OutletSpec("jornal-metropole", "Jornal Metrópole", Style.ARCXP)
GLOBO = OutletSpec("portal-rede", "Portal Rede", Style.GLOBO)


@pytest.fixture
def two_outlets() -> Iterator[Newsroom]:
    with Newsroom(outlets=[ARC, GLOBO], articles_per_outlet=3) as room:
        yield room


def test_the_feed_date_is_the_only_date_and_reaches_the_stored_story(
    two_outlets: Newsroom, tmp_path: Path, redis_url: str, redis_client: redis.Redis,
    keys: Keys,
) -> None:  # fmt: skip
    undated = two_outlets.publish_undated(ARC.id)
    assert Trap.NO_DATE_ON_PAGE in undated.traps
    assert f"/{undated.published_at:%Y/%m}/" in undated.url  # the address gives no day
    catalogue = two_outlets.write_catalogue(tmp_path / "outlets.yaml")

    crawl(catalogue, redis_url, keys, ARC.id)

    found = {s.article.canonical_url: s.article for s in stories(redis_client, keys)}
    article = found[undated.canonical_url]
    assert article.title == undated.title
    assert article.published_at == undated.published_at
    assert article.published_at is not None
    assert article.published_at.utcoffset() == undated.published_at.utcoffset()
    assert article.published_source == "listing"
    dated = [found[a.canonical_url] for a in two_outlets.expected(ARC.id, listed_only=True)]
    assert {a.published_source for a in dated if a.url != undated.url} <= {"jsonld", "meta"}


def test_refusals_are_counted_per_outlet_with_their_reason(
    two_outlets: Newsroom,
    tmp_path: Path,
    redis_url: str,
    redis_client: redis.Redis,
    keys: Keys,
) -> None:  # fmt: skip (redis_client: its clean-up removes the keys of both passes)
    catalogue = two_outlets.write_catalogue(tmp_path / "outlets.yaml")
    kinds = {n.kind for n in two_outlets.non_articles(GLOBO.id)}
    assert kinds == {"video-hub", "tag-page", "not-found", "soft-404"}

    summary = crawl(catalogue, redis_url, keys)

    expected = {"listing": 2, "http error": 1, "soft 404": 1}  # hub and tag page, 404, soft 404
    for outlet in (ARC.id, GLOBO.id):
        entry = summary["by_outlet"][outlet]
        assert entry["non_articles"] == 4
        assert entry["refusals"] == expected
    assert summary["refusals"] == {kind: 2 * count for kind, count in expected.items()}

    status = atalaia("status", "--json", "--outlets", str(catalogue), redis_url=redis_url,
                     keys=keys)  # fmt: skip
    assert status.returncode == 0, status.stderr
    by_outlet = {o["outlet"]: o for o in json.loads(status.stdout)["outlets"]}
    assert by_outlet[GLOBO.id]["refused"] == expected

    table = atalaia("status", "--outlets", str(catalogue), redis_url=redis_url, keys=keys,
                    env={"COLUMNS": "200"})  # fmt: skip
    assert table.returncode == 0, table.stderr
    assert "refused" in table.stdout
    row = next(line for line in table.stdout.splitlines() if GLOBO.id in line)
    assert " 4 " in row

    printed = atalaia("crawl", "--outlets", str(catalogue), GLOBO.id, redis_url=redis_url,
                      keys=Keys(keys.prefix + "again:"))  # fmt: skip
    assert printed.returncode == 0, printed.stderr
    assert "portal-rede: refused as not articles: http error 1, listing 2, soft 404 1" in (
        printed.stdout
    )
