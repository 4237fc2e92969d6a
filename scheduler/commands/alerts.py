"""`atalaia alerts`: what was caught, newest first, or followed as it arrives."""

from __future__ import annotations

import argparse
import json
import time
from typing import TYPE_CHECKING

from atalaia.durations import parse_duration
from atalaia.errors import AtalaiaError, ExitCode, RedisUnavailable
from atalaia.settings import Settings

if TYPE_CHECKING:  # imported when the command runs, so `atalaia --help` stays fast
    from rich.console import Console

    from alerts.history import AlertFilter, History, KeptAlert
    from scheduler.commands import Subparsers

FOLLOW_EVERY = 1.0  # seconds between two looks for new alerts


def register(subparsers: Subparsers, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "alerts", parents=[common], help="list the alerts kept, or follow new ones",
        description="List the alerts kept (30 days by default, ATALAIA_KEEP_FOR), newest "
        "first, one line each: when it was created (in your timezone), watchlist, outlet, "
        "delivery (delivered, retry, pending, digest, dead, or none when the watchlist "
        "notifies no channel), how many other outlets carried the story (+N) and the "
        "headline. --follow prints the latest ones, oldest first, then each new alert as it "
        "is created, like tail -f, until Ctrl-C.",
    )  # fmt: skip
    add_filters(parser)
    parser.add_argument("--watchlist", "-w", metavar="ID", help="only this watchlist's alerts")
    parser.set_defaults(handler=alerts_command)


def add_filters(parser: argparse.ArgumentParser) -> None:
    """The options `atalaia alerts` and `atalaia stories` share."""
    parser.add_argument("--outlet", "-o", metavar="ID", help="only this outlet's")
    parser.add_argument(
        "--since", metavar="DURATION",
        help="only the last DURATION (e.g. 24h, 7d; default: everything kept)",
    )  # fmt: skip
    parser.add_argument(
        "--limit", "-n", type=int, metavar="N",
        help="at most N lines (default 50; with --follow, the last N before new ones: "
        "default 10)",
    )  # fmt: skip
    parser.add_argument(
        "--json", action="store_true",
        help="JSON: an array; with --follow, one object per line",
    )  # fmt: skip
    parser.add_argument(
        "--follow", "-f", action="store_true", help="keep printing new ones as they arrive"
    )


def since_of(args: argparse.Namespace, now: float) -> float | None:
    if args.since is None:
        return None
    try:
        return now - parse_duration(args.since)
    except ValueError as exc:
        raise AtalaiaError(f"--since: {exc}") from None


def limit_of(args: argparse.Namespace) -> int:
    """How many lines to print first (0: all)."""
    if args.limit is None:
        return 10 if args.follow else 50
    if args.limit < 0:
        raise AtalaiaError("--limit: must be 0 or more")
    return int(args.limit)


def alerts_command(args: argparse.Namespace, settings: Settings) -> ExitCode:
    import redis
    from rich.console import Console

    from alerts.history import AlertFilter, History
    from atalaia.redis_connection import open_redis
    from atalaia.redis_keys import Keys
    from scheduler.listing import alert_line, print_line

    keys = Keys(settings.redis_prefix)
    now = time.time()
    chosen = AlertFilter(args.watchlist, args.outlet, since_of(args, now))
    limit = limit_of(args)
    console = Console(highlight=False)
    with open_redis(settings.redis_url, settings.data_dir) as service:
        history = History(service.client, keys, keep_for=settings.keep_for)
        try:
            page = history.alerts(chosen, now=now, limit=limit or 1_000_000)
            if not args.follow:
                if args.json:
                    print(json.dumps([a.to_dict() for a in page.alerts], ensure_ascii=False))
                else:
                    for kept in page.alerts:
                        print_line(console, alert_line(kept, settings.zone))
                return ExitCode.OK
            shown = list(reversed(page.alerts))
            for kept in shown:
                _emit(kept, args, console, settings)
            return _follow(history, chosen, shown, args, console, settings)
        except redis.RedisError as exc:
            raise RedisUnavailable(f"lost the connection to Redis: {exc}") from None


def _follow(
    history: History,
    chosen: AlertFilter,
    shown: list[KeptAlert],
    args: argparse.Namespace,
    console: Console,
    settings: Settings,
) -> ExitCode:
    last = shown[-1].created if shown else time.time()
    seen = {kept.id for kept in shown if kept.created == last}
    try:
        while True:
            time.sleep(FOLLOW_EVERY)
            for kept in history.alerts_since(chosen, last, seen, now=time.time()):
                _emit(kept, args, console, settings)
                if kept.created > last:
                    last, seen = kept.created, set()
                seen.add(kept.id)
    except KeyboardInterrupt:
        return ExitCode.OK


def _emit(kept: KeptAlert, args: argparse.Namespace, console: Console, settings: Settings) -> None:
    from scheduler.listing import alert_line, print_line

    if args.json:
        print(json.dumps(kept.to_dict(), ensure_ascii=False), flush=True)
    else:
        print_line(console, alert_line(kept, settings.zone))
