"""Reading one source: whose links, in what order, and why a source gives nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.attribution import Place, attribute
from crawler.catalogue import Catalogue, Outlet
from crawler.discovery import choose_children, read_listing
from crawler.extraction.errors import FeedError
from crawler.extraction.sections import parse_section
from crawler.extraction.sitemaps import SitemapRef
from crawler.extraction.url_dates import date_in_url
from tests.newsroom.feeds import (
    Listed,
    dated_news_sitemap,
    entity_bomb_rss,
    folha_redirect,
    plain_rss,
    portal_rss,
)

NOW = datetime(2026, 11, 30, 15, tzinfo=UTC)
DAY = timedelta(days=1)


def _outlet(outlet_id: str, homepage: str, *domains: str, enabled: bool = True) -> Outlet:
    return Outlet(
        id=outlet_id, name=outlet_id, homepage=homepage, domains=domains,
        feeds=(homepage + "rss",), enabled=enabled,
    )  # fmt: skip


UOL = _outlet("uol", "https://noticias.uol.com.br/", "economia.uol.com.br")
FOLHA = _outlet("folha", "https://www.folha.uol.com.br/", "folha.com.br")
G1 = _outlet("g1", "https://g1.globo.com/", enabled=False)
RFI_BR = _outlet("rfi-brasil", "https://www.rfi.fr/br/")
RFI_PT = _outlet("rfi-portugues", "https://www.rfi.fr/pt/")
CATALOGUE = Catalogue(Path("outlets.yaml"), [UOL, FOLHA, G1, RFI_BR, RFI_PT])


def test_a_portal_feed_gives_partners_their_links_and_skips_the_rest() -> None:
    at = NOW - timedelta(hours=1)
    feed = portal_rss(
        "UOL Notícias",
        "https://noticias.uol.com.br/",
        [
            Listed("Própria", "https://noticias.uol.com.br/ultimas/2026/11/30/a.htm", at),
            Listed("Economia", "https://economia.uol.com.br/noticias/2026/11/30/b.htm", at),
            Listed("Folha", "https://www1.folha.uol.com.br/poder/2026/11/c.shtml", at),
            Listed("Folha", folha_redirect("https://www1.folha.uol.com.br/poder/x/d.shtml"), at),
            Listed("Parceiro", "https://tnonline.uol.com.br/noticias/apucarana/45,470927", at),
            Listed("Globo", "https://g1.globo.com/mundo/noticia/2026/11/30/e.ghtml", at),
        ],
    )  # fmt: skip
    listing = read_listing(
        feed, "https://rss.uol.com.br/feed/noticias.xml", "feed", outlet=UOL,
        catalogue=CATALOGUE, now=NOW, window=None,
    )  # fmt: skip
    places = {link.url.rsplit("/", 1)[-1]: (link.place, link.outlet) for link in listing.links}
    assert places == {
        "a.htm": (Place.OWN, UOL),
        "b.htm": (Place.OWN, UOL),
        "c.shtml": (Place.ATTRIBUTED, FOLHA),
        "d.shtml": (Place.ATTRIBUTED, FOLHA),
        "45,470927": (Place.OFFSITE, None),
        "e.ghtml": (Place.DISABLED, G1),
    }
    assert len(listing.takeable) == 4


def test_two_editions_on_one_host_each_keep_their_own_links() -> None:
    url = "https://www.rfi.fr/pt/mundo/20261130-cimeira"
    assert attribute(url, RFI_PT, CATALOGUE).place is Place.OWN
    assert attribute(url, RFI_BR, CATALOGUE).place is Place.OWN


def test_links_come_newest_first_and_undated_ones_last_in_page_order() -> None:
    outlet = _outlet("jornal", "https://jornal.example/")
    items = [
        Listed("velha", "https://jornal.example/a", NOW - 3 * DAY),
        Listed("nova", "https://jornal.example/b", NOW - DAY),
        Listed("meio", "https://jornal.example/c", NOW - 2 * DAY),
    ]
    feed = plain_rss("Jornal", "https://jornal.example/", items).replace(
        "</channel>",
        "<item><title>sem data 1</title><link>https://jornal.example/x</link></item>"
        "<item><title>sem data, data no URL</title>"
        "<link>https://jornal.example/2026/11/30/y</link></item>"
        "<item><title>sem data 2</title><link>https://jornal.example/z</link></item></channel>",
    )
    listing = read_listing(
        feed.encode(), "https://jornal.example/rss", "feed", outlet=outlet, catalogue=None,
        now=NOW, window=None,
    )  # fmt: skip
    assert [link.title for link in listing.links] == [
        "sem data, data no URL", "nova", "meio", "velha", "sem data 1", "sem data 2",
    ]  # fmt: skip


def test_a_sitemap_all_older_than_the_window_says_so() -> None:
    outlet = _outlet("jornal", "https://jornal.example/")
    old = [Listed(f"n{k}", f"https://jornal.example/n{k}", NOW - (10 + k) * DAY) for k in range(4)]
    listing = read_listing(
        dated_news_sitemap("Jornal", old).encode(), "https://jornal.example/news.xml", "sitemap",
        outlet=outlet, catalogue=None, now=NOW, window=2 * DAY,
    )  # fmt: skip
    assert listing.takeable == []
    assert listing.emptiness() == ("all 4 links are older than the window (the newest 2026-11-20)")


def test_a_feed_whose_items_have_no_links_says_so() -> None:
    outlet = _outlet("jornal", "https://jornal.example/")
    items = [Listed(f"n{k}", f"https://jornal.example/n{k}", NOW) for k in range(5)]
    listing = read_listing(
        plain_rss("J", "https://jornal.example/", items, links=False).encode(),
        "https://jornal.example/rss", "feed", outlet=outlet, catalogue=None, now=NOW,
        window=None,
    )  # fmt: skip
    assert (listing.entries, listing.without_link) == (5, 5)
    assert listing.emptiness() == "5 items, none with a link"


def test_a_feed_of_only_offsite_links_says_so() -> None:
    items = [
        Listed("x", "https://outro.example/a", NOW),
        Listed("y", "https://outro.example/b", NOW),
    ]
    listing = read_listing(
        plain_rss("J", "https://jornal.example/", items).encode(), "https://jornal.example/rss",
        "feed", outlet=_outlet("jornal", "https://jornal.example/"), catalogue=None, now=NOW,
        window=None,
    )  # fmt: skip
    assert listing.emptiness() == (
        "all 2 links are offsite (no outlet of the catalogue owns their host)"
    )


def test_an_entity_bomb_feed_is_refused_with_its_reason() -> None:
    with pytest.raises(FeedError, match="declares XML entities"):
        read_listing(
            entity_bomb_rss("https://jornal.example").encode(), "https://jornal.example/rss",
            "feed", outlet=_outlet("jornal", "https://jornal.example/"), catalogue=None,
            now=NOW, window=None,
        )  # fmt: skip


def _refs(*urls: str, lastmod: datetime | None = None) -> list[SitemapRef]:
    return [SitemapRef(url, lastmod) for url in urls]


def test_index_children_by_lastmod_newest_first() -> None:
    refs = [
        SitemapRef("https://x.example/a.xml", NOW - 5 * DAY),
        SitemapRef("https://x.example/b.xml", NOW - DAY),
        SitemapRef("https://x.example/c.xml", NOW - 3 * DAY),
    ]
    chosen, old, more = choose_children(refs, 2, None)
    assert [ref.url for ref in chosen] == ["https://x.example/b.xml", "https://x.example/c.xml"]
    assert (old, more) == (0, 1)


def test_index_children_without_lastmod_by_the_date_in_their_names() -> None:
    names = [f"https://x.example/sitemap-{y}-{m:02d}.xml" for y in range(2003, 2027)
             for m in range(1, 13) if (y, m) <= (2026, 11)]  # fmt: skip
    shuffled = names[::2] + names[1::2]
    chosen, old, more = choose_children(_refs(*shuffled), 3, NOW - 90 * DAY)
    assert [ref.url for ref in chosen] == names[-1:-4:-1]
    assert old == len(names) - 3  # only 2026-09 to 2026-11 end within 90 days
    assert more == 0


def test_index_children_with_no_date_at_all_are_the_last_ones() -> None:
    refs = _refs(*[f"https://x.example/post-sitemap{n}.xml" for n in range(1, 40)])
    chosen, _, _ = choose_children(refs, 3, NOW - 2 * DAY)
    assert [ref.url for ref in chosen] == [
        "https://x.example/post-sitemap39.xml",
        "https://x.example/post-sitemap38.xml",
        "https://x.example/post-sitemap37.xml",
    ]


@pytest.mark.parametrize(
    ("url", "day"),
    [
        ("https://x.example/sitemap-2026-11.xml", "2026-11-30"),
        ("https://x.example/2026/11/30/slug/", "2026-11-30"),
        ("https://x.example/sitemap/news-20261129.xml", "2026-11-29"),
        ("https://x.example/sitemap/site/2026/02/03_1.xml", "2026-02-03"),
        ("https://x.example/sitemap-2025.xml", "2025-12-31"),
        ("https://www.publico.pt/sitemaps/articles/2026-3.xml", "2026-03-31"),
        ("https://x.example/sitemap.xml?yyyy=2026&mm=02", "2026-02-28"),
        ("https://x.example/arquivo/2019/sitemap-2026-11.xml", "2026-11-30"),
    ],
)
def test_the_date_a_sitemap_name_gives(url: str, day: str) -> None:
    found = date_in_url(url)
    assert found is not None and found.date().isoformat() == day


def test_no_date_in_ids_or_topics() -> None:
    assert date_in_url("https://x.example/materia/12345678") is None
    assert date_in_url("https://x.example/copa-2026-ingressos", day_only=True) is None


SECTION = """<html><body><main>
<div class="feed-post"><a class="feed-post-link" href="/politica/2026/11/30/doacao.html">
  <span class="feed-post-header-chapeu">Política</span>
  <div class="feed-post-body-title">Doação de empresas volta ao debate no Congresso</div>
  <p class="feed-post-body-resumo">Relator quer regra nova até março</p></a></div>
<article class="c-card"><a href="/economia/2026/11/30/juros.html">
  <span class="c-card__kicker">Economia</span> Juros sobem pela terceira vez seguida</a></article>
<div><a href="/mundo/2026/11/30/cimeira.html"><div>Mundo</div>
  <div>Cimeira do clima termina sem acordo final</div></a></div>
<h2 class="titulo"><a href="/esporte/2026/11/30/final.html">Final da Libertadores tem data</a></h2>
<a href="/esporte/2026/11/30/final.html"><img src="f.jpg" alt=""></a>
</main></body></html>"""


def test_section_titles_leave_the_kicker_and_summary_out() -> None:
    links = parse_section(SECTION, "https://jornal.example/", r"/\d{4}/\d{2}/\d{2}/")
    assert {link.url.rsplit("/", 1)[-1]: link.title for link in links} == {
        "doacao.html": "Doação de empresas volta ao debate no Congresso",
        "juros.html": "Juros sobem pela terceira vez seguida",
        "cimeira.html": "Cimeira do clima termina sem acordo final",
        "final.html": "Final da Libertadores tem data",
    }
