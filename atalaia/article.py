"""The article: what the crawl stage hands to matching and delivery.

A plain, immutable value with no dependency on Scrapy, so every stage can use it
and it travels through Redis as JSON.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from atalaia.errors import AtalaiaError, ExitCode


@dataclass(frozen=True, slots=True)
class Article:
    """One news article as extracted from its page.

    `published_at` and `updated_at` are timezone-aware when known, each with its
    true offset. `published_source` says where the publication date came from
    ("jsonld", "meta", "time", "visible", "url", "listing", "htmldate") and
    `published_precision` how much of it is known: "second", "minute", "hour", or
    "day" when the page gives only the day (then `published_at` is midnight in
    the outlet's timezone). `body` is the plain text of the article, paragraphs
    separated by blank lines.
    """

    url: str
    outlet: str
    title: str
    canonical_url: str = ""
    lead: str = ""
    body: str = ""
    authors: tuple[str, ...] = ()
    published_at: datetime | None = None
    updated_at: datetime | None = None
    published_source: str = ""
    published_precision: str = ""
    language: str = ""
    section: str = ""
    tags: tuple[str, ...] = ()
    image: str = ""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["authors"] = list(self.authors)
        data["tags"] = list(self.tags)
        data["published_at"] = _iso(self.published_at)
        data["updated_at"] = _iso(self.updated_at)
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        return cls(
            url=data["url"],
            outlet=data["outlet"],
            title=data.get("title", ""),
            canonical_url=data.get("canonical_url", ""),
            lead=data.get("lead", ""),
            body=data.get("body", ""),
            authors=tuple(data.get("authors") or ()),
            published_at=_parse_iso(data.get("published_at")),
            updated_at=_parse_iso(data.get("updated_at")),
            published_source=data.get("published_source", ""),
            published_precision=data.get("published_precision", ""),
            language=data.get("language", ""),
            section=data.get("section", ""),
            tags=tuple(data.get("tags") or ()),
            image=data.get("image", ""),
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> Article:
        return cls.from_dict(json.loads(text))


@dataclass(frozen=True, slots=True)
class NotAnArticle(AtalaiaError):
    """The page is not an article (homepage, section, listing, error page).

    `reason` reads "kind: detail"; the kinds are listed in
    `crawler.extraction.pagekind.REFUSAL_KINDS`.
    """

    exit_code: ClassVar[ExitCode] = ExitCode.NOTHING

    url: str
    reason: str

    def __str__(self) -> str:
        return f"{self.url}: not an article ({self.reason})"


@dataclass(frozen=True, slots=True)
class ArticleLink:
    """A link to an article found in a feed, sitemap or section page."""

    url: str
    title: str = ""
    published_at: datetime | None = None
    extra: dict[str, str] = field(default_factory=dict)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
