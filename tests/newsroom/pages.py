"""HTML pages of the fake outlets: articles in each style's markup, and the non-articles.

Each style follows what real outlets of its kind do (see the module docstrings of
`newsroom`): where the headline sits, which meta tags and JSON-LD exist, how the date
is written (and mislabelled). The truth stays in `FakeArticle`; a page only shows it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from . import dates
from .chrome import SECTIONS, Chrome
from .model import FakeArticle, OutletSpec, Style, Trap
from .urls import AMP_PREFIX

Link = tuple[str, str]  # (title, url)


@dataclass(frozen=True, slots=True)
class Site:
    """What a page needs to know about its outlet."""

    spec: OutletSpec
    base_url: str
    chrome: Chrome

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.spec.timezone)

    def url(self, path: str) -> str:
        return self.base_url + path


def article_page(site: Site, article: FakeArticle, related: Sequence[Link]) -> str:
    """The article's page in its outlet's style."""
    if Trap.NO_DATE_ON_PAGE in article.traps:
        return undated_page(site, article, related)
    return _RENDERERS[site.spec.style](site, article, related)


def undated_page(site: Site, article: FakeArticle, related: Sequence[Link]) -> str:
    """A small-CMS page that dates nothing: no JSON-LD, no date meta tag, no date line,
    `og:type website`, the headline in a `<div>` and the site's logo in the `<h1>`."""
    p = site.chrome.prefix
    meta = (
        f'<meta name="description" content="{escape(article.lead)}">\n'
        '<meta property="og:type" content="website">\n'
        f'<meta property="og:title" content="{escape(article.title)} - {escape(site.spec.name)}">\n'
        f'<link rel="canonical" href="{escape(article.canonical_url)}">\n'
    )
    body = (
        f'<h1 class="{p}-logo"><a href="{site.base_url}/">{escape(site.spec.name)}</a></h1>\n'
        f'<div class="{p}-noticia"><div class="{p}-titulo-noticia">{escape(article.title)}</div>\n'
        f'<p class="{p}-autor">Por {escape(", ".join(article.authors))}</p>\n'
        f"{_paragraphs(article)}</div>\n" + _related(site, related)
    )
    return _document(site, f"{article.title} - {site.spec.name}", meta, body)


def amp_page(site: Site, article: FakeArticle) -> str:
    """The AMP variant: little chrome, a canonical link to the clean URL."""
    local = article.published_at
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in article.paragraphs)
    return (
        f'<!doctype html><html amp lang="{site.spec.language}"><head><meta charset="utf-8">'
        f"<title>{escape(article.title)}</title>"
        f'<link rel="canonical" href="{escape(article.canonical_url)}">'
        '<meta name="viewport" content="width=device-width">'
        '<script async src="https://cdn.ampproject.org/v0.js"></script>'
        "<style amp-custom>body{font-family:sans-serif;margin:0 auto;max-width:40rem}</style>"
        f"{_json_ld(_news_article(site, article, dates.iso(local)))}</head><body>"
        f'<header><a href="{site.base_url}/">{escape(site.spec.name)}</a></header><article>'
        f'<h1>{escape(article.title)}</h1><p class="lead">{escape(article.lead)}</p>'
        f"<p>Por {escape(', '.join(article.authors))} - {dates.visible_br(local)}</p>"
        f"{paragraphs}</article><footer>{escape(site.spec.name)}</footer></body></html>"
    )


def _document(site: Site, title: str, meta: str, body: str, lang_attr: str = "") -> str:
    c = site.chrome
    charset = "" if site.spec.style is Style.LEGACY else '<meta charset="utf-8">\n'
    lang = lang_attr or f' lang="{site.spec.language}"'
    return (
        f"<!DOCTYPE html>\n<html{lang}>\n<head>\n{charset}"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n{meta}{c.head}</head>\n<body>\n{c.header}"
        f'<main class="{c.prefix}-main">\n{body}\n</main>\n{c.aside}{c.footer}</body>\n</html>\n'
    )


def _og(site: Site, article: FakeArticle, og_type: str = "article") -> str:
    image = site.url(f"/static/img/{article.path.strip('/').replace('/', '-')}.jpg")
    return (
        f'<meta name="description" content="{escape(article.lead)}">\n'
        f'<meta property="og:type" content="{og_type}">\n'
        f'<meta property="og:site_name" content="{escape(site.spec.name)}">\n'
        f'<meta property="og:title" content="{escape(article.og_title)}">\n'
        f'<meta property="og:description" content="{escape(article.lead)}">\n'
        f'<meta property="og:url" content="{escape(article.canonical_url)}">\n'
        f'<meta property="og:image" content="{image}">\n'
        f'<meta name="twitter:card" content="summary_large_image">\n'
        f'<link rel="canonical" href="{escape(article.canonical_url)}">\n'
        f'<link rel="amphtml" href="{escape(site.url(AMP_PREFIX + article.path))}">\n'
    )


