"""What one crawl pass did, per outlet: the numbers `atalaia crawl` prints."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any


@dataclass
class OutletSummary:
    outlet: str
    seconds: float = 0.0
    feeds_fetched: int = 0
    not_modified: int = 0
    sections_fetched: int = 0
    links_found: int = 0
    links_seen_before: int = 0
    links_over_cap: int = 0  # new links past the per-source cap, left for the next pass
    attributed: int = 0  # new links that are another outlet's articles, fetched as theirs
    offsite: int = 0  # links to hosts no (enabled) outlet owns: skipped
    out_of_window: int = 0  # sitemap links older than the window: skipped
    old_sitemaps_skipped: int = 0  # index children older than the window: not followed
    items_without_link: int = 0
    empty_sources: int = 0  # feeds, sitemaps, sections that gave nothing (warnings)
    articles_fetched: int = 0
    new_stories: int = 0
    duplicates: int = 0
    syndicated: int = 0
    non_articles: int = 0
    robots_forbidden: int = 0
    egress_refused: int = 0  # requests to addresses the egress policy refused
    poison_pages: int = 0  # pages whose extraction failed too often: given up for good
    errors: int = 0
    error_messages: list[str] = field(default_factory=list)
    warning_messages: list[str] = field(default_factory=list)
    matches: dict[str, int] = field(default_factory=dict)
    refusals: dict[str, int] = field(default_factory=dict)  # non-articles by kind of reason

    @classmethod
    def from_stats(cls, outlet: str, stats: dict[str, Any], seconds: float) -> OutletSummary:
        """The summary of a crawler's stats: each counter is `atalaia/<name>`."""
        summary = cls(outlet=outlet, seconds=round(seconds, 2))
        for name in COUNTERS:
            setattr(summary, name, int(stats.get(f"atalaia/{name}", 0)))
        summary.error_messages = list(stats.get("atalaia/error_messages", []))
        summary.warning_messages = list(stats.get("atalaia/warning_messages", []))
        summary.matches = _by_name(stats, "atalaia/matches/")
        summary.refusals = _by_name(stats, "atalaia/non_articles/")
        unhandled = int(stats.get("spider_exceptions/count", 0))
        if unhandled:
            summary.errors += unhandled
            summary.error_messages.append(f"{unhandled} unexpected error(s) in the spider; see log")
        return summary

    @property
    def ok(self) -> bool:
        return self.errors == 0

    @property
    def unreached(self) -> bool:
        """Failed without a single listing or article fetched: the outlet was not reached."""
        fetched = self.feeds_fetched + self.not_modified + self.sections_fetched
        return self.errors > 0 and fetched + self.articles_fetched == 0

    def to_dict(self) -> dict[str, Any]:
        """Its fields as JSON-ready values (as `dataclasses.asdict`, without its deep
        copies: this runs after every poll)."""
        return {name: getattr(self, name) for name in _FIELDS}


def _by_name(stats: dict[str, Any], prefix: str) -> dict[str, int]:
    return {
        name.removeprefix(prefix): int(value)
        for name, value in sorted(stats.items())
        if name.startswith(prefix)
    }


_FIELDS = tuple(f.name for f in fields(OutletSummary))
COUNTERS = tuple(f.name for f in fields(OutletSummary) if f.type == "int")
"""The counters of a pass, in display order."""


@dataclass
class CrawlSummary:
    outlets: list[OutletSummary]
    seconds: float

    @property
    def none_reached(self) -> bool:
        """Every outlet of the pass failed without being reached."""
        return bool(self.outlets) and all(outlet.unreached for outlet in self.outlets)

    def total(self, name: str) -> int:
        return sum(int(getattr(outlet, name)) for outlet in self.outlets)

    def refusals(self) -> dict[str, int]:
        """Pages refused as not articles, by kind of reason, over every outlet."""
        totals: dict[str, int] = {}
        for outlet in self.outlets:
            for kind, count in outlet.refusals.items():
                totals[kind] = totals.get(kind, 0) + count
        return dict(sorted(totals.items()))

    def matches(self) -> dict[str, int]:
        """Alerts created per watchlist, over every outlet."""
        totals: dict[str, int] = {}
        for outlet in self.outlets:
            for watchlist, count in outlet.matches.items():
                totals[watchlist] = totals.get(watchlist, 0) + count
        return dict(sorted(totals.items()))

    def to_dict(self) -> dict[str, Any]:
        return {
            "seconds": round(self.seconds, 2),
            "totals": {name: self.total(name) for name in COUNTERS},
            "matches": self.matches(),
            "refusals": self.refusals(),
            "outlets": [outlet.to_dict() for outlet in self.outlets],
        }
