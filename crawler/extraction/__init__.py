"""Everything that turns downloaded bytes into data: pure functions, no Scrapy, no Redis.

- `extract_article`: an article page -> `Article`, or `NotAnArticle`
- `parse_feed`, `parse_sitemap`, `parse_section`: where the article links are
- `decode_html`, `decode_xml`, `parse_date`, `reconcile`: the pieces they are built from
"""

from crawler.extraction.dates import parse_date, parse_date_or_none, reconcile
from crawler.extraction.encoding import decode_html, decode_xml
from crawler.extraction.errors import DateError, ExtractionError, FeedError, SitemapError
from crawler.extraction.feeds import parse_feed
from crawler.extraction.page import extract_article
from crawler.extraction.sections import parse_section
from crawler.extraction.sitemaps import Sitemap, SitemapRef, parse_sitemap

__all__ = [
    "DateError",
    "ExtractionError",
    "FeedError",
    "Sitemap",
    "SitemapError",
    "SitemapRef",
    "decode_html",
    "decode_xml",
    "extract_article",
    "parse_date",
    "parse_date_or_none",
    "parse_feed",
    "parse_section",
    "parse_sitemap",
    "reconcile",
]
