"""Feeds, sitemaps and section pages as real outlets publish them."""

from __future__ import annotations

import contextlib
import gzip
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.extraction.errors import FeedError, SitemapError
from crawler.extraction.feeds import parse_feed
from crawler.extraction.sections import parse_section
from crawler.extraction.sitemaps import parse_sitemap

from .conftest import PageLoader

SAO_PAULO = "America/Sao_Paulo"

# Like a legacy portal feed: ISO-8859-1 bytes, no XML declaration, Portuguese dates.
LEGACY_RSS = """<rss>
\t<channel>
\t\t<title>Jornal do Vale - Últimas Notícias</title>
\t\t<link>http://www.jornaldovale.example/</link>
\t<item>
\t\t<title><![CDATA[Câmara aprova reajuste dos servidores]]></title>
\t\t<link><![CDATA[http://www.jornaldovale.example/politica/2018/09/24/camara-aprova-reajuste.htm]]></link>
\t\t<description><![CDATA[<img src='http://img.example/a.jpg' align="left" />
  Votação teve apoio da oposição. ]]></description>
\t\t<pubDate>Seg, 24 Set 2018 19:42:40 -0300</pubDate>
\t</item>
\t<item>
\t\t<title>Feira do livro começa na terça</title>
\t\t<link>/cultura/2019/10/01/feira-do-livro.htm</link>
\t\t<pubDate>Ter, 01 Out 2019 08:05:00 -0300</pubDate>
\t</item>
\t<item>
\t\t<title>Item só com guid</title>
\t\t<guid isPermaLink="true">http://www.jornaldovale.example/geral/so-guid.htm</guid>
\t\t<pubDate>Qua, 02 Out 2019 10:00:00</pubDate>
\t</item>
\t<item>
\t\t<title>Guid que não é link</title>
\t\t<guid isPermaLink="false">abc-123</guid>
\t</item>
\t</channel>
</rss>
""".encode("latin-1")

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Blog da Reda\xc3\xa7\xc3\xa3o</title>
  <entry>
    <title type="html">Ministro &amp; governadores se re\xc3\xbanem</title>
    <link rel="alternate" type="text/html" href="https://blog.example/2025/02/27/ministro/"/>
    <link rel="replies" href="https://blog.example/2025/02/27/ministro/#comments"/>
    <id>tag:blog.example,2025:1</id>
    <published>2025-02-27T19:02:00-03:00</published>
    <updated>2025-02-27T20:00:00-03:00</updated>
    <summary>Reuni\xc3\xa3o em Bras\xc3\xadlia</summary>
  </entry>
  <entry>
    <title>Sem link, com id URL</title>
    <id>https://blog.example/2025/02/26/id-como-link/</id>
    <updated>2025-02-26T10:00:00Z</updated>
  </entry>
</feed>"""

RDF = b"""<?xml version="1.0" encoding="ISO-8859-1"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
  xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://agencia.example/"><title>Ag\xeancia</title></channel>
  <item rdf:about="https://agencia.example/n/1">
    <title>Elei\xe7\xf5es em Portugal</title>
    <link>https://agencia.example/n/1</link>
    <dc:date>2024-03-10T21:30:00+00:00</dc:date>
  </item>
</rdf:RDF>"""

RSS_091 = b"""<?xml version="1.0"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Antigo</title>
<item><title>Not\xc3\xadcia antiga</title><link>http://antigo.example/1.html</link></item>
</channel></rss>"""

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url>
    <loc>https://noticias.r9.example/internacional/coreia-do-norte-lanca-missil-27022025/</loc>
    <lastmod>2025-02-27T19:10:00-03:00</lastmod>
    <news:news>
      <news:publication><news:name>R9</news:name><news:language>pt</news:language></news:publication>
      <news:publication_date>2025-02-27T19:02:00-03:00</news:publication_date>
      <news:title>Coreia do Norte lan\xc3\xa7a m\xc3\xadssil</news:title>
    </news:news>
  </url>
  <url><loc>https://noticias.r9.example/brasil/sem-news-27022025/</loc><lastmod>2025-02-27</lastmod></url>
</urlset>"""

SITEMAP_INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://noticias.r9.example/sitemap/2025-02-27.xml</loc><lastmod>2025-02-27T20:00:00Z</lastmod></sitemap>
  <sitemap><loc>/sitemap/2025-02-26.xml</loc></sitemap>
