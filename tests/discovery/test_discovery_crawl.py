"""`atalaia crawl` on feeds and sitemaps in real shapes: one story once, whoever wraps it;
partners' links attributed or skipped; newest first; never a silent empty source."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import redis

from atalaia.redis_keys import Keys
from tests.crawl.crawling import atalaia, crawl, stories
from tests.newsroom import Newsroom, OutletSpec, Style
from tests.newsroom.feeds import (
    Listed,
    amp_cache_url,
    dated_news_sitemap,
    entity_bomb_rss,
    feedburner_rss,
    folha_redirect,
    folha_rss091,
    google_news_rss,
    plain_rss,
    portal_rss,
    sitemap_index,
    tracked_cdata_rss,
    undated_sitemap_index,
)

from .newsroom_feeds import listed, write_catalogue

RSS = "application/rss+xml; charset=UTF-8"
_STUB = "<!DOCTYPE html><html><head><title>Arquivo</title></head><body></body></html>"


def test_a_story_wrapped_in_a_feed_and_plain_in_the_sitemap_is_fetched_and_kept_once(
    tmp_path: Path, redis_url: str, redis_client: redis.Redis, keys: Keys
) -> None:
    spec = OutletSpec("jornal-metropole", "Jornal Metrópole", Style.ARCXP, non_articles=False)
    with Newsroom(outlets=[spec], articles_per_outlet=12) as room:
        outlet = "jornal-metropole"
        site = room.url(outlet)
        articles = room.expected(outlet)
        items = [listed(article) for article in articles]
        shapes: dict[str, str | bytes] = {
            "/feeds/folha-rss091.xml": folha_rss091("FOLHA - Poder", site, items[0:2]),
            "/feeds/feedburner.xml": feedburner_rss("MetropoleRSS", site, items[2:4]),
            "/feeds/google-news.xml": google_news_rss("Jornal Metrópole", items[4:6]),
            "/feeds/amp-cache.xml": plain_rss(
                "AMP", site, [_at(i, amp_cache_url(i.url)) for i in items[6:8]]
            ),
            "/feeds/dw-maca.xml": tracked_cdata_rss(
                "DW", site, items[8:10], "maca=pt-BR-rss-br-top-1029-rdf&amp;utm_medium=rss"
            ),
            "/feeds/own-parameter.xml": plain_rss(
                "Origem", site, [_at(i, i.url + "?origem=rss-home") for i in items[10:12]]
            ),
        }
        feeds = [room.serve(outlet, path, body, RSS) for path, body in shapes.items()]

        def change(entries: dict[str, dict[str, Any]]) -> None:
            entries[outlet]["feeds"] = feeds
            entries[outlet]["tracking_parameters"] = ["origem"]

        catalogue = write_catalogue(room, tmp_path / "outlets.yaml", change)
        summary = crawl(catalogue, redis_url, keys)["by_outlet"][outlet]

        assert summary["errors"] == 0, summary["error_messages"]
        assert summary["offsite"] == 0
        assert summary["new_stories"] == len(articles) == 12
        assert summary["duplicates"] == 0
        # each story is listed twice (wrapped in a feed, plain in the sitemap): claimed once
        assert summary["links_found"] == 24
        assert summary["links_seen_before"] == 12
        fetched = Counter(a.path for a in room.requests_for(outlet) if a.status == 200)
        assert {article.path: fetched[article.path] for article in articles} == {
            article.path: 1 for article in articles
        }
        kept = sorted(story.article.url for story in stories(redis_client, keys))
        assert kept == sorted(article.canonical_url for article in articles)


def test_partner_links_are_attributed_to_their_outlet_and_others_skipped_unfetched(
    tmp_path: Path, redis_url: str, redis_client: redis.Redis, keys: Keys
) -> None:
    with Newsroom(seed=3, articles_per_outlet=4) as room:
        portal, partner = "diario-planalto", "diario-atlantico"
        own = [listed(a) for a in room.expected(portal)[:2]]
        partners = room.expected(partner)[:3]
        feed = portal_rss(
            "Diário do Planalto - Últimas",
            room.url(portal),
            [
                *own,
                listed(partners[0]),
                listed(partners[1]),
                _at(listed(partners[2]), folha_redirect(partners[2].canonical_url)),
                *[listed(a) for a in room.expected("noticias-horizonte")[:2]],  # not catalogued
                listed(room.expected("portal-rede")[0]),  # a disabled outlet's
                Listed("Parceiro", "https://parceiro.example/noticia/1", own[0].published_at),
            ],
        )
        url = room.serve(portal, "/rss/ultimas.xml", feed, "text/xml")

        def change(entries: dict[str, dict[str, Any]]) -> None:
            entries[portal]["feeds"] = [url]
            entries[portal].pop("sitemaps", None)
            del entries["noticias-horizonte"]
            entries["portal-rede"]["enabled"] = False

        catalogue = write_catalogue(room, tmp_path / "outlets.yaml", change)
        summary = crawl(catalogue, redis_url, keys, portal)["by_outlet"][portal]

        assert summary["errors"] == 0, summary["error_messages"]
        assert summary["attributed"] == 3
        assert summary["offsite"] == 4  # 2 uncatalogued, 1 of a disabled outlet, 1 external
        assert room.requests_for("noticias-horizonte") == []
        assert room.requests_for("portal-rede") == []
        found = {story.article.url: story.article for story in stories(redis_client, keys)}
        assert {u for u, a in found.items() if a.outlet == portal} == {i.url for i in own}
        for truth in partners:  # stored as the partner's: its outlet, timezone and language
            article = found[truth.canonical_url]
            assert article.outlet == partner
            assert article.published_at == truth.published_at
            assert article.published_at is not None
            assert article.published_at.utcoffset() == timedelta(hours=1)  # Lisbon, July
            assert article.language == "pt-PT"
        assert redis_client.zcard(keys.pending(partner)) == 0
        assert redis_client.zcard(keys.pending(portal)) == 0

        # The partner's own crawl finds those three already taken: no second copy.
        again = crawl(catalogue, redis_url, keys, partner)["by_outlet"][partner]
        assert again["new_stories"] == len(room.expected(partner, listed_only=True)) - 3
        assert again["duplicates"] == 0


def test_a_thousand_entry_sitemap_oldest_first_gives_the_newest_500_first_then_the_rest(
    tmp_path: Path, redis_url: str, keys: Keys
) -> None:
    spec = OutletSpec("arquivo-geral", "Arquivo Geral", Style.WORDPRESS, non_articles=False)
    with Newsroom(outlets=[spec], articles_per_outlet=1) as room:
        outlet = spec.id
        entries = _archive(room, outlet, 1000, datetime.now(UTC) - timedelta(hours=20))
        url = room.serve(outlet, "/sitemap-news.xml", dated_news_sitemap("Arquivo", entries))
        catalogue = _sitemap_only(room, outlet, url, tmp_path / "outlets.yaml")
        first = crawl(catalogue, redis_url, keys)["by_outlet"][outlet]
        assert first["links_found"] == 1000
        assert first["links_over_cap"] == 500
        assert _archive_pages_fetched(room, outlet) == set(range(500, 1000))
        order = [int(a.path.split("/")[2]) for a in room.requests_for(outlet, "/arquivo/")]
        assert set(order[:10]) <= set(range(980, 1000))  # and fetched newest first

        room.clear_access_log()
        second = crawl(catalogue, redis_url, keys)["by_outlet"][outlet]
        assert second["links_seen_before"] == 500  # already seen: they do not use the cap
        assert second["links_over_cap"] == 0
        assert _archive_pages_fetched(room, outlet) == set(range(500))

        room.clear_access_log()
        third = crawl(catalogue, redis_url, keys)["by_outlet"][outlet]
        assert third["not_modified"] == 1
        assert _archive_pages_fetched(room, outlet) == set()


def test_links_past_the_cap_in_a_dated_index_s_child_are_fetched_on_the_next_passes(
    tmp_path: Path, redis_url: str, keys: Keys
) -> None:
    """An index unchanged since a pass that left links for later must still be read:
    its 304 would otherwise hide its child, and the links left in it, for good."""
    spec = OutletSpec("arquivo-indexado", "Arquivo Indexado", Style.WORDPRESS, non_articles=False)
    with Newsroom(outlets=[spec], articles_per_outlet=1) as room:
        outlet = spec.id
        start = datetime.now(UTC) - timedelta(hours=2)
        entries = _archive(room, outlet, 10, start)
        child = room.serve(outlet, "/sitemaps/hoje.xml", dated_news_sitemap("Arquivo", entries))
        index = room.serve(outlet, "/sitemap_index.xml", sitemap_index([(child, start)]))
        catalogue = _sitemap_only(room, outlet, index, tmp_path / "outlets.yaml")
        fetched: list[set[int]] = []
        for _ in range(4):
            room.clear_access_log()
            crawl(catalogue, redis_url, keys, ATALAIA_MAX_LINKS_PER_SOURCE="4")
            fetched.append(_archive_pages_fetched(room, outlet))
        assert fetched == [set(range(6, 10)), set(range(2, 6)), {0, 1}, set()]
        assert {a.status for a in room.requests_for(outlet, "/sitemap")} == {304}  # at last


def test_an_undated_sitemap_index_is_read_from_its_newest_children(
    tmp_path: Path, redis_url: str, redis_client: redis.Redis, keys: Keys
) -> None:
    spec = OutletSpec("diario-antigo", "Diário Antigo", Style.WORDPRESS, non_articles=False)
    with Newsroom(outlets=[spec], articles_per_outlet=4) as room:
        outlet = spec.id
        now = datetime.now(UTC)
        months = [(year, month) for year in range(2003, now.year + 1) for month in range(1, 13)]
        months = [m for m in months if m <= (now.year, now.month)]
        children = [room.url(outlet, f"/sitemaps/sitemap-{y}-{m:02d}.xml") for y, m in months]
        index = room.serve(outlet, "/sitemap_index.xml", undated_sitemap_index(children))
        recent = [_at(listed(a), a.canonical_url, now - timedelta(hours=k)) for k, a in
                  enumerate(room.expected(outlet))]  # fmt: skip
        room.serve(outlet, _path(children[-1]), dated_news_sitemap("Diário Antigo", recent))
        for child in children[-3:-1]:
            room.serve(outlet, _path(child), dated_news_sitemap("Diário Antigo", []))
        catalogue = _sitemap_only(room, outlet, index, tmp_path / "outlets.yaml")
        summary = crawl(catalogue, redis_url, keys, ATALAIA_SITEMAP_WINDOW="100d")
        entry = summary["by_outlet"][outlet]

        assert entry["errors"] == 0, entry["error_messages"]
        asked = {a.path for a in room.requests_for(outlet, "/sitemaps/")}
        assert asked == {_path(child) for child in children[-3:]}
        assert entry["old_sitemaps_skipped"] > 250  # 2003 to a few months ago
        assert entry["new_stories"] == 4
        assert entry["empty_sources"] == 0

        # The index stays the same while its current month grows: it is read again.
        fresh = room.publish(outlet, published_at=now - timedelta(minutes=5))
        recent.append(listed(fresh))
        room.serve(outlet, _path(children[-1]), dated_news_sitemap("Diário Antigo", recent))
        room.clear_access_log()
        again = crawl(catalogue, redis_url, keys, ATALAIA_SITEMAP_WINDOW="100d")
        assert again["by_outlet"][outlet]["new_stories"] == 1
        assert [s.article.url for s in stories(redis_client, keys)][-1] == fresh.canonical_url
        assert {a.status for a in room.requests_for(outlet, "/sitemap_index.xml")} == {200}
        assert {a.status for a in room.requests_for(outlet, _path(children[-2]))} == {304}


def test_sources_that_give_nothing_are_warned_each_pass_and_in_status_after_three(
    tmp_path: Path, redis_url: str, keys: Keys
) -> None:
    spec = OutletSpec("gazeta-vazia", "Gazeta Vazia", Style.WORDPRESS, non_articles=False)
    with Newsroom(outlets=[spec], articles_per_outlet=3) as room:
        outlet = spec.id
        site = room.url(outlet)
        items = [listed(a) for a in room.expected(outlet)]
        no_links = room.serve(outlet, "/feed/sem-links/", plain_rss("x", site, items, links=False))
        bomb = room.serve(outlet, "/feed/risos/", entity_bomb_rss(site))
        long_ago = [_at(i, i.url, datetime(2010, 5, 4, 12, tzinfo=UTC)) for i in items]
        stale = room.serve(outlet, "/sitemap-news.xml", dated_news_sitemap("Gazeta", long_ago))

        def change(catalogue: dict[str, dict[str, Any]]) -> None:
            catalogue[outlet]["feeds"] = [no_links, bomb]
            catalogue[outlet]["sitemaps"] = [stale]

        catalogue = write_catalogue(room, tmp_path / "outlets.yaml", change)
        first = crawl(catalogue, redis_url, keys)["by_outlet"][outlet]
        assert first["new_stories"] == 0
        assert first["items_without_link"] == 3
        assert first["empty_sources"] == 2
        assert any(
            no_links in m and "3 items, none with a link" in m for m in first["warning_messages"]
        )
        assert any(
            stale in m and "all 3 links are older than the window" in m
            for m in first["warning_messages"]
        )
        assert any(bomb in m and "entities" in m for m in first["error_messages"])

        for _ in range(2):  # unchanged now (304): still nothing, and still said
            later = crawl(catalogue, redis_url, keys)["by_outlet"][outlet]
        assert later["not_modified"] == 2
        assert later["empty_sources"] == 2
        assert sum("3 passes in a row" in m for m in later["warning_messages"]) == 2
        result = atalaia(
            "status", "--json", "--outlets", str(catalogue), redis_url=redis_url, keys=keys
        )
        assert result.returncode == 0, result.stderr
        status = {entry["outlet"]: entry for entry in json.loads(result.stdout)["outlets"]}
        warnings = {w["source"]: w for w in status[outlet]["source_warnings"]}
        assert set(warnings) == {no_links, bomb, stale}
        assert all(w["empty_passes"] == 3 for w in warnings.values())
        assert "none with a link" in warnings[no_links]["reason"]
        assert "entities" in warnings[bomb]["reason"]
        shown = atalaia("status", "--outlets", str(catalogue), redis_url=redis_url, keys=keys)
        text = " ".join(shown.stdout.split())  # the terminal's width wraps lines anywhere
        assert "gave nothing for 3 passes or more: 3" in text
        assert "older than the window" in text and "none with a link" in text


def _at(item: Listed, url: str, published_at: datetime | None = None) -> Listed:
    return Listed(item.title, url, published_at or item.published_at, item.summary)


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def _archived(n: int) -> str:
    return f"/arquivo/{n:04d}/"


def _archive(room: Newsroom, outlet: str, count: int, start: datetime) -> list[Listed]:
    """`count` archive pages of `outlet`, one a minute from `start`, as sitemap entries.
    Tiny pages, cheap to fetch and read: a crawl counts them as non-articles."""
    for n in range(count):
        room.serve(outlet, _archived(n), _STUB, "text/html; charset=utf-8")
    return [
        Listed(f"Notícia {n}", room.url(outlet, _archived(n)), start + timedelta(minutes=n))
        for n in range(count)
    ]


def _sitemap_only(room: Newsroom, outlet: str, sitemap: str, path: Path) -> Path:
    """The newsroom's catalogue, in which `outlet` has `sitemap` as its only source."""

    def change(catalogue: dict[str, dict[str, Any]]) -> None:
        catalogue[outlet].pop("feeds", None)
        catalogue[outlet]["sitemaps"] = [sitemap]

    return write_catalogue(room, path, change)


def _archive_pages_fetched(room: Newsroom, outlet: str) -> set[int]:
    return {int(a.path.split("/")[2]) for a in room.requests_for(outlet, "/arquivo/")}
