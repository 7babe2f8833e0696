"""Terminal progress for a crawl: sites done of total, pages, errors; and a closing summary."""

import sys
import time

from scrapy import signals
from twisted.internet import task


class Progress:
    def __init__(self, crawler, interval: float, stream=sys.stderr):
        self.crawler = crawler
        self.interval = interval
        self.stream = stream
        self.loop = None
        self.started = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler, crawler.settings.getfloat("CLINICVET_PROGRESS_INTERVAL", 5.0))
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def opened(self, spider):
        self.started = time.monotonic()
        if self.interval > 0:
            self.loop = task.LoopingCall(self.report)
            self.loop.start(self.interval, now=False)

    def line(self) -> str:
        p = self.crawler.spider.progress() if hasattr(self.crawler.spider, "progress") else {}
        return (f"sites {p.get('sites_done', 0)}/{p.get('sites', 0)} done · "
                f"{p.get('pages', 0)} pages · {p.get('errors', 0)} errors · "
                f"{time.monotonic() - self.started:.0f}s")

    def report(self):
        print(f"[clinicvet] {self.line()}", file=self.stream, flush=True)

    def closed(self, spider, reason):
        if self.loop and self.loop.running:
            self.loop.stop()
        stats = self.crawler.stats
        scored = "clinics scored"
        if stats.get_value("clinicvet/store_error"):
            scored = "clinics written before the database refused a write"
        print(f"[clinicvet] finished ({reason}): {self.line()}; "
              f"{stats.get_value('clinicvet/sites_ok', 0)} {scored}, "
              f"{stats.get_value('clinicvet/sites_failed', 0)} unreachable, "
              f"{stats.get_value('clinicvet/error_pages', 0)} error pages (4xx/5xx), "
              f"{stats.get_value('clinicvet/ignored', 0)} requests skipped by robots.txt",
              file=self.stream, flush=True)
