"""`atalaia status`: per-outlet health, queue depths, dead letters and disabled channels.

Read-only: it reads what the daemon and `atalaia crawl` keep in Redis. The table fits
the terminal: from 120 columns it has every column and the last error in a column of
its own; narrower (80 columns, or piped), fewer columns, and each outlet's last error
on a line of its own below the table, cut to the width.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from atalaia.errors import ExitCode, RedisUnavailable
from atalaia.settings import Settings

if TYPE_CHECKING:  # imported when the command runs, so `atalaia --help` stays fast
    import redis
    from rich.console import Console

    from atalaia.redis_keys import Keys
    from crawler.catalogue import Outlet
    from crawler.outlet_health import OutletHealth
    from crawler.source_health import SourceWarning
    from scheduler.commands import Subparsers
    from scheduler.metrics import Queues

WIDE = 120
"""Columns from which the last error gets a column of its own."""


def register(subparsers: Subparsers, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "status", parents=[common], help="per-outlet health, queue depths, dead letters",
        description="Show, for each outlet of the catalogue, its last crawl, last success, "
        "last error, stories today (in the outlet's timezone), pages its last pass refused as "
        "not articles (by reason with --json) and next scheduled run, and the feeds, "
        "sitemaps and sections that gave nothing for several passes; then "
        "the crawl-job and alert queues (waiting and in progress), deliveries waiting for a "
        "retry, dead letters and channels disabled by 410 Gone. Reads Redis only; exits 2 "
        "when Redis cannot be reached.",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print the status as JSON")
    parser.set_defaults(handler=status)


@dataclass(frozen=True)
class OutletStatus:
    outlet: Outlet
    health: OutletHealth
    next_run: float | None
    source_warnings: tuple[SourceWarning, ...] = ()

    @property
    def state(self) -> str:
        return self.health.state if self.outlet.enabled else "disabled"

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.health.to_dict(),
            "name": self.outlet.name,
            "enabled": self.outlet.enabled,
            "state": self.state,
            "timezone": self.outlet.timezone,
            "next_run": self.next_run,
            "source_warnings": [warning.to_dict() for warning in self.source_warnings],
            "refused": self.refused,
        }

    @property
    def refused(self) -> dict[str, int]:
        """The last pass's pages refused as not articles, by kind of reason."""
        raw = self.health.last_summary.get("refusals") or {}
        return (
            {str(kind): int(count) for kind, count in raw.items()} if isinstance(raw, dict) else {}
        )


@dataclass(frozen=True)
class Status:
    now: float
    outlets: list[OutletStatus]
    queues: Queues

    def to_dict(self) -> dict[str, Any]:
        return {
            "now": self.now,
            "outlets": [outlet.to_dict() for outlet in self.outlets],
            **self.queues.to_dict(),
        }


def status(args: argparse.Namespace, settings: Settings) -> ExitCode:
    import redis
    from rich.console import Console

    from atalaia.redis_connection import open_redis
    from atalaia.redis_keys import Keys
    from crawler.catalogue import load_catalogue

    catalogue = load_catalogue(settings.outlets_path)
    keys = Keys(settings.redis_prefix)
    with open_redis(settings.redis_url, settings.data_dir) as service:
        try:
            report = read_status(service.client, keys, catalogue.outlets, time.time())
        except redis.RedisError as exc:
            raise RedisUnavailable(f"lost the connection to Redis: {exc}") from None
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print_status(report, Console())
    return ExitCode.OK


def read_status(client: redis.Redis, keys: Keys, outlets: Sequence[Outlet], now: float) -> Status:
    from crawler.outlet_health import read_outlet_health
    from crawler.source_health import read_source_warnings
    from scheduler.metrics import read_queues

    healths = read_outlet_health(client, keys, [(o.id, o.zone) for o in outlets], now)
    next_runs = _next_runs(client, keys, [o.id for o in outlets])
    warnings = read_source_warnings(client, keys, [o.id for o in outlets])
    return Status(
        now=now,
        outlets=[
            OutletStatus(
                outlet, health, next_runs.get(outlet.id), tuple(warnings.get(outlet.id, ()))
            )
            for outlet, health in zip(outlets, healths, strict=True)
        ],
        queues=read_queues(client, keys),
    )


def _next_runs(client: redis.Redis, keys: Keys, outlet_ids: list[str]) -> dict[str, float]:
    """When the scheduler will next put each outlet's crawl job on the stream."""
    if not outlet_ids:
        return {}
    replies: Any = client.hmget(keys.next_runs(), outlet_ids)
    runs = {}
    for outlet_id, reply in zip(outlet_ids, replies, strict=True):
        try:
            runs[outlet_id] = float(reply)
        except (TypeError, ValueError):
            continue  # not scheduled (no daemon, or the outlet is disabled)
    return runs


STATE_STYLE = {"ok": "green", "failing": "red", "never": "yellow", "disabled": "dim"}


