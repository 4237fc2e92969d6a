"""The Redis key schema: each key is in one family, the docs show the schema, and
`schema_problems` (what tests/daemon/test_keys_of_a_run.py checks a whole run with)
finds a key outside it, of another type, or with another lifetime.

`python -m tests.test_redis_keys` rewrites the table in docs/redis-keys.md.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import redis

from atalaia.redis_keys import SCHEMA, KeyFamily, Keys
from atalaia.redis_streams import text

DOC = Path(__file__).resolve().parents[1] / "docs" / "redis-keys.md"
BEGIN, END = "<!-- schema: begin -->\n", "<!-- schema: end -->\n"

STORY, ALERT = "0123456789abcdef", "alert_" + "0a" * 12
DAY = date(2025, 7, 15)
SAMPLES: dict[str, Callable[[Keys], str]] = {
    "crawl-jobs": lambda k: k.crawl_jobs(),
    "crawl-job:{outlet}": lambda k: k.crawl_job("r7"),
    "scheduler:leader": lambda k: k.leader(),
    "schedule:next": lambda k: k.next_runs(),
    "outlet:{outlet}": lambda k: k.outlet("r7"),
    "outlet:{outlet}:stories:{date}": lambda k: k.outlet_stories("r7", DAY),
    "outlet:{outlet}:poll": lambda k: k.outlet_poll("r7"),
    "seen:{epoch_day}": lambda k: k.seen(20284),
    "pending:{outlet}": lambda k: k.pending("r7"),
    "attempts:{outlet}": lambda k: k.attempts("r7"),
    "story:{story}": lambda k: k.story(STORY),
    "story:{story}:also": lambda k: k.story_also(STORY),
    "storyband:{band}": lambda k: k.story_band("3:" + "f0" * 16),
    "stories": lambda k: k.recent_stories(),
    "kept:story:{story}": lambda k: k.kept_story(STORY),
    "kept:stories:o:{outlet}": lambda k: k.kept_outlet_stories("r7"),
    "counts:{date}": lambda k: k.day_counts(DAY),
    "alert:{alert}": lambda k: k.alert(ALERT),
    "alerts": lambda k: k.alerts(),
    "kept:alert:{alert}": lambda k: k.kept_alert(ALERT),
    "kept:alerts": lambda k: k.kept_alerts(),
    "kept:alerts:w:{watchlist}": lambda k: k.kept_alerts(watchlist="coreia"),
    "kept:alerts:o:{outlet}": lambda k: k.kept_alerts(outlet="r7"),
    "kept:alerts:w:{watchlist}:o:{outlet}": lambda k: k.kept_alerts("coreia", "r7"),
    "delivery:{alert}": lambda k: k.delivery(ALERT),
    "delivery:retries": lambda k: k.retries(),
    "delivery:deadletters": lambda k: k.dead_letters(),
    "delivery:disabled": lambda k: k.disabled_channels(),
    "delivery:digest:{channel}": lambda k: k.digest("equipe"),
    "delivery:digest:{channel}:sending": lambda k: k.digest("equipe", "sending"),
    "delivery:digest:{channel}:due": lambda k: k.digest("equipe", "due"),
    "delivery:digest:{channel}:retry_at": lambda k: k.digest("equipe", "retry_at"),
    "delivery:digest:{channel}:batch": lambda k: k.digest("equipe", "batch"),
    "delivery:digest:{channel}:attempts": lambda k: k.digest("equipe", "attempts"),
    "delivery:digest:{channel}:lock": lambda k: k.digest("equipe", "lock"),
    "delivery:rate:{channel}:{epoch_hour}": lambda k: k.rate("equipe", 487000),
}


def schema_problems(client: redis.Redis, keys: Keys) -> tuple[list[str], set[KeyFamily]]:
    """Every key under `keys.prefix` that is not in the schema, has another type, or
    expires when its family does not (or not when it does); and the families seen."""
    problems, seen = [], set()
    for raw in client.scan_iter(match=keys.prefix + "*", count=1000):
        key = text(raw)
        family = keys.family_of(key)
        if family is None:
            problems.append(f"{key}: in no family of atalaia.redis_keys.SCHEMA")
            continue
        kind, ttl = text(client.type(key)), int(client.ttl(key))
        if kind == "none":
            continue  # gone since the scan
        seen.add(family)
        if kind != family.type:
            problems.append(f"{key}: a {kind}, but {family.pattern} is a {family.type}")
        if family.expires and ttl < 0:
            problems.append(f"{key}: no TTL, but {family.pattern} expires ({family.ttl})")
        if not family.expires and ttl >= 0:
            problems.append(f"{key}: expires in {ttl}s, but {family.pattern} is kept")
    return sorted(problems), seen


def test_every_family_has_its_builder_and_each_key_one_family() -> None:
    keys = Keys("atalaia-test:")
    assert sorted(SAMPLES) == sorted(family.pattern for family in SCHEMA)
    for family in SCHEMA:
        key = SAMPLES[family.pattern](keys)
        matching = [f.pattern for f in SCHEMA if f.regex(keys.prefix).fullmatch(key)]
        assert matching == [family.pattern], key
        assert keys.family_of(key) == family
    assert keys.family_of("atalaia-test:alerts:extra") is None
    assert keys.family_of("atalaia:alerts") is None  # another deployment's


def test_existing_key_names_stay_as_they_were() -> None:
    """Keys already in users' Redis must still be found."""
    keys = Keys()
    assert keys.outlet_stories("r7", DAY) == "atalaia:outlet:r7:stories:2025-07-15"
    assert keys.story_also(STORY) == f"atalaia:story:{STORY}:also"
    assert keys.kept_alerts("coreia", "r7") == "atalaia:kept:alerts:w:coreia:o:r7"
    assert keys.digest("equipe", "retry_at") == "atalaia:delivery:digest:equipe:retry_at"
    assert keys.rate("equipe", 12) == "atalaia:delivery:rate:equipe:12"


