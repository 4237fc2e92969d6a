"""One module per `atalaia` command: `register(subparsers, common)` adds its parser,
and its handler takes the parsed arguments and Settings and returns the exit code."""

from scheduler.commands import (
    alerts,
    check,
    crawl,
    deliveries,
    extract,
    match,
    replay,
    run,
    status,
    stories,
    web,
)

ALL = (run, crawl, match, replay, extract, check, status, deliveries, alerts, stories, web)

__all__ = ["ALL"]
