"""`atalaia crawl [OUTLET ...]`: one pass now, with progress, then a per-outlet summary."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import TYPE_CHECKING

from atalaia.errors import AtalaiaError, ExitCode, RedisUnavailable
from atalaia.settings import Settings

if TYPE_CHECKING:  # imported when the command runs: Scrapy alone takes most of a second
    from rich.console import Console
    from rich.progress import Progress

    from alerts.active_watchlists import ActiveWatchlists
    from alerts.delivery.stats import DeliverySummary
    from crawler.catalogue import Catalogue, Outlet
    from crawler.summary import CrawlSummary
    from scheduler.commands import Subparsers


class NothingReached(AtalaiaError):
    """Every outlet of the pass failed: nothing was crawled."""

    exit_code = ExitCode.NOTHING


def register(subparsers: Subparsers, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "crawl", parents=[common], help="crawl outlets once now and print a summary",
        description="Run one pass now over the chosen outlets (all enabled ones by default): "
        "fetch their feeds, sitemaps and sections, extract and dedupe new articles, and print "
        "a per-outlet summary. Exit 1 when no outlet could be reached (every one failed), "
        "2 when the run itself cannot work (a mistake in a file, Redis unreachable).",
    )  # fmt: skip
    parser.add_argument("outlet_ids", nargs="*", metavar="OUTLET", help="outlet ids to crawl")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument(
        "--verbose", "-v", action="store_true",
        help="show the crawler's log, with Scrapy's own lines and tracebacks",
    )  # fmt: skip
    parser.add_argument(
        "--deliver-timeout", type=float, default=30.0, metavar="SECONDS",
        help="after the crawl, deliver the new alerts for at most this long (default 30; "
        "0 leaves them queued for the daemon)",
    )  # fmt: skip
    parser.set_defaults(handler=crawl)


def crawl(args: argparse.Namespace, settings: Settings) -> ExitCode:
    import redis
    from rich.console import Console

    from alerts.active_watchlists import ActiveWatchlists
    from alerts.delivery.drain import drain_queued
    from atalaia.redis_connection import open_redis
    from atalaia.redis_keys import Keys
    from crawler.catalogue import load_catalogue
    from crawler.runner import record_outcome

    catalogue = load_catalogue(settings.outlets_path)
    watchlists = ActiveWatchlists(settings.watchlists_path, outlet_ids=catalogue.by_id)
    outlets = catalogue.select(args.outlet_ids)
    if not outlets:
        print("atalaia: no enabled outlets to crawl", file=sys.stderr)
        return ExitCode.OK
    keys = Keys(settings.redis_prefix)
    deliveries: DeliverySummary | None = None
    with open_redis(settings.redis_url, settings.data_dir) as service:
        summary = _crawl(args, settings, catalogue, outlets, service.url, watchlists)
        try:
            zones = {outlet.id: outlet.timezone for outlet in outlets}
            pipe = service.client.pipeline()
            record_outcome(pipe, keys, summary, time.time(), zones)
            pipe.execute()
            if args.deliver_timeout > 0:
                channels = watchlists.current.config.channels
                deliveries = drain_queued(service.url, keys, channels, args.deliver_timeout)
        except redis.RedisError:
            lost_redis = True
        else:
            lost_redis = False
    if args.json:
        report = summary.to_dict()
        report["deliveries"] = deliveries.to_dict() if deliveries else None
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print_summary(summary, Console())
        if deliveries is not None:
            print_deliveries(deliveries, Console())
    if lost_redis:
        raise RedisUnavailable(
            "lost the connection to Redis during the crawl; what was not finished stays "
            "pending and is fetched again (or delivered) on the next pass"
        )
    if summary.none_reached:
        raise NothingReached(
            f"no outlet could be reached ({len(summary.outlets)} crawled, every one failed; "
            "see the errors above)"
        )
    return ExitCode.OK


def _crawl(
    args: argparse.Namespace,
    settings: Settings,
    catalogue: Catalogue,
    outlets: list[Outlet],
    redis_url: str,
    watchlists: ActiveWatchlists,
) -> CrawlSummary:
    from rich.console import Console

    from crawler.runner import run_crawl

    log_level = "INFO" if args.verbose else "ERROR"
    stderr = Console(stderr=True)
    if not stderr.is_terminal or args.verbose:
        return run_crawl(
            settings, outlets, redis_url, log_level=log_level, watchlists=watchlists,
            catalogue=catalogue, verbose=args.verbose,
        )  # fmt: skip
    with _progress(stderr) as bar:
        task = bar.add_task("crawling", total=len(outlets), stories=0, errors=0)

        def report(done: int, total: int, totals: dict[str, int]) -> None:
            bar.update(task, completed=done, stories=totals["new_stories"], errors=totals["errors"])

        return run_crawl(
            settings, outlets, redis_url, progress=report, log_level=log_level,
            watchlists=watchlists, catalogue=catalogue,
        )  # fmt: skip


def _progress(console: Console) -> Progress:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("outlets · {task.fields[stories]} new stories · {task.fields[errors]} errors"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def print_summary(summary: CrawlSummary, console: Console) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"Crawl pass: {len(summary.outlets)} outlets in {summary.seconds:.1f}s")
    columns = [
        ("outlet", "outlet"), ("feeds", "feeds_fetched"), ("304", "not_modified"),
        ("new", "new_stories"), ("dup", "duplicates"), ("non-art.", "non_articles"),
        ("errors", "errors"),
    ]  # fmt: skip
    for title, _ in columns:
        table.add_column(title, justify="left" if title == "outlet" else "right")
    table.add_column("time", justify="right")
    for outlet in summary.outlets:
        row = [str(getattr(outlet, name)) for _, name in columns]
        if outlet.errors:
            row[-1] = f"[red]{row[-1]}[/red]"
        table.add_row(*row, f"{outlet.seconds:.1f}s")
    totals = [str(summary.total(name)) for _, name in columns[1:]]
    table.add_row("[bold]total[/bold]", *totals, f"{summary.seconds:.1f}s")
    console.print(table)
    matches = summary.matches()
    if matches:
        listed = ", ".join(f"{watchlist}: {count}" for watchlist, count in matches.items())
        console.print(f"Matches (new alerts) per watchlist: {listed}")
    else:
        console.print("No new story matched a watchlist.")
    for outlet in summary.outlets:
        if outlet.refusals:
            reasons = ", ".join(f"{kind} {count}" for kind, count in outlet.refusals.items())
            console.print(f"{outlet.outlet}: refused as not articles: {reasons}", highlight=False)
    for outlet in summary.outlets:
        for message in outlet.error_messages[:5]:
            console.print(Text.assemble((outlet.outlet, "red"), ": ", message), highlight=False)
        if len(outlet.error_messages) > 5:
            console.print(f"{outlet.outlet}: … and {len(outlet.error_messages) - 5} more")
        for message in outlet.warning_messages[:5]:
            console.print(Text.assemble((outlet.outlet, "yellow"), ": ", message), highlight=False)
        if outlet.egress_refused:
            console.print(
                f"{outlet.outlet}: {outlet.egress_refused} requests refused by the egress policy "
                "(internal addresses; see docs/egress.md)",
                highlight=False,
            )


def print_deliveries(summary: DeliverySummary, console: Console) -> None:
    parts = [f"{summary.delivered} delivered"]
    if summary.retrying:
        parts.append(f"{summary.retrying} waiting for a retry")
    if summary.held_for_digest:
        parts.append(f"{summary.held_for_digest} held for a digest")
    if summary.dead_lettered:
        parts.append(f"{summary.dead_lettered} dead-lettered (see 'atalaia deliveries')")
    if summary.left_queued:
        parts.append(f"{summary.left_queued} left queued")
    console.print("Alerts: " + ", ".join(parts) + f" in {summary.seconds:.1f}s")
