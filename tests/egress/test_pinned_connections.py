"""The connection goes to the address the policy checked, never to a second lookup's."""

from __future__ import annotations

from pathlib import Path

import redis
import yaml

from atalaia.redis_keys import Keys
from tests.crawl.crawling import stories
from tests.crawl.test_scrapy_project import scrapy
from tests.newsroom import Newsroom


def test_a_name_only_the_policy_resolves_is_fetched_at_the_checked_address(
    newsroom: Newsroom, tmp_path: Path, redis_url: str, redis_client: redis.Redis, keys: Keys
) -> None:
    outlet = newsroom.outlets["diario-planalto"]
    port = outlet.base_url.rsplit(":", 1)[1]
    entry = outlet.catalogue_entry()
    named = f"http://newsroom.invalid:{port}"
    entry["homepage"] = named + "/"
    entry["domains"] = [f"127.0.0.1:{port}"]  # its pages link to itself by address
    entry["feeds"] = [url.replace(outlet.base_url, named) for url in entry["feeds"]]
    catalogue = tmp_path / "outlets.yaml"
    catalogue.write_text(yaml.safe_dump({"outlets": [entry]}), encoding="utf-8")

    result = scrapy(
        "crawl", "outlet", "-a", "outlet=diario-planalto",
        "-s", f"ATALAIA_OUTLETS={catalogue}", "-s", f"ATALAIA_REDIS_URL={redis_url}",
        "-s", f"ATALAIA_REDIS_PREFIX={keys.prefix}", "-s", "LOG_LEVEL=WARNING",
        "-s", "ATALAIA_EGRESS_RESOLVER=tests.egress.names.resolve",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    feed = newsroom.requests_for("diario-planalto", "/feed/")
    assert feed and feed[0].header("Host") == f"newsroom.invalid:{port}"
    crawled = {s.article.canonical_url for s in stories(redis_client, keys)}
    expected = newsroom.expected("diario-planalto", listed_only=True)
    assert crawled == {a.canonical_url for a in expected}
