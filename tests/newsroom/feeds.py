"""Feeds and sitemaps: RSS 2.0 (three dialects), Atom, news sitemaps and sitemap indexes."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

from . import dates


@dataclass(frozen=True, slots=True)
class Entry:
    """One link in a listing: an article, or a non-article posing as one."""

    url: str
    title: str
    summary: str
    published_at: datetime
    modified_at: datetime
    authors: tuple[str, ...]
    section: str
    guid: str


@dataclass(frozen=True, slots=True)
class Channel:
    name: str
    base_url: str
    self_url: str
    language: str
    updated: datetime


def _x(text: str) -> str:
    return escape(text, quote=False)


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def wordpress_rss(channel: Channel, entries: Sequence[Entry]) -> str:
    items = "".join(
        f"<item>\n\t\t<title>{_x(e.title)}</title>\n\t\t<link>{_x(e.url)}</link>\n"
        f"\t\t<comments>{_x(e.url)}#respond</comments>\n"
        f"\t\t<dc:creator>{_cdata(', '.join(e.authors) or 'Redação')}</dc:creator>\n"
        f"\t\t<pubDate>{dates.rfc822(e.published_at)}</pubDate>\n"
        f"\t\t<category>{_cdata(e.section)}</category>\n"
        f'\t\t<guid isPermaLink="false">{_x(channel.base_url)}/?p={e.guid}</guid>\n'
        f"\t\t<description>{_cdata(e.summary)}</description>\n\t</item>\n\t"
        for e in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"\n'
        '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
        '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        '\txmlns:atom="http://www.w3.org/2005/Atom"\n'
        '\txmlns:sy="http://purl.org/rss/1.0/modules/syndication/">\n<channel>\n'
        f"\t<title>{_x(channel.name)}</title>\n"
        f'\t<atom:link href="{_x(channel.self_url)}" rel="self" type="application/rss+xml" />\n'
        f"\t<link>{_x(channel.base_url)}/</link>\n"
        f"\t<description>Notícias de {_x(channel.name)}</description>\n"
        f"\t<lastBuildDate>{dates.rfc822(channel.updated)}</lastBuildDate>\n"
        f"\t<language>{channel.language}</language>\n"
        "\t<sy:updatePeriod>hourly</sy:updatePeriod>\n\t<sy:updateFrequency>1</sy:updateFrequency>\n"
        "\t<generator>https://wordpress.org/?v=6.7.1</generator>\n\t"
        f"{items}</channel>\n</rss>\n"
    )


def arc_rss(channel: Channel, entries: Sequence[Entry]) -> str:
    items = "".join(
        f"<item><title>{_cdata(e.title)}</title><link>{_x(e.url)}</link>"
        f'<guid isPermaLink="false">{e.guid}</guid>'
        f"<dc:creator>{_cdata(', '.join(e.authors))}</dc:creator>"
        f"<description>{_cdata(e.summary)}</description>"
        f"<pubDate>{dates.http_date(e.published_at)}</pubDate>"
        f'<media:content url="{_x(channel.base_url)}/resizer/{e.guid}.jpg" type="image/jpeg"/>'
        "</item>"
        for e in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss xmlns:atom="http://www.w3.org/2005/Atom" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/" '
        f'version="2.0"><channel><title>{_cdata(channel.name)}</title>'
        f"<link>{_x(channel.base_url)}</link>"
        f'<atom:link href="{_x(channel.self_url)}" rel="self" type="application/rss+xml"/>'
        f"<description>{_cdata(channel.name + ' News Feed')}</description>"
        f"<lastBuildDate>{dates.http_date(channel.updated)}</lastBuildDate>"
        f"<ttl>1</ttl>{items}</channel></rss>"
    )


def legacy_rss(channel: Channel, entries: Sequence[Entry]) -> str:
    """No XML declaration (the bytes will be ISO-8859-1); Portuguese day and month names."""
    items = "".join(
        f"\t<item>\n\t\t<title>{_cdata(e.title)}</title>\n\t\t<link>{_cdata(e.url)}</link>\n"
        f"\t\t<description>{_cdata(e.summary)}</description>\n"
        f"\t\t<pubDate>{dates.rfc822_portuguese(e.published_at)}</pubDate>\n\t</item>\n"
        for e in entries
    )
    return (
        f"<rss>\n\t<channel>\n\t\t<title>{_x(channel.name)}</title>\n"
        f"\t\t<link>{_x(channel.base_url)}/</link>\n\t\t<description>Últimas Notícias"
        "</description>\n\t\t<language></language>\n\t\t<category>Notícias</category>\n"
        f"{items}\t</channel>\n</rss>\n"
    )


def atom(channel: Channel, entries: Sequence[Entry]) -> str:
    items = "".join(
        f"<entry><title>{_x(e.title)}</title>"
        f'<link rel="alternate" type="text/html" href="{_x(e.url)}"/>'
        f"<id>{_x(e.url)}</id><published>{dates.iso(e.published_at)}</published>"
        f"<updated>{dates.iso(e.modified_at)}</updated>"
        + "".join(f"<author><name>{_x(a)}</name></author>" for a in e.authors)
        + f'<category term="{_x(e.section)}"/><summary type="text">{_x(e.summary)}</summary>'
        "</entry>\n"
        for e in entries
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{channel.language}">'
        f"<title>{_x(channel.name)}</title><id>{_x(channel.base_url)}/</id>"
        f"<updated>{dates.iso(channel.updated)}</updated>"
        f'<link rel="self" href="{_x(channel.self_url)}"/>'
        f'<link rel="alternate" type="text/html" href="{_x(channel.base_url)}/"/>\n'
        f"{items}</feed>\n"
    )


_URLSET = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
    'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9" '
    'xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">\n'
)


def news_sitemap(channel: Channel, entries: Sequence[Entry]) -> str:
    language = channel.language.split("-")[0]
    urls = "".join(
        f"<url><loc>{_x(e.url)}</loc><lastmod>{dates.iso(e.modified_at)}</lastmod><news:news>"
        f"<news:publication><news:name>{_x(channel.name)}</news:name>"
        f"<news:language>{language}</news:language></news:publication>"
        f"<news:publication_date>{dates.iso(e.published_at)}</news:publication_date>"
        f"<news:title>{_x(e.title)}</news:title></news:news></url>\n"
        for e in entries
    )
    return f"{_URLSET}{urls}</urlset>\n"


def urlset(entries: Sequence[Entry]) -> str:
    urls = "".join(
        f"<url><loc>{_x(e.url)}</loc><lastmod>{dates.iso(e.modified_at)}</lastmod>"
        "<changefreq>hourly</changefreq></url>\n"
        for e in entries
    )
    return f"{_URLSET}{urls}</urlset>\n"


def sitemap_index(sitemaps: Sequence[tuple[str, datetime]]) -> str:
    items = "".join(
        f"<sitemap><loc>{_x(url)}</loc><lastmod>{dates.iso(lastmod)}</lastmod></sitemap>\n"
        for url, lastmod in sitemaps
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{items}</sitemapindex>\n'
    )


# --- Real shapes of wrapped, tracked and partner links (discovery tests) ------------------
#
# Written after stored copies of real feeds: Folha's rss091 feeds link through
# redir.folha.com.br; FeedBurner mirrors (Público, JN, TSF) link through /~r/ with the
# real address in feedburner:origLink; Google News links to its own article ids; DW adds
# `maca=` to every link; a portal's latest-news feed (UOL) mixes its own, partner and
# sister-site links, ISO-8859-1 without a declaration, links in CDATA.


@dataclass(frozen=True, slots=True)
class Listed:
    """One link to put in a feed or sitemap a test writes."""

    title: str
    url: str
    published_at: datetime
    summary: str = ""


def folha_redirect(url: str, section: str = "poder") -> str:
    """A link as Folha's rss091 feeds write it: through redir.folha.com.br."""
    return f"https://redir.folha.com.br/redirect/online/{section}/rss091/*{url}"


