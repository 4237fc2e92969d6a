"""JSON-LD nested far too deep is ignored, not a crash."""

from __future__ import annotations

import json

import pytest

from crawler.extraction.jsonld import MAX_DEPTH, load_lenient
from crawler.extraction.page import extract_article


def deep_page(depth: int, opener: str = "[", closer: str = "]") -> bytes:
    nested = opener * depth + closer * depth
    article = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Governo anuncia acordo com a Rússia",
        "datePublished": "2025-07-15T14:09:00-03:00",
    }
    return (
        "<!doctype html><html><head><title>Governo anuncia acordo com a Rússia</title>"
        f'<script type="application/ld+json">{json.dumps(article)}</script>'
        f'<script type="application/ld+json">{nested}</script></head><body><article>'
        "<h1>Governo anuncia acordo com a Rússia</h1>"
        + "<p>O governo anunciou nesta terça-feira um acordo com a Rússia que prevê "
        "cooperação em energia, agricultura e tecnologia nos próximos cinco anos.</p>"
        * 4
        + "</article></body></html>"
    ).encode()


@pytest.mark.parametrize(("opener", "closer"), [("[", "]"), ('{"a":', "}")])
def test_a_page_with_jsonld_nested_100000_deep_is_still_extracted(opener: str, closer: str) -> None:
    article = extract_article(
        deep_page(100_000, opener, closer), "https://x.example/a", timezone="UTC"
    )
    assert article.title == "Governo anuncia acordo com a Rússia"


def test_depth_within_the_limit_is_read_and_beyond_it_is_not() -> None:
    assert load_lenient("[" * MAX_DEPTH + "]" * MAX_DEPTH) is not None
    assert load_lenient("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)) is None
    # brackets inside strings do not count
    assert load_lenient(json.dumps({"text": "[" * 10_000})) == {"text": "[" * 10_000}
