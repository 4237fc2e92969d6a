"""Schema.org JSON-LD: find the article object, whatever shape the outlet gave it.

Handles `@graph`, top-level and nested lists, `@type` as a list, `@id`
references (Yoast puts the author in a separate Person node), CDATA wrappers,
raw newlines inside strings and trailing commas.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement  # type: ignore[import-untyped]

ARTICLE_TYPES = frozenset(
    {
        "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle",
        "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle",
        "askpublicnewsarticle", "blogposting", "liveblogposting", "report",
        "scholarlyarticle", "techarticle", "socialmediaposting",
    }
)  # fmt: skip

_TRAILING_COMMA = re.compile(r",\s*([}\]])")
MAX_DEPTH = 64
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")
"""JSON-LD nested deeper than this is not read (real pages nest a handful of levels;
a hostile one nests 100,000 to crash the parser)."""
_WRAPPER = re.compile(r"^\s*(?:<!--|<!\[CDATA\[|//\s*<!\[CDATA\[)|(?:-->|\]\]>|//\s*\]\]>)\s*$")


@dataclass(frozen=True, slots=True)
class JsonLd:
    """What the page's JSON-LD says: its types, and the article node if there is one."""

    types: frozenset[str] = frozenset()
    article: dict[str, Any] = field(default_factory=dict)
    nodes_by_id: dict[str, dict[str, Any]] = field(default_factory=dict)

    def resolve(self, value: Any) -> Any:
        """Follow an `{"@id": ...}` reference to its node, if the page has it."""
        if isinstance(value, dict) and set(value) == {"@id"}:
            return self.nodes_by_id.get(str(value["@id"]), value)
        return value


def read_jsonld(root: HtmlElement) -> JsonLd:
    """Every JSON-LD block on the page, merged into one `JsonLd`."""
    nodes: list[dict[str, Any]] = []
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        data = load_lenient(script.text or "")
        if data is not None:
            nodes.extend(_nodes(data))
    types: set[str] = set()
    by_id: dict[str, dict[str, Any]] = {}
    article: dict[str, Any] = {}
    bodyless: dict[str, Any] = {}
    for node in nodes:
        node_types = node_type_names(node)
        types |= node_types
        if isinstance(node.get("@id"), str):
            by_id.setdefault(node["@id"], node)
        if node_types & ARTICLE_TYPES and not article:
            article = node
        elif not node_types and "articleBody" in node and not bodyless:
            bodyless = node
    if not article and bodyless:
        article = bodyless
    elif article and bodyless and "articleBody" not in article:
        article = {**article, "articleBody": bodyless["articleBody"]}
    return JsonLd(frozenset(types), article, by_id)


def load_lenient(text: str) -> Any:
    """Parse JSON as outlets write it; None when it cannot be read at all."""
    cleaned = _WRAPPER.sub("", text.strip()).strip()
    cleaned = _WRAPPER.sub("", cleaned).strip()
    if not cleaned or _nesting_depth(cleaned) > MAX_DEPTH:
        return None
    for candidate in (cleaned, _TRAILING_COMMA.sub(r"\1", cleaned)):
        try:
            return json.loads(candidate, strict=False)
        except (json.JSONDecodeError, RecursionError):
            continue
    return None


def _nesting_depth(text: str) -> int:
    """How deep arrays and objects nest in `text`, brackets inside strings aside
    (stops counting past MAX_DEPTH)."""
    depth = deepest = 0
    for bracket in _BRACKET.findall(_STRING.sub("", text)):
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                break
        else:
            depth -= 1
    return deepest


def node_type_names(node: dict[str, Any]) -> set[str]:
    """The node's `@type` values, lower-cased, without a schema.org prefix."""
    raw = node.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return {v.rsplit("/", 1)[-1].lower() for v in values if isinstance(v, str)}


def _nodes(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _nodes(item)
    elif isinstance(data, dict):
        yield data
        graph = data.get("@graph")
        if graph is not None:
            yield from _nodes(graph)
        main = data.get("mainEntity")
        if isinstance(main, dict):
            yield from _nodes(main)


def texts(value: Any, key: str = "name") -> list[str]:
    """Strings from a JSON-LD value that may be a string, a node or a list of either."""
    if isinstance(value, str):
        return [html.unescape(value) if "&" in value else value]
    if isinstance(value, dict):
        inner = value.get(key)
        return texts(inner, key) if inner is not None else []
    if isinstance(value, list):
        return [text for item in value for text in texts(item, key)]
    return []
