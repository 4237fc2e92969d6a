"""Typed errors raised by the extraction functions.

`NotAnArticle` lives with the article value type in `atalaia.article`; the errors
here are about feeds, sitemaps and dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from atalaia.errors import AtalaiaError, ExitCode


class ExtractionError(AtalaiaError):
    """Base class for every error raised while turning bytes into data: the source
    gives nothing usable."""

    exit_code: ClassVar[ExitCode] = ExitCode.NOTHING


@dataclass(frozen=True)
class SourceError(ExtractionError):
    """The document at `url` is not a usable `kind` of source, for `reason`."""

    kind: ClassVar[str] = "source"
    url: str
    reason: str

    def __str__(self) -> str:
        return f"{self.url}: not a {self.kind} ({self.reason})"


class FeedError(SourceError):
    """The document at `url` is not a usable RSS, RDF or Atom feed."""

    kind = "feed"


class SitemapError(SourceError):
    """The document at `url` is not a usable sitemap or sitemap index."""

    kind = "sitemap"


@dataclass(frozen=True)
class DateError(ExtractionError, ValueError):
    """`text` could not be read as a date."""

    text: str

    def __str__(self) -> str:
        return f"not a recognisable date: {self.text[:80]!r}"
