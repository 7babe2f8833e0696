"""Terminal progress for a crawl: sites done of total, pages, errors; and a closing summary."""

import sys
import time


def status_line(p: dict, elapsed: float) -> str:
    return (f"sites {p.get('sites_done', 0)}/{p.get('sites', 0)} done · "
            f"{p.get('pages', 0)} pages · {p.get('errors', 0)} errors · {elapsed:.0f}s")


def summary(reason: str, p: dict, stats: dict, elapsed: float) -> str:
    """The closing line of a run, from its spider's progress and its stats (a dict)."""
    scored = "clinics scored"
    if stats.get("clinicvet/store_error"):
        scored = "clinics written before the database refused a write"
    return (f"[clinicvet] finished ({reason}): {status_line(p, elapsed)}; "
            f"{stats.get('clinicvet/sites_ok', 0)} {scored}, "
            f"{stats.get('clinicvet/sites_failed', 0)} unreachable, "
            f"{stats.get('clinicvet/error_pages', 0)} error pages (4xx/5xx), "
            f"{stats.get('clinicvet/ignored', 0)} requests skipped by robots.txt")


class Progress:
    def __init__(self, crawler, interval: float, stream=sys.stderr):
        self.crawler = crawler
        self.interval = interval
        self.stream = stream
        self.loop = None
        self.started = time.monotonic()
        # One of a run's processes (crawler/shards.py) tags its lines and leaves the summary to the
        # run, which adds up what each process reports in its stats (clinicvet/progress/*).
        self.shard = crawler.settings.get("CLINICVET_SHARD")
        self.tag = f"[clinicvet {self.shard}]" if self.shard else "[clinicvet]"

    @classmethod
    def from_crawler(cls, crawler):
        from scrapy import signals

        ext = cls(crawler, crawler.settings.getfloat("CLINICVET_PROGRESS_INTERVAL", 5.0))
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def opened(self, spider):
        from twisted.internet import task

        self.started = time.monotonic()
        if self.interval > 0:
            self.loop = task.LoopingCall(self.report)
            self.loop.start(self.interval, now=False)

    def progress(self) -> dict:
        spider = self.crawler.spider
        return spider.progress() if hasattr(spider, "progress") else {}

    def report(self):
        print(f"{self.tag} {status_line(self.progress(), time.monotonic() - self.started)}",
              file=self.stream, flush=True)

    def closed(self, spider, reason):
        if self.loop and self.loop.running:
            self.loop.stop()
        stats = self.crawler.stats
        if self.shard:
            for key, value in self.progress().items():
                stats.set_value(f"clinicvet/progress/{key}", value)
            return
        print(summary(reason, self.progress(), stats.get_stats(), time.monotonic() - self.started),
              file=self.stream, flush=True)
