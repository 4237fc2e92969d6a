"""How long `atalaia` takes to start: `--help`, `check` and `match`, against `python -c pass`.

    python -m bench.startup_bench [--runs 3]

Each command runs `--runs` times in a fresh process (after one warm-up run, so the
file cache is warm for all alike); the report gives the median and the range of the
wall-clock times, and each median's ratio to the baseline's, measured in the same run.
Target: `atalaia --help` under 0.35 s on the development machine.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_HELP = 0.35

# The installed console script, as users run it (python -m scheduler.cli without one).
_SCRIPT = Path(sys.executable).with_name("atalaia")
ATALAIA = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "scheduler.cli"]

COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "atalaia --help": [*ATALAIA, "--help"],
    "atalaia check": [*ATALAIA, "check"],
    "atalaia match --query": [*ATALAIA, "match", "--query", "Rússia"],
}


def timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        command, cwd=ROOT, input="A Rússia e a Coreia do Norte.", text=True,
        capture_output=True, check=False,
    )  # fmt: skip
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per command (default 3)")
    args = parser.parse_args()
    results: dict[str, list[float]] = {}
    for name, command in COMMANDS.items():
        timed(command)  # warm-up
        results[name] = [timed(command) for _ in range(args.runs)]
    baseline = statistics.median(results["python -c pass"])
    print(f"{'command':<24} {'median':>8} {'range':>17} {'× python -c pass':>17}")
    for name, times in results.items():
        median = statistics.median(times)
        spread = f"{min(times):.3f}–{max(times):.3f} s"
        print(f"{name:<24} {median:>6.3f} s {spread:>17} {median / baseline:>16.1f}×")
    help_median = statistics.median(results["atalaia --help"])
    verdict = "met" if help_median < TARGET_HELP else "NOT met"
    print(f"target: atalaia --help under {TARGET_HELP} s: {verdict} ({help_median:.3f} s)")


if __name__ == "__main__":
    main()
