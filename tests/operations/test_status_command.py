"""`atalaia status`, run as a user would, against what the daemon keeps in Redis."""

from __future__ import annotations

import json
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import redis

from atalaia.redis_keys import Keys
from crawler.outlet_health import local_day
from tests.crawl.crawling import atalaia

CATALOGUE = """\
outlets:
  - id: r7
    name: R7
    timezone: America/Sao_Paulo
    feeds: [https://noticias.r7.com/feed.xml]
    every: 5m
  - id: publico
    name: Público
    timezone: Europe/Lisbon
    feeds: [https://www.publico.pt/rss]
  - id: folha
    name: Folha de S.Paulo
    feeds: [https://feeds.folha.uol.com.br/emcimadahora/rss091.xml]
  - id: velho
    name: Velho Jornal
    enabled: false
"""


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    path = tmp_path / "outlets.yaml"
    path.write_text(CATALOGUE, encoding="utf-8")
    return path


def daemon_state(client: redis.Redis, keys: Keys, now: float) -> None:
    """What record_outcome, the scheduler and the dispatcher leave in Redis."""
    summary = {"outlet": "r7", "new_stories": 4, "errors": 0}
    client.hset(
        keys.outlet("r7"),
        mapping={
            "last_crawl": now - 120,
            "last_success": now - 120,
            "last_error": "HTTP 500 on https://noticias.r7.com/feed.xml",
            "last_summary": json.dumps(summary),
        },
    )
    client.set(keys.outlet_stories("r7", local_day(ZoneInfo("America/Sao_Paulo"), now)), 17)
    client.hset(
        keys.outlet("publico"),
        mapping={
            "last_crawl": now - 60,
            "last_success": now - 7200,
            "last_error": "DNS lookup failed for www.publico.pt",
            "last_summary": json.dumps({"outlet": "publico", "errors": 3}),
        },
    )
    client.hset(keys.next_runs(), mapping={"r7": now + 180, "publico": now - 5})
    client.xadd(keys.crawl_jobs(), {"outlet": "r7"})
    client.xgroup_create(keys.crawl_jobs(), "crawlers", id="0")
    client.xreadgroup("crawlers", "c1", {keys.crawl_jobs(): ">"})
    client.xgroup_create(keys.alerts(), "dispatchers", id="0", mkstream=True)
    for n in range(2):
        client.xadd(keys.alerts(), {"alert": json.dumps({"n": n})})
    client.zadd(keys.retries(), {"a1|equipe": now + 300})
    for n in range(3):
        client.xadd(keys.dead_letters(), {"alert_id": f"a{n}", "channel": "equipe"})
    client.hset(
        keys.disabled_channels(),
        "antigo",
        json.dumps({"since": now - 3600, "reason": "410 Gone from https://hooks.example.org"}),
    )


