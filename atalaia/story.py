"""A story: an article as the first outlet published it, plus where else it ran."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from atalaia.article import Article


@dataclass(frozen=True, slots=True)
class Copy:
    """The same story on another outlet."""

    outlet: str
    url: str


@dataclass(frozen=True, slots=True)
class Story:
    id: str
    article: Article
    first_seen: datetime
    also_in: tuple[Copy, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "first_seen": self.first_seen.isoformat(),
            "article": self.article.to_dict(),
            "also_in": [{"outlet": c.outlet, "url": c.url} for c in self.also_in],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes) -> Story:
        data = json.loads(text)
        return cls(
            id=data["id"],
            article=Article.from_dict(data["article"]),
            first_seen=datetime.fromisoformat(data["first_seen"]),
            also_in=tuple(Copy(c["outlet"], c["url"]) for c in data.get("also_in", ())),
        )
