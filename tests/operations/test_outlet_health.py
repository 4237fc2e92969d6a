"""Reading each outlet's crawl health from Redis."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import redis

from atalaia.redis_keys import Keys
from crawler.outlet_health import local_day, read_outlet_health

SAO_PAULO = ZoneInfo("America/Sao_Paulo")
LISBON = ZoneInfo("Europe/Lisbon")


def test_stories_today_key_and_the_outlets_day(keys: Keys) -> None:
    assert keys.outlet_stories("r7", date(2025, 2, 28)) == keys.prefix + (
        "outlet:r7:stories:2025-02-28"
    )
    two_am_utc = datetime(2025, 3, 1, 2, 0, tzinfo=UTC).timestamp()
    assert local_day(SAO_PAULO, two_am_utc) == date(2025, 2, 28)  # 23:00 the day before
    assert local_day(LISBON, two_am_utc) == date(2025, 3, 1)


def test_read_outlet_health(redis_client: redis.Redis, keys: Keys) -> None:
    now = datetime(2025, 3, 1, 2, 0, tzinfo=UTC).timestamp()
    redis_client.hset(
        keys.outlet("r7"),
        mapping={
            "last_crawl": now - 60,
            "last_success": now - 600,
            "last_error": "HTTP 503",
            "last_summary": json.dumps({"outlet": "r7", "errors": 2}),
        },
    )
    redis_client.set(keys.outlet_stories("r7", date(2025, 2, 28)), 9)
    redis_client.set(keys.outlet_stories("r7", date(2025, 3, 1)), 1)  # Lisbon's day
    r7, publico = read_outlet_health(
        redis_client, keys, [("r7", SAO_PAULO), ("publico", LISBON)], now
    )
    assert (r7.state, r7.stories_today, r7.last_error, r7.last_pass_errors) == (
        "failing", 9, "HTTP 503", 2,
    )  # fmt: skip
    assert r7.last_crawl == now - 60 and r7.last_success == now - 600
    assert (publico.state, publico.stories_today, publico.last_crawl) == ("never", 0, None)
