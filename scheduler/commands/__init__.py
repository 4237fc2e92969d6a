"""One module per `atalaia` command: `register(subparsers, common)` adds its parser,
and its handler takes the parsed arguments and Settings and returns the exit code."""

from scheduler.commands import (
    add_outlet,
    alerts,
    check,
    crawl,
    deliveries,
    discover,
    extract,
    match,
    replay,
    run,
    status,
    stories,
    web,
)

ALL = (
    run, crawl, match, replay, extract, discover, add_outlet, check, status, deliveries,
    alerts, stories, web,
)  # fmt: skip

__all__ = ["ALL"]
