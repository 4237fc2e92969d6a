"""`<meta>` and `<link>` tags, read once into a lookup table."""

from __future__ import annotations

from dataclasses import dataclass

from lxml.html import HtmlElement  # type: ignore[import-untyped]


@dataclass(frozen=True, slots=True)
class MetaTags:
    """Meta tag contents by lower-cased `property`/`name`/`itemprop`, in page order."""

    values: dict[str, list[str]]
    links: dict[str, list[str]]

    def first(self, *keys: str) -> str:
        """The first non-empty content among `keys`, in the order given."""
        for key in keys:
            for value in self.values.get(key, ()):
                if value:
                    return value
        return ""

    def all(self, key: str) -> list[str]:
        return [value for value in self.values.get(key, ()) if value]

    def link(self, rel: str) -> str:
        return next(iter(self.links.get(rel, ())), "")


def read_meta(root: HtmlElement) -> MetaTags:
    values: dict[str, list[str]] = {}
    for meta in root.iter("meta"):
        content = (meta.get("content") or "").strip()
        for attribute in ("property", "name", "itemprop"):
            key = (meta.get(attribute) or "").strip().lower()
            if key:
                values.setdefault(key, []).append(content)
    links: dict[str, list[str]] = {}
    for link in root.iter("link"):
        href = (link.get("href") or "").strip()
        for rel in (link.get("rel") or "").lower().split():
            if href:
                links.setdefault(rel, []).append(href)
    return MetaTags(values, links)
