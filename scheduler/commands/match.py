"""`atalaia match`: test a query or a watchlist on a page, a file or stdin, like grep.

Exit 0 when something matched, 1 when nothing did, 2 on an error (a bad query,
an unreadable source).
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from atalaia.errors import AtalaiaError, ExitCode
from atalaia.settings import Settings

if TYPE_CHECKING:  # imported when the command runs, so `atalaia --help` stays fast
    from rich.console import Console

    from alerts.matching import Matcher, WatchlistMatch
    from atalaia.article import Article
    from scheduler.commands import Subparsers


class BadQuery(AtalaiaError):
    pass


def register(subparsers: Subparsers, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "match", parents=[common], help="test a query or watchlist on a URL, file or stdin",
        description="Match a query (--query) or a watchlist of the watchlists file "
        "(--watchlist) against SOURCE: a URL, an HTML or text file, or '-' for stdin (the "
        "default). HTML is extracted first, so title:, lead: and body: apply; plain text "
        "counts as the body. Exit 0 on a match, 1 on none, 2 on an error, like grep.",
    )  # fmt: skip
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--query", "-q", metavar="QUERY", help="a query, e.g. 'Putin NEAR/5 Kim'")
    which.add_argument("--watchlist", "-w", metavar="ID", help="a watchlist of the file")
    parser.add_argument(
        "source", nargs="?", default="-", metavar="SOURCE",
        help="a URL, an HTML or text file, or - for stdin (the default)",
    )  # fmt: skip
    parser.add_argument("--url", help="the original address of a saved file")
    parser.add_argument("--json", action="store_true", help="print the matches as JSON")
    parser.set_defaults(handler=match)


def match(args: argparse.Namespace, settings: Settings) -> ExitCode:
    from rich.console import Console

    from scheduler.sources import read_source

    matcher = _matcher(args, settings)
    body, url, charset = read_source(args.source, args.url, settings)
    article = _article(body, url, charset)
    found = matcher.match(article)
    if args.json:
        print(json.dumps(_as_json(article, found), ensure_ascii=False, indent=2))
    else:
        _print(found, Console(highlight=False, soft_wrap=True))
    return ExitCode.OK if found else ExitCode.NOTHING


def _matcher(args: argparse.Namespace, settings: Settings) -> Matcher:
    from alerts.active_watchlists import ActiveWatchlists, rule_for
    from alerts.matching import compile_watchlists

    if args.watchlist is not None:
        config = ActiveWatchlists(settings.watchlists_path).current.config
        chosen = [w for w in config.watchlists if w.id == args.watchlist]
        if not chosen:
            known = ", ".join(w.id for w in config.watchlists) or "none"
            raise AtalaiaError(f"unknown watchlist {args.watchlist!r} (watchlists: {known})")
        return compile_watchlists([rule_for(chosen[0])])
    return compile_query(args.query)


def compile_query(query: str) -> Matcher:
    """A matcher for one query; BadQuery (with a caret under the column) when it is wrong."""
    from alerts.matching import RuleError, WatchlistRule, compile_watchlists

    try:
        return compile_watchlists([WatchlistRule(id="query", name=query, query=query)])
    except RuleError as exc:
        error = exc.query_error
        if error is None:
            raise BadQuery(f"bad query: {exc.message}") from None
        text, pointer = _excerpt(error.query, error.column)
        raise BadQuery(f"bad query: {error}\n  {text}\n  {pointer}") from None


def _excerpt(query: str, column: int, width: int = 72) -> tuple[str, str]:
    """The part of `query` around `column` (all of it when short) and a '^' under it."""
    start = max(0, min(column - 1 - width // 2, len(query) - width))
    end = min(len(query), start + width)
    before = "…" if start else ""
    after = "…" if end < len(query) else ""
    return before + query[start:end] + after, " " * (len(before) + column - 1 - start) + "^"


def _article(body: bytes, url: str, charset: str | None) -> Article:
    """The article in HTML, extracted; plain text is the body of an untitled article."""
    from atalaia.article import Article, NotAnArticle
    from crawler.extraction.page import extract_article
    from crawler.extraction.timezones import guess_timezone

    text = body.decode(charset or "utf-8", errors="replace")
    if not _looks_like_html(text):
        return Article(url=url, outlet="", title="", body=text)
    try:
        return extract_article(body, url, timezone=guess_timezone(url), declared_charset=charset)
    except NotAnArticle as exc:
        raise AtalaiaError(
            f"{url}: not an article ({exc.reason}); save its text to match it"
        ) from None


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:1000].lower()
    return head.startswith("<") and any(
        tag in head for tag in ("<html", "<head", "<body", "<!doctype")
    )


def _print(found: list[WatchlistMatch], console: Console) -> None:
    from rich.text import Text

    if not found:
        console.print("no match")
        return
    for watchlist in found:
        console.print(Text(f"{watchlist.name}", style="bold"))
        if not watchlist.hits:
            console.print("  (matched by what the text does not contain)")
        for hit in watchlist.hits:
            line = Text(f"  {hit.field}: {hit.term}: ")
            line.append(hit.snippet[: hit.start])
            line.append(hit.snippet[hit.start : hit.end], style="bold reverse")
            line.append(hit.snippet[hit.end :])
            if not console.is_terminal:
                line = Text(f"  {hit.field}: {hit.term}: {hit.marked('«', '»')}")
            console.print(line)


def _as_json(article: Article, found: list[WatchlistMatch]) -> dict[str, object]:
    return {
        "url": article.url,
        "title": article.title,
        "matched": bool(found),
        "watchlists": [
            {
                "id": w.id,
                "name": w.name,
                "hits": [
                    {
                        "term": h.term,
                        "field": h.field,
                        "snippet": h.snippet,
                        "hit": [h.start, h.end],
                    }
                    for h in w.hits
                ],
            }
            for w in found
        ],
    }
