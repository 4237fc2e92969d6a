"""Scrapy settings for Atalaia's crawler: its manners and components.

Values that users set (timeouts, sizes, the User-Agent) come from Atalaia's
settings (atalaia.settings, the ATALAIA_* environment) through
crawler.scrapy_settings.derived, at the end of this module. The crawl's own
settings (windows, TTLs, caps) are not Scrapy settings: components read them from
crawler.services. Under `scrapy crawl`, `-s ATALAIA_<FIELD>=VALUE` sets one of them.
"""

from atalaia.settings import Settings as _Settings
from crawler.scrapy_settings import derived as _derived

BOT_NAME = "atalaia"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

# Manners: robots.txt, an honest User-Agent, 1-2 requests at a time per outlet
# (one download slot per outlet, crawler.slots), AutoThrottle, bounded pages and
# waits. One crawler runs every outlet of a process (crawler.engine): its total
# concurrency only bounds what is in flight at once over all of them, and its
# scheduler hands out requests by slot, so one big outlet does not hold up the rest.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 512
CONCURRENT_REQUESTS_PER_DOMAIN = 2  # per download slot: per outlet
SCHEDULER_PRIORITY_QUEUE = "scrapy.pqueues.DownloaderAwarePriorityQueue"
DOWNLOAD_DELAY = 0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.25
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_ENABLED = True
REDIRECT_MAX_TIMES = 5
COOKIES_ENABLED = False
# Items of one response processed at once. Scrapy starts this many asyncio tasks for
# every response; an article page yields one item, so the default 100 only costs CPU.
CONCURRENT_ITEMS = 4
TELNETCONSOLE_ENABLED = False
# Scrapy's per-crawler request and byte counts: every pass keeps its own (crawler.job),
# and computing header sizes on every request was a tenth of an unchanged poll's CPU.
DOWNLOADER_STATS = False
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "pt-BR,pt;q=0.9",
}
LOG_LEVEL = "INFO"

# Egress: every request (robots.txt and redirects included) is resolved and checked
# before any connection, and the connection goes to the checked address only; see
# crawler/egress and docs/egress.md. Only http(s) is crawled, never through a proxy.
DOWNLOADER_MIDDLEWARES = {
    # A source polled before its pass entered the crawl (crawler.quick_poll) is not
    # downloaded again: it gets its response, having passed these middlewares once.
    "crawler.quick_poll.PrefetchedMiddleware": 40,
    "crawler.egress.middleware.EgressMiddleware": 45,
    "crawler.slots.OutletSlotMiddleware": 46,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    # Every request passes each middleware: these two have nothing to do here (the
    # spider names no allowed_domains, which crawler.attribution replaces, and no
    # HTTP credentials).
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,
    "crawler.robots.ExpiringRobotsTxtMiddleware": 100,
}
DOWNLOAD_HANDLERS = {
    "http": "crawler.egress.handler.PinnedHTTPDownloadHandler",
    "https": "crawler.egress.handler.PinnedHTTPDownloadHandler",
    "data": None,
    "file": None,
    "ftp": None,
    "s3": None,
}
HTTPPROXY_ENABLED = False

# A pass ends when every request it made has had its callback (crawler.job_spider):
# no spider middleware may drop requests silently, so the URL length one is off.
URLLENGTH_LIMIT = 0

ITEM_PIPELINES = {
    "crawler.pipelines.story_dedupe.StoryDedupePipeline": 300,
    "crawler.pipelines.handoff.StoryHandoffPipeline": 800,
}

# Hooks for tests: a resolver for the egress policy (an async callable (host, port) ->
# addresses, or its dotted path; None: the system's getaddrinfo), and the number of
# processes that extract articles (None: one per core but one; 0: in the crawl's loop).
ATALAIA_EGRESS_RESOLVER = None
ATALAIA_EXTRACTION_WORKERS = None

# USER_AGENT, DOWNLOAD_TIMEOUT, DOWNLOAD_MAXSIZE, RETRY_TIMES
globals().update(_derived(_Settings.from_environment()))
