"""`atalaia run`: the daemon (all roles, or the ones named with --role)."""

from __future__ import annotations

import argparse
import logging
from typing import TYPE_CHECKING, Any, cast

from atalaia.errors import AtalaiaError, ExitCode
from atalaia.settings import Settings

if TYPE_CHECKING:
    import asyncio
    from collections.abc import Callable

    from scheduler.commands import Subparsers

log = logging.getLogger(__name__)

GRACE = 25.0  # seconds a graceful stop may take before the process just ends


def register(subparsers: Subparsers, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "run", parents=[common], help="run the daemon: schedule, crawl, match, deliver",
        description="Run Atalaia in the background: crawl every enabled outlet on its "
        "schedule, dedupe and match new stories, deliver the alerts. By default one process "
        "plays every role; --role runs only some, so scheduler, crawler and dispatcher "
        "processes on several machines share one Redis. SIGTERM or SIGINT stops it cleanly.",
    )  # fmt: skip
    parser.add_argument(
        "--role", action="append", choices=["scheduler", "crawler", "dispatcher"],
        help="run this role (repeatable; default: all three)",
    )  # fmt: skip
    add_web_options(parser)
    parser.add_argument(
        "--no-web", "--no-metrics", dest="no_web", action="store_true",
        help="serve nothing: no web app, /healthz or /metrics (--no-metrics: the old name)",
    )  # fmt: skip
    parser.add_argument(
        "--log-format", choices=["text", "json"], default="text", help="log lines as text or JSON"
    )
    parser.add_argument(
        "--verbose", "-v", action="store_true",
        help="log at DEBUG, with Scrapy's own failure lines and tracebacks",
    )  # fmt: skip
    parser.add_argument(
        "--crawl-concurrency", type=int, default=None, metavar="N",
        help="outlets crawled at once by this process (default 32, "
        "ATALAIA_CRAWL_CONCURRENCY)",
    )  # fmt: skip
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> ExitCode:
    import asyncio
    import signal

    install_asyncio_reactor()
    from scheduler.logs import configure_logging

    configure_logging(
        args.log_format, logging.DEBUG if args.verbose else logging.INFO, verbose=args.verbose
    )
    from scheduler.web.address import parse_address
    from scheduler.web.security import require_token

    address = None if args.no_web else parse_address(args.web_address)
    if address is not None:
        require_token(address[0], settings.web_token)  # before anything starts
    from twisted.internet import reactor
    from twisted.internet.defer import Deferred

    from scheduler.service import serve

    outcome: list[BaseException] = []

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, _stopper(stop, loop))
        await serve(settings, args, address, stop)

    def finished(result: object) -> None:
        if isinstance(result, BaseException):
            outcome.append(result)
        elif hasattr(result, "value"):  # a twisted Failure
            outcome.append(result.value)
        _stop_reactor()

    deferred = Deferred.fromFuture(asyncio.ensure_future(main()))
    deferred.addBoth(finished)
    cast(Any, reactor).run(installSignalHandlers=False)
    if outcome:
        error = outcome[0]
        if isinstance(error, AtalaiaError):
            raise error
        raise AtalaiaError(f"the daemon stopped on an unexpected error: {error!r}") from error
    return ExitCode.OK


def add_web_options(parser: argparse.ArgumentParser) -> None:
    """--web-address and --lang, shared by `atalaia run` and `atalaia web`."""
    parser.add_argument(
        "--web-address", "--metrics-address", dest="web_address", default="127.0.0.1:9410",
        metavar="HOST:PORT",
        help="serve the web app, /healthz and /metrics here (default 127.0.0.1:9410); an "
        "address other than loopback needs ATALAIA_WEB_TOKEN (--metrics-address: the old name)",
    )  # fmt: skip
    parser.add_argument(
        "--lang", choices=["pt", "en"], default="pt",
        help="the web app's language when the browser asks for neither (default pt)",
    )  # fmt: skip


def install_asyncio_reactor() -> None:
    """Scrapy's asyncio reactor, installed before anything imports Twisted's default one."""
    import sys

    if "twisted.internet.reactor" in sys.modules:
        from twisted.internet import reactor

        name = f"{type(reactor).__module__}.{type(reactor).__name__}"
        if name != "twisted.internet.asyncioreactor.AsyncioSelectorReactor":
            raise AtalaiaError(f"another Twisted reactor ({name}) was installed first")
        return
    from scrapy.utils.reactor import install_reactor

    install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")


def _stop_reactor() -> None:
    from twisted.internet import reactor

    cast(Any, reactor).stop()


def _stopper(stop: asyncio.Event, loop: asyncio.AbstractEventLoop) -> Callable[[], None]:
    def request_stop() -> None:
        if stop.is_set():
            log.warning("second signal: stopping now")
            _stop_reactor()
            return
        log.info("stopping: finishing or releasing what is in flight")
        stop.set()
        loop.call_later(GRACE, _give_up)

    def _give_up() -> None:
        log.error("did not stop within %.0fs: ending now; unfinished work stays queued", GRACE)
        _stop_reactor()

    return request_stop
