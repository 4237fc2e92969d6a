"""`atalaia discover`: what the spider would take from one source, link by link."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from atalaia.redis_keys import Keys
from tests.crawl.crawling import atalaia, crawl
from tests.newsroom import Newsroom
from tests.newsroom.feeds import (
    Listed,
    dated_news_sitemap,
    folha_redirect,
    plain_rss,
    portal_rss,
    undated_sitemap_index,
)

from .newsroom_feeds import listed, write_catalogue

NO_REDIS = {"ATALAIA_REDIS_URL": ""}


def _discover(
    *args: str, redis_url: str, keys: Keys, env: dict[str, str] | None = None
) -> tuple[int, dict[str, Any], str]:
    result = atalaia("discover", "--json", *args, redis_url=redis_url, keys=keys, env=env)
    report = json.loads(result.stdout) if result.stdout.strip() else {}
    return result.returncode, report, result.stderr


def test_discover_a_portal_feed_shows_each_story_once_unwrapped_owned_and_new_then_seen(
    tmp_path: Path, redis_url: str, keys: Keys
) -> None:
    with Newsroom(seed=5, articles_per_outlet=3) as room:
        portal, partner = "diario-planalto", "diario-atlantico"
        own = [listed(a) for a in room.expected(portal)]
        theirs = listed(room.expected(partner)[0])
        outside = Listed("Fora", "https://parceiro.example/noticia/9", own[0].published_at)
        wrapped = Listed(own[0].title, folha_redirect(own[0].url), own[0].published_at)
        feed = portal_rss("Portal", room.url(portal), [*own, wrapped, theirs, outside])
        url = room.serve(portal, "/rss/ultimas.xml", feed, "text/xml")

        def change(entries: dict[str, dict[str, Any]]) -> None:
            entries[portal]["feeds"] = [url]

        catalogue = write_catalogue(room, tmp_path / "outlets.yaml", change)
        args = (url, "--outlets", str(catalogue))
        code, report, _ = _discover(*args, redis_url=redis_url, keys=keys)

        assert code == 0
        assert report["outlet"] == portal and report["kind"] == "feed"
        assert report["entries"] == 6
        links = {link["url"]: link for link in report["links"]}
        assert set(links) == {*(i.url for i in own), theirs.url, outside.url}
        assert links[own[0].url]["also_listed_as"] == [wrapped.url]
        assert {links[i.url]["status"] for i in own} == {"new"}
        assert (links[theirs.url]["outlet"], links[theirs.url]["place"]) == (partner, "attributed")
        assert links[outside.url]["status"] == "offsite"
        assert links[own[0].url]["title"] == own[0].title
        assert links[own[0].url]["published_at"] == own[0].published_at.isoformat()
        assert room.requests_for(portal, "/20") == []  # discover fetches no article

        crawl(catalogue, redis_url, keys, portal)
        _, again, _ = _discover(*args, redis_url=redis_url, keys=keys)
        statuses = {link["url"]: link["status"] for link in again["links"]}
        assert {statuses[i.url] for i in own} == {"seen"}
        assert statuses[theirs.url] == "seen"

        text = atalaia("discover", *args, redis_url=redis_url, keys=keys)
        assert text.returncode == 0
        assert f"listed again as {wrapped.url}" in text.stdout
        assert outside.url in text.stdout and "offsite" in text.stdout


def test_discover_a_saved_feed_without_redis_says_unknown(
    tmp_path: Path, redis_url: str, keys: Keys
) -> None:
    now = datetime.now(UTC)
    items = [Listed(f"Notícia {k}", f"https://jornal.example/2026/n{k}", now) for k in range(3)]
    path = tmp_path / "feed.xml"
    path.write_text(plain_rss("Jornal", "https://jornal.example/", items), encoding="utf-8")
    code, report, _ = _discover(
        str(path), "--data-dir", str(tmp_path / "var"), redis_url=redis_url, keys=keys,
        env=NO_REDIS,
    )  # fmt: skip
    assert code == 0
    assert report["dedupe"].startswith("unknown")
    assert [link["url"] for link in report["links"]] == [i.url for i in items]
    # no outlet and no catalogue entry owns jornal.example: offsite, said so
    assert {link["status"] for link in report["links"]} == {"offsite"}


def test_discover_exits_1_and_says_why_when_a_feed_has_no_links(
    tmp_path: Path, redis_url: str, keys: Keys
) -> None:
    items = [Listed("Sem link", "https://jornal.example/x", datetime.now(UTC))] * 4
    path = tmp_path / "feed.xml"
    path.write_text(plain_rss("J", "https://jornal.example/", items, links=False), "utf-8")
    code, report, _ = _discover(str(path), redis_url=redis_url, keys=keys, env=NO_REDIS)
    assert code == 1
    assert report["gives_nothing"] == "4 items, none with a link"


def test_discover_of_a_broken_feed_exits_1_and_says_why_without_calling_it_an_error(
    tmp_path: Path, redis_url: str, keys: Keys
) -> None:
    path = tmp_path / "feed.xml"
    path.write_text('<?xml version="1.0"?><rss version="2.0"></rss>', encoding="utf-8")
    result = atalaia(
        "discover", str(path), "--url", "https://jornal.example/feed.xml",
        redis_url=redis_url, keys=keys, env=NO_REDIS,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr == (
        "atalaia: https://jornal.example/feed.xml: not a feed (RSS without <channel>)\n"
    )


def test_discover_a_sitemap_marks_links_out_of_the_window(
    tmp_path: Path, redis_url: str, keys: Keys
) -> None:
    now = datetime.now(UTC)
    items = [
        Listed("Hoje", "https://jornal.example/hoje", now - timedelta(hours=2)),
        Listed("Antiga", "https://jornal.example/antiga", now - timedelta(days=40)),
    ]
    path = tmp_path / "news.xml"
    path.write_text(dated_news_sitemap("Jornal", items), encoding="utf-8")
    code, report, _ = _discover(
        str(path), "--url", "https://jornal.example/news.xml", redis_url=redis_url, keys=keys,
        env={**NO_REDIS, "ATALAIA_SITEMAP_WINDOW": "2d"},
    )  # fmt: skip
    assert code == 0
    assert [(link["url"], link["status"]) for link in report["links"]] == [
        ("https://jornal.example/hoje", "offsite"),
        ("https://jornal.example/antiga", "offsite"),
    ]  # no outlet owns jornal.example; with one, the old link is out of the window
    catalogue = tmp_path / "outlets.yaml"
    catalogue.write_text(
        "outlets:\n  - id: jornal\n    name: Jornal\n    homepage: https://jornal.example/\n"
        "    sitemaps: [https://jornal.example/news.xml]\n",
        encoding="utf-8",
    )
    code, report, _ = _discover(
        str(path), "--url", "https://jornal.example/news.xml", "--outlets", str(catalogue),
        redis_url=redis_url, keys=keys, env={**NO_REDIS, "ATALAIA_SITEMAP_WINDOW": "2d"},
    )  # fmt: skip
    assert report["outlet"] == "jornal"
    assert [link["status"] for link in report["links"]] == ["unknown", "out of window"]


def test_discover_a_sitemap_index_lists_the_children_it_would_follow(
    tmp_path: Path, redis_url: str, keys: Keys
) -> None:
    year = datetime.now(UTC).year
    names = [f"https://jornal.example/sitemaps/articles/{y}-{m}.xml"
             for y in range(2003, year) for m in range(1, 13)]  # fmt: skip
    path = tmp_path / "index.xml"
    path.write_text(undated_sitemap_index(names), encoding="utf-8")
    code, report, _ = _discover(
        str(path), redis_url=redis_url, keys=keys,
        env={**NO_REDIS, "ATALAIA_SITEMAP_WINDOW": "3650d"},
    )  # fmt: skip
    assert code == 0
    assert report["kind"] == "sitemap-index"
    assert [child["url"] for child in report["children"]] == names[-1:-4:-1]


def test_discover_a_section_page_gives_headlines_without_kickers(
    tmp_path: Path, redis_url: str, keys: Keys
) -> None:
    page = (
        '<html><body><div class="card"><a href="/politica/2026/11/30/doacao.html">'
        '<span class="card__chapeu">Política</span><h3 class="card__titulo">Doação de '
        "campanha volta ao debate</h3></a></div>"
        '<a href="/sobre/">Quem somos</a></body></html>'
    )
    path = tmp_path / "politica.html"
    path.write_text(page, encoding="utf-8")
    code, report, _ = _discover(
        str(path), "--url", "https://jornal.example/politica/", "--articles", r"/\d{4}/\d\d/",
        redis_url=redis_url, keys=keys, env=NO_REDIS,
    )  # fmt: skip
    assert code == 0
    assert report["kind"] == "section"
    assert [(link["url"], link["title"]) for link in report["links"]] == [
        ("https://jornal.example/politica/2026/11/30/doacao.html",
         "Doação de campanha volta ao debate"),
    ]  # fmt: skip
