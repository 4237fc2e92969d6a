"""One module per `atalaia` command.

`register(subparsers, common)` adds the command's parser and sets its handler; the
handler takes the parsed arguments and Settings and returns an `ExitCode`, or raises
an `AtalaiaError`, which only the CLI (scheduler/cli.py) turns into a message and an
exit code. Each module imports what its command needs when it runs, so that
`atalaia --help` loads neither Scrapy nor Twisted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    import argparse
    from typing import TypeAlias

    Subparsers: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]
    """What `ArgumentParser.add_subparsers` returns: each command adds its parser to it."""

ALL = (
    run, crawl, match, replay, extract, discover, add_outlet, check, status, deliveries,
    alerts, stories, web,
)  # fmt: skip

__all__ = ["ALL"]
