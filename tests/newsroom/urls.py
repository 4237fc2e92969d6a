"""Where each style of outlet puts its feeds, sitemaps, sections and articles."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from .model import NonArticleKind, Style

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, limit: int = 90) -> str:
    """ASCII slug, as CMSs make them: "Coreia do Norte dispara" -> "coreia-do-norte-dispara"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")
    return slug[:limit].rstrip("-")


@dataclass(frozen=True, slots=True)
class Layout:
    """Paths (with query) of an outlet's listings; sections as (path, article pattern)."""

    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    sections: tuple[tuple[str, str], ...] = ()


SECTION_SLUGS = ("politica", "economia", "internacional", "esportes", "saude", "cidades",
                 "policia", "cultura", "tecnologia")  # fmt: skip

LAYOUTS: dict[Style, Layout] = {
    Style.WORDPRESS: Layout(feeds=("/feed/",)),
    Style.ARCXP: Layout(
        feeds=("/arc/outboundfeeds/rss/?outputType=xml",),
        sitemaps=("/arc/outboundfeeds/sitemap-news/?outputType=xml",),
    ),
    Style.GLOBO: Layout(sitemaps=("/sitemap/site/news.xml", "/sitemap/site/sitemap.xml")),
    Style.LEGACY: Layout(feeds=("/rss/ultimas.xml",)),
    Style.ATOM: Layout(feeds=("/atom.xml",)),
    Style.SECTION: Layout(
        sections=tuple((f"/{slug}/", rf"/{slug}/.+-\d{{8}}/") for slug in SECTION_SLUGS)
    ),
}

FEED_PATHS = frozenset(path.split("?")[0] for lay in LAYOUTS.values() for path in lay.feeds)
GLOBO_DAILY = re.compile(r"^/sitemap/site/(\d{4})/(\d{2})/(\d{2})_1\.xml$")
PRIVATE_PREFIX = "/privado/"
AMP_PREFIX = "/amp"


def article_path(style: Style, section: str, slug: str, local: datetime, serial: int) -> str:
    """The clean path of an article, from its section slug, slug and local publication time."""
    y, m, d = f"{local:%Y}", f"{local:%m}", f"{local:%d}"
    match style:
        case Style.WORDPRESS:
            return f"/{y}/{m}/{d}/{slug}/"
        case Style.ARCXP:
            return f"/{section}/{y}/{m}/{slug}/"
        case Style.GLOBO:
            return f"/{section}/noticia/{y}/{m}/{d}/{slug}.ghtml"
        case Style.LEGACY:
            return f"/ultimas-noticias/{y}/{m}/{d}/{slug}.htm"
        case Style.ATOM:
            return f"/{y}/{m}/{d}/{section}/noticia/{slug}-{1_900_000 + serial}"
        case Style.SECTION:
            return f"/{section}/{slug}-{y}{m}{d}/"
    raise ValueError(style)  # pragma: no cover


def non_article_path(style: Style, kind: NonArticleKind, local: datetime) -> str:
    """Where a non-article linked from the outlet's listings lives.

    On section-style outlets they sit under the article pattern, so that only the page
    itself tells that it is no article.
    """
    day = f"{local:%Y%m%d}"
    if style is Style.SECTION:
        names = {
            NonArticleKind.VIDEO_HUB: "videos-da-semana",
            NonArticleKind.TAG_PAGE: "tag-eleicoes",
            NonArticleKind.NOT_FOUND: "materia-removida",
            NonArticleKind.SOFT_404: "materia-indisponivel",
        }
        return f"/internacional/{names[kind]}-{day}/"
    match kind:
        case NonArticleKind.VIDEO_HUB:
            return "/videos/"
        case NonArticleKind.TAG_PAGE:
            return "/tag/eleicoes/"
        case NonArticleKind.NOT_FOUND:
            return article_path(style, "politica", "materia-removida-pelo-autor", local, 0)
        case NonArticleKind.SOFT_404:
            return article_path(style, "cidades", "pagina-em-manutencao", local, 1)
        case NonArticleKind.DISALLOWED:
            return f"{PRIVATE_PREFIX}{local:%Y/%m}/relatorio-interno-da-redacao/"
    raise ValueError(kind)  # pragma: no cover
