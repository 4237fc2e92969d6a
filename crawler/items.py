"""What the spider hands to the item pipelines."""

from __future__ import annotations

from dataclasses import dataclass

from atalaia.article import Article


@dataclass(frozen=True, slots=True)
class ExtractedArticle:
    """An article as extracted, with the story fingerprint of its text (see dedupe.stories)."""

    article: Article
    signature: tuple[int, ...]

    @property
    def url(self) -> str:
        return self.article.url
