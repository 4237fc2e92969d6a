"""`atalaia match` behaves like grep: 0 on a match, 1 on none, 2 on an error."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx

from tests.newsroom import Newsroom

from ..crawl.crawling import ROOT

SEED = Path(__file__).resolve().parents[1] / "matching" / "seed-article-r7.txt"


def match(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scheduler.cli", "match", *args],
        input=stdin, capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip


def test_seed_article_matches_the_default_watchlist_with_marked_snippets() -> None:
    assert SEED.exists(), "the seed article fixture is missing"
    result = match("--watchlist", "coreia-russia", str(SEED))
    assert result.returncode == 0, result.stderr
    assert "Coreia do Norte e Rússia" in result.stdout
    for term in ("«Coreia do Norte»", "«Rússia»", "«Kim Jong-un»"):
        assert term in result.stdout


def test_no_match_exits_1_and_stdin_is_the_default() -> None:
    result = match("--query", "Rússia", stdin="Bielorrússia fecha fronteira com a Polônia.")
    assert result.returncode == 1
    assert "no match" in result.stdout


def test_bad_query_exits_2_and_points_at_the_column() -> None:
    result = match("--query", "Putin AND (Kim OR", stdin="texto")
    assert result.returncode == 2
    assert "bad query" in result.stderr and "column" in result.stderr
    lines = result.stderr.splitlines()
    caret = next(line for line in lines if line.strip() == "^")
    query_line = lines[lines.index(caret) - 1]
    assert query_line.strip() == "Putin AND (Kim OR"


def test_unreadable_source_exits_2() -> None:
    result = match("--query", "Rússia", "/nao/existe.txt")
    assert result.returncode == 2
    assert "cannot read /nao/existe.txt" in result.stderr


def test_html_is_extracted_so_fields_apply(newsroom: Newsroom) -> None:
    article = newsroom.publish("portal-rede", topic="coreia")
    title_word = article.title.split()[0]
    in_title = match("--json", "--query", f'title:"{title_word}"', article.url)
    assert in_title.returncode == 0, in_title.stderr
    data = json.loads(in_title.stdout)
    assert data["title"] == article.title
    assert data["watchlists"][0]["hits"][0]["field"] == "title"
    nowhere = match("--query", "title:futebol", article.url)
    assert nowhere.returncode == 1


def test_saved_html_file_with_its_url(newsroom: Newsroom, tmp_path: Path) -> None:
    article = newsroom.publish("folha-interior", topic="russia")
    saved = tmp_path / "page.htm"
    saved.write_bytes(httpx.get(article.url).content)
    result = match("--json", "--query", "Rússia", str(saved), "--url", article.url)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["url"] == article.url
