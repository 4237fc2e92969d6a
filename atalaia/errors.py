"""The errors Atalaia raises for what can go wrong in the ordinary course of things.

Every expected failure is an `AtalaiaError`; anything else is a bug and may end in
a traceback. The library raises them; only the command line (scheduler/cli.py)
turns one into a message and an exit status, the error's `exit_code`:

    AtalaiaError           exit 2 (ERROR) unless said otherwise
    ├── ConfigError        a mistake in a file the user edits: path, line, column and
    │                      location, ("watchlists", 0, "terms", 2)
    ├── ConfigErrors       several ConfigErrors in one file: it is refused as a whole
    ├── RedisUnavailable   Redis cannot be reached (or the embedded one cannot start)
    ├── QueryError         alerts.query: a query that cannot be parsed (query, column)
    ├── RuleError          alerts.matching: a watchlist that cannot be compiled (rule id,
    │                      location ("terms", 2), the QueryError behind it)
    ├── UnknownOutlet      crawler.catalogue: an outlet id the catalogue does not have
    ├── UnknownWatchlist   alerts.replay: a watchlist id the file does not have
    ├── DeadLetterNotFound alerts.delivery.deadletters: no dead letter has that id
    ├── UnsendableMail     alerts.delivery.mail_message: a channel's settings cannot make
    │                      a mail (the dispatcher dead-letters it: no retry can help)
    ├── InvalidAddress     scheduler.web.address: a listening address that is not HOST:PORT
    ├── TokenRequired      scheduler.web.security: a public address without a web token
    ├── NotAnArticle       atalaia.article, exit 1 (NOTHING): a homepage, a section page...
    └── ExtractionError    crawler.extraction.errors, exit 1 (NOTHING): a feed or sitemap
                           that gives nothing usable (SourceError: FeedError and
                           SitemapError; DateError)

The commands add their own, each defined with its command: BadQuery and
DeliveriesUsageError (exit 2) for arguments that do not fit, NothingReached (exit 1)
when a crawl reaches no outlet.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar


class ExitCode(enum.IntEnum):
    """How an `atalaia` command ends (README, "Exit status"), like grep."""

    OK = 0
    NOTHING = 1  # nothing found: no match, not an article, no link, no outlet reached
    ERROR = 2  # the command could not do its work: a mistake in a file, Redis, an argument
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT), as shells report it


class AtalaiaError(Exception):
    """Base of every error the command line reports as a message rather than a traceback."""

    exit_code: ClassVar[ExitCode] = ExitCode.ERROR


Location = tuple[str | int, ...]
"""Where a value sits in a file or an entry: ("watchlists", 0, "terms", 2)."""


def format_location(location: Iterable[str | int]) -> str:
    """("watchlists", 0, "terms", 2) -> "watchlists[0].terms[2]"."""
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


@dataclass
class ConfigError(AtalaiaError):
    """A file the user edits has a mistake: names the file, the line (and column, when
    known) and the value's location in the file."""

    path: Path
    line: int | None
    location: Location
    message: str
    column: int | None = None

    @property
    def field(self) -> str:
        """The location as the message shows it: "watchlists[0].terms[2]"."""
        return format_location(self.location)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        if self.line and self.column:
            where += f":{self.column}"
        field = f"{self.field}: " if self.location else ""
        return f"{where}: {field}{self.message}"


class ConfigErrors(AtalaiaError):
    """Several mistakes found in one file; the file is refused as a whole."""

    def __init__(self, errors: list[ConfigError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


class RedisUnavailable(AtalaiaError):
    """Redis could not be reached or the embedded server could not start."""
