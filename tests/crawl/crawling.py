"""Running `atalaia crawl` as a user would, against the newsroom, and reading its results."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import redis

from atalaia.redis_connection import connect
from atalaia.redis_keys import Keys
from atalaia.story import Story

ROOT = Path(__file__).resolve().parents[2]


def atalaia(
    *args: str,
    redis_url: str,
    keys: Keys,
    env: dict[str, str] | None = None,
    timeout: int = 120,
) -> subprocess.CompletedProcess[str]:
    """Run the `atalaia` command line in a child process, as a user would."""
    environment = {
        **os.environ,
        "ATALAIA_REDIS_URL": redis_url,
        "ATALAIA_REDIS_PREFIX": keys.prefix,
        "ATALAIA_WATCHLISTS": str(ROOT / "watchlists.yaml"),
        # The newsroom's articles are dated July 2025: follow sitemaps that far back.
        "ATALAIA_SITEMAP_WINDOW": "3650d",
        "ATALAIA_DOWNLOAD_TIMEOUT": "2",
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "scheduler.cli", *args],
        capture_output=True, text=True, cwd=ROOT, env=environment, timeout=timeout,
    )  # fmt: skip


def crawl(catalogue: Path, redis_url: str, keys: Keys, *outlets: str, **env: str) -> dict[str, Any]:
    """`atalaia crawl --json`; returns the summary, with per-outlet entries by id."""
    result = atalaia(
        "crawl", "--json", "--outlets", str(catalogue), *outlets,
        redis_url=redis_url, keys=keys, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    summary: dict[str, Any] = json.loads(result.stdout)
    summary["by_outlet"] = {entry["outlet"]: entry for entry in summary["outlets"]}
    return summary


def stories(client: redis.Redis, keys: Keys) -> list[Story]:
    """Every story handed on, oldest first, from the recent-stories stream."""
    entries = client.xrange(keys.recent_stories()) or []
    return [Story.from_json(fields[b"story"]) for _, fields in entries if fields]


@contextmanager
def redis_commands(redis_url: str, prefix: str) -> Iterator[list[tuple[str, str]]]:
    """(COMMAND, first key) of every command under `prefix` while the block runs."""
    seen: list[tuple[str, str]] = []
    client = connect(redis_url)
    ready, stop = threading.Event(), threading.Event()
    end = prefix + "monitor-end"

    def listen() -> None:
        with client.monitor() as monitor:  # type: ignore[no-untyped-call]
            ready.set()
            while not stop.is_set():
                parts = str(monitor.next_command().get("command", "")).split(" ")
                if len(parts) > 1 and parts[1] == end:
                    return
                if len(parts) > 1 and parts[1].startswith(prefix):
                    seen.append((parts[0].upper(), parts[1]))

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    assert ready.wait(5)
    try:
        yield seen
    finally:
        stop.set()
        other = connect(redis_url)
        other.delete(end)  # the listener stops when it sees this
        other.close()
        thread.join(timeout=5)
        client.close()
