"""Sources that yield nothing, pass after pass: kept in Redis so `atalaia status` warns.

A feed whose items have no links, a sitemap whose entries are all older than the
window, a section page where no link matches, a feed refused as unsafe: each pass
that a source gives the crawl nothing is counted in the outlet's poll hash
(crawler.poll_state; field `s:<the source's URL>`, value: JSON with the count of
empty passes in a row, the last reason and when it started). A pass that yields
links clears it. `status` shows the sources empty for `EMPTY_PASSES_WARNING`
passes or more.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import redis

from atalaia.redis_keys import Keys
from crawler.discovery import Listing
from crawler.poll_state import PollState, read_source_records

EMPTY_PASSES_WARNING = 3
"""After this many empty passes in a row, a source is shown as a warning."""


@dataclass(frozen=True)
class SourceWarning:
    source: str
    reason: str
    empty_passes: int
    since: float  # when the first empty pass of the run happened (epoch seconds)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "reason": self.reason,
            "empty_passes": self.empty_passes,
            "since": self.since,
        }


def record_source_passes(
    state: PollState,
    passes: Mapping[str, str | None],
    now: float,
    unchanged: Collection[str] = (),
) -> dict[str, SourceWarning]:
    """Record one pass in the outlet's poll state (written at the pass's end): for each
    source URL, None when it yielded links, else the reason it gave nothing. A source
    in `unchanged` (not modified) gives what it gave last time: if that was nothing, it
    counts as one more empty pass. Returns the sources empty in this pass, with their
    count of empty passes in a row."""
    recorded: dict[str, SourceWarning] = {}
    again = [source for source in unchanged if source not in passes]
    for source in [s for s, reason in passes.items() if reason is not None] + again:
        record = state.source_record(source)
        if source in again and not record:
            continue  # unchanged, and it gave links last time (or was never recorded)
        warning = SourceWarning(
            source,
            passes.get(source) or str(record.get("reason", "")),
            int(record.get("empty_passes", 0)) + 1,
            float(record.get("since", now)),
        )
        recorded[source] = warning
        state.set_source_record(source, {**warning.to_dict(), "last": now})
    for source, reason in passes.items():
        if reason is None:
            state.set_source_record(source, None)
    return recorded


def read_source_warnings(
    client: redis.Redis,
    keys: Keys,
    outlet_ids: Sequence[str],
    minimum: int = EMPTY_PASSES_WARNING,
) -> dict[str, list[SourceWarning]]:
    """Per outlet id, its sources empty for `minimum` passes or more, in one round trip."""
    warnings: dict[str, list[SourceWarning]] = {}
    for outlet_id, records in read_source_records(client, keys, outlet_ids).items():
        found = []
        for source, record in sorted(records.items()):
            passes = int(record.get("empty_passes", 0))
            if passes >= minimum:
                found.append(
                    SourceWarning(
                        source, str(record.get("reason", "")), passes,
                        float(record.get("since", 0.0)),
                    )
                )  # fmt: skip
        if found:
            warnings[outlet_id] = found
    return warnings


@dataclass
class SourcePass:
    """What one configured source gave in the pass being crawled (a sitemap index
    together with the child sitemaps it led to)."""

    links: int = 0
    reasons: list[str] = field(default_factory=list)
    unchanged: bool = False  # answered 304 (itself or a child)
    failed: bool = False  # a fetch failed (itself or a child): that is an error already
    over_cap: bool = False  # new links left for the next pass (itself or a child)
    refused: str | None = None  # unreadable or refused as unsafe

    def note(self, listing: Listing) -> None:
        self.links += len(listing.takeable)
        reason = listing.emptiness()
        if reason is not None:
            self.reasons.append(reason)

    def outcome(self) -> tuple[str, str | None]:
        """("yielded", None), ("empty", why), ("unchanged", None) when it answered 304
        (so it gives what it gave last time), or ("unknown", None) when a fetch failed
        (an error, counted as such)."""
        if self.links:
            return "yielded", None
        if self.refused:
            return "empty", self.refused
        if self.failed:
            return "unknown", None
        if self.unchanged:
            return "unchanged", None
        if not self.reasons:
            return "unknown", None
        return "empty", "; ".join(dict.fromkeys(self.reasons))
