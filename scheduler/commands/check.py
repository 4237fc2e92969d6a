"""`atalaia check`: validate both files and print the plan."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from atalaia.errors import ExitCode
from atalaia.settings import Settings

if TYPE_CHECKING:  # imported when the command runs, so `atalaia --help` stays fast
    from alerts.watchlists import WatchlistsConfig
    from crawler.catalogue import Catalogue, Outlet
    from scheduler.commands import Subparsers


def register(subparsers: Subparsers, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "check", parents=[common], help="validate the files and print the plan",
        description="Validate the outlet catalogue and the watchlists file and print what "
        "would be crawled and watched. Exit 2 and name file, line and field on a mistake.",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print the plan as JSON")
    parser.set_defaults(handler=check)


def check(args: argparse.Namespace, settings: Settings) -> ExitCode:
    from alerts.active_watchlists import ActiveWatchlists
    from crawler.catalogue import load_catalogue

    catalogue = load_catalogue(settings.outlets_path)
    watchlists = ActiveWatchlists(
        settings.watchlists_path, outlet_ids=catalogue.by_id
    ).current.config
    plan = _plan(catalogue, watchlists)
    if args.json:
        print(json.dumps(plan, ensure_ascii=False, indent=2))
        return ExitCode.OK
    enabled = [o for o in plan["outlets"] if o["enabled"]]
    print(f"{catalogue.path}: {len(catalogue)} outlets, {len(enabled)} enabled")
    if len(enabled) < len(catalogue):
        print(
            "  ('-' before an id: disabled by 'enabled: false' in the catalogue; not crawled "
            "unless named, as in 'atalaia crawl ID')"
        )
    for outlet in plan["outlets"]:
        mark = " " if outlet["enabled"] else "-"
        sources = ", ".join(f"{n} {k}" for k, n in outlet["sources"].items() if n) or "no sources"
        print(f"  {mark} {outlet['id']:<22} {outlet['schedule']:<22} {sources}")
    print(
        f"{watchlists.path}: {len(watchlists.watchlists)} watchlists, "
        f"{len(watchlists.channels)} channels"
    )
    for name, channel in plan["channels"].items():
        print(f"    channel {name}: {channel['type']} ({channel['detail']})")
    for watchlist in plan["watchlists"]:
        notify = ", ".join(watchlist["notify"]) or "no channel (alerts are only recorded)"
        print(f"    {watchlist['id']}: {watchlist['rule']} -> {notify}")
    print("OK")
    return ExitCode.OK


def _plan(catalogue: Catalogue, watchlists: WatchlistsConfig) -> dict[str, Any]:
    return {
        "outlets": [_outlet(outlet) for outlet in catalogue],
        "channels": {
            name: {
                "type": channel.type,
                "detail": channel.detail,
            }
            for name, channel in watchlists.channels.items()
        },
        "watchlists": [
            {
                "id": w.id,
                "name": w.title,
                "rule": f"query {w.query}" if w.query else f"{len(w.terms or ())} terms",
                "exclude": list(w.exclude),
                "outlets": list(w.outlets) if w.outlets else None,
                "notify": list(w.notify),
            }
            for w in watchlists.watchlists
        ],
    }


def _outlet(outlet: Outlet) -> dict[str, Any]:
    schedule = f"cron {outlet.cron}" if outlet.cron else f"every {outlet.every or '5m'}"
    return {
        "id": outlet.id,
        "name": outlet.name,
        "enabled": outlet.enabled,
        "schedule": schedule,
        "timezone": outlet.timezone,
        "sources": {
            "feeds": len(outlet.feeds),
            "sitemaps": len(outlet.sitemaps),
            "sections": len(outlet.sections),
        },
    }
