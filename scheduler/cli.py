"""The `atalaia` command: a thin layer that parses arguments, calls the library and
turns its typed errors into messages and exit codes.

Exit codes: 0 success; 1 "nothing found" (no article, no match); 2 the command
could not do its work (a mistake in a file, Redis unreachable, bad arguments).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from atalaia.errors import AtalaiaError
from atalaia.settings import Settings
from scheduler import commands

EXIT_OK = 0
EXIT_NOTHING = 1
EXIT_ERROR = 2


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
        )
        return int(args.handler(args, settings))
    except AtalaiaError as exc:
        print(f"atalaia: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("atalaia: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`atalaia ... | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
