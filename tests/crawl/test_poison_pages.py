"""A page whose extraction keeps failing is given up for good after 3 tries, counted,
and never fetched again; the other articles are crawled as usual."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from atalaia.redis_keys import Keys
from tests.newsroom import Newsroom

from .crawling import ROOT

# One pass of `run_crawl` in a fresh process, whose extractor fails on one URL the way
# a hostile page makes it fail (the real one is hardened against the pages we know).
PASS = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from atalaia.settings import Settings
    from crawler import extraction_pool
    from crawler.catalogue import load_catalogue
    from crawler.runner import run_crawl

    catalogue, redis_url, prefix, poison = sys.argv[1:5]
    real = extraction_pool.extract_article

    def extract_article(html, url, **fields):
        if url == poison:
            raise RecursionError("maximum recursion depth exceeded")
        return real(html, url, **fields)

    extraction_pool.extract_article = extract_article
    settings = Settings(
        outlets_path=Path(catalogue), redis_prefix=prefix, sitemap_window=3650 * 86400
    )
    outlet = load_catalogue(Path(catalogue)).by_id["diario-planalto"]
    import crawler.settings
    crawler.settings.ATALAIA_EXTRACTION_WORKERS = 0  # in this process, where the patch is
    summary = run_crawl(settings, [outlet], redis_url)
    print(json.dumps(summary.to_dict()["outlets"][0]))
    """
)


def one_pass(catalogue: Path, redis_url: str, keys: Keys, poison: str) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", PASS, str(catalogue), redis_url, keys.prefix, poison],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    summary: dict[str, object] = json.loads(result.stdout.splitlines()[-1])
    return summary


def test_a_poison_page_is_given_up_after_three_failures(
    newsroom: Newsroom, newsroom_catalogue: Path, redis_url: str, keys: Keys
) -> None:
    articles = newsroom.expected("diario-planalto", listed_only=True)
    poison = articles[0].canonical_url
    path = poison.removeprefix(newsroom.outlets["diario-planalto"].base_url)
    summaries = [one_pass(newsroom_catalogue, redis_url, keys, poison) for _ in range(4)]
    assert summaries[0]["new_stories"] == len(articles) - 1
    assert [s["poison_pages"] for s in summaries] == [0, 0, 1, 0]
    assert [s["errors"] for s in summaries] == [1, 1, 1, 0]
    messages = [m for s in summaries for m in s["error_messages"]]  # type: ignore[attr-defined]
    assert "extraction failed: RecursionError" in messages[0]
    assert "given up for good" in messages[2]
    fetches = [a for a in newsroom.requests_for("diario-planalto", path) if a.method == "GET"]
    assert len(fetches) == 3, "a poison page was fetched again after it was given up"
