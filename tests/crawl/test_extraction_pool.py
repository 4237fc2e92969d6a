"""Extraction workers never outlive their crawl process, even one killed with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from .crawling import ROOT

CHILD = textwrap.dedent(
    """
    import asyncio, time
    from atalaia.article import NotAnArticle
    from crawler import extraction_pool

    async def main() -> None:
        try:
            await extraction_pool.extract_in_pool(
                b"<html><body><p>x</p></body></html>", "http://x/", outlet="",
                timezone="UTC", language="", declared_charset=None, workers=1,
            )
        except NotAnArticle:
            pass
        assert extraction_pool._pool is not None
        print(*extraction_pool._pool._processes, flush=True)
        time.sleep(60)

    if __name__ == "__main__":
        asyncio.run(main())
    """
)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text(encoding="ascii").split()[2] != "Z"


def test_workers_exit_when_the_crawl_process_is_killed() -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    workers = [int(pid) for pid in child.stdout.readline().split()]
    assert workers and all(_alive(pid) for pid in workers)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(pid) for pid in workers), "an extraction worker outlived its crawl"