def _json_ld(data: dict[str, Any]) -> str:
    text = json.dumps(data, ensure_ascii=False, indent=None).replace("</", "<\\/")
    return f'<script type="application/ld+json">{text}</script>\n'


def _news_article(site: Site, article: FakeArticle, published: str, **extra: Any) -> dict[str, Any]:
    return {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": article.canonical_url},
        "headline": article.title,
        "description": article.lead,
        "datePublished": published,
        "dateModified": dates.iso(article.modified_at),
        "author": [{"@type": "Person", "name": name} for name in article.authors],
        "publisher": {
            "@type": "Organization",
            "name": site.spec.name,
            "logo": {"@type": "ImageObject", "url": site.url("/static/logo.png")},
        },
        "articleSection": article.section,
        "inLanguage": site.spec.language,
        **extra,
    }


def _paragraphs(
    article: FakeArticle, tag: str = "<p>", insert: Callable[[int], str] | None = None
) -> str:
    parts = []
    for i, text in enumerate(article.paragraphs):
        parts.append(f"{tag}{escape(text)}</p>\n")
        if insert is not None:
            parts.append(insert(i))
    return "".join(parts)


def _related(site: Site, related: Sequence[Link], title: str = "Mais lidas") -> str:
    p = site.chrome.prefix
    items = "".join(
        f'<li class="{p}-teaser"><a class="{p}-teaser__link" href="{escape(url)}">'
        f"{escape(text)}</a></li>"
        for text, url in related
    )
    return f'<section class="{p}-most-read"><h3>{title}</h3><ol>{items}</ol></section>\n'


def _share(p: str, url: str) -> str:
    nets = ("facebook", "x", "whatsapp", "telegram", "linkedin")
    links = "".join(
        f'<a class="{p}-share__{n}" href="https://share.example/{n}?u={escape(url)}">'
        f"Compartilhar no {n.capitalize()}</a>"
        for n in nets
    )
    return f'<div class="{p}-share">{links}<button>Copiar link</button></div>\n'


# --- styles ---------------------------------------------------------------------------


