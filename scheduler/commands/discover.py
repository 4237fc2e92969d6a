"""`atalaia discover URL|FILE`: what the spider would take from one feed, sitemap or
section page, link by link."""

from __future__ import annotations

import argparse
import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from atalaia.errors import AtalaiaError, ConfigError, ExitCode, RedisUnavailable
from atalaia.settings import Settings

if TYPE_CHECKING:  # imported when the command runs, so `atalaia --help` stays fast
    from crawler.catalogue import Catalogue, Outlet
    from crawler.discovery import FoundLink, Listing
    from scheduler.commands import Subparsers


def register(subparsers: Subparsers, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "discover", parents=[common],
        help="show what the spider takes from one feed, sitemap or section page",
        description="Read one feed, sitemap (or sitemap index) or section page, from a URL or "
        "a saved file, and print each link as the crawler would take it: the story's URL "
        "(redirect wrappers and tracking removed), title, publication time, whose article it "
        "is (the outlet's own, attributed to another outlet of the catalogue, offsite) and "
        "whether it is new, already seen, or out of the window. New or seen is read from "
        "Redis when one is configured or running; otherwise it says 'unknown'. Exit 1 when "
        "the source gives no link.",
    )  # fmt: skip
    parser.add_argument("source", metavar="URL|FILE", help="an http(s) URL or a saved file")
    parser.add_argument("--url", help="the original address of a saved FILE")
    parser.add_argument(
        "--outlet", metavar="ID",
        help="the catalogue outlet whose source this is (default: the outlet that lists this "
        "URL as a source, or owns its host; for a file, links are attributed by the catalogue)",
    )  # fmt: skip
    parser.add_argument(
        "--articles", metavar="REGEX",
        help="for a section page, the pattern of article paths (default: the outlet's "
        "pattern for this section, or a generic article-path pattern)",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print the links as JSON")
    parser.set_defaults(handler=discover)


def discover(args: argparse.Namespace, settings: Settings) -> ExitCode:
    from crawler.discovery import read_listing, verdicts

    catalogue = _catalogue(settings, args.outlet)
    is_url = urlsplit(args.source).scheme in ("http", "https")
    url = args.source if is_url else (args.url or Path(args.source).resolve().as_uri())
    outlet = _outlet(catalogue, args.outlet, url)
    body, charset, url = _read(args.source, url, outlet, settings) if is_url else _file(args, url)
    listing = read_listing(  # ExtractionError (exit 1) when the source is not one
        body, url, "auto", outlet=outlet, catalogue=catalogue, now=datetime.now(UTC),
        window=timedelta(seconds=settings.sitemap_window),
        children=settings.sitemap_children,
        pattern=args.articles or _section_pattern(outlet, url), declared_charset=charset,
    )  # fmt: skip
    states, dedupe = _dedupe_states(settings, listing)
    judged = verdicts(listing, states, settings.max_links_per_source)
    if args.json:
        print(json.dumps(_report(listing, outlet, judged, dedupe), ensure_ascii=False, indent=2))
    else:
        _print(listing, outlet, judged, dedupe)
    return ExitCode.OK if listing.links or listing.children else ExitCode.NOTHING


def _catalogue(settings: Settings, outlet_id: str | None) -> Catalogue | None:
    from crawler.catalogue import load_catalogue

    try:
        return load_catalogue(settings.outlets_path)
    except ConfigError:
        if outlet_id:
            raise
        return None


def _outlet(catalogue: Catalogue | None, outlet_id: str | None, url: str) -> Outlet:
    """The outlet the source belongs to; a stand-in owning nothing when none does."""
    from crawler.catalogue import Outlet
    from crawler.urls import canonical_url

    if catalogue is not None:
        if outlet_id:
            return catalogue.select([outlet_id])[0]
        wanted = canonical_url(url)
        for outlet in catalogue:
            sources = outlet.source_urls
            if any(canonical_url(source) == wanted for source in sources):
                return outlet
        if urlsplit(url).scheme in ("http", "https"):
            owner = catalogue.owner_of(url)
            if owner is not None:
                return owner
    return Outlet(id="discover", name="(no outlet)", enabled=False)


def _read(
    source: str, url: str, outlet: Outlet, settings: Settings
) -> tuple[bytes, str | None, str]:
    from crawler.fetch import fetch_pages  # Scrapy and Twisted only when fetching

    fetched = fetch_pages(settings, outlet, [source]).get(source)
    if fetched is None or fetched.error:
        reason = fetched.error if fetched is not None else "no answer"
        raise AtalaiaError(f"cannot fetch {source}: {reason}")
    if not fetched.ok:
        raise AtalaiaError(f"cannot fetch {source}: HTTP {fetched.status}")
    return fetched.body, fetched.charset, fetched.final_url or url


def _file(args: argparse.Namespace, url: str) -> tuple[bytes, str | None, str]:
    try:
        return Path(args.source).read_bytes(), None, url
    except OSError as exc:
        raise AtalaiaError(f"cannot read {args.source}: {exc.strerror}") from None


def _section_pattern(outlet: Outlet, url: str) -> str | None:
    from crawler.urls import canonical_url

    wanted = canonical_url(url)
    for section in outlet.sections:
        if canonical_url(section.url) == wanted:
            return section.articles
    return None


def _dedupe_states(settings: Settings, listing: Listing) -> tuple[list[str] | None, str]:
    """What dedupe knows of the takeable links, and where it was asked (or why not)."""
    import redis

    from atalaia.redis_connection import EmbeddedRedis, connect, redact
    from atalaia.redis_keys import Keys
    from crawler.dedupe.seen_urls import SeenUrls

    url = settings.redis_url or EmbeddedRedis(settings.data_dir).running_url()
    if not url:
        return None, "unknown (no Redis configured or running)"
    try:
        client = connect(url)
    except RedisUnavailable as exc:
        return None, f"unknown ({exc})"
    try:
        seen = SeenUrls(
            client, Keys(settings.redis_prefix), ttl=settings.dedupe_ttl,
            lease=settings.claim_lease,
        )  # fmt: skip
        states = seen.states([link.url for link in listing.takeable], time.time())
    except redis.RedisError as exc:
        return None, f"unknown (Redis: {exc})"
    finally:
        client.close()
    return states, f"Redis at {redact(url)}"


def _report(listing: Listing, outlet: Outlet, judged: list[str], dedupe: str) -> dict[str, Any]:
    return {
        "source": listing.url,
        "kind": listing.kind,
        "outlet": None if outlet.id == "discover" else outlet.id,
        "entries": listing.entries,
        "without_link": listing.without_link,
        "dedupe": dedupe,
        "gives_nothing": listing.emptiness(),
        "links": [
            _link(link, verdict) for link, verdict in zip(listing.links, judged, strict=True)
        ],
        "children": [
            {"url": ref.url, "lastmod": ref.lastmod.isoformat() if ref.lastmod else None}
            for ref in listing.children
        ],
        "old_children": listing.old_children,
        "more_children": listing.more_children,
    }


def _link(link: FoundLink, verdict: str) -> dict[str, Any]:
    return {
        "url": link.url,
        "listed_as": link.listed_as if link.listed_as != link.url else None,
        "also_listed_as": list(link.also_listed_as),
        "title": link.title,
        "published_at": link.published_at.isoformat() if link.published_at else None,
        "outlet": link.outlet.id if link.outlet is not None else None,
        "place": str(link.place),
        "status": verdict,
    }


def _print(listing: Listing, outlet: Outlet, judged: list[str], dedupe: str) -> None:
    whose = "no outlet (links attributed by the catalogue)" if outlet.id == "discover" else (
        f"outlet {outlet.id}"
    )  # fmt: skip
    print(f"{listing.url}")
    print(f"  {listing.kind} of {whose}: {listing.entries} entries", end="")
    if listing.kind == "sitemap-index":
        print(
            f"; follows {len(listing.children)} (newest first), {listing.old_children} older "
            f"than the window, {listing.more_children} left for later"
        )
        for ref in listing.children:
            print(
                f"    {ref.url}" + (f"  (lastmod {ref.lastmod.isoformat()})" if ref.lastmod else "")
            )
    else:
        print(f", {len(listing.links)} links ({listing.without_link} items without one)")
        print(f"  new or seen: {dedupe}")
    reason = listing.emptiness()
    if reason:
        print(f"  gives nothing: {reason}")
    for link, verdict in zip(listing.links, judged, strict=True):
        owner = link.outlet.id if link.outlet is not None else "-"
        when = link.published_at.isoformat() if link.published_at else "-"
        print(f"\n  {verdict:<13} {owner:<16} {when}")
        print(f"    {link.url}")
        if link.title:
            print(f"    {link.title}")
        if link.listed_as != link.url:
            print(f"    listed as {link.listed_as}")
        for other in link.also_listed_as:
            print(f"    listed again as {other}")
