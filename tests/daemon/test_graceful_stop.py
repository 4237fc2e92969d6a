"""SIGTERM while crawls are running: exit 0 within 30 s; a restart repeats no alert."""

from __future__ import annotations

import time

from tests.newsroom import Fault

from .stage import Stage


def test_sigterm_mid_crawl_exits_0_and_a_restart_repeats_no_alert(stage: Stage) -> None:
    first = stage.start("first")
    first.wait_healthy()
    stage.wait_crawled(*stage.room.expected())
    stage.wait_delivered()
    fast, slow = stage.outlet_ids
    quick = stage.publish(fast)
    stage.wait_crawled(quick)
    stage.wait_delivered()
    before = set(stage.received())

    # A crawl of the slow outlet is under way (every answer takes 2 s) when SIGTERM comes.
    stage.room.set_fault(slow, Fault.slow(2.0))
    taken_before = stage.job_ids()
    stage.wait_running(slow, not_in=taken_before)
    late = stage.publish(slow)  # while that crawl waits for robots.txt
    time.sleep(0.5)
    code, seconds = first.terminate(timeout=30)
    assert code == 0, f"exit code {code}\n{first.log()[-4000:]}"
    assert seconds < 30
    assert "atalaia stopped" in first.log()
    assert "Traceback" not in first.log()
    assert not stage.crawled(late), "the slow crawl finished before SIGTERM: the test proves less"

    # Restarted against the same Redis: the interrupted crawl is done at once (its
    # job was released, not left to wait the 60 s claim-idle time of a crashed
    # crawler's), its alert delivered, and nothing delivered before comes again.
    stage.room.set_fault(slow, None)
    second = stage.start("second")
    second.wait_healthy()
    restarted = time.monotonic()
    stage.wait_crawled(late, timeout=20)
    stage.wait_delivered()
    time.sleep(max(0.0, restarted + 6 - time.monotonic()))  # a few more polls of both outlets
    assert stage.delivered()
    received = stage.received()
    assert before < set(received)
    assert stage.repeated_alerts() == {}, "an alert was delivered again after the restart"
    assert max(stage.story_counts().values()) == 1
    assert not stage.receiver.rejected
    code, _ = second.terminate()
    assert code == 0
