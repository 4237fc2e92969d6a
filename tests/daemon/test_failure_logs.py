"""An outlet that is down costs one WARNING line per failed request, with the outlet,
the URL and the reason, and no traceback (unless `-v`)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from atalaia.redis_keys import Keys

from .daemon_process import DaemonProcess, free_port, wait_until


def offline_catalogue(path: Path) -> tuple[Path, list[str]]:
    base = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    sources = [base + "/feed/", base + "/sitemap.xml", base + "/politica/"]
    entry = {
        "id": "fora-do-ar", "name": "Fora do Ar", "homepage": base + "/",
        "allow_private_network": True, "every": "2s",
        "feeds": [sources[0]], "sitemaps": [sources[1]],
        "sections": [{"url": sources[2], "articles": "/politica/.+"}],
    }  # fmt: skip
    path.write_text(yaml.safe_dump({"outlets": [entry]}), encoding="utf-8")
    return path, sources


def test_an_offline_outlet_logs_one_line_per_failure(
    tmp_path: Path, redis_url: str, keys: Keys
) -> None:
    catalogue, sources = offline_catalogue(tmp_path / "outlets.yaml")
    env = {
        "ATALAIA_REDIS_URL": redis_url,
        "ATALAIA_REDIS_PREFIX": keys.prefix,
        "ATALAIA_WATCHLISTS": str(Path(__file__).parents[2] / "watchlists.yaml"),
        "ATALAIA_DATA_DIR": str(tmp_path / "var"),
    }
    daemon = DaemonProcess(tmp_path / "logs", name="offline", outlets=catalogue, env=env)
    daemon.start(roles=("scheduler", "crawler"))
    try:
        wait_until(lambda: daemon.log().count("crawl fora-do-ar:") >= 2, 60, what="two passes")
    finally:
        daemon.terminate()
    log = daemon.log()
    assert "Traceback" not in log
    passes = log.count("crawl fora-do-ar:")
    for url in sources:
        lines = [line for line in log.splitlines() if url in line]
        assert lines, log
        assert all(" WARNING " in line and "fora-do-ar" in line for line in lines), lines
        assert all(line.endswith(f"{url}: connection refused") for line in lines), lines
        assert passes <= len(lines) <= passes + 1, (passes, lines)  # one per pass
    noise = [
        line for line in log.splitlines()
        if re.search(r" (WARNING|ERROR|CRITICAL) ", line) and not any(u in line for u in sources)
    ]  # fmt: skip
    assert noise == [], noise
