"""The watchlists in force: the file, compiled into one matcher, reloaded when it changes.

A long-running process asks `reload_if_changed()` now and then; an edit takes
effect at once, and a broken edit is refused (its error logged once) while the
last good version keeps working.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from alerts.alert import Alert
from alerts.matching import Matcher, RuleError, WatchlistRule, compile_watchlists
from alerts.watchlists import Watchlist, WatchlistsConfig, load_watchlists
from atalaia.errors import AtalaiaError, ConfigError, ConfigErrors
from atalaia.story import Story
from atalaia.yamlfile import YamlDocument, load_yaml

log = logging.getLogger(__name__)


def rule_for(watchlist: Watchlist) -> WatchlistRule:
    return WatchlistRule(
        id=watchlist.id,
        name=watchlist.title,
        terms=watchlist.terms,
        query=watchlist.query,
        exclude=watchlist.exclude,
        outlets=watchlist.outlets,
    )


def compile_config(config: WatchlistsConfig) -> Matcher:
    """One matcher for every watchlist; every bad query reported with file, line, column."""
    errors: list[ConfigError] = []
    document: YamlDocument | None = None
    for index, watchlist in enumerate(config.watchlists):
        try:
            compile_watchlists([rule_for(watchlist)])
        except RuleError as exc:
            document = document or load_yaml(config.path)
            errors.append(_rule_error(document, index, exc))
    if errors:
        raise ConfigErrors(errors)
    return compile_watchlists([rule_for(w) for w in config.watchlists])


def _rule_error(document: YamlDocument, index: int, error: RuleError) -> ConfigError:
    location = ("watchlists", index, *error.location)
    query_error = error.query_error
    if query_error is None:
        return document.error(location, error.message)
    column = document.column_of(location, query_error.column - 1)
    return document.error(
        location, f"bad query {_shortened(query_error.query)}: {query_error}", column
    )


def _shortened(query: str, width: int = 60) -> str:
    """The query, quoted, cut in the middle when long (a hostile one may be 10,000 chars)."""
    if len(query) <= width:
        return repr(query)
    return repr(query[: width - 20] + " … " + query[-15:])


@dataclass(frozen=True)
class Compiled:
    config: WatchlistsConfig
    matcher: Matcher
    digest: str

    def alerts_for(self, story: Story, now: datetime) -> list[Alert]:
        """One alert per watchlist the story matches."""
        by_id = {w.id: w for w in self.config.watchlists}
        alerts = []
        for match in self.matcher.match(story.article):
            watchlist = by_id[match.id]
            alerts.append(
                Alert(
                    id=Alert.id_for(match.id, story.id),
                    watchlist_id=match.id,
                    watchlist_name=match.name,
                    story_id=story.id,
                    article=story.article,
                    matches=match.hits,
                    created_at=now,
                    channels=watchlist.notify,
                    also_in=story.also_in,
                )
            )
        return alerts


class ActiveWatchlists:
    """The watchlists file in force, compiled; `reload_if_changed` swaps in a good edit."""

    def __init__(
        self,
        path: Path,
        environ: Mapping[str, str] | None = None,
        outlet_ids: Collection[str] | None = None,
    ) -> None:
        """`outlet_ids`: the catalogue's, to check each watchlist's `outlets:` against."""
        self.path = path
        self.environ = environ
        self.outlet_ids = outlet_ids
        self.current = self._load()
        self._refused_digest: str | None = None

    def reload_if_changed(self) -> bool:
        """Load the file again if its content changed; True when a new version is in force.

        A file with a mistake is refused and logged (once per broken content); the
        version in force stays.
        """
        try:
            digest = _digest(self.path)
        except OSError as exc:
            if self._refused_digest != "unreadable":
                log.error("watchlists file unreadable, keeping the last good version: %s", exc)
                self._refused_digest = "unreadable"
            return False
        if digest in (self.current.digest, self._refused_digest):
            return False
        try:
            self.current = self._load()
        except AtalaiaError as exc:
            self._refused_digest = digest
            log.error("watchlists file refused, keeping the last good version:\n%s", exc)
            return False
        self._refused_digest = None
        log.info(
            "watchlists reloaded from %s: %d watchlists, %d channels",
            self.path,
            len(self.current.config.watchlists),
            len(self.current.config.channels),
        )
        return True

    def _load(self) -> Compiled:
        digest = _digest(self.path) if self.path.exists() else ""
        config = load_watchlists(self.path, self.environ, self.outlet_ids)
        return Compiled(config, compile_config(config), digest)


def _digest(path: Path) -> str:
    return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