def folha_rss091(title: str, site: str, items: Sequence[Listed], section: str = "poder") -> bytes:
    """RSS 0.91 in ISO-8859-1, every link wrapped by Folha's redirector."""
    body = "".join(
        f"<item>\n<title>{_x(i.title)}</title>\n<link>{_x(folha_redirect(i.url, section))}</link>\n"
        f"<description>{_x(i.summary)}</description>\n"
        f"<pubDate>{dates.rfc822_portuguese(i.published_at)}</pubDate>\n</item>\n"
        for i in items
    )
    text = (
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n<rss version="0.91">\n<channel>\n'
        f"<title>{_x(title)}</title>\n<link>{_x(site)}</link>\n"
        "<description>Últimas notícias</description>\n<language>pt-br</language>\n"
        f"{body}</channel>\n</rss>\n"
    )
    return text.encode("iso-8859-1", errors="xmlcharrefreplace")


def feedburner_rss(name: str, site: str, items: Sequence[Listed]) -> str:
    """A FeedBurner mirror: links through feeds.feedburner.com/~r/, the real one in origLink."""
    body = "".join(
        f"<item><title>{_x(i.title)}</title>"
        f"<link>http://feeds.feedburner.com/~r/{name}/~3/{k:08x}Qz/{k}</link>"
        f'<guid isPermaLink="false">{_x(i.url)}</guid>'
        f"<pubDate>{dates.rfc822(i.published_at)}</pubDate>"
        f"<description>{_x(i.summary)}</description>"
        f"<feedburner:origLink>{_x(i.url)}</feedburner:origLink></item>\n"
        for k, i in enumerate(items, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss xmlns:feedburner="http://rssnamespace.org/feedburner/ext/1.0" version="2.0">'
        f"<channel><title>{_x(name)}</title><link>{_x(site)}</link>"
        '<atom10:link xmlns:atom10="http://www.w3.org/2005/Atom" rel="self" '
        f'type="application/rss+xml" href="http://feeds.feedburner.com/{name}" />'
        f'<feedburner:info uri="{name.lower()}" />\n{body}</channel></rss>\n'
    )


def google_news_article(url: str) -> str:
    """A Google News article link of the kind whose id holds the URL (base64 protobuf)."""
    data = url.encode("ascii")
    raw = b"\x08\x13\x22" + bytes([len(data)]) + data + b"\xd2\x01\x00"
    token = base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")
    return f"https://news.google.com/rss/articles/{token}?oc=5"


def google_news_redirect(url: str) -> str:
    """An older Google News link: a redirector with the target in `url=`."""
    return f"https://news.google.com/news/url?sa=t&fd=R&ct2=pt_br&usg=AFQjCNE&url={url}"


def google_news_rss(source_name: str, items: Sequence[Listed]) -> str:
    """A Google News search feed: every link is Google's, the source named per item."""
    body = "".join(
        f"<item><title>{_x(i.title)} - {_x(source_name)}</title>"
        f"<link>{_x(google_news_article(i.url) if k % 2 else google_news_redirect(i.url))}</link>"
        f'<guid isPermaLink="false">CBMi{k}</guid>'
        f"<pubDate>{dates.http_date(i.published_at)}</pubDate>"
        f'<description>&lt;a href="{_x(i.url)}"&gt;{_x(i.title)}&lt;/a&gt;</description>'
        f'<source url="https://news.google.com">{_x(source_name)}</source></item>\n'
        for k, i in enumerate(items)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><rss version="2.0" '
        'xmlns:media="http://search.yahoo.com/mrss/"><channel><generator>NFE/5.0</generator>'
        f"<title>{_x(source_name)} - Google Notícias</title>"
        f"<link>https://news.google.com/?hl=pt-BR</link><language>pt-BR</language>\n"
        f"{body}</channel></rss>\n"
    )


def tracked_cdata_rss(title: str, site: str, items: Sequence[Listed], query: str) -> str:
    """Links in CDATA with tracking parameters, the `&` written `&amp;` inside the CDATA
    (as DW's feeds do with `maca=`): `query` like 'maca=pt-BR-rss-br-top-1029-rdf&amp;...'."""
    body = "".join(
        f"<item><title>{_cdata(i.title)}</title><link>{_cdata(i.url + '?' + query)}</link>"
        f"<pubDate>{dates.rfc822(i.published_at)}</pubDate>"
        f"<description>{_cdata(i.summary)}</description></item>\n"
        for i in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{_x(title)}</title><link>{_x(site)}</link>\n{body}</channel></rss>\n"
    )


def amp_cache_url(url: str) -> str:
    """`url` as served by the Google AMP cache (http origin: /c/HOST/PATH; https: /c/s/)."""
    scheme, rest = url.split("://", 1)
    host = rest.split("/", 1)[0].split(":")[0].replace("-", "--").replace(".", "-")
    marker = "c/s" if scheme == "https" else "c"
    return f"https://{host}.cdn.ampproject.org/{marker}/{rest}"


def plain_rss(title: str, site: str, items: Sequence[Listed], *, links: bool = True) -> str:
    """RSS 2.0; with `links=False`, items carry a title and date but no link at all."""
    body = "".join(
        f"<item><title>{_x(i.title)}</title>"
        + (f"<link>{_x(i.url)}</link>" if links else "")
        + f"<pubDate>{dates.rfc822(i.published_at)}</pubDate>"
        f"<description>{_x(i.summary)}</description></item>\n"
        for i in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{_x(title)}</title><link>{_x(site)}</link>\n{body}</channel></rss>\n"
    )


def portal_rss(title: str, site: str, items: Sequence[Listed]) -> bytes:
    """A portal's latest-news feed as UOL writes it: ISO-8859-1 with no XML declaration,
    titles and links in CDATA, Portuguese dates; own, partner and sister-site links mixed."""
    body = "".join(
        f"\t<item>\n\t\t<title>{_cdata(i.title)}</title>\n\t\t<link>{_cdata(i.url)}</link>\n"
        f"\t\t<description>{_cdata(i.summary)}</description>\n"
        f"\t\t<pubDate>{dates.rfc822_portuguese(i.published_at)}</pubDate>\n\t</item>\n"
        for i in items
    )
    text = (
        f"<rss>\n\t<channel>\n\t\t<title>{_x(title)}</title>\n\t\t<link>{_x(site)}</link>\n"
        f"\t\t<description>Últimas Notícias</description>\n{body}\t</channel>\n</rss>\n"
    )
    return text.encode("iso-8859-1", errors="xmlcharrefreplace")


def entity_bomb_rss(site: str) -> str:
    """A "billion laughs" feed: entities declared in the DOCTYPE, nested tenfold."""
    levels = "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    )  # fmt: skip
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY lol0 "lol">' + levels + "]>\n"
        f'<rss version="2.0"><channel><title>&lol9;</title><link>{_x(site)}</link>'
        f"<item><title>&lol9;</title><link>{_x(site)}/2025/07/15/risos/</link></item>"
        "</channel></rss>\n"
    )


def dated_news_sitemap(name: str, items: Sequence[Listed], language: str = "pt") -> str:
    """A news sitemap listing `items` in the order given (oldest first, say)."""
    urls = "".join(
        f"<url><loc>{_x(i.url)}</loc><news:news><news:publication><news:name>{_x(name)}"
        f"</news:name><news:language>{language}</news:language></news:publication>"
        f"<news:publication_date>{dates.iso(i.published_at)}</news:publication_date>"
        f"<news:title>{_x(i.title)}</news:title></news:news></url>\n"
        for i in items
    )
    return f"{_URLSET}{urls}</urlset>\n"


def undated_sitemap_index(urls: Sequence[str]) -> str:
    """A sitemap index with no lastmod, in the order given (a real one runs 2003 to now)."""
    items = "".join(f"<sitemap><loc>{_x(url)}</loc></sitemap>\n" for url in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{items}</sitemapindex>\n'
    )
