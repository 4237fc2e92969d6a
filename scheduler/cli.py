"""The `atalaia` command: a thin layer that parses arguments, calls the library and
turns its typed errors into messages and exit codes.

This is the only place that does. A command returns an `ExitCode` or raises an
`AtalaiaError` (atalaia.errors), whose `exit_code` says how the command ends:
0 success; 1 nothing found (no match, not an article, no link, no outlet reached),
told as `atalaia: MESSAGE`; 2 the command could not do its work (a mistake in a
file, Redis unreachable, bad arguments), told as `atalaia: error: MESSAGE`.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from atalaia.errors import AtalaiaError, ExitCode
from atalaia.settings import Settings
from scheduler import commands


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="atalaia",
        description="Watch Portuguese-language news outlets and alert on watchlist matches.",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--outlets", type=Path, metavar="FILE",
        help="outlet catalogue (default: seeds/outlets.yaml, or $ATALAIA_OUTLETS)",
    )  # fmt: skip
    common.add_argument(
        "--watchlists", type=Path, metavar="FILE",
        help="watchlists file (default: watchlists.yaml, or $ATALAIA_WATCHLISTS)",
    )  # fmt: skip
    common.add_argument(
        "--redis-url", metavar="URL",
        help="Redis server (default: $ATALAIA_REDIS_URL; without it an embedded Redis "
        "is started with its data under --data-dir)",
    )  # fmt: skip
    common.add_argument(
        "--data-dir", type=Path, metavar="DIR",
        help="where the embedded Redis keeps its data (default: ./var, or $ATALAIA_DATA_DIR)",
    )  # fmt: skip
    common.add_argument(
        "--redis-prefix", metavar="PREFIX",
        help="prefix of every Redis key (default: 'atalaia:'), to share one server",
    )  # fmt: skip
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in commands.ALL:
        command.register(sub, common)

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_environment(
            outlets_path=args.outlets,
            watchlists_path=args.watchlists,
            redis_url=args.redis_url,
            data_dir=args.data_dir,
            redis_prefix=args.redis_prefix,
            crawl_concurrency=getattr(args, "crawl_concurrency", None),  # `run` only
        )
        return ExitCode(args.handler(args, settings))
    except AtalaiaError as exc:
        print(message(exc), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("atalaia: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except BrokenPipeError:  # the reader went away (`atalaia ... | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.OK


def message(error: AtalaiaError) -> str:
    """What the user reads: "nothing found" is not an error, and is not called one."""
    if error.exit_code == ExitCode.NOTHING:
        return f"atalaia: {error}"
    return f"atalaia: error: {error}"


if __name__ == "__main__":
    sys.exit(main())