</sitemapindex>"""


def test_legacy_rss_latin1_without_declaration_and_portuguese_dates() -> None:
    links = parse_feed(LEGACY_RSS, "http://www.jornaldovale.example/rss.xml", timezone=SAO_PAULO)
    assert [link.title for link in links] == [
        "Câmara aprova reajuste dos servidores",
        "Feira do livro começa na terça",
        "Item só com guid",
    ]
    first, second, third = links
    assert first.published_at == datetime.fromisoformat("2018-09-24T19:42:40-03:00")
    assert first.extra["summary"] == "Votação teve apoio da oposição."
    assert second.url == "http://www.jornaldovale.example/cultura/2019/10/01/feira-do-livro.htm"
    assert second.published_at == datetime.fromisoformat("2019-10-01T08:05:00-03:00")
    assert third.url == "http://www.jornaldovale.example/geral/so-guid.htm"
    assert third.published_at == datetime.fromisoformat("2019-10-02T10:00:00-03:00")


def test_atom_feed() -> None:
    links = parse_feed(ATOM, "https://blog.example/feed/", timezone=SAO_PAULO)
    assert [link.url for link in links] == [
        "https://blog.example/2025/02/27/ministro/",
        "https://blog.example/2025/02/26/id-como-link/",
    ]
    assert links[0].title == "Ministro & governadores se reúnem"
    assert links[0].published_at == datetime.fromisoformat("2025-02-27T19:02:00-03:00")
    assert links[0].extra["summary"] == "Reunião em Brasília"


def test_rss_1_rdf_feed_with_latin1_declaration() -> None:
    links = parse_feed(RDF, "https://agencia.example/rss", timezone="Europe/Lisbon")
    assert len(links) == 1
    assert links[0].title == "Eleições em Portugal"
    assert links[0].published_at == datetime.fromisoformat("2024-03-10T21:30:00+00:00")


def test_rss_091_with_doctype_is_read_without_fetching_the_dtd() -> None:
    links = parse_feed(RSS_091, "http://antigo.example/", timezone=SAO_PAULO)
    assert [(link.title, link.url) for link in links] == [
        ("Notícia antiga", "http://antigo.example/1.html")
    ]


def test_empty_feed_is_an_empty_list() -> None:
    empty = b"<?xml version='1.0'?><rss version='2.0'><channel><title>x</title></channel></rss>"
    assert parse_feed(empty, "https://x.example/rss", timezone=SAO_PAULO) == []


@pytest.mark.parametrize(
    "body",
    [b"", b"garbage, not xml", b"<html><body><p>Not a feed</p></body></html>", b"\x00\xff\xfe"],
)
def test_garbage_is_a_feed_error(body: bytes) -> None:
    with pytest.raises(FeedError) as error:
        parse_feed(body, "https://x.example/rss", timezone=SAO_PAULO)
    assert error.value.url == "https://x.example/rss"


def test_a_feed_declaring_entities_is_refused_unread() -> None:
    bomb = b"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">
    <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
    <rss><channel><item><title>&c;</title><link>https://x.example/1</link></item></channel></rss>"""
    with pytest.raises(FeedError) as error:
        parse_feed(bomb, "https://x.example/rss", timezone=SAO_PAULO)
    assert "refused" in str(error.value) and "entities" in str(error.value)


def test_news_sitemap() -> None:
    sitemap = parse_sitemap(NEWS_SITEMAP, "https://noticias.r9.example/sitemap.xml", SAO_PAULO)
    assert sitemap.kind == "urlset"
    first, second = sitemap.links
    assert first.title == "Coreia do Norte lança míssil"
    assert first.published_at == datetime.fromisoformat("2025-02-27T19:02:00-03:00")
    assert first.extra["lastmod"] == "2025-02-27T19:10:00-03:00"
    assert second.published_at is None
    assert second.extra["lastmod"] == "2025-02-27T00:00:00-03:00"


def test_gzipped_sitemap_index() -> None:
    sitemap = parse_sitemap(
        gzip.compress(SITEMAP_INDEX), "https://noticias.r9.example/sitemap.xml", SAO_PAULO
    )
    assert sitemap.kind == "index"
    assert sitemap.links == []
    assert [ref.url for ref in sitemap.sitemaps] == [
        "https://noticias.r9.example/sitemap/2025-02-27.xml",
        "https://noticias.r9.example/sitemap/2025-02-26.xml",
    ]
    assert sitemap.sitemaps[0].lastmod == datetime.fromisoformat("2025-02-27T20:00:00+00:00")


@pytest.mark.parametrize("body", [b"", b"<rss><channel/></rss>", b"not xml at all"])
def test_not_a_sitemap(body: bytes) -> None:
    with pytest.raises(SitemapError):
        parse_sitemap(body, "https://x.example/sitemap.xml", SAO_PAULO)


def test_section_page_links_matching_the_pattern(page: PageLoader) -> None:
    links = parse_section(
        page("section_page.html"),
        "https://noticias.r9.example/internacional",
        r"/internacional/.+-\d{8}/",
    )
    assert [(link.url, link.title) for link in links] == [
        (
            "https://noticias.r9.example/internacional/coreia-do-norte-lanca-missil-27022025/",
            "Coreia do Norte lança míssil no mar do Japão",
        ),
        (
            "https://noticias.r9.example/internacional/russia-anuncia-cessar-fogo-26022025/",
            "Rússia anuncia cessar-fogo parcial",
        ),
        (
            "https://noticias.r9.example/internacional/eleicoes-em-portugal-25022025/",
            "Portugal vai às urnas em março",
        ),
    ]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_parse_feed_raises_only_feed_error(body: bytes) -> None:
    try:
        links = parse_feed(body, "https://x.example/rss", timezone=SAO_PAULO)
    except FeedError:
        return
    assert isinstance(links, list)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=500))
def test_parse_feed_on_text_like_bodies(text: str) -> None:
    body = f"<rss><channel><item><title>{text}</title><link>{text}</link></item></channel></rss>"
    with contextlib.suppress(FeedError):
        parse_feed(body.encode("utf-8", "surrogatepass"), "https://x.example/", timezone="UTC")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"just text", "not XML: does not start with a tag"),
        (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><rss><channel/></rss>',
            "refused: ",
        ),
    ],
)
def test_a_feed_or_sitemap_that_cannot_be_read_says_why(body: bytes, reason: str) -> None:
    from crawler.extraction.sitemaps import parse_sitemap

    url = "https://example.com/feed"
    for parse, error in ((parse_feed, FeedError), (parse_sitemap, SitemapError)):
        with pytest.raises(error) as caught:
            parse(body, url)
        assert reason in str(caught.value)