def test_status_json(
    catalogue: Path, redis_client: redis.Redis, redis_url: str, keys: Keys
) -> None:
    now = time.time()
    daemon_state(redis_client, keys, now)
    result = atalaia(
        "status", "--json", "--outlets", str(catalogue), redis_url=redis_url, keys=keys
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    outlets = {entry["outlet"]: entry for entry in report["outlets"]}
    assert list(outlets) == ["r7", "publico", "folha", "velho"]

    r7 = outlets["r7"]
    assert r7["state"] == "ok" and r7["enabled"] is True
    assert r7["last_crawl"] == pytest.approx(now - 120)
    assert r7["last_success"] == pytest.approx(now - 120)
    assert r7["stories_today"] == 17
    assert r7["next_run"] == pytest.approx(now + 180)
    assert r7["last_summary"]["new_stories"] == 4

    publico = outlets["publico"]
    assert publico["state"] == "failing"
    assert publico["last_error"] == "DNS lookup failed for www.publico.pt"
    assert publico["last_pass_errors"] == 3
    assert publico["stories_today"] == 0

    folha = outlets["folha"]
    assert folha["state"] == "never"
    assert folha["last_crawl"] is None and folha["next_run"] is None
    assert outlets["velho"]["state"] == "disabled"

    assert report["crawl_jobs"] == {
        "stream": "crawl-jobs", "group": "crawlers", "length": 1, "pending": 1,
    }  # fmt: skip
    assert report["alerts"] == {
        "stream": "alerts", "group": "dispatchers", "length": 2, "pending": 0,
    }  # fmt: skip
    assert report["retries"] == 1
    assert report["dead_letters"] == 3
    assert [c["channel"] for c in report["disabled_channels"]] == ["antigo"]


def test_status_table(
    catalogue: Path, redis_client: redis.Redis, redis_url: str, keys: Keys
) -> None:
    daemon_state(redis_client, keys, time.time())
    result = atalaia(
        "status", "--outlets", str(catalogue),
        redis_url=redis_url, keys=keys, env={"COLUMNS": "220"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = result.stdout
    rows = {line.split()[1]: line for line in out.splitlines() if line.startswith("│")}
    assert "ok" in rows["r7"] and "2m ago" in rows["r7"] and "17" in rows["r7"]
    assert "in 2m" in rows["r7"] or "in 3m" in rows["r7"]
    assert "failing" in rows["publico"] and "DNS lookup failed" in rows["publico"]
    assert "2h00m ago" in rows["publico"] and "due" in rows["publico"]
    assert "never" in rows["folha"] and "disabled" in rows["velho"]
    assert "Crawl jobs: 1 in the stream, 1 in progress (group crawlers)" in out
    assert "Alerts: 2 in the stream, 0 in progress (group dispatchers), 1 waiting" in out
    assert "Dead letters: 3" in out
    assert "Disabled channel antigo since 1h00m ago: 410 Gone" in out


def test_status_on_an_empty_redis(catalogue: Path, redis_url: str, keys: Keys) -> None:
    result = atalaia(
        "status", "--json", "--outlets", str(catalogue), redis_url=redis_url, keys=keys
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert {entry["state"] for entry in report["outlets"]} == {"never", "disabled"}
    assert report["crawl_jobs"]["length"] == 0 and report["alerts"]["pending"] == 0
    assert report["dead_letters"] == 0 and report["disabled_channels"] == []


def test_status_without_redis_exits_2_with_a_message(catalogue: Path, keys: Keys) -> None:
    result = atalaia(
        "status", "--outlets", str(catalogue), redis_url="redis://127.0.0.1:1/0", keys=keys
    )
    assert result.returncode == 2
    assert result.stderr.startswith("atalaia: error: cannot reach Redis at redis://127.0.0.1:1")
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_status_fits_80_columns_and_stays_a_table_when_piped(
    redis_client: redis.Redis, redis_url: str, keys: Keys
) -> None:
    """The shipped catalogue (about 50 outlets), some failing with long errors, at 80
    columns."""
    from tests.crawl.crawling import ROOT

    now = time.time()
    failing = ["folha", "correio-braziliense", "expresso-das-ilhas", "sputnik-brasil"]
    for outlet in failing:
        long_error = (
            f"https://{outlet}.example/feeds/rss/ultimas-noticias.xml: " + "timed out " * 12
        )
        redis_client.hset(
            keys.outlet(outlet),
            mapping={
                "last_crawl": now - 60, "last_success": now - 86400 * 3,
                "last_error": long_error,
                "last_summary": json.dumps({"errors": 7, "egress_refused": 2}),
            },
        )  # fmt: skip
    result = atalaia(
        "status", "--outlets", str(ROOT / "seeds" / "outlets.yaml"),
        redis_url=redis_url, keys=keys, env={"COLUMNS": "80"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80, max(lines, key=len)
    from crawler.catalogue import load_catalogue

    count = len(load_catalogue(ROOT / "seeds" / "outlets.yaml"))
    rows = [line for line in lines if line.startswith("│")]
    assert len(rows) == count, "one row per outlet"
    assert len(lines) < count + 30
    for outlet in failing:
        row = next(r for r in rows if r.split()[1] == outlet)
        assert "failing" in row and " 7 " in row
        note = next(line for line in lines if line.startswith(f"  {outlet}: "))
        assert note.startswith(f"  {outlet}: https://") and note.endswith("timed out")
        assert "…" in note
    assert "2 requests refused by the egress policy" in result.stdout
    assert "Dead letters: 0" in result.stdout
