"""Scrapy settings for clinicvet: polite by default, tunable from the environment.

Every clinicvet-specific setting starts with CLINICVET_. Throttle values can be overridden from the
environment so a scheduled crawl can be slowed down without editing code.
"""

import os

BOT_NAME = "clinicvet"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# Who we are: an honest user agent naming the project and where to reach its operators.
CLINICVET_CONTACT_URL = os.environ.get(
    "CLINICVET_CONTACT_URL", "https://github.com/clinicvet/clinicvet#crawler"
)
USER_AGENT = f"clinicvet/0.1 (+{CLINICVET_CONTACT_URL}; research crawler)"

# Politeness.
ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = float(os.environ.get("CLINICVET_START_DELAY", "0.5"))
AUTOTHROTTLE_MAX_DELAY = float(os.environ.get("CLINICVET_MAX_DELAY", "10"))
AUTOTHROTTLE_TARGET_CONCURRENCY = float(os.environ.get("CLINICVET_TARGET_CONCURRENCY", "2"))
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = float(os.environ.get("CLINICVET_DOWNLOAD_DELAY", "0"))
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 0
RETRY_TIMES = 2
REDIRECT_MAX_TIMES = 5
COOKIES_ENABLED = False
# Outputs of one callback processed at once. A page gives one item and a few links; Scrapy starts
# this many asyncio tasks for every response (its default, 100, cost the reactor thread more than
# handling the links). 4 against 16: a re-crawl of 300 unchanged sites about 9% faster.
CONCURRENT_ITEMS = 4
TELNETCONSOLE_ENABLED = False
# Scrapy 2.19 starts, by default, an HTTP server on localhost that runs Python code sent to it (with
# a token it writes to ~/.local/state/scrapy/job_files/, one file per crawl, never removed). A
# scheduled research crawl has no use for a code-execution port or the litter.
REMOTE_CONTROL_ENABLED = False

# Breadth first within a site, so the budget goes to pages near the home page; the spider's own
# priorities put team/about/FAQ/process/pricing pages ahead of the rest.
DEPTH_PRIORITY = 1
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"

# Error pages are recorded too (status column), so let them reach the spider.
HTTPERROR_ALLOW_ALL = True

# Per-site crawl limits (the spider reads these; CLI options override them).
CLINICVET_MAX_PAGES = 40
CLINICVET_MAX_DEPTH = 3
# Also read each site's /sitemap.xml (or its index) for the pages the rubric needs (spiders/clinic.py).
CLINICVET_SITEMAPS = True
# Reuse what an unchanged page (same URL, same bytes: a 304 from the HTTP cache) gave last crawl
# instead of parsing and scoring it again (crawler/page_memo.py).
CLINICVET_PAGE_MEMO = True
# Sites crawled at once; the next seed starts when one is done (memory flat in the number of seeds).
CLINICVET_OPEN_SITES = 200
# Requests of one site out at once; the rest of its links wait, best first, so pages found later
# can still outrank a long menu's tail within the page budget.
CLINICVET_SITE_IN_FLIGHT = 4
# Crawl traps (endless calendars, query-string variants): URLs per site allowed for one path's
# query variants, one path pattern (digits as N, same parameter names), and calendar-like pages.
CLINICVET_TRAP_MAX_QUERY = 3
CLINICVET_TRAP_MAX_PATTERN = 5
CLINICVET_TRAP_MAX_CALENDAR = 3
# Query parameters that name a page on sites without pretty URLs (WordPress "/?page_id=42",
# "/?p=7", "page.php?id=3"): a query of these alone
# is a page, not a variant, and is not capped as a trap. Pagination ("page", "paged") stays capped.
CLINICVET_PAGE_ID_PARAMS = ["page_id", "p", "pageid", "pagename", "id", "nid", "pid", "article",
                            "articleid", "catid", "cat"]

# Faults (crawler/middlewares.py). Requests and redirects to private, loopback, link-local and
# metadata addresses are refused unless the clinic's seed is on an address of the same kind (the
# demo web is on loopback); CLINICVET_ALLOW_PRIVATE lists extra hosts or CIDR networks to allow
# (e.g. a lab intranet); CLINICVET_TREAT_AS_PUBLIC makes addresses count as public (the fault-web
# tests). A 429/503 Retry-After is honoured up to CLINICVET_RETRY_AFTER_MAX seconds.
# A robots.txt that fails to load (5xx, timeout) means allow-all, as in Scrapy; counted in
# the run's stats as clinicvet/robots_unavailable. Pages over DOWNLOAD_MAXSIZE are dropped and
# counted (clinicvet/fault/too_large).
CLINICVET_ALLOW_PRIVATE = []
CLINICVET_TREAT_AS_PUBLIC = []
CLINICVET_RETRY_AFTER_MAX = 30.0
# A robots.txt Crawl-delay spaces that site's requests, up to this many seconds (longer: capped,
# counted as clinicvet/crawl_delay_capped).
CLINICVET_CRAWL_DELAY_MAX = float(os.environ.get("CLINICVET_CRAWL_DELAY_MAX", "30"))
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.PrivateAddressGuard": 40,
    "crawler.middlewares.FaultStats": 45,
    "crawler.middlewares.CrawlDelay": 46,
    "crawler.middlewares.RetryAfter": 560,
    "crawler.middlewares.WireStats": 901,
}

# HTTP cache for cheap re-crawls: `clinicvet crawl` turns it on with HTTPCACHE_DIR = <db>.cache/
# (--no-cache to skip). Every page is revalidated with ETag / Last-Modified (crawler/httpcache.py),
# so an unchanged page costs a 304; the default policy would never revalidate.
HTTPCACHE_ENABLED = False
HTTPCACHE_POLICY = "crawler.httpcache.RevalidatePolicy"  # RFC 2616, but every page revalidated each crawl
HTTPCACHE_STORAGE = "crawler.httpcache.SqliteCacheStorage"  # one row a response, not seven files
HTTPCACHE_IGNORE_HTTP_CODES = [429, 500, 502, 503, 504]
CLINICVET_DB = os.environ.get("CLINICVET_DB", "clinics.db")
CLINICVET_STORE_BATCH = 200
CLINICVET_PROGRESS_INTERVAL = 5.0

ITEM_PIPELINES = {
    "crawler.pipelines.ScorePipeline": 300,
    "crawler.pipelines.StorePipeline": 900,
}
EXTENSIONS = {
    "crawler.progress.Progress": 500,
    # AutoThrottle that treats a 304 (a cheap re-crawl's answer) like a 200: see crawler/middlewares.py.
    "scrapy.extensions.throttle.AutoThrottle": None,
    "crawler.middlewares.AutoThrottle": 0,
}

LOG_LEVEL = os.environ.get("CLINICVET_LOG_LEVEL", "WARNING")
FEED_EXPORT_ENCODING = "utf-8"
