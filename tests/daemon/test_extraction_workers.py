"""Extraction workers that die are replaced: the daemon goes on extracting every
article, and /healthz says so when they keep dying."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from .daemon_process import wait_until
from .stage import Stage


def extraction_workers(parent: int) -> list[int]:
    """The daemon's extraction worker processes (multiprocessing 'spawn' children)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text(encoding="ascii")
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == parent and b"spawn_main" in command and b"resource_tracker" not in command:
            found.append(int(entry.name))
    return found


def kill_a_worker(daemon_pid: int) -> None:
    wait_until(lambda: extraction_workers(daemon_pid), 30, what="an extraction worker")
    victim = extraction_workers(daemon_pid)[0]
    os.kill(victim, signal.SIGKILL)
    wait_until(lambda: victim not in extraction_workers(daemon_pid), 10, what="the worker to die")


def test_the_daemon_survives_killed_extraction_workers(stage: Stage) -> None:
    daemon = stage.start("all")
    daemon.wait_healthy()
    stage.wait_crawled(*stage.room.expected())

    kill_a_worker(daemon.pid)
    later = [stage.publish(outlet) for outlet in stage.outlet_ids]
    stage.wait_crawled(*later)
    assert daemon.alive and daemon.healthz() == 200  # one death: replaced, not a failing stage
    assert "extraction worker process died" in daemon.log()

    for _ in range(2):  # workers that keep dying: every article still extracted, and reported
        kill_a_worker(daemon.pid)
        more = [stage.publish(outlet) for outlet in stage.outlet_ids]
        stage.wait_crawled(*more)
    status, reason = daemon.get("/healthz")
    assert status == 503 and reason.startswith("extraction: 3 failures in the last 10m"), reason
    stage.wait_delivered()
    assert "Traceback" not in daemon.log()
