"""Which stages of this process keep failing, for /healthz.

A stage (e.g. "extraction") reports each failure it survived (a crashed worker
replaced, say); it is *failing* while `threshold` or more of them fall within the
last `window` seconds, and well again once they age out. Time is passed in.
"""

from __future__ import annotations

import threading
from collections import deque


class StageHealth:
    def __init__(self, threshold: int = 3, window: float = 600.0) -> None:
        self.threshold = threshold
        self.window = window
        self._failures: dict[str, deque[tuple[float, str]]] = {}
        self._lock = threading.Lock()

    def failed(self, stage: str, reason: str, now: float) -> None:
        with self._lock:
            failures = self._failures.setdefault(stage, deque())
            failures.append((now, reason))
            self._forget_old(failures, now)

    def failing(self, now: float) -> dict[str, str]:
        """Each failing stage and what is wrong with it, e.g.
        {"extraction": "3 failures in the last 10m (latest: a worker process died)"}."""
        found = {}
        with self._lock:
            for stage, failures in self._failures.items():
                self._forget_old(failures, now)
                if len(failures) >= self.threshold:
                    minutes = f"{self.window / 60:g}m"
                    found[stage] = (
                        f"{len(failures)} failures in the last {minutes} "
                        f"(latest: {failures[-1][1]})"
                    )
        return found

    def _forget_old(self, failures: deque[tuple[float, str]], now: float) -> None:
        while failures and failures[0][0] <= now - self.window:
            failures.popleft()