def print_status(report: Status, console: Console) -> None:
    from rich.table import Table
    from rich.text import Text

    wide = console.width >= WIDE
    table = Table(title=f"Outlets ({len(report.outlets)})", title_justify="left")
    table.add_column("outlet", no_wrap=True)  # ids are what users type: never cut them
    table.add_column("state", no_wrap=True)
    table.add_column("last crawl", no_wrap=True)
    if wide:
        table.add_column("last success", no_wrap=True)
    table.add_column("today", justify="right", no_wrap=True)
    table.add_column("errors", justify="right", no_wrap=True)
    if wide:
        table.add_column("refused", justify="right", no_wrap=True)  # non-articles, last pass
        table.add_column("blocked", justify="right", no_wrap=True)  # egress refusals
    table.add_column("next run", no_wrap=True)
    if wide:
        table.add_column("last error", overflow="fold")
    now = report.now
    for entry in report.outlets:
        health = entry.health
        errors = health.last_pass_errors
        cells: list[str | Text] = [
            entry.outlet.id,
            Text(entry.state, style=STATE_STYLE.get(entry.state, "")),
            _ago(health.last_crawl, now),
        ]
        if wide:
            cells.append(_ago(health.last_success, now))
        cells += [str(health.stories_today), Text(str(errors), style="red" if errors else "")]
        if wide:
            cells += [str(sum(entry.refused.values())), str(_blocked(health))]
        cells.append(_until(entry.next_run, now))
        if wide:
            style = "red" if entry.state == "failing" else "dim"
            cells.append(Text(health.last_error or "-", style=style))
        table.add_row(*cells)
    console.print(table)
    if not wide:
        _print_notes(report, console)
    _print_source_warnings(report, console)
    _print_queues(report, console)


def _print_notes(report: Status, console: Console) -> None:
    """Below a narrow table: each outlet's last error and refusals, one line each."""
    from rich.text import Text

    for entry in report.outlets:
        health = entry.health
        notes: list[tuple[str, str]] = []
        if health.last_error and entry.state == "failing":
            notes.append((health.last_error, "red"))
        blocked = _blocked(health)
        if blocked:
            notes.append((f"{blocked} requests refused by the egress policy in the last pass", ""))
        for note, style in notes:
            line = Text(f"  {entry.outlet.id}: ", style="bold")
            room = max(20, console.width - len(line))
            line.append(_middle_cut(" ".join(note.split()), room), style=style)
            console.print(line, no_wrap=True, crop=True, highlight=False)


def _print_queues(report: Status, console: Console) -> None:
    from rich.text import Text

    now = report.now
    queues = report.queues
    jobs, alerts = queues.crawl_jobs, queues.alerts
    console.print(
        f"Crawl jobs: {jobs.length} in the stream, {jobs.pending} in progress (group {jobs.group})"
    )
    console.print(
        f"Alerts: {alerts.length} in the stream, {alerts.pending} in progress "
        f"(group {alerts.group}), {queues.retries} waiting to retry"
    )
    letters = f"Dead letters: {queues.dead_letters}"
    if queues.dead_letters:
        letters += " (list and retry them with 'atalaia deliveries')"
    console.print(letters, highlight=False)
    if not queues.disabled_channels:
        console.print("Disabled channels: none")
    for channel in queues.disabled_channels:
        console.print(
            Text.assemble(
                "Disabled channel ", (channel.channel, "red"),
                f" since {_ago(channel.since, now)}: {channel.reason} "
                f"(re-enable with 'atalaia deliveries enable {channel.channel}')",
            ),
            highlight=False,
        )  # fmt: skip


def _middle_cut(text: str, width: int) -> str:
    """`text` in `width` characters: what is cut is the middle (a URL, most often), so
    the reason at the end of "URL: reason" stays."""
    if len(text) <= width:
        return text
    tail = width // 2
    return text[: width - tail - 1] + "…" + text[-tail:]


def _blocked(health: OutletHealth) -> int:
    return int(health.last_summary.get("egress_refused", 0) or 0)


def _print_source_warnings(report: Status, console: Console) -> None:
    """Sources that gave nothing for several passes in a row, with the reason."""
    from rich.text import Text

    from crawler.source_health import EMPTY_PASSES_WARNING

    warned = [(entry.outlet.id, w) for entry in report.outlets for w in entry.source_warnings]
    if not warned:
        return
    console.print(
        f"Sources that gave nothing for {EMPTY_PASSES_WARNING} passes or more: {len(warned)}",
        style="yellow",
    )
    for outlet_id, warning in warned:
        since = _ago(warning.since, report.now)
        console.print(
            Text.assemble(
                (outlet_id, "yellow"), f" {warning.source}: {warning.reason} ",
                (f"({warning.empty_passes} passes, since {since})", "dim"),
            ),
            highlight=False,
        )  # fmt: skip


def _ago(moment: float | None, now: float) -> str:
    return "-" if moment is None else f"{_span(now - moment)} ago"


def _until(moment: float | None, now: float) -> str:
    if moment is None:
        return "-"
    return "due" if moment <= now else f"in {_span(moment - now)}"


def _span(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86400:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    return f"{seconds // 86400}d{seconds % 86400 // 3600:02d}h"
