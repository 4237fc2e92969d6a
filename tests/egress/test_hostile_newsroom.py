"""A hostile outlet links and redirects into the network: nothing internal is reached."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from atalaia.redis_keys import Keys
from tests.crawl.crawling import atalaia
from tests.delivery.receiver import Receiver
from tests.newsroom.hostile import SECRET, HostileOutlet, InternalServer


def test_links_and_redirects_into_the_network_are_never_fetched(
    tmp_path: Path, redis_url: str, keys: Keys
) -> None:
    with InternalServer() as internal, HostileOutlet(internal.port) as outlet, Receiver() as hook:
        catalogue = tmp_path / "outlets.yaml"
        catalogue.write_text(yaml.safe_dump({"outlets": [outlet.catalogue_entry()]}))
        watchlists = tmp_path / "watchlists.yaml"
        watchlists.write_text(
            yaml.safe_dump(
                {
                    "channels": {"equipe": {"type": "webhook", "url": hook.url}},
                    "watchlists": [{"id": "russia", "terms": ["Rússia"], "notify": ["equipe"]}],
                }
            )
        )
        files = ("--outlets", str(catalogue), "--watchlists", str(watchlists))
        result = atalaia("crawl", "-v", *files, redis_url=redis_url, keys=keys)
        assert result.returncode == 0, result.stderr

        assert internal.requests == [], "a request reached the internal server"
        assert outlet.ARTICLE in outlet.requests and outlet.REDIRECT in outlet.requests
        # The one public article was crawled and alerted; nothing internal reached the hook.
        bodies = [r.body.decode() for r in hook.requests]
        assert len(bodies) == 1 and "Brasil e Rússia assinam acordo" in bodies[0]
        assert SECRET not in "".join(bodies)
        # Counted for the outlet (the redirect at least: links may be skipped before it)...
        assert re.search(r"hostil: \d+ requests refused by the egress policy", result.stdout)
        # ...and logged once per refused host and address, with the address.
        refusals = [line for line in result.stderr.splitlines() if "refused" in line]
        assert any(
            f"127.0.0.1:{internal.port}/" in line
            and "refused: 127.0.0.1 is a loopback address" in line
            for line in refusals
        ), result.stderr
        assert len(refusals) == len(set(refusals))
        assert "Traceback" not in result.stderr

        # What was refused is done with: the next pass neither refuses nor fetches it again.
        again = atalaia("crawl", "--json", *files, redis_url=redis_url, keys=keys)
        assert again.returncode == 0, again.stderr
        assert json.loads(again.stdout)["outlets"][0]["egress_refused"] == 0
        assert outlet.requests.count(outlet.REDIRECT) == 1
        assert internal.requests == []
