"""`atalaia crawl [OUTLET ...]`: one pass now, with progress, then a per-outlet summary."""

from __future__ import annotations

import argparse
import json
import sys
import time

import redis
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from alerts.active_watchlists import ActiveWatchlists
from atalaia.errors import RedisUnavailable
from atalaia.redis_connection import Keys, open_redis
from atalaia.settings import Settings
from crawler.catalogue import load_catalogue
from crawler.runner import record_outcome, run_crawl
from crawler.summary import CrawlSummary


def crawl(args: argparse.Namespace, settings: Settings) -> int:
    catalogue = load_catalogue(settings.outlets_path)
    watchlists = ActiveWatchlists(settings.watchlists_path)
    outlets = catalogue.select(args.outlet_ids)
    if not outlets:
        print("atalaia: no enabled outlets to crawl", file=sys.stderr)
        return 0
    stderr = Console(stderr=True)
    show_progress = stderr.is_terminal and not args.verbose
    with open_redis(settings.redis_url, settings.data_dir) as service:
        log_level = "INFO" if args.verbose else "ERROR"
        if show_progress:
            with _progress(stderr) as bar:
                task = bar.add_task("crawling", total=len(outlets), stories=0, errors=0)

                def report(done: int, total: int, totals: dict[str, int]) -> None:
                    bar.update(
                        task, completed=done, stories=totals["new_stories"],
                        errors=totals["errors"],
                    )  # fmt: skip

                summary = run_crawl(
                    settings, outlets, service.url, progress=report, log_level=log_level,
                    watchlists=watchlists,
                )  # fmt: skip
        else:
            summary = run_crawl(
                settings, outlets, service.url, log_level=log_level, watchlists=watchlists
            )
        try:
            record_outcome(service.client, Keys(settings.redis_prefix), summary, time.time())
        except redis.RedisError:
            lost_redis = True
        else:
            lost_redis = False
    if args.json:
        print(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2))
    else:
        print_summary(summary, Console())
    if lost_redis:
        raise RedisUnavailable(
            "lost the connection to Redis during the crawl; what was not finished stays "
            "pending and is fetched again on the next pass"
        )
    return 0


def _progress(console: Console) -> Progress:
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
        for message in outlet.error_messages[:5]:
            console.print(Text.assemble((outlet.outlet, "red"), ": ", message), highlight=False)
        if len(outlet.error_messages) > 5:
            console.print(f"{outlet.outlet}: … and {len(outlet.error_messages) - 5} more")
