"""`atalaia stories`: every story kept, matched or not, newest first, or followed."""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from atalaia.errors import ExitCode, RedisUnavailable
from atalaia.settings import Settings
from scheduler.commands.alerts import add_filters, limit_of, since_of

if TYPE_CHECKING:  # imported when the command runs, so `atalaia --help` stays fast
    from rich.console import Console

    from alerts.history import KeptStory
    from atalaia.article import Article
    from scheduler.commands import Subparsers


def register(subparsers: Subparsers, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "stories", parents=[common], help="list the stories kept, matched or not",
        description="List every story kept (30 days by default, ATALAIA_KEEP_FOR), whether "
        "a watchlist matched it or not, newest first, one line each: when it was first seen "
        "(in your timezone), outlet, how many other outlets carried it (+N), the watchlists "
        "it matched and the headline. --query keeps those a query matches, in the watchlist "
        "query language (docs/query-syntax.md). --follow prints the latest ones, then each "
        "new story as it is handed on, until Ctrl-C.",
    )  # fmt: skip
    add_filters(parser)
    parser.add_argument(
        "--query", "-q", metavar="QUERY",
        help="only stories this query matches, e.g. 'Lula AND title:reforma'",
    )  # fmt: skip
    parser.set_defaults(handler=stories_command)


def stories_command(args: argparse.Namespace, settings: Settings) -> ExitCode:
    import redis
    from rich.console import Console

    from alerts.history import History
    from atalaia.redis_connection import open_redis
    from atalaia.redis_keys import Keys
    from scheduler.listing import print_line, story_line

    matching = _matching(args.query, args.outlet)
    keys = Keys(settings.redis_prefix)
    now = time.time()
    since = since_of(args, now)
    limit = limit_of(args)
    console = Console(highlight=False)
    with open_redis(settings.redis_url, settings.data_dir) as service:
        history = History(service.client, keys, keep_for=settings.keep_for)
        try:
            position = history.stream_position()
            found = history.stories(
                now=now, outlet=args.outlet, since=since, matching=matching,
                limit=limit or 10_000_000,
            )  # fmt: skip
            if not args.follow:
                if args.json:
                    print(json.dumps([s.to_dict() for s in found], ensure_ascii=False))
                else:
                    for kept in found:
                        print_line(console, story_line(kept, settings.zone))
                return ExitCode.OK
            for kept in reversed(found):
                _emit(kept, args, console, settings)
            try:
                while True:
                    position, new = history.stories_after(position)
                    for kept in new:
                        if matching(kept.story.article):
                            _emit(kept, args, console, settings)
            except KeyboardInterrupt:
                return ExitCode.OK
        except redis.RedisError as exc:
            raise RedisUnavailable(f"lost the connection to Redis: {exc}") from None


def _matching(query: str | None, outlet: str | None) -> Callable[[Article], bool]:
    from scheduler.commands.match import compile_query

    matcher = compile_query(query) if query else None

    def accepts(article: Article) -> bool:
        if outlet is not None and article.outlet != outlet:
            return False
        return matcher is None or bool(matcher.match(article))

    return accepts


def _emit(kept: KeptStory, args: argparse.Namespace, console: Console, settings: Settings) -> None:
    from scheduler.listing import print_line, story_line

    if args.json:
        print(json.dumps(kept.to_dict(), ensure_ascii=False), flush=True)
    else:
        print_line(console, story_line(kept, settings.zone))
