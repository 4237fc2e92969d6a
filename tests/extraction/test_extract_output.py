"""`atalaia extract` says where the publication date came from and how precise it is."""

from __future__ import annotations

import json
from pathlib import Path

from atalaia.redis_keys import Keys
from tests.crawl.crawling import atalaia

from .pagebuilder import article_page, title_tags

HEADLINE = "Governo libera verba para duplicar a rodovia do litoral"


def saved(tmp_path: Path, date_line: str) -> Path:
    page = tmp_path / "pagina.html"
    header = f"<h1>{HEADLINE}</h1><p>{date_line}</p>"
    page.write_text(article_page(head=title_tags(HEADLINE), header=header), encoding="utf-8")
    return page


def test_extract_shows_the_source_and_precision_of_the_date(
    tmp_path: Path, redis_url: str, keys: Keys
) -> None:
    page = saved(tmp_path, "Publicado em 05/03/2024 às 18h32")
    url = "https://www.gazetadovale.example/noticias/governo-libera-verba"
    result = atalaia("extract", str(page), "--url", url, "--timezone", "America/Sao_Paulo",
                     redis_url=redis_url, keys=keys)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "published_at:  2024-03-05T18:32:00-03:00 (minute, from visible)" in result.stdout

    result = atalaia("extract", str(page), "--url", url, "--json", "--timezone",
                     "America/Sao_Paulo", redis_url=redis_url, keys=keys)  # fmt: skip
    article = json.loads(result.stdout)
    assert article["published_source"] == "visible"
    assert article["published_precision"] == "minute"


def test_extract_shows_a_day_only_date_as_a_day(tmp_path: Path, redis_url: str, keys: Keys) -> None:
    page = saved(tmp_path, "25/10/2016")
    result = atalaia("extract", str(page), "--url", "https://www.gazetadovale.example/n/1",
                     "--timezone", "America/Sao_Paulo", redis_url=redis_url, keys=keys)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "published_at:  2016-10-25 (day only, from visible)" in result.stdout
