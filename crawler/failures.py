"""Short, plain descriptions of why a request failed, for summaries and logs."""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import TimeoutError as TwistedTimeoutError
from twisted.python.failure import Failure

from crawler.egress.policy import EgressRefused


def describe_failure(failure: Failure) -> str:
    """What went wrong, in words a user understands (no tracebacks, no secrets)."""
    error = failure.value
    if isinstance(error, HttpError):
        return f"HTTP {error.response.status}"
    if isinstance(error, DownloadTimeoutError | TwistedTimeoutError):
        return "timed out"
    if isinstance(error, DownloadCancelledError):
        if "max size" in str(error):
            return "page too large (over the download size limit)"
        return "download cancelled"
    if isinstance(error, CannotResolveHostError):
        return "host name not found"
    if isinstance(error, DownloadConnectionRefusedError):
        return "connection refused"
    if isinstance(error, ResponseDataLossError | DownloadFailedError):
        return "connection lost before a full response"
    if isinstance(error, EgressRefused):
        return error.refusal.why
    if isinstance(error, IgnoreRequest):
        text = str(error)
        if "redirect" in text:
            return "too many redirects (redirect loop?)"
        return text or "request ignored"
    return f"{type(error).__name__}: {error}"
