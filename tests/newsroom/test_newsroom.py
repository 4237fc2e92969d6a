"""The newsroom itself: each style serves what it promises, traps are there, faults work."""

from __future__ import annotations

import dataclasses
import http.client
import json
import re
import threading
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from tests.newsroom import (
    DEFAULT_SPECS,
    FakeArticle,
    Fault,
    Newsroom,
    NonArticleKind,
    OutletSpec,
    Style,
    Trap,
)

WORDPRESS, ARCXP, GLOBO, LEGACY, ATOM, SECTION = (s.id for s in DEFAULT_SPECS)


@pytest.fixture(scope="module")
def newsroom() -> Iterator[Newsroom]:
    with Newsroom(seed=7, articles_per_outlet=8) as room:
        yield room


@pytest.fixture
def fresh() -> Iterator[Newsroom]:
    """A newsroom of its own, for tests that publish or break things."""
    with Newsroom(seed=3, articles_per_outlet=4) as room:
        yield room


def get(
    url: str, headers: dict[str, str] | None = None, timeout: float = 5
) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), error.read()


def raw_get(
    url: str, headers: dict[str, str] | None = None, timeout: float = 5
) -> http.client.HTTPResponse:
    """A request that follows no redirect."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=timeout)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    connection.request("GET", target, headers=headers or {})
    return connection.getresponse()


def links_in(outlet_url: str, body: bytes, encoding: str = "utf-8") -> set[str]:
    text = body.decode(encoding)
    found = set(re.findall(r"<(?:link|loc)>(?:<!\[CDATA\[)?(http[^<\]]+)", text))
    found |= set(re.findall(r'<link rel="alternate" type="text/html" href="([^"]+)"', text))
    found |= set(re.findall(r'href="(http://[^"]+)"', text)) if "<html" in text else set()
    return {u.replace("&amp;", "&") for u in found if u.startswith(outlet_url)}


def listed(room: Newsroom, outlet_id: str) -> set[str]:
    outlet = room.outlets[outlet_id]
    urls: set[str] = set()
    for url in outlet.feed_urls + outlet.sitemap_urls + [u for u, _ in outlet.section_urls]:
        status, _, body = get(url)
        assert status == 200, url
        urls |= links_in(outlet.base_url, body, outlet.encoding)
    return urls


# --- every style ------------------------------------------------------------------------


@pytest.mark.parametrize("outlet_id", [s.id for s in DEFAULT_SPECS])
def test_listings_link_every_expected_article_and_pages_show_it(
    newsroom: Newsroom, outlet_id: str
) -> None:
    outlet = newsroom.outlets[outlet_id]
    urls = listed(newsroom, outlet_id)
    expected = newsroom.expected(outlet_id, listed_only=True)
    assert len(expected) == 8
    for article in expected:
        assert article.url in urls
        status, headers, body = get(article.url)
        assert status == 200
        assert "Last-Modified" in headers
        page = body.decode(outlet.encoding)
        assert 30_000 < len(body) < 150_000
        assert _html(article.title) in page
        assert _html(article.sentence) in page
        assert 300 <= article.word_count <= 950
        assert article.published_at.utcoffset() is not None


def test_feeds_and_sitemaps_are_wellformed_xml_except_the_legacy_feed(newsroom: Newsroom) -> None:
    for outlet in newsroom.outlets.values():
        for url in outlet.feed_urls + outlet.sitemap_urls:
            _, _, body = get(url)
            if outlet.spec.style is Style.LEGACY:
                with pytest.raises(ET.ParseError):  # latin-1 bytes, no declaration: not UTF-8
                    ET.fromstring(body)
                ET.fromstring(body.decode("iso-8859-1"))
            else:
                ET.fromstring(body)


def test_catalogue_points_at_the_fakes(newsroom: Newsroom, tmp_path: Path) -> None:
    path = newsroom.write_catalogue(tmp_path / "outlets.yaml")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = {e["id"]: e for e in data["outlets"]}
    assert set(entries) == set(newsroom.outlets)
    assert entries[WORDPRESS]["feeds"] == [newsroom.url(WORDPRESS, "/feed/")]
    assert entries[ARCXP]["sitemaps"][0].endswith("/arc/outboundfeeds/sitemap-news/?outputType=xml")
    assert entries[GLOBO]["sitemaps"][1].endswith("/sitemap/site/sitemap.xml")
    assert entries[ATOM]["timezone"] == "Europe/Lisbon" and entries[ATOM]["language"] == "pt-PT"
    sections = {s["url"]: s["articles"] for s in entries[SECTION]["sections"]}
    assert sections[newsroom.url(SECTION, "/internacional/")] == r"/internacional/.+-\d{8}/"
    assert all(e["every"] == "5m" for e in entries.values())


def test_section_page_mixes_article_links_with_many_others(newsroom: Newsroom) -> None:
    url, pattern = newsroom.outlets[SECTION].section_urls[2]
    _, _, body = get(url)
    links = links_in(newsroom.outlets[SECTION].base_url, body)
    matching = {u for u in links if re.search(pattern, u)}
    assert len(links) > len(matching) + 20
    internacional = [a for a in newsroom.expected(SECTION) if a.section == "Internacional"]
    assert internacional and {a.url for a in internacional} <= matching


def test_globo_sitemap_index_points_to_daily_sitemaps(newsroom: Newsroom) -> None:
    _, _, body = get(newsroom.url(GLOBO, "/sitemap/site/sitemap.xml"))
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    daily = [e.text or "" for e in ET.fromstring(body).findall("s:sitemap/s:loc", ns)]
    assert daily and all(re.search(r"/sitemap/site/\d{4}/\d{2}/\d{2}_1\.xml$", u) for u in daily)
    found: set[str] = set()
    for url in daily:
        _, _, day = get(url)
        found |= {e.text or "" for e in ET.fromstring(day).findall("s:url/s:loc", ns)}
    assert {a.url for a in newsroom.expected(GLOBO)} <= found


def test_content_is_deterministic_and_names_the_watchlist_terms() -> None:
    first = Newsroom(seed=11, articles_per_outlet=6)
    second = Newsroom(seed=11, articles_per_outlet=6)
    try:
        assert [a.title for a in first.expected()] == [a.title for a in second.expected()]
        assert [a.body for a in first.expected()] == [a.body for a in second.expected()]
        texts = [f"{a.title} {a.lead} {a.body}" for a in first.expected()]
        assert any("Coreia do Norte" in t and "Kim Jong-un" in t for t in texts)
        assert any(re.search(r"\bRússia\b", t) for t in texts)
        assert any(
            "Bielorrússia" in t and not re.search(r"(?<!Bielo)rrússia|\bRússia", t) for t in texts
        )
        assert len({a.title for a in first.expected()}) == len(first.expected())
    finally:
        first.stop()
        second.stop()


# --- traps ------------------------------------------------------------------------------


def test_wordpress_robots_disallows_the_private_item_its_feed_links(newsroom: Newsroom) -> None:
    _, _, robots = get(newsroom.url(WORDPRESS, "/robots.txt"))
    assert b"Disallow: /privado/" in robots
    private = [n for n in newsroom.non_articles(WORDPRESS) if n.kind is NonArticleKind.DISALLOWED]
    assert len(private) == 1 and "/privado/" in private[0].url
    assert private[0].url in listed(newsroom, WORDPRESS)
    page = _page(newsroom, newsroom.expected(WORDPRESS)[0])
    assert "Leia também" in page and '"@graph"' in page and "article:published_time" in page


def test_arcxp_jsonld_mislabels_utc_as_local_while_the_visible_time_is_true(
    newsroom: Newsroom,
) -> None:
    trapped = [a for a in newsroom.expected(ARCXP) if Trap.JSONLD_UTC_LABELLED_LOCAL in a.traps]
    clean = [a for a in newsroom.expected(ARCXP) if not a.traps]
    assert trapped and clean
    for article in trapped:
        page = _page(newsroom, article)
        claimed = datetime.fromisoformat(_jsonld(page)["datePublished"])
        offset = article.published_at.utcoffset()
        assert offset is not None and claimed - article.published_at == -offset
        assert f"{article.published_at:%d/%m/%Y - %Hh%M}" in page
        assert _jsonld(page)["articleBody"].startswith(article.paragraphs[0])
    stamp = _jsonld(_page(newsroom, clean[0]))["datePublished"]
    assert datetime.fromisoformat(stamp) == clean[0].published_at


def test_globo_marks_brasilia_time_as_utc_and_og_title_differs(newsroom: Newsroom) -> None:
    articles = newsroom.expected(GLOBO)
    trapped = [a for a in articles if Trap.LOCAL_LABELLED_UTC in a.traps]
    assert trapped and len(trapped) < len(articles)
    for article in articles:
        page = _page(newsroom, article)
        stamp = re.search(r'itemprop="datePublished" datetime="([^"]+)"> ([^<]+) <', page)
        assert stamp is not None
        claimed = datetime.fromisoformat(stamp.group(1))
        assert stamp.group(2) == f"{article.published_at:%d/%m/%Y %Hh%M}"
        assert (claimed == article.published_at) == (article not in trapped)
        assert f"{claimed:%H:%M}" == (
            f"{article.published_at:%H:%M}" if article in trapped else claimed.strftime("%H:%M")
        )
        assert f'<h1 class="content-head__title" itemprop="headline">{_html(article.title)}' in page
        assert f'og:title" content="{_html(article.og_title)}"' in page
        assert article.og_title != article.title


def test_legacy_pages_are_latin1_without_any_declaration(newsroom: Newsroom) -> None:
    outlet = newsroom.outlets[LEGACY]
    for url in [*outlet.feed_urls, newsroom.expected(LEGACY)[0].url]:
        status, headers, body = get(url)
        assert status == 200
        assert "charset" not in headers["Content-Type"].lower()
        assert b"charset" not in body.lower() and not body.startswith(b"<?xml")
        with pytest.raises(UnicodeDecodeError):
            body.decode("utf-8")
        text = body.decode("iso-8859-1")
        assert "ã" in text and "ç" in text and "é" in text
    _, _, feed = get(outlet.feed_urls[0])
    assert re.search(
        rb"<pubDate>(Seg|Ter|Qua|Qui|Sex|S\xe1b|Dom), \d\d "
        rb"(Jan|Fev|Mar|Abr|Mai|Jun|Jul|Ago|Set|Out|Nov|Dez) \d{4} \d\d:\d\d:\d\d -0300",
        feed,
    )
    article = newsroom.expected(LEGACY)[0]
    page = _page(newsroom, article)
    assert "ld+json" not in page and "datetime=" not in page and "published_time" not in page
    assert f'<h2 class="article__headline">{_html(article.title)}</h2>' in page
    assert f'<h1 class="header__sectionName">{article.section}</h1>' in page
    assert f"{article.published_at:%d/%m/%Y %Hh%M}" in page


def test_atom_outlet_labels_lisbon_summer_time_as_gmt(newsroom: Newsroom) -> None:
    article = newsroom.expected(ATOM)[-1]
    assert article.language == "pt-PT" and str(article.published_at.utcoffset()) == "1:00:00"
    assert Trap.LOCAL_LABELLED_UTC in article.traps
    page = _page(newsroom, article)
    stamp = re.search(r'<time class="dateline" datetime="([^"]+)">', page)
    assert stamp is not None
    claimed = parsedate_to_datetime(stamp.group(1))
    assert claimed.replace(tzinfo=None) == article.published_at.replace(tzinfo=None)
    assert claimed != article.published_at
    _, _, feed = get(newsroom.outlets[ATOM].feed_urls[0])
    assert f"<published>{article.published_at.isoformat()}</published>".encode() in feed


# --- conditional GET and publishing -------------------------------------------------------


def test_listings_answer_304_to_matching_validators(newsroom: Newsroom) -> None:
    for outlet in newsroom.outlets.values():
        listings = outlet.feed_urls + outlet.sitemap_urls + [u for u, _ in outlet.section_urls[:1]]
        for url in listings:
            status, headers, _ = get(url)
            etag, modified = headers["ETag"], headers["Last-Modified"]
            assert status == 200 and etag.startswith('"')
            assert get(url, {"If-None-Match": etag})[0] == 304
            assert get(url, {"If-Modified-Since": modified})[0] == 304
            assert get(url, {"If-None-Match": '"other"', "If-Modified-Since": modified})[0] == 200
    article = newsroom.expected(WORDPRESS)[0]
    _, headers, _ = get(article.url)
    assert get(article.url, {"If-Modified-Since": headers["Last-Modified"]})[0] == 304


def test_publish_changes_feed_validators_and_lists_the_article(fresh: Newsroom) -> None:
    for outlet in fresh.outlets.values():
        listings = outlet.feed_urls + outlet.sitemap_urls + [u for u, _ in outlet.section_urls]
        before = {url: get(url)[1] for url in listings}
        article = fresh.publish(
            outlet.id, topic="coreia", title="Coreia do Norte testa novo míssil"
        )
        assert article.published_at > max(a.published_at for a in fresh.expected(outlet.id)[:-1])
        assert article.url in listed(fresh, outlet.id)
        for url, headers in before.items():
            validators = {
                "If-None-Match": headers["ETag"],
                "If-Modified-Since": headers["Last-Modified"],
            }
            status, new, body = get(url, validators)
            if article.url in links_in(outlet.base_url, body, outlet.encoding):
                assert status == 200 and new["ETag"] != headers["ETag"], url
                assert parsedate_to_datetime(new["Last-Modified"]) > parsedate_to_datetime(
                    headers["Last-Modified"]
                )
            else:  # a sitemap index or another section: unchanged, so still 304
                assert status in (200, 304)
        assert "Coreia do Norte testa novo míssil" in _page(fresh, article)


def test_publish_duplicate_urls(fresh: Newsroom) -> None:
    article = fresh.publish_duplicate_urls(ARCXP)
    utm, clean, amp = article.urls
    assert utm == clean + "?utm_source=rss&utm_medium=feed" and "/amp/" in amp
    assert article.url == utm and article.canonical_url == clean
    _, _, feed = get(fresh.outlets[ARCXP].feed_urls[0])
    _, _, sitemap = get(fresh.outlets[ARCXP].sitemap_urls[0])
    assert utm.replace("&", "&amp;").encode() in feed and clean.encode() in sitemap
    assert utm.encode() not in sitemap
    for url in article.urls:
        page = get(url)[2].decode()
        assert f'<link rel="canonical" href="{clean}">' in page
    section = fresh.publish_duplicate_urls(SECTION, topic="russia")
    assert {section.urls[1], section.urls[2]} <= listed(fresh, SECTION)


def test_publish_wire_puts_one_agency_story_on_several_outlets(fresh: Newsroom) -> None:
    copies = fresh.publish_wire([WORDPRESS, GLOBO, SECTION])
    assert len({c.story_id for c in copies}) == 1 and len({c.title for c in copies}) == 3
    assert all(Trap.WIRE_COPY in c.traps and c.authors == ("Agência Brasil",) for c in copies)
    assert copies[1].paragraphs[-1] == "Com informações da Agência Brasil."
    assert copies[0].paragraphs == copies[1].paragraphs[:-1] == copies[2].paragraphs[:-1]
    for copy in copies:
        assert copy.url in listed(fresh, copy.outlet_id)
        assert _html(copy.sentence) in _page(fresh, copy)


# --- non-articles -----------------------------------------------------------------------


@pytest.mark.parametrize("outlet_id", [WORDPRESS, GLOBO, SECTION])
def test_non_articles_are_listed_and_answer_as_promised(newsroom: Newsroom, outlet_id: str) -> None:
    urls = listed(newsroom, outlet_id)
    kinds = {n.kind: n for n in newsroom.non_articles(outlet_id)}
    assert {NonArticleKind.VIDEO_HUB, NonArticleKind.TAG_PAGE, NonArticleKind.NOT_FOUND,
            NonArticleKind.SOFT_404} <= set(kinds)  # fmt: skip
    for kind, thing in kinds.items():
        assert thing.url in urls
        if kind is NonArticleKind.DISALLOWED:
            continue
        status, _, body = get(thing.url)
        assert status == thing.status
        if kind in (NonArticleKind.NOT_FOUND, NonArticleKind.SOFT_404):
            assert "Página não encontrada" in body.decode()
    assert get(newsroom.url(outlet_id, "/nao-existe/"))[0] == 404


# --- faults -----------------------------------------------------------------------------


def test_error500_breaks_one_outlet_only(fresh: Newsroom) -> None:
    fresh.set_fault(ARCXP, Fault.error500())
    assert get(fresh.url(ARCXP, "/robots.txt"))[0] == 500
    assert get(fresh.expected(ARCXP)[0].url)[0] == 500
    assert get(fresh.outlets[WORDPRESS].feed_urls[0])[0] == 200
    fresh.set_fault(ARCXP, None)
    assert get(fresh.expected(ARCXP)[0].url)[0] == 200


def test_slow_delays_each_response(fresh: Newsroom) -> None:
    fresh.set_fault(GLOBO, Fault.slow(0.4))
    started = time.monotonic()
    assert get(fresh.outlets[GLOBO].sitemap_urls[0])[0] == 200
    assert time.monotonic() - started >= 0.4
    started = time.monotonic()
    get(fresh.outlets[ATOM].feed_urls[0])
    assert time.monotonic() - started < 0.3


def test_redirect_loop_bounces_between_two_urls(fresh: Newsroom) -> None:
    fresh.set_fault(WORDPRESS, Fault.redirect_loop())
    feed = fresh.outlets[WORDPRESS].feed_urls[0]
    first = raw_get(feed)
    assert first.status == 302
    second = raw_get(first.headers["Location"])
    assert second.status == 302 and second.headers["Location"] == feed
    with pytest.raises(urllib.error.HTTPError, match="redirect"):
        urllib.request.urlopen(feed, timeout=5)
    assert get(fresh.expected(WORDPRESS)[0].url)[0] == 200


def test_garbage_answers_200_with_bytes_that_are_not_xml(fresh: Newsroom) -> None:
    fresh.set_fault(GLOBO, Fault.garbage())
    for url in fresh.outlets[GLOBO].sitemap_urls:
        status, _, body = get(url)
        assert status == 200 and len(body) > 1000
        with pytest.raises(ET.ParseError):
            ET.fromstring(body)


def test_huge_streams_fifty_megabytes_with_a_content_length(fresh: Newsroom) -> None:
    fresh.set_fault(SECTION, Fault.huge())
    response = raw_get(fresh.expected(SECTION)[0].url, timeout=20)
    assert response.status == 200
    assert int(response.headers["Content-Length"]) == 50 * 1024 * 1024
    total = 0
    while chunk := response.read(1 << 20):
        total += len(chunk)
    assert total == 50 * 1024 * 1024


def test_hang_never_answers_and_stop_returns_at_once() -> None:
    room = Newsroom(
        outlets=[OutletSpec("parado", "Parado", Style.WORDPRESS)], articles_per_outlet=2
    )
    room.start()
    room.set_fault("parado", Fault.hang())
    with pytest.raises(TimeoutError):
        get(room.outlets["parado"].feed_urls[0], timeout=0.5)
    outcome: list[BaseException] = []

    def hanging_client() -> None:
        try:
            get(room.outlets["parado"].feed_urls[0], timeout=30)
        except Exception as error:  # noqa: BLE001 - whatever it is, record it for the assert
            outcome.append(error)

    client = threading.Thread(target=hanging_client)
    client.start()
    time.sleep(0.2)
    started = time.monotonic()
    room.stop()
    assert time.monotonic() - started < 2
    client.join(timeout=5)
    assert not client.is_alive() and outcome
    assert [a.status for a in room.access_log] == [0, 0]


def test_latency_delays_every_outlet() -> None:
    with Newsroom(articles_per_outlet=1, latency=0.3) as room:
        started = time.monotonic()
        assert get(room.outlets[ATOM].feed_urls[0])[0] == 200
        assert time.monotonic() - started >= 0.3


def test_access_log_records_method_path_status_and_headers(fresh: Newsroom) -> None:
    fresh.clear_access_log()
    feed = fresh.outlets[ARCXP].feed_urls[0]
    get(feed, {"User-Agent": "atalaia-test (+https://example.org)"})
    [access] = fresh.requests_for(ARCXP, "/arc/")
    assert access.method == "GET" and access.status == 200
    assert access.path == "/arc/outboundfeeds/rss/?outputType=xml"
    assert access.header("user-agent") == "atalaia-test (+https://example.org)"
    assert fresh.fetched(feed) and not fresh.fetched(fresh.url(ARCXP, "/outro/"))


def test_a_large_newsroom_starts_quickly() -> None:
    specs = [
        dataclasses.replace(DEFAULT_SPECS[i % 6], id=f"o{i}", name=f"Outlet {i}") for i in range(20)
    ]
    started = time.monotonic()
    with Newsroom(outlets=specs, articles_per_outlet=500) as room:
        assert time.monotonic() - started < 15  # a loose bound; bench/ measures for real
        assert len(room.expected()) == 10_000
        assert (
            len(room.expected("o0", listed_only=True)) == 50 - 5
        )  # feed: 50 items, 5 not articles
        assert get(room.expected("o2")[0].url)[0] == 200


# --- helpers ------------------------------------------------------------------------------


def _html(text: str) -> str:
    from html import escape

    return escape(text)


def _page(room: Newsroom, article: FakeArticle) -> str:
    status, _, body = get(article.canonical_url)
    assert status == 200
    return body.decode(room.outlets[article.outlet_id].encoding)


def _jsonld(page: str) -> dict[str, str]:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert match is not None
    data: dict[str, str] = json.loads(match.group(1))
    return data
