"""One module per `atalaia` command; each takes the parsed arguments and Settings."""

from scheduler.commands.check import check
from scheduler.commands.crawl import crawl
from scheduler.commands.extract import extract

__all__ = ["check", "crawl", "extract"]