def _wordpress(site: Site, article: FakeArticle, related: Sequence[Link]) -> str:
    """Yoast @graph JSON-LD, UTC article:published_time, "Leia também" and share in content."""
    url, base = article.canonical_url, site.base_url
    published_utc = article.published_at.astimezone(ZoneInfo("UTC"))
    people = [
        {"@type": "Person", "@id": f"{base}/#/schema/person/{i}", "name": name,
         "url": f"{base}/autor/{name.lower().replace(' ', '-')}/"}
        for i, name in enumerate(article.authors)
    ]  # fmt: skip
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebPage", "@id": url, "url": url,
             "name": f"{article.title} | {site.spec.name}",
             "isPartOf": {"@id": f"{base}/#website"}, "datePublished": dates.iso(published_utc),
             "dateModified": dates.iso(article.modified_at.astimezone(ZoneInfo("UTC"))),
             "inLanguage": site.spec.language, "breadcrumb": {"@id": f"{url}#breadcrumb"}},
            {"@type": "NewsArticle", "@id": f"{url}#article", "isPartOf": {"@id": url},
             "author": [{"@id": p["@id"], "name": p["name"]} for p in people],
             "headline": article.title, "datePublished": dates.iso(published_utc),
             "dateModified": dates.iso(article.modified_at.astimezone(ZoneInfo("UTC"))),
             "mainEntityOfPage": {"@id": url}, "wordCount": article.word_count,
             "publisher": {"@id": f"{base}/#organization"}, "articleSection": [article.section],
             "keywords": list(article.tags), "inLanguage": site.spec.language},
            {"@type": "BreadcrumbList", "@id": f"{url}#breadcrumb", "itemListElement": [
                {"@type": "ListItem", "position": 1, "name": "Início", "item": f"{base}/"},
                {"@type": "ListItem", "position": 2, "name": article.title}]},
            {"@type": "WebSite", "@id": f"{base}/#website", "url": f"{base}/",
             "name": site.spec.name, "inLanguage": site.spec.language},
            {"@type": "Organization", "@id": f"{base}/#organization", "name": site.spec.name},
            *people,
        ],
    }  # fmt: skip
    meta = (
        _og(site, article)
        + f'<meta property="article:section" content="{escape(article.section)}">\n'
        + "".join(f'<meta property="article:tag" content="{escape(t)}">\n' for t in article.tags)
        + f'<meta property="article:published_time" content="{dates.iso(published_utc)}">\n'
        + _json_ld(graph)
    )
    p = site.chrome.prefix
    see_also = related[:3]

    def box(i: int) -> str:
        if i != 1 or not see_also:
            return ""
        links = "".join(f'<li><a href="{escape(u)}">{escape(t)}</a></li>' for t, u in see_also)
        return f'<div class="{p}-leia-tambem"><strong>Leia também</strong><ul>{links}</ul></div>\n'

    authors = ", ".join(
        f'<a href="{escape(person["url"])}" rel="author">{escape(person["name"])}</a>'
        for person in people
    )
    local = article.published_at
    body = (
        f'<article class="post type-post"><div class="{p}-breadcrumb"><a href="{base}/">Início</a>'
        f" » {escape(article.section)}</div>\n"
        f'<h1 class="{p}-post-title entry-title">{escape(article.title)}</h1>\n'
        f'<h2 class="{p}-post-subtitle">{escape(article.lead)}</h2>\n'
        f'<div class="{p}-meta">Por {authors} <time class="entry-date" datetime="'
        f'{dates.iso(published_utc)}">{dates.visible_long(local)}</time></div>\n'
        f'<div class="entry-content {p}-content">\n{_share(p, url)}'
        f"{_paragraphs(article, insert=box)}{_share(p, url)}"
        f'<div class="{p}-tags">Tags: '
        + "".join(
            f'<a href="{base}/tag/{escape(t.lower())}/" rel="tag">{escape(t)}</a> '
            for t in article.tags
        )
        + "</div></div>\n</article>\n"
        + _related(site, related)
        + site.chrome.comments
    )
    return _document(site, f"{article.title} | {site.spec.name}", meta, body)


def _arcxp(site: Site, article: FakeArticle, related: Sequence[Link]) -> str:
    """JSON-LD NewsArticle with articleBody; some mislabel UTC as -03:00."""
    local = article.published_at
    if Trap.JSONLD_UTC_LABELLED_LOCAL in article.traps:
        published = dates.utc_wall_clock_as(local, dates.iso(local)[-6:])
    else:
        published = dates.iso_z(local)
    ld = _news_article(site, article, published, articleBody=article.body)
    meta = (
        _og(site, article)
        + f'<meta property="article:published_time" content="{published}">\n'
        + f'<meta name="author" content="{escape(", ".join(article.authors))}">\n'
        + _json_ld(ld)
    )
    p = site.chrome.prefix
    fusion = json.dumps(
        {"_id": article.story_id, "type": "story", "canonical_url": article.path,
         "headlines": {"basic": article.title}, "taxonomy": {"sections": [article.section]}},
        ensure_ascii=False,
    )  # fmt: skip
    byline = " e ".join(f'<a class="{p}-byline__author">{escape(a)}</a>' for a in article.authors)
    paragraph_tag = f'<p class="{p}-paragraph">'
    body = (
        f'<article class="{p}-article"><div class="{p}-overline">{escape(article.section)}</div>\n'
        f'<h1 class="{p}-headline">{escape(article.title)}</h1>\n'
        f'<h2 class="{p}-subheadline">{escape(article.lead)}</h2>\n'
        f'<div class="{p}-byline">Por {byline}</div>\n'
        f'<div class="{p}-date"><time>{dates.visible_br(local, " - ")}</time> | Atualizado '
        f"{dates.visible_br(article.modified_at, ' - ')}</div>\n{_share(p, article.canonical_url)}"
        f'<div class="{p}-article-body">\n{_paragraphs(article, paragraph_tag)}'
        f'<p class="{p}-follow">Siga o {escape(site.spec.name)} no Google Notícias e receba '
        "alertas das principais notícias do dia.</p></div>\n</article>\n"
        + _related(site, related, "Mais lidas agora")
        + site.chrome.comments
        + f"<script>Fusion=window.Fusion||{{}};Fusion.globalContent={fusion};</script>\n"
    )
    return _document(site, f"{article.title} | {site.spec.name}", meta, body)


