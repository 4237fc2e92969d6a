"""One log line per failure: quiet Scrapy's repeats and keep tracebacks for -v.

The crawler logs each failed request once, at WARNING, with the outlet, the URL
and the reason (crawler.spiders.outlet). Scrapy logs the same failures again on
its own ("Gave up retrying ...", robots.txt "Error downloading ..." with a
traceback, size-limit warnings). Unless the user asked for detail (`-v`, DEBUG),
`QuietFailures` drops those repeats and turns every traceback into the line it
belongs to, ending with the exception's type and message.
"""

from __future__ import annotations

import logging
import sys

_TRACEBACK = "Traceback (most recent call last):"

# (logger name, start of message): Scrapy's lines that repeat a failure the spider reports.
_REPEATS = (
    ("scrapy.downloadermiddlewares.retry", "Gave up retrying"),
    ("scrapy.downloadermiddlewares.robotstxt", "Error downloading"),
    ("scrapy.core.downloader.handlers.http11", ""),  # size limits, data loss
    ("scrapy.core.downloader.handlers", "Got data loss"),
)


class QuietFailures(logging.Filter):
    """A handler filter: drops Scrapy's repeated failure lines and strips tracebacks."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _is_repeat(record):
            return False
        if record.exc_info or record.exc_text:
            summary = ""
            if record.exc_info and record.exc_info[1] is not None:
                error = record.exc_info[1]
                summary = f" ({type(error).__name__}: {error})"
            record.msg = record.getMessage() + summary
            record.args = None
            record.exc_info = None
            record.exc_text = None
        record.stack_info = None
        if isinstance(record.msg, str) and _TRACEBACK in record.msg:
            message = record.getMessage()
            head, _, rest = message.partition(_TRACEBACK)
            last = [line for line in rest.splitlines() if line.strip()][-1:]
            record.msg = (head.rstrip() + " " + " ".join(last).strip()).strip()
            record.args = None
        return True


def _is_repeat(record: logging.LogRecord) -> bool:
    for name, start in _REPEATS:
        if record.name == name and str(record.msg).startswith(start):
            return True
    return False


def log_to_stderr(level: str, *, verbose: bool) -> logging.Handler:
    """A root handler writing lines as Scrapy does, at `level`, quiet unless `verbose`
    (for `atalaia crawl`, which keeps Scrapy from installing its own)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel(level)
    handler.setFormatter(
        logging.Formatter("%(asctime)s [%(name)s] %(levelname)s: %(message)s", "%Y-%m-%d %H:%M:%S")
    )
    if not verbose:
        handler.addFilter(QuietFailures())
    root = logging.getLogger()
    root.setLevel(logging.NOTSET)
    root.addHandler(handler)
    return handler
