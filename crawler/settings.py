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
TELNETCONSOLE_ENABLED = False

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
CLINICVET_DB = os.environ.get("CLINICVET_DB", "clinics.db")
CLINICVET_STORE_BATCH = 200
CLINICVET_PROGRESS_INTERVAL = 5.0

ITEM_PIPELINES = {
    "crawler.pipelines.ScorePipeline": 300,
    "crawler.pipelines.StorePipeline": 900,
}
EXTENSIONS = {
    "crawler.progress.Progress": 500,
}

LOG_LEVEL = os.environ.get("CLINICVET_LOG_LEVEL", "WARNING")
FEED_EXPORT_ENCODING = "utf-8"
