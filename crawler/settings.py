"""Scrapy settings for Atalaia's crawler: every crawl default lives here.

`atalaia crawl` and `atalaia run` start from these and override the ATALAIA_*
values from the command line and environment (atalaia.settings.Settings). Under
`scrapy crawl` the ATALAIA_* environment applies too, read here through the same
Settings (and `scrapy crawl -s NAME=VALUE` wins over it).
"""

from atalaia.settings import Settings as _Settings

_ENVIRONMENT = _Settings.from_environment()

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
USER_AGENT = _ENVIRONMENT.user_agent
CONCURRENT_REQUESTS = 512
CONCURRENT_REQUESTS_PER_DOMAIN = 2  # per download slot: per outlet
SCHEDULER_PRIORITY_QUEUE = "scrapy.pqueues.DownloaderAwarePriorityQueue"
DOWNLOAD_DELAY = 0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.25
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_TIMEOUT = _ENVIRONMENT.download_timeout
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 5
COOKIES_ENABLED = False
# Items of one response processed at once. Scrapy starts this many asyncio tasks for
# every response; an article page yields one item, so the default 100 only costs CPU.
CONCURRENT_ITEMS = 4
TELNETCONSOLE_ENABLED = False
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "pt-BR,pt;q=0.9",
}
LOG_LEVEL = "INFO"

# Egress: every request (robots.txt and redirects included) is resolved and checked
# before any connection, and the connection goes to the checked address only; see
# crawler/egress and docs/egress.md. Only http(s) is crawled, never through a proxy.
DOWNLOADER_MIDDLEWARES = {
    "crawler.egress.middleware.EgressMiddleware": 45,
    "crawler.slots.OutletSlotMiddleware": 46,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
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

# Atalaia's own settings (filled in by atalaia.settings.Settings at run time).
ATALAIA_REDIS_URL = _ENVIRONMENT.redis_url  # None: an embedded Redis under ATALAIA_DATA_DIR
ATALAIA_DATA_DIR = str(_ENVIRONMENT.data_dir)
ATALAIA_REDIS_PREFIX = _ENVIRONMENT.redis_prefix
ATALAIA_DEDUPE_TTL = _ENVIRONMENT.dedupe_ttl  # URLs seen
ATALAIA_STORY_TTL = _ENVIRONMENT.story_ttl  # how long a story's copies are recognised
ATALAIA_RECENT_STORIES = _ENVIRONMENT.recent_stories  # stories kept, at most
ATALAIA_KEEP_FOR = _ENVIRONMENT.keep_for  # how long alerts and stories are kept for browsing
ATALAIA_TIMEZONE = _ENVIRONMENT.timezone  # the zone of the daily counts' days
ATALAIA_ARTICLE_ATTEMPTS = 5
# A page whose extraction fails this many times (it crashes the worker, or nests
# too deep) is a poison page: given up for good, and counted.
ATALAIA_EXTRACTION_ATTEMPTS = 3
# How long a crawler's claim on an article URL holds before another may take it
# (a crawler that died, or lost Redis, leaves its claims to expire).
ATALAIA_CLAIM_LEASE = _ENVIRONMENT.claim_lease
ATALAIA_OUTLETS = str(_ENVIRONMENT.outlets_path)
ATALAIA_WATCHLISTS = str(_ENVIRONMENT.watchlists_path)
# An alerts.active_watchlists.ActiveWatchlists shared by every crawler of a run
# (set by the runner); without it each crawler loads ATALAIA_WATCHLISTS.
ATALAIA_ACTIVE_WATCHLISTS = None
# The crawler.catalogue.Catalogue the run loaded (set by the runner and the daemon),
# whose outlets links are attributed to; without it each crawler loads ATALAIA_OUTLETS.
ATALAIA_CATALOGUE = None
# How far back sitemap links and child sitemaps are followed (seconds), how many child
# sitemaps of an index are read per pass (newest first), and how many new links of
# one source are fetched per pass (newest first; links already seen do not count).
ATALAIA_SITEMAP_WINDOW = _ENVIRONMENT.sitemap_window
ATALAIA_SITEMAP_CHILDREN = 3
ATALAIA_MAX_LINKS_PER_SOURCE = 500
# A resolver for the egress policy: an async callable (host, port) -> addresses, or
# its dotted path; None: the system's (getaddrinfo). Tests give one for made-up names.
ATALAIA_EGRESS_RESOLVER = None
# How long a host's robots.txt is obeyed before it is read again (seconds).
ATALAIA_ROBOTSTXT_TTL = 6 * 3600
# Processes that extract articles (None: one per core but one; 0: in the crawl's own loop).
ATALAIA_EXTRACTION_WORKERS = None
