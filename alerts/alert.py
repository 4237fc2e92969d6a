"""The alert: one watchlist matched one story. Created once, delivered to its channels.

An alert travels through Redis as JSON (the alert stream, read by the dispatchers
of the "dispatchers" consumer group). Its id is stable, derived from the watchlist
and the story, so a story seen again, crawled by two processes at once or
republished elsewhere never makes a second alert.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from atalaia.article import Article
from atalaia.story import Copy

if TYPE_CHECKING:
    from alerts.query import FieldName


@dataclass(frozen=True, slots=True)
class Hit:
    """One term found in one field, with the sentence around it: what the matcher
    reports and what an alert carries to its channels.

    `snippet` is the text as written (whitespace runs collapsed, cut at word
    boundaries with "…"); the hit is `snippet[start:end]`, so each renderer can
    mark it its own way, or use `marked()`.
    """

    term: str
    field: FieldName
    snippet: str
    start: int = 0
    end: int = 0

    @property
    def hit(self) -> str:
        """The words that matched, as written."""
        return self.snippet[self.start : self.end]

    def marked(self, before: str = "**", after: str = "**") -> str:
        """The snippet with the hit between `before` and `after`."""
        return self.snippet[: self.start] + before + self.hit + after + self.snippet[self.end :]


@dataclass(frozen=True, slots=True)
class Alert:
    id: str
    watchlist_id: str
    watchlist_name: str
    story_id: str
    article: Article
    matches: tuple[Hit, ...]
    created_at: datetime
    channels: tuple[str, ...] = ()
    also_in: tuple[Copy, ...] = field(default=())

    @staticmethod
    def id_for(watchlist_id: str, story_id: str) -> str:
        digest = hashlib.blake2b(f"{watchlist_id}\0{story_id}".encode(), digest_size=12)
        return "alert_" + digest.hexdigest()

    def payload(self) -> dict[str, Any]:
        """The body of a `format: standard` webhook (docs/delivery.md)."""
        article = self.article
        return {
            "type": "watchlist.match",
            "timestamp": _utc(self.created_at),
            "data": {
                "watchlist": {"id": self.watchlist_id, "name": self.watchlist_name},
                "article": {
                    "url": article.url,
                    "outlet": article.outlet,
                    "title": article.title,
                    "lead": article.lead,
                    "published_at": (
                        article.published_at.isoformat() if article.published_at else None
                    ),
                    "authors": list(article.authors),
                    "language": article.language,
                },
                "matches": [
                    {"term": m.term, "field": m.field, "snippet": m.snippet} for m in self.matches
                ],
                "also_in": [{"outlet": c.outlet, "url": c.url} for c in self.also_in],
            },
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "watchlist": {"id": self.watchlist_id, "name": self.watchlist_name},
            "story_id": self.story_id,
            "article": self.article.to_dict(),
            "matches": [asdict(m) for m in self.matches],
            "created_at": self.created_at.isoformat(),
            "channels": list(self.channels),
            "also_in": [{"outlet": c.outlet, "url": c.url} for c in self.also_in],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes) -> Alert:
        data = json.loads(text)
        return cls(
            id=data["id"],
            watchlist_id=data["watchlist"]["id"],
            watchlist_name=data["watchlist"]["name"],
            story_id=data["story_id"],
            article=Article.from_dict(data["article"]),
            matches=tuple(Hit(**m) for m in data["matches"]),
            created_at=datetime.fromisoformat(data["created_at"]),
            channels=tuple(data.get("channels", ())),
            also_in=tuple(Copy(c["outlet"], c["url"]) for c in data.get("also_in", ())),
        )


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
