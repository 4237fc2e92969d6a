"""`atalaia crawl` against the newsroom: the right articles, once, whatever the outlets do."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis

from atalaia.redis_keys import Keys
from tests.newsroom import Fault, Newsroom
from tests.newsroom.model import DEFAULT_SPECS, NonArticleKind, OutletSpec, Style, Trap

from .crawling import atalaia, crawl, stories

ARTICLE_PAGE_PATHS = ("/20", "/ultimas-noticias/", "/mundo/", "/politica/", "/economia/")


def test_crawl_yields_the_right_articles_for_every_style(
    newsroom: Newsroom, newsroom_catalogue: Path, redis_url: str, redis_client: redis.Redis,
    keys: Keys,
) -> None:  # fmt: skip
    summary = crawl(newsroom_catalogue, redis_url, keys)
    found = {story.article.canonical_url: story.article for story in stories(redis_client, keys)}
    expected = newsroom.expected(listed_only=True)
    assert {a.canonical_url for a in expected} == set(found)
    traps_seen: set[Trap] = set()
    for truth in expected:
        article = found[truth.canonical_url]
        where = f"{truth.outlet_id} {truth.url} {sorted(truth.traps)}"
        assert article.outlet == truth.outlet_id, where
        assert article.title == truth.title, where
        assert article.published_at == truth.published_at, where
        assert article.published_at is not None
        assert article.published_at.utcoffset() == truth.published_at.utcoffset(), where
        assert list(article.authors) == list(truth.authors), where
        assert article.body.split("\n\n") == list(truth.paragraphs), where
        assert article.language == truth.language, where
        traps_seen |= truth.traps
    assert {
        Trap.JSONLD_UTC_LABELLED_LOCAL, Trap.LOCAL_LABELLED_UTC, Trap.OG_TITLE_DIFFERS,
        Trap.NO_MACHINE_DATE, Trap.HEADLINE_IN_H2, Trap.LATIN1_UNDECLARED,
        Trap.BOILERPLATE_IN_CONTENT,
    } <= traps_seen  # fmt: skip
    totals = summary["totals"]
    assert totals["new_stories"] == len(expected)
    assert totals["errors"] == 0
    listed_non_articles = [
        n for n in newsroom.non_articles() if n.kind != NonArticleKind.DISALLOWED
    ]
    assert totals["non_articles"] == len(listed_non_articles)
    assert summary["by_outlet"]["diario-planalto"]["robots_forbidden"] == 1


def test_disallowed_article_is_never_fetched(
    newsroom: Newsroom, newsroom_catalogue: Path, redis_url: str, keys: Keys
) -> None:
    crawl(newsroom_catalogue, redis_url, keys)
    disallowed = [n for n in newsroom.non_articles() if n.kind == NonArticleKind.DISALLOWED]
    assert disallowed
    for link in disallowed:
        assert not newsroom.fetched(link.url)
    assert newsroom.requests_for("diario-planalto", "/robots.txt")


def test_second_crawl_fetches_no_article_again_and_feeds_answer_304(
    newsroom: Newsroom, newsroom_catalogue: Path, redis_url: str, keys: Keys
) -> None:
    crawl(newsroom_catalogue, redis_url, keys)
    newsroom.clear_access_log()
    summary = crawl(newsroom_catalogue, redis_url, keys)
    article_paths = {a.path for a in newsroom.expected()}
    again = [a for a in newsroom.access_log if a.path.split("?")[0] in article_paths]
    assert again == []
    listings = [a for a in newsroom.access_log if a.path != "/robots.txt"]
    assert listings, "the feeds, sitemaps and sections were not polled"
    assert {a.status for a in listings} == {304}
    for access in listings:
        assert access.header("If-None-Match") or access.header("If-Modified-Since")
    assert summary["totals"]["new_stories"] == 0
    assert summary["totals"]["articles_fetched"] == 0
    assert summary["totals"]["not_modified"] == len(listings)


def test_article_published_between_passes_is_the_only_one_fetched(
    newsroom: Newsroom, newsroom_catalogue: Path, redis_url: str, redis_client: redis.Redis,
    keys: Keys,
) -> None:  # fmt: skip
    crawl(newsroom_catalogue, redis_url, keys)
    newsroom.clear_access_log()
    fresh = {outlet: newsroom.publish(outlet, topic="coreia") for outlet in newsroom.outlets}
    summary = crawl(newsroom_catalogue, redis_url, keys)
    assert summary["totals"]["new_stories"] == len(fresh)
    by_url = {s.article.canonical_url: s.article for s in stories(redis_client, keys)}
    for outlet, article in fresh.items():
        assert by_url[article.canonical_url].title == article.title, outlet
        assert article.sentence in by_url[article.canonical_url].body
    fetched_articles = {
        a.path for a in newsroom.access_log if a.status == 200 and a.path in {
            x.path for x in newsroom.expected()
        }
    }  # fmt: skip
    assert fetched_articles == {a.path for a in fresh.values()}


def test_same_story_under_several_urls_and_wire_copies_are_one_story(
    newsroom: Newsroom, newsroom_catalogue: Path, redis_url: str, redis_client: redis.Redis,
    keys: Keys,
) -> None:  # fmt: skip
    crawl(newsroom_catalogue, redis_url, keys)
    twice = newsroom.publish_duplicate_urls("jornal-metropole")
    wire = newsroom.publish_wire(["diario-planalto", "jornal-metropole", "folha-interior"])
    summary = crawl(newsroom_catalogue, redis_url, keys)
    new = stories(redis_client, keys)[-summary["totals"]["new_stories"] :]
    assert len(twice.urls) >= 2
    assert [s.article.canonical_url for s in new].count(twice.canonical_url) == 1
    wire_stories = [s for s in new if s.article.canonical_url in {w.canonical_url for w in wire}]
    assert len(wire_stories) == 1
    story = wire_stories[0]
    story_key = keys.story_also(story.id)
    also_in = {_text(k): _text(v) for k, v in redis_client.hgetall(story_key).items()}
    others = {w.outlet_id: w for w in wire if w.outlet_id != story.article.outlet}
    assert set(also_in) == set(others)
    for outlet, copy in others.items():
        assert also_in[outlet] in copy.urls or also_in[outlet] == copy.url
    assert summary["totals"]["syndicated"] == 2
    assert summary["totals"]["new_stories"] == 2


FAULTS = {
    "diario-planalto": (Fault.error500(), "HTTP 500"),
    "jornal-metropole": (Fault.garbage(), "not a feed"),
    "portal-rede": (Fault.redirect_loop(), "too many redirects"),
    "folha-interior": (Fault.hang(seconds=30), "timed out"),
    "diario-atlantico": (Fault.huge(), "page too large"),
    "noticias-horizonte": (Fault.slow(4.0), "timed out"),
}


@pytest.fixture
def troubled_newsroom() -> Newsroom:
    healthy = OutletSpec("gazeta-saudavel", "Gazeta Saudável", Style.WORDPRESS)
    return Newsroom(outlets=[*DEFAULT_SPECS, healthy], articles_per_outlet=3)


def test_each_failure_is_reported_for_its_outlet_and_the_others_finish(
    troubled_newsroom: Newsroom, tmp_path: Path, redis_url: str, redis_client: redis.Redis,
    keys: Keys,
) -> None:  # fmt: skip
    with troubled_newsroom as room:
        catalogue = room.write_catalogue(tmp_path / "outlets.yaml")
        for outlet, (fault, _) in FAULTS.items():
            room.set_fault(outlet, fault)
        summary = crawl(catalogue, redis_url, keys, ATALAIA_DOWNLOAD_TIMEOUT="2")
        for outlet, (_, message) in FAULTS.items():
            entry = summary["by_outlet"][outlet]
            assert entry["errors"] >= 1, outlet
            assert any(message in m for m in entry["error_messages"]), (outlet, entry)
        healthy = summary["by_outlet"]["gazeta-saudavel"]
        assert healthy["errors"] == 0
        assert healthy["new_stories"] == len(room.expected("gazeta-saudavel", listed_only=True))
        assert healthy["seconds"] < 10, "a failing outlet held up a healthy one"

        # Nothing lost: once the outlets recover, what failed is fetched on the next pass.
        for outlet in FAULTS:
            room.set_fault(outlet, None)
        crawl(catalogue, redis_url, keys)
        found = {s.article.canonical_url for s in stories(redis_client, keys)}
        assert {a.canonical_url for a in room.expected(listed_only=True)} <= found


def test_huge_page_does_not_exhaust_memory_and_is_retried_later(
    newsroom: Newsroom, newsroom_catalogue: Path, redis_url: str, redis_client: redis.Redis,
    keys: Keys,
) -> None:  # fmt: skip
    newsroom.set_fault("diario-atlantico", Fault.huge())
    summary = crawl(newsroom_catalogue, redis_url, keys, "diario-atlantico")
    entry = summary["by_outlet"]["diario-atlantico"]
    assert entry["new_stories"] == 0
    assert all("will retry next pass" in m for m in entry["error_messages"])
    newsroom.set_fault("diario-atlantico", None)
    newsroom.clear_access_log()
    summary = crawl(newsroom_catalogue, redis_url, keys, "diario-atlantico")
    assert summary["by_outlet"]["diario-atlantico"]["not_modified"] == 1
    expected = newsroom.expected("diario-atlantico", listed_only=True)
    assert summary["by_outlet"]["diario-atlantico"]["new_stories"] == len(expected)


def test_crawl_of_named_outlets_only(
    newsroom: Newsroom, newsroom_catalogue: Path, redis_url: str, keys: Keys
) -> None:
    summary = crawl(newsroom_catalogue, redis_url, keys, "portal-rede")
    assert list(summary["by_outlet"]) == ["portal-rede"]
    assert not newsroom.requests_for("diario-planalto")


def test_unknown_outlet_and_unreachable_redis_fail_the_run_with_a_message(
    newsroom_catalogue: Path, redis_url: str, keys: Keys
) -> None:
    unknown = atalaia(
        "crawl", "--outlets", str(newsroom_catalogue), "nao-existe",
        redis_url=redis_url, keys=keys,
    )  # fmt: skip
    assert unknown.returncode == 2
    assert "unknown outlet nao-existe" in unknown.stderr
    down = atalaia(
        "crawl", "--outlets", str(newsroom_catalogue),
        redis_url="redis://:segredo@127.0.0.1:9/0", keys=keys,
    )  # fmt: skip
    assert down.returncode == 2
    assert "cannot reach Redis at redis://***@127.0.0.1:9/0" in down.stderr
    assert "segredo" not in down.stderr + down.stdout
    assert "Traceback" not in down.stderr


def test_human_summary_names_outlets_and_errors(
    newsroom: Newsroom, newsroom_catalogue: Path, redis_url: str, keys: Keys
) -> None:
    newsroom.set_fault("portal-rede", Fault.error500())
    result = atalaia("crawl", "--outlets", str(newsroom_catalogue), redis_url=redis_url, keys=keys)
    assert result.returncode == 0, result.stderr
    assert "diario-planalto" in result.stdout and "total" in result.stdout
    assert "portal-rede: " in result.stdout and "HTTP 500" in result.stdout


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
