"""`atalaia deliveries`: dead letters, re-queuing them, testing and re-enabling a channel.

atalaia deliveries [list] [--json]      dead letters: id, channel, alert, attempts, last error
atalaia deliveries retry ID [ID ...]    put dead letters back in the queue
atalaia deliveries retry --all
atalaia deliveries test CHANNEL         send a sample alert now, print the answer
atalaia deliveries enable CHANNEL       re-enable a channel disabled by 410 Gone
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from atalaia.errors import AtalaiaError, ExitCode
from atalaia.settings import Settings

if TYPE_CHECKING:  # imported when the command runs, so `atalaia --help` stays fast
    import redis

    from atalaia.redis_keys import Keys
    from scheduler.commands import Subparsers

ACTIONS = ("list", "retry", "test", "enable")


class DeliveriesUsageError(AtalaiaError):
    """The arguments of `atalaia deliveries` do not fit together."""


def register(subparsers: Subparsers, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "deliveries", parents=[common], help="list and retry dead letters, test a channel",
        description="Without an action (or with 'list'), list the dead letters: alerts a "
        "channel never took (channel, alert, attempts, last error), and channels disabled by "
        "410 Gone. 'retry ID ...' or 'retry --all' puts dead letters back in the queue; "
        "'test CHANNEL' sends a sample alert to a channel now and prints what the receiver "
        "answered (exit 2 when it did not accept it); 'enable CHANNEL' re-enables a channel "
        "disabled by 410 Gone.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    parser.add_argument(
        "action", nargs="?", choices=ACTIONS, default="list", help="what to do (default: list)"
    )
    parser.add_argument(
        "targets", nargs="*", metavar="ID|CHANNEL",
        help="dead-letter ids for 'retry'; one channel name for 'test' and 'enable'",
    )  # fmt: skip
    parser.add_argument("--all", action="store_true", help="with 'retry': every dead letter")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(handler=deliveries)


def deliveries(args: argparse.Namespace, settings: Settings) -> ExitCode:
    from alerts.delivery.deadletters import enable_channel, list_dead_letters, requeue, requeue_all
    from alerts.watchlists import load_watchlists
    from atalaia.redis_connection import open_redis
    from atalaia.redis_keys import Keys

    action = args.action
    if action == "test":
        return _test(args, settings)
    if action == "list" and (args.targets or args.all):
        raise DeliveriesUsageError("'list' takes no ids (did you mean 'retry'?)")
    keys = Keys(settings.redis_prefix)
    with open_redis(settings.redis_url, settings.data_dir) as service:
        client = service.client
        if action == "list":
            return _list(client, keys, as_json=args.json)
        if action == "retry":
            if bool(args.targets) == bool(args.all):
                raise DeliveriesUsageError("give dead-letter ids or --all to 'retry'")
            now = time.time()
            done = (
                requeue_all(client, keys, now)
                if args.all
                else requeue(client, keys, args.targets, now)
            )
            if args.json:
                print(json.dumps({"requeued": [d.id for d in done]}))
            else:
                print(f"{len(done)} dead letters back in the queue")
            return ExitCode.OK
        channel = _one_channel(args)
        if not enable_channel(client, keys, channel):
            config = load_watchlists(settings.watchlists_path)
            if channel not in config.channels:
                known = ", ".join(sorted(config.channels)) or "none defined"
                raise DeliveriesUsageError(
                    f"no channel {channel!r} in {config.path} (channels: {known}), "
                    "and none by that name is disabled"
                )
            print(f"channel {channel} was not disabled")
            return ExitCode.OK
        waiting = sum(1 for d in list_dead_letters(client, keys, 100_000) if d.channel == channel)
        print(f"channel {channel} enabled")
        if waiting:
            print(f"{waiting} dead letters for it: 'atalaia deliveries retry --all' re-sends them")
        return ExitCode.OK


def _list(client: redis.Redis, keys: Keys, *, as_json: bool) -> ExitCode:
    from alerts.delivery.deadletters import disabled_channels, list_dead_letters

    letters = list_dead_letters(client, keys)
    disabled = disabled_channels(client, keys)
    if as_json:
        data = {
            "dead_letters": [d.to_dict() for d in letters],
            "disabled_channels": [
                {"channel": c.channel, "since": c.since, "reason": c.reason} for c in disabled
            ],
        }
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return ExitCode.OK
    for channel in disabled:
        print(f"channel {channel.channel} disabled since {_when(channel.since)}: {channel.reason}")
    if not letters:
        print("no dead letters")
        return ExitCode.OK
    print(f"{'ID':<17} {'CHANNEL':<14} {'ALERT':<30} {'TRIES':>5}  LAST ERROR")
    for d in letters:
        print(f"{d.id:<17} {d.channel:<14} {d.alert_id:<30} {d.attempts:>5}  {d.error}")
    return ExitCode.OK


def _test(args: argparse.Namespace, settings: Settings) -> ExitCode:
    import asyncio

    from alerts.delivery import send_sample
    from alerts.watchlists import load_watchlists

    name = _one_channel(args)
    config = load_watchlists(settings.watchlists_path)
    channel = config.channels.get(name)
    if channel is None:
        known = ", ".join(sorted(config.channels)) or "none defined"
        raise DeliveriesUsageError(f"no channel {name!r} in {config.path} (channels: {known})")
    report = asyncio.run(send_sample(name, channel))
    if args.json:
        print(json.dumps(report.__dict__, ensure_ascii=False, indent=2))
    else:
        verdict = "accepted" if report.ok else "NOT accepted"
        print(f"channel {name}: {verdict}: {report.detail}")
        if report.answer:
            print(f"answer: {report.answer[:500]}")
    return ExitCode.OK if report.ok else ExitCode.ERROR


def _one_channel(args: argparse.Namespace) -> str:
    if len(args.targets) != 1 or args.all:
        raise DeliveriesUsageError(f"'{args.action}' takes one channel name")
    return str(args.targets[0])


def _when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M UTC")