def _globo(site: Site, article: FakeArticle, related: Sequence[Link]) -> str:
    """content-head markup, itemprop dates; some mark Brasília wall-clock time as Z."""
    local = article.published_at
    if Trap.LOCAL_LABELLED_UTC in article.traps:
        published, modified = (
            dates.wall_clock_as_z(local),
            dates.wall_clock_as_z(article.modified_at),
        )
    else:
        published, modified = dates.iso_z(local), dates.iso_z(article.modified_at)
    ld = _news_article(site, article, published, dateModified=modified)
    meta = _og(site, article) + _json_ld(ld)
    authors = ", ".join(article.authors)
    paragraphs = _paragraphs(
        article,
        '<div class="mc-column content-text active-extra-styles">'
        '<p class="content-text__container">',
    ).replace("</p>\n", "</p></div>\n")
    body = (
        '<div class="mc-article-header"><div class="content-head">'
        '<div class="title"><h1 class="content-head__title" itemprop="headline">'
        f"{escape(article.title)} </h1></div>"
        '<div class="medium-centered subtitle"><h2 class="content-head__subtitle" '
        f'itemprop="alternativeHeadline">{escape(article.lead)} </h2></div></div>\n'
        '<div class="content__signa-share"><div class="content-publication-data">'
        f'<p class="content-publication-data__from" title="{escape(authors)}"> Por '
        f"{escape(authors)}, {escape(site.spec.name)} </p>"
        '<p class="content-publication-data__updated"> <time itemprop="datePublished" '
        f'datetime="{published}"> {dates.visible_br(local)} </time> '
        '<span class="content-publication-data__updated-relative"> <time itemprop="dateModified" '
        f'datetime="{modified}"> Atualizado {dates.visible_br(article.modified_at)} </time></span>'
        f"</p></div>{_share('glb', article.canonical_url)}</div></div>\n"
        f'<article itemprop="articleBody" class="mc-article-body">\n{paragraphs}</article>\n'
        + _related(site, related, "Veja também")
        + site.chrome.comments
    )
    return _document(site, f"{article.title} | {site.spec.name}", meta, body)


def _legacy(site: Site, article: FakeArticle, related: Sequence[Link]) -> str:
    """No JSON-LD, no charset, no machine date; headline in <h2>, section name in <h1>."""
    local = article.published_at
    meta = (
        f'<meta name="description" content="{escape(article.lead)}">\n'
        f'<meta property="og:title" content="{escape(article.og_title)}">\n'
        f'<link rel="canonical" href="{escape(article.canonical_url)}">\n'
    )
    byline = "Da Redação" if not article.authors else "Por " + " e ".join(article.authors)
    body = (
        f'<div class="header__section"><h1 class="header__sectionName">{escape(article.section)}'
        '</h1></div>\n<div class="article">'
        f'<h2 class="article__headline">{escape(article.title)}</h2>\n'
        f'<p class="article__lead">{escape(article.lead)}</p>\n'
        f'<p class="article__byline">{escape(byline)}</p>\n'
        f'<p class="article__date">{dates.visible_br(local)}</p>\n'
        f'<div class="article__text">\n{_paragraphs(article)}</div></div>\n'
        + _related(site, related, "Últimas notícias")
        + site.chrome.comments
    )
    return _document(site, f"{article.title} - {site.spec.name}", meta, body)


def _atom(site: Site, article: FakeArticle, related: Sequence[Link]) -> str:
    """Público-like: <time datetime> labels Lisbon local time as GMT."""
    local = article.published_at
    meta = _og(site, article)
    authors = ", ".join(
        f'<a rel="author" href="{site.base_url}/autor/{escape(a.lower().replace(" ", "-"))}">'
        f"{escape(a)}</a>"
        for a in article.authors
    )
    body = (
        f'<article class="story"><header class="story__header"><div class="kicker">'
        f"{escape(article.section)}</div>\n"
        f'<h1 class="headline story__headline">{escape(article.title)}</h1>\n'
        f'<div class="story__blurb lead"><p>{escape(article.lead)}</p></div>\n'
        f'<div class="byline">{authors}</div>'
        f'<time class="dateline" datetime="{dates.wall_clock_as_gmt(local)}">'
        f"{dates.visible_long(local, capital_month=True)}</time></header>\n"
        f'<div class="story__body" id="story-body">\n{_paragraphs(article)}</div>\n</article>\n'
        + _related(site, related, "Mais populares")
        + site.chrome.comments
    )
    return _document(site, f"{article.title} | {site.spec.name}", meta, body)


