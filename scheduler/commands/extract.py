"""`atalaia extract URL|FILE`: show what the extractor gets from one page."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from atalaia.errors import ConfigError, ExitCode
from atalaia.settings import Settings

if TYPE_CHECKING:  # imported when the command runs, so `atalaia --help` stays fast
    from atalaia.article import Article
    from crawler.catalogue import Catalogue, Outlet
    from scheduler.commands import Subparsers


def register(subparsers: Subparsers, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "extract", parents=[common], help="show what the extractor gets from a page",
        description="Extract the article in an HTML page (a URL or a saved file) and print its "
        "fields. Exit 1 when the page is not an article.",
    )  # fmt: skip
    parser.add_argument("source", metavar="URL|FILE", help="an http(s) URL or an HTML file")
    parser.add_argument("--url", help="the original address of a saved FILE")
    parser.add_argument(
        "--outlet", metavar="ID",
        help="read dates in this catalogue outlet's timezone (default: found from the URL)",
    )  # fmt: skip
    parser.add_argument("--timezone", help="timezone for dates without one (IANA name)")
    parser.add_argument("--json", action="store_true", help="print the article as JSON")
    parser.set_defaults(handler=extract)


def extract(args: argparse.Namespace, settings: Settings) -> ExitCode:
    from atalaia.article import NotAnArticle
    from crawler.extraction.page import extract_article
    from crawler.extraction.timezones import guess_timezone
    from scheduler.sources import read_source

    body, url, charset = read_source(args.source, args.url, settings)
    outlet = _outlet_for(args.outlet, url, settings)
    timezone = args.timezone or (outlet.timezone if outlet else guess_timezone(url))
    try:
        article = extract_article(
            body,
            url,
            outlet=outlet.id if outlet else "",
            timezone=timezone,
            language=outlet.language if outlet else "",
            declared_charset=charset,
            now=datetime.now(UTC),
            hubs=[outlet.homepage, *(s.url for s in outlet.sections)] if outlet else (),
        )
    except NotAnArticle as exc:
        if args.json:
            print(json.dumps({"url": url, "article": None, "reason": exc.reason}))
        else:
            print(f"{url}: not an article ({exc.reason})")
        return ExitCode.NOTHING
    if args.json:
        print(json.dumps(article.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(render(article))
    return ExitCode.OK


def render(article: Article) -> str:
    lines = [
        f"title:         {article.title}",
        f"url:           {article.url}",
        f"canonical_url: {article.canonical_url}",
        f"outlet:        {article.outlet}",
        f"published_at:  {_published(article)}",
        f"updated_at:    {article.updated_at.isoformat() if article.updated_at else '-'}",
        f"authors:       {', '.join(article.authors) or '-'}",
        f"language:      {article.language or '-'}",
        f"section:       {article.section or '-'}",
        f"tags:          {', '.join(article.tags) or '-'}",
        f"image:         {article.image or '-'}",
        f"lead:          {article.lead or '-'}",
        "",
        article.body,
    ]
    return "\n".join(lines)


def _published(article: Article) -> str:
    """'2024-03-05T18:32:00-03:00 (minute, from visible)'; a day-only date reads
    '2016-10-25 (day only, from url)'."""
    moment = article.published_at
    if moment is None:
        return "-"
    source = f"from {article.published_source}" if article.published_source else ""
    if article.published_precision == "day":
        return f"{moment.date().isoformat()} (day only{', ' + source if source else ''})"
    details = ", ".join(filter(None, (article.published_precision, source)))
    return f"{moment.isoformat()} ({details})" if details else moment.isoformat()


def _outlet_for(outlet_id: str | None, url: str, settings: Settings) -> Outlet | None:
    from crawler.catalogue import load_catalogue

    try:
        catalogue = load_catalogue(settings.outlets_path)
    except ConfigError:
        if outlet_id:
            raise
        return None
    if outlet_id:
        return catalogue.select([outlet_id])[0]
    return _outlet_by_host(catalogue, url)


def _outlet_by_host(catalogue: Catalogue, url: str) -> Outlet | None:
    from crawler.urls import canonical_url

    host = urlsplit(canonical_url(url)).netloc
    for outlet in catalogue:
        addresses = [outlet.homepage, *outlet.feeds, *outlet.sitemaps]
        addresses += [section.url for section in outlet.sections]
        if any(a and urlsplit(canonical_url(a)).netloc == host for a in addresses):
            return outlet
    return None
