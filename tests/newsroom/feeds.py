"""Feeds and sitemaps: RSS 2.0 (three dialects), Atom, news sitemaps and sitemap indexes."""

from __future__ import annotations

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
