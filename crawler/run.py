"""Run one clinic crawl in this process (a Twisted reactor cannot restart: one crawl per process)."""

import logging
import os

from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings

from spiders.clinic import ClinicSpider


def run_crawl(seeds: str, db: str, max_pages: int | None = None, max_depth: int | None = None,
              rules: str | None = None, settings: dict | None = None) -> dict:
    """Crawl the seeds into db; returns the crawl's stats."""
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    project = get_project_settings()
    project.set("CLINICVET_DB", str(db))
    project.set("CLINICVET_SEEDS_LABEL", str(seeds))
    if rules:
        project.set("CLINICVET_RULES", str(rules))
    for key, value in (settings or {}).items():
        project.set(key, value)
    process = CrawlerProcess(project)
    # Unreachable sites and error pages are recorded (crawl_errors, pages.status) and counted in
    # the summary; per-request tracebacks and retry notices would only bury the progress lines.
    for name in ("scrapy.downloadermiddlewares.robotstxt", "scrapy.downloadermiddlewares.retry"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    crawler = process.create_crawler(ClinicSpider)
    process.crawl(crawler, seeds=str(seeds), max_pages=max_pages, max_depth=max_depth)
    process.start()
    return crawler.stats.get_stats() if crawler.stats else {}
