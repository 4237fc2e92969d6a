"""Scrapy's settings for a crawl, derived from Atalaia's settings in one place."""

from __future__ import annotations

from typing import Any

from scrapy.settings import Settings as ScrapySettings

from atalaia.settings import Settings


def derived(settings: Settings) -> dict[str, Any]:
    """The Scrapy settings whose values come from Atalaia's settings."""
    return {
        "USER_AGENT": settings.user_agent,
        "DOWNLOAD_TIMEOUT": settings.download_timeout,
        "DOWNLOAD_MAXSIZE": settings.download_maxsize,
        "RETRY_TIMES": settings.retry_times,
    }


def scrapy_settings(settings: Settings, *, log_level: str = "INFO") -> ScrapySettings:
    """crawler.settings (the crawl's manners and components), with `derived` values
    and `log_level` applied. What the crawl's own components need from Atalaia's
    settings reaches them through crawler.services, not through these."""
    result = ScrapySettings()
    result.setmodule("crawler.settings", priority="project")
    result.update({**derived(settings), "LOG_LEVEL": log_level}, priority="cmdline")
    return result
