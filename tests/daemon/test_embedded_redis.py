"""The embedded Redis that dies is started again, on the same port with the same data,
and the daemon carries on."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

from atalaia.redis_connection import connect
from atalaia.redis_keys import Keys
from tests.crawl.crawling import stories

from .daemon_process import wait_until
from .stage import Stage


def embedded_state(data_dir: Path) -> dict[str, object]:
    try:
        state: dict[str, object] = json.loads((data_dir / "redis" / "embedded.json").read_text())
    except (OSError, ValueError):
        return {}
    return state


def test_a_killed_embedded_redis_is_restarted(tmp_path: Path, redis_url: str, keys: Keys) -> None:
    data_dir = tmp_path / "var"
    with Stage(tmp_path, redis_url, keys, env={"ATALAIA_REDIS_URL": ""}) as stage:
        daemon = stage.start("all")
        daemon.wait_healthy()
        first = embedded_state(data_dir)
        assert first, "no embedded Redis was started"
        client = connect(str(first["url"]))
        wait_until(lambda: stories(client, keys), 30, what="the first crawl")
        before = len(stories(client, keys))

        os.kill(int(str(first["pid"])), signal.SIGKILL)
        wait_until(
            lambda: embedded_state(data_dir).get("pid") not in (None, first["pid"]),
            30, what="a new embedded Redis",
        )  # fmt: skip
        assert embedded_state(data_dir)["url"] == first["url"]  # same port: clients reconnect
        daemon.wait_healthy()
        assert "embedded Redis exited" in daemon.log()

        article = stage.publish()
        client = connect(str(first["url"]))

        def crawled() -> bool:
            return article.canonical_url in {s.article.canonical_url for s in stories(client, keys)}

        wait_until(crawled, 60, what="the daemon to crawl on after the restart")
        assert len(stories(client, keys)) > before  # the data survived the restart too

        # The restarted server is the daemon's own: it stops with the daemon.
        second = int(str(embedded_state(data_dir)["pid"]))
        code, _ = daemon.terminate()
        assert code == 0
        wait_until(lambda: not alive(second), 15, what="the embedded Redis to stop")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text(encoding="ascii").rsplit(")", 1)[1].split()[0] != "Z"
