"""`atalaia replay --since 24h [--watchlist ID]`: watchlists over recent stories."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from atalaia.durations import parse_duration
from atalaia.errors import AtalaiaError, ExitCode
from atalaia.settings import Settings

if TYPE_CHECKING:
    from scheduler.commands import Subparsers


def register(subparsers: Subparsers, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "replay", parents=[common], help="run watchlists over recent stories",
        description="Match the stories first seen within --since against the watchlists "
        "(all, or --watchlist ID) and create alerts for the pairs never alerted before, e.g. "
        "after adding a watchlist. New alerts are then delivered like after a crawl.",
    )  # fmt: skip
    parser.add_argument("--since", default="24h", help="how far back (e.g. 6h, 2d; default 24h)")
    parser.add_argument("--watchlist", "-w", metavar="ID", help="only this watchlist")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument(
        "--deliver-timeout", type=float, default=30.0, metavar="SECONDS",
        help="deliver the new alerts for at most this long (default 30; 0 leaves them queued)",
    )  # fmt: skip
    parser.set_defaults(handler=replay_command)


def replay_command(args: argparse.Namespace, settings: Settings) -> ExitCode:
    try:
        since = timedelta(seconds=parse_duration(args.since))
    except ValueError as exc:
        raise AtalaiaError(f"--since: {exc}") from None
    from rich.console import Console

    from alerts.active_watchlists import ActiveWatchlists
    from alerts.archive import Archive
    from alerts.delivery.drain import drain_queued
    from alerts.replay import replay
    from atalaia.redis_connection import open_redis
    from atalaia.redis_keys import Keys
    from scheduler.commands.crawl import print_deliveries

    watchlists = ActiveWatchlists(settings.watchlists_path).current
    keys = Keys(settings.redis_prefix)
    with open_redis(settings.redis_url, settings.data_dir) as service:
        summary = replay(
            service.client, keys, watchlists, since=since, now=datetime.now(UTC),
            watchlist_id=args.watchlist,
            archive=Archive(keys, settings.keep_for, settings.zone),
        )  # fmt: skip
        deliveries = None
        if summary.new_alerts and args.deliver_timeout > 0:
            channels = watchlists.config.channels
            deliveries = drain_queued(service.url, keys, channels, args.deliver_timeout)
    if args.json:
        report = summary.to_dict()
        report["deliveries"] = deliveries.to_dict() if deliveries else None
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return ExitCode.OK
    console = Console(highlight=False)
    created = sum(summary.new_alerts.values())
    console.print(
        f"{summary.stories} stories since {args.since} ago: {created} new alerts"
        + (f" ({', '.join(f'{k}: {v}' for k, v in summary.new_alerts.items())})" if created else "")
        + f", {summary.already_alerted} already alerted before"
    )
    if deliveries is not None:
        print_deliveries(deliveries, console)
    return ExitCode.OK
