"""`atalaia extract` on each newsroom style prints the fields a user expects."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from atalaia.redis_keys import Keys
from tests.newsroom import Newsroom

from .crawling import atalaia


@pytest.mark.parametrize(
    "outlet",
    [
        "diario-planalto", "jornal-metropole", "portal-rede", "folha-interior",
        "diario-atlantico", "noticias-horizonte",
    ],
)  # fmt: skip
def test_extract_prints_each_styles_fields(
    outlet: str, newsroom: Newsroom, newsroom_catalogue: Path, redis_url: str, keys: Keys
) -> None:
    truth = newsroom.expected(outlet)[-1]
    result = atalaia(
        "extract", truth.url, "--json", "--outlets", str(newsroom_catalogue),
        redis_url=redis_url, keys=keys,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    article = json.loads(result.stdout)
    assert article["title"] == truth.title
    assert article["outlet"] == outlet
    assert article["published_at"] == truth.published_at.isoformat()
    assert article["authors"] == list(truth.authors)
    assert article["canonical_url"] == truth.canonical_url
    assert article["language"] == truth.language
    assert truth.sentence in article["body"]


def test_extract_saved_file_with_its_original_url(
    newsroom: Newsroom, newsroom_catalogue: Path, redis_url: str, keys: Keys, tmp_path: Path
) -> None:
    truth = newsroom.expected("folha-interior")[-1]
    saved = tmp_path / "pagina.htm"
    saved.write_bytes(httpx.get(truth.url).content)
    result = atalaia(
        "extract", str(saved), "--url", truth.url, "--outlets", str(newsroom_catalogue),
        redis_url=redis_url, keys=keys,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert f"title:         {truth.title}" in result.stdout
    assert f"published_at:  {truth.published_at.isoformat()}" in result.stdout
    assert truth.sentence in result.stdout


def test_extract_says_when_a_page_is_not_an_article(
    newsroom: Newsroom, newsroom_catalogue: Path, redis_url: str, keys: Keys
) -> None:
    hub = next(n for n in newsroom.non_articles("portal-rede") if n.kind == "video-hub")
    result = atalaia(
        "extract", hub.url, "--outlets", str(newsroom_catalogue), redis_url=redis_url, keys=keys
    )
    assert result.returncode == 1
    assert "not an article" in result.stdout


def test_extract_of_a_missing_file_is_a_clear_error(redis_url: str, keys: Keys) -> None:
    result = atalaia("extract", "/nao/existe.html", redis_url=redis_url, keys=keys)
    assert result.returncode == 2
    assert "cannot read /nao/existe.html" in result.stderr