def test_the_check_finds_stray_keys_wrong_types_and_lifetimes(
    redis_client: redis.Redis, keys: Keys
) -> None:
    redis_client.set(keys.prefix + "stray:r7", "1")  # a key someone added outside the schema
    redis_client.set(keys.retries(), "1")  # a zset family written as a string
    redis_client.hset(keys.story(STORY), "outlet", "r7")  # expires by the schema: no TTL
    redis_client.hset(keys.next_runs(), "r7", "1")
    redis_client.expire(keys.next_runs(), 60)  # kept by the schema: a TTL
    redis_client.set(keys.crawl_job("r7"), "1", ex=60)  # right
    problems, seen = schema_problems(redis_client, keys)
    assert len(problems) == 4, problems
    assert any("stray:r7: in no family" in p for p in problems)
    assert any("a string, but delivery:retries is a zset" in p for p in problems)
    assert any("no TTL, but story:{story} expires" in p for p in problems)
    assert any("but schedule:next is kept" in p for p in problems)
    assert {f.pattern for f in seen} == {
        "delivery:retries", "story:{story}", "schedule:next", "crawl-job:{outlet}"
    }  # fmt: skip


def markdown_table() -> str:
    rows = [
        "| Key (after the prefix) | Type | Expires | Written by | Read by | What and why |",
        "|---|---|---|---|---|---|",
    ]
    for f in SCHEMA:
        ttl = f.ttl or "never"
        rows.append(
            f"| `{f.pattern}` | {f.type} | {ttl} | {f.written_by} | {f.read_by} | {f.why} |"
        )
    return "\n".join(rows) + "\n"


def test_the_docs_show_the_schema() -> None:
    doc = DOC.read_text(encoding="utf-8")
    assert BEGIN in doc and END in doc, f"{DOC} lost its schema markers"
    table = doc.split(BEGIN, 1)[1].split(END, 1)[0]
    assert table == markdown_table(), "run `python -m tests.test_redis_keys` to renew the docs"


if __name__ == "__main__":
    head, rest = DOC.read_text(encoding="utf-8").split(BEGIN, 1)
    DOC.write_text(head + BEGIN + markdown_table() + END + rest.split(END, 1)[1], "utf-8")
