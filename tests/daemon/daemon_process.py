"""`atalaia run` in a child process, as an operator starts it, and what it shows.

    daemon = DaemonProcess(tmp_path / "logs", name="all", outlets=..., env=...)
    daemon.start(roles=("crawler",))   # no roles: all three
    daemon.wait_healthy()
    daemon.healthz(), daemon.metrics(), daemon.log()
    daemon.terminate()                 # SIGTERM; returns the exit code and how long it took
    daemon.kill()                      # SIGKILL: a crash

Each process gets its own metrics port (a free one, picked at start) and its own log
file (stderr and stdout both go there, so a chatty process never blocks on a pipe).
`consumer` is the name it uses in Redis (consumer groups, the leader lease):
`<hostname>-<pid>`.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO

from tests.crawl.crawling import ROOT


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(
    condition: Callable[[], object], timeout: float, interval: float = 0.1, what: str = ""
) -> None:
    """Poll `condition` until it is true; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    if condition():
        return
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what or condition}")


class DaemonProcess:
    """One `atalaia run` process; start it, probe it, stop or kill it."""

    def __init__(self, log_dir: Path, *, name: str, outlets: Path, env: Mapping[str, str]) -> None:
        self.name = name
        self.outlets = outlets
        self.env = dict(env)
        self.log_path = log_dir / f"{name}.log"
        log_dir.mkdir(parents=True, exist_ok=True)
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self._log_file: IO[bytes] | None = None

    # -- lifecycle ------------------------------------------------------------------

    def start(self, roles: Sequence[str] = (), args: Sequence[str] = ()) -> DaemonProcess:
        self.port = free_port()
        command = [
            sys.executable, "-m", "scheduler.cli", "run",
            "--outlets", str(self.outlets),
            "--metrics-address", f"127.0.0.1:{self.port}",
        ]  # fmt: skip
        for role in roles:
            command += ["--role", role]
        command += args
        self._log_file = self.log_path.open("ab")
        self._log_file.write(f"--- start {' '.join(command[3:])}\n".encode())
        self._log_file.flush()
        self.process = subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **self.env},
            stdin=subprocess.DEVNULL, stdout=self._log_file, stderr=subprocess.STDOUT,
        )  # fmt: skip
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None, f"{self.name} was never started"
        return self.process.pid

    @property
    def consumer(self) -> str:
        """The name this process goes by in Redis (as scheduler.daemon names it)."""
        return f"{socket.gethostname()}-{self.pid}"

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def terminate(self, timeout: float = 30.0) -> tuple[int | None, float]:
        """SIGTERM, then wait: (exit code, seconds taken); exit code None if it did not
        end within `timeout` (it is SIGKILLed then)."""
        assert self.process is not None
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            code: int | None = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            code = None
            self.kill()
        self._close_log()
        return code, time.monotonic() - started

    def kill(self) -> None:
        """SIGKILL: the process dies on the spot, as in a crash."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self._close_log()

    def _close_log(self) -> None:
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    # -- what it shows --------------------------------------------------------------

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_for_log(self, text: str, timeout: float) -> None:
        wait_until(lambda: text in self.log(), timeout, what=f"{text!r} in the {self.name} log")

    def get(self, path: str) -> tuple[int, str]:
        """(status, body) of GET http://127.0.0.1:port/path; status 0 when nothing answers."""
        url = f"http://127.0.0.1:{self.port}{path}"
        try:
            with urllib.request.urlopen(url, timeout=15) as answer:
                return int(answer.status), answer.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            with contextlib.closing(error):
                return int(error.code), error.read().decode("utf-8", "replace")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return 0, ""

    def healthz(self) -> int:
        return self.get("/healthz")[0]

    def metrics(self) -> str:
        status, body = self.get("/metrics")
        assert status == 200, f"/metrics answered {status}: {body}"
        return body

    def wait_healthy(self, timeout: float = 30.0) -> None:
        def healthy() -> bool:
            assert self.alive, f"{self.name} exited early:\n{self.log()[-3000:]}"
            return self.healthz() == 200

        wait_until(healthy, timeout, what=f"{self.name} to answer /healthz with 200")