def _section_style(site: Site, article: FakeArticle, related: Sequence[Link]) -> str:
    """A clean modern page: correct JSON-LD and article:published_time."""
    local = article.published_at
    meta = (
        _og(site, article)
        + f'<meta property="article:published_time" content="{dates.iso(local)}">\n'
        + f'<meta property="article:modified_time" content="{dates.iso(article.modified_at)}">\n'
        + _json_ld(_news_article(site, article, dates.iso(local)))
    )
    p = site.chrome.prefix
    body = (
        f'<article class="{p}-article">'
        f'<h1 class="{p}-article__title">{escape(article.title)}</h1>\n'
        f'<p class="{p}-article__subtitle">{escape(article.lead)}</p>\n'
        f'<div class="{p}-article__byline">{escape(", ".join(article.authors))} - '
        f'<time datetime="{dates.iso(local)}">{dates.visible_br(local)}</time></div>\n'
        f'<div class="{p}-article__content">\n{_paragraphs(article)}</div></article>\n'
        + _related(site, related)
        + site.chrome.comments
    )
    return _document(site, f"{article.title} - {site.spec.name}", meta, body)


_RENDERERS: dict[Style, Callable[[Site, FakeArticle, Sequence[Link]], str]] = {
    Style.WORDPRESS: _wordpress,
    Style.ARCXP: _arcxp,
    Style.GLOBO: _globo,
    Style.LEGACY: _legacy,
    Style.ATOM: _atom,
    Style.SECTION: _section_style,
}


# --- non-articles ---------------------------------------------------------------------


def video_hub(site: Site, videos: Sequence[Link]) -> str:
    p = site.chrome.prefix
    cards = "".join(
        f'<li class="{p}-video-card"><a href="{escape(url)}"><img src="{site.base_url}/static/'
        f'thumb-{i}.jpg" alt=""><span class="{p}-video-card__duration">0{i % 9}:{(i * 7) % 60:02d}'
        f"</span><h3>Vídeo: {escape(title)}</h3></a></li>"
        for i, (title, url) in enumerate(videos)
    )
    meta = (
        '<meta property="og:type" content="website">\n<meta property="og:title" content="Vídeos">\n'
    )
    body = f'<h1 class="{p}-page-title">Vídeos</h1>\n<ul class="{p}-video-grid">{cards}</ul>\n'
    return _document(site, f"Vídeos | {site.spec.name}", meta, body)


def listing_page(
    site: Site, heading: str, teasers: Sequence[tuple[str, str, str]], extra_links: Sequence[Link]
) -> str:
    """A tag or section page: teasers (title, url, lead) and many non-article links."""
    p = site.chrome.prefix
    items = "".join(
        f'<div class="{p}-card"><a class="{p}-card__link" href="{escape(url)}">'
        f'<h3 class="{p}-card__title">{escape(title)}</h3></a><p class="{p}-card__summary">'
        f"{escape(lead)}</p></div>\n"
        for title, url, lead in teasers
    )
    links = "".join(
        f'<li><a href="{escape(url)}">{escape(text)}</a></li>' for text, url in extra_links
    )
    meta = (
        '<meta property="og:type" content="website">\n'
        f'<meta property="og:title" content="{escape(heading)}">\n'
    )
    body = (
        f'<h1 class="{p}-page-title">{escape(heading)}</h1>\n'
        f'<div class="{p}-feed">\n{items}</div>\n'
        f'<nav class="{p}-pagination"><a href="?page=2">Próxima página</a></nav>\n'
        f'<aside class="{p}-more-links"><h3>Veja também</h3><ul>{links}</ul></aside>\n'
    )
    return _document(site, f"{heading} | {site.spec.name}", meta, body)


def not_found_page(site: Site) -> str:
    p = site.chrome.prefix
    body = (
        f'<div class="{p}-error"><h1>Página não encontrada</h1><p>O conteúdo que você procura '
        "não existe ou foi removido. Confira o endereço ou use a busca.</p>"
        f'<p><a href="{site.base_url}/">Voltar para a página inicial</a></p></div>\n'
    )
    return _document(site, f"Página não encontrada | {site.spec.name}", "", body)


def error_page(status: int) -> str:
    return (
        f"<!DOCTYPE html><html><head><title>{status} Erro</title></head><body><h1>{status}"
        "</h1><p>Erro interno do servidor. Tente novamente mais tarde.</p></body></html>\n"
    )


def section_names() -> dict[str, str]:
    return dict(SECTIONS)
