"""Run one clinic crawl in this process (a Twisted reactor cannot restart: one crawl per process)."""

import logging
import os
import sqlite3
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings

from crawler.storage import StoreError, mark_stale_runs, now, record_resumed, run_status, update_crawls
from spiders.clinic import ClinicSpider


def run_crawl(seeds: str, db: str, max_pages: int | None = None, max_depth: int | None = None,
              rules: str | None = None, settings: dict | None = None, log_file: str | None = None,
              cache: bool = False, job_dir: str | None = None, resumed_from: int | None = None) -> dict:
    """Crawl the seeds into db; returns the crawl's stats.

    log_file: Scrapy's log at INFO goes there (appended) instead of WARNING on stderr.
    cache: HTTP cache in ``<db>.cache/`` (crawler/httpcache.py: every page revalidated with ETag/Last-Modified).
    job_dir: Scrapy's JOBDIR, so that a stopped crawl can be resumed (crawler/job.py);
    resumed_from: the stopped run this one continues, recorded in its ``crawls`` row.
    """
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    project = get_project_settings()
    project.set("CLINICVET_DB", str(db))
    project.set("CLINICVET_SEEDS_LABEL", str(seeds))
    if rules:
        project.set("CLINICVET_RULES", str(rules))
    if log_file:
        project.set("LOG_FILE", str(log_file))
        project.set("LOG_FILE_APPEND", True)
        project.set("LOG_LEVEL", os.environ.get("CLINICVET_LOG_LEVEL", "INFO"))
    if cache:
        project.set("HTTPCACHE_ENABLED", True)
        project.set("HTTPCACHE_DIR", str(Path(f"{db}.cache").resolve()))
    if job_dir:
        project.set("JOBDIR", str(job_dir))
    for key, value in (settings or {}).items():
        project.set(key, value)
    if not project.getint("CLINICVET_CRAWL_ID"):  # else one of a run's processes: the run did it
        mark_stale_runs(db)
    process = CrawlerProcess(project)
    if not log_file:
        # Unreachable sites and error pages are recorded (crawl_errors, pages.status) and counted in
        # the summary; per-request tracebacks and retry notices would only bury the progress lines.
        for name in ("scrapy.downloadermiddlewares.robotstxt", "scrapy.downloadermiddlewares.retry"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
    crawler = process.create_crawler(ClinicSpider)
    process.crawl(crawler, seeds=str(seeds), max_pages=max_pages, max_depth=max_depth)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    crawl_id = stats.get("clinicvet/crawl_id")
    reason = stats.get("finish_reason")
    if crawl_id is not None and resumed_from is not None:
        record_resumed(db, crawl_id, resumed_from)
    if crawl_id is not None and run_status(reason, stats.get("clinicvet/store_error")) == "failed":
        # Stopped (Ctrl-C, SIGTERM), broken, or the database refused a write: the clinics written
        # so far are complete rows, but the run is not a full crawl. Record it as failed, so a
        # scheduler sees a failed run (on a still-full disk the next crawl's start does it).
        try:
            update_crawls(db, "update crawls set status = 'failed', finished_at = coalesce(finished_at, ?) "
                              "where id = ?", [now(), crawl_id])
        except (sqlite3.Error, StoreError):
            pass
        stats["clinicvet/run_status"] = "failed"
    return stats
