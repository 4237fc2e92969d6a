"""Lists of article links without repeats."""

from __future__ import annotations

from collections.abc import Iterable

from atalaia.article import ArticleLink


def unique_by_url(links: Iterable[ArticleLink]) -> list[ArticleLink]:
    """The links in their first-seen order, each URL once."""
    seen: set[str] = set()
    result: list[ArticleLink] = []
    for link in links:
        if link.url not in seen:
            seen.add(link.url)
            result.append(link)
    return result
