"""`atalaia add-outlet HOMEPAGE_URL|FILE`: propose a catalogue entry for a new outlet."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from atalaia.errors import AtalaiaError, ConfigError, ExitCode
from atalaia.settings import Settings

if TYPE_CHECKING:  # imported when the command runs, so `atalaia --help` stays fast
    from crawler.catalogue import Catalogue
    from crawler.outlet_proposal import Homepage, Proposal, Source
    from scheduler.commands import Subparsers

MAX_FEEDS = 4


def register(subparsers: Subparsers, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "add-outlet", parents=[common], help="propose a catalogue entry from a homepage",
        description="Find a news outlet's feeds (<link rel=\"alternate\"> in its homepage, "
        "the usual WordPress, Arc XP and /rss paths) and news sitemaps (robots.txt Sitemap: "
        "lines), tell its country, language and timezone (for Brazil, from the state the "
        "page names; Portugal's islands have their own), and print a catalogue entry that "
        "`atalaia check` accepts, with comments saying what each part rests on. A live "
        "homepage is fetched the way the crawler fetches (robots.txt, public addresses "
        "only); a saved FILE is read offline. --write appends the entry to the catalogue. "
        "Exit 1 when no feed or sitemap was found (the entry then reads the homepage as a "
        "section page, disabled).",
    )  # fmt: skip
    parser.add_argument(
        "source", metavar="HOMEPAGE_URL|FILE", help="the outlet's homepage, or a saved copy"
    )
    parser.add_argument("--url", help="the homepage's address, for a saved FILE")
    parser.add_argument("--id", dest="outlet_id", help="the outlet id (default: from its name)")
    parser.add_argument("--name", help="the outlet's name (default: from the page)")
    parser.add_argument("--every", default="10m", help="polling interval (default 10m)")
    parser.add_argument(
        "--allow-private-network", action="store_true",
        help="the outlet's own hosts are on a private network (an intranet, a local test "
        "server): let the fetch reach them, and say so in the entry",
    )  # fmt: skip
    parser.add_argument(
        "--write", action="store_true",
        help="append the entry to the catalogue (--outlets), keeping its comments",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print the proposal as JSON")
    parser.set_defaults(handler=add_outlet)


def add_outlet(args: argparse.Namespace, settings: Settings) -> ExitCode:
    from crawler.outlet_proposal import entry_yaml, propose

    catalogue = _catalogue(settings)
    today = datetime.now(UTC).date()
    if urlsplit(args.source).scheme in ("http", "https"):
        homepage, sources, notes = _from_the_web(args, settings)
    else:
        homepage, sources, notes = _from_a_file(args)
    notes += _already_there(catalogue, homepage.url, args.outlet_id)
    proposal = propose(
        homepage, sources, today=today, outlet_id=args.outlet_id, name=args.name,
        every=args.every, allow_private_network=args.allow_private_network, notes=notes,
    )  # fmt: skip
    _validate(proposal)
    written = _write(settings.outlets_path, proposal) if args.write else None
    if args.json:
        report = {
            "entry": proposal.fields,
            "comments": proposal.comments,
            "yaml": entry_yaml(proposal),
            "written": str(written) if written else None,
        }
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(entry_yaml(proposal), end="")
        if written:
            print(f"# appended to {written}", file=sys.stderr)
    return ExitCode.OK if sources else ExitCode.NOTHING


def _from_the_web(
    args: argparse.Namespace, settings: Settings
) -> tuple[Homepage, list[Source], list[str]]:
    from crawler.catalogue import Outlet
    from crawler.fetch import Fetched, fetch_pages  # Scrapy and Twisted only when fetching
    from crawler.outlet_proposal import (
        Homepage,
        homepage_facts,
        judge_source,
        probe_urls,
        robots_sitemaps,
    )
    from crawler.urls import canonical_url

    url = args.source
    fetcher = Outlet(
        id="add-outlet", name="(new outlet)", homepage=url, enabled=False,
        allow_private_network=args.allow_private_network,
    )  # fmt: skip
    robots = probe_urls(url)[0]
    named: dict[str, str] = {}  # URL -> how it was found

    def more(fetched: Mapping[str, Fetched]) -> Sequence[str]:
        page = fetched.get(url)
        if page is not None and page.ok and not named:
            for feed in homepage_facts(page.body, page.final_url or url, page.charset).feeds:
                named.setdefault(feed, '<link rel="alternate">')
            text = fetched.get(robots)
            if text is not None and text.ok:
                for sitemap in robots_sitemaps(text.body.decode("utf-8", "replace"), robots):
                    named.setdefault(sitemap, "robots.txt")
        return [candidate for candidate in named if candidate not in fetched]

    results = fetch_pages(settings, fetcher, [url, *probe_urls(url)], more)
    page = results.get(url)
    if page is None or not page.ok:
        why = (page.error or f"HTTP {page.status}") if page is not None else "no answer"
        raise AtalaiaError(f"cannot fetch {url}: {why}")
    homepage = homepage_facts(page.body, page.final_url or url, page.charset)
    homepage = Homepage(url, homepage.name, homepage.place, homepage.feeds, homepage.platform)
    candidates = {**named, **{u: "common path" for u in probe_urls(url)[1:] if u not in named}}
    now = datetime.now(UTC)
    sources: list[Source] = []
    seen: set[str] = set()
    notes: list[str] = []
    for candidate, how in candidates.items():
        fetched = results.get(candidate)
        if fetched is None:
            continue
        if "robots.txt" in fetched.error and how != "common path":
            notes.append(f"robots.txt forbids {candidate}: it is left out.")
        if not fetched.ok:
            continue
        key = canonical_url(fetched.final_url or candidate)
        source = judge_source(
            fetched.body, candidate, how, outlet=fetcher, now=now, charset=fetched.charset
        )
        if source is None or key in seen:
            continue
        seen.add(key)
        sources.append(source)
    feeds = [s for s in sources if s.kind == "feed"][:MAX_FEEDS]
    return homepage, [*feeds, *(s for s in sources if s.kind == "sitemap")], notes


def _from_a_file(args: argparse.Namespace) -> tuple[Homepage, list[Source], list[str]]:
    from crawler.outlet_proposal import Source, homepage_address, homepage_facts

    try:
        body = Path(args.source).read_bytes()
    except OSError as exc:
        raise AtalaiaError(f"cannot read {args.source}: {exc.strerror}") from None
    url = args.url or homepage_address(body)
    if urlsplit(url).scheme not in ("http", "https"):
        raise AtalaiaError(
            f"{args.source}: say where this homepage lives with --url (the page names no "
            "canonical address)"
        )
    try:
        homepage = homepage_facts(body, url)
    except ValueError as exc:
        raise AtalaiaError(str(exc)) from None
    sources = [
        Source(feed, "feed", '<link rel="alternate">', checked=False) for feed in homepage.feeds
    ][:MAX_FEEDS]
    notes = ["Offline: robots.txt Sitemap: lines and the common feed paths were not looked at."]
    if homepage.platform == "WordPress" and not sources:
        notes.append(f"A WordPress site: its feed is usually {url.rstrip('/')}/feed/.")
    return homepage, sources, notes


def _catalogue(settings: Settings) -> Catalogue | None:
    from crawler.catalogue import load_catalogue

    try:
        return load_catalogue(settings.outlets_path)
    except ConfigError:
        return None


def _already_there(catalogue: Catalogue | None, url: str, outlet_id: str | None) -> list[str]:
    if catalogue is None:
        return []
    notes = []
    owner = catalogue.owner_of(url)
    if owner is not None:
        notes.append(f"The catalogue already has an outlet on this host: {owner.id}.")
    if outlet_id and outlet_id in catalogue.by_id:
        notes.append(f"The id {outlet_id} is taken: choose another with --id.")
    return notes


def _validate(proposal: Proposal) -> None:
    """The entry as `check` would read it; a mistake here is a bug, said plainly."""
    from pydantic import ValidationError

    from crawler.catalogue import Outlet

    try:
        Outlet.model_validate(proposal.fields)
    except ValidationError as exc:
        raise AtalaiaError(f"the proposed entry is not valid: {exc}") from None


def _write(path: Path, proposal: Proposal) -> Path:
    """Append the entry to the catalogue at `path`, keeping the file as it is written
    (comments included); refused, file untouched, if the result does not validate."""
    from crawler.catalogue import load_catalogue
    from crawler.outlet_proposal import entry_yaml

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise AtalaiaError(f"cannot read {path}: {exc.strerror}") from None
    indent = _list_indent(text)
    updated = text.rstrip("\n") + "\n\n" + entry_yaml(proposal, indent)
    handle, name = tempfile.mkstemp(prefix=".outlets-", suffix=".yaml", dir=path.parent)
    temporary = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(updated)
        try:
            load_catalogue(temporary)
        except ConfigError as exc:
            raise AtalaiaError(f"not written: {path} would not validate: {exc}") from None
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def _list_indent(text: str) -> str:
    """How the catalogue indents its `outlets:` items ('  - id:' or '- id:')."""
    for line in text.splitlines():
        stripped = line.lstrip(" ")
        if stripped.startswith("- id:"):
            return line[: len(line) - len(stripped)]
    if not any(line.rstrip() == "outlets:" for line in text.splitlines()):
        raise AtalaiaError("the catalogue has no 'outlets:' list to add to")
    return "  "
