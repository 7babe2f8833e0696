"""Item pipelines: score each page, then store pages and finish each clinic.

    ScorePipeline (300)  page text -> scoring.scan_page() signals (pure library call, in a
                         worker process: crawler/workers.py) for pages that come unscored:
                         PDFs, pages replayed by a resumed crawl, memo pages under new rules.
                         An HTML page is scored by the worker that parsed it (read_html).
    StorePipeline (900)  pages in batches -> SQLite; each clinic's facts, flags, score and
                         evidence once its site is done (SiteDoneItem), in the next batch's
                         transaction (a savepoint of its own), so memory stays flat with N
"""

import logging
import sqlite3
from dataclasses import dataclass, field

from itemadapter import ItemAdapter

from crawler.clinic_facts import merge_facts, section_facets
from crawler.extract.staff import add_staff, own_staff
from crawler.items import FetchErrorItem, PageItem, SiteDoneItem
from crawler.page_memo import memo_row, rules_version
from crawler.seeds import site_key
from crawler.storage import Store, now, run_status
from crawler.workers import Workers, score_text
from scoring import PageSignals, aggregate, load_rules

log = logging.getLogger(__name__)


class ScorePipeline:
    def __init__(self, rules_path: str | None, workers: Workers):
        load_rules(rules_path)  # a broken rule file stops the crawl before the first request
        self.rules_path = rules_path
        self.workers = workers

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.get("CLINICVET_RULES"), Workers.for_crawler(crawler))

    async def process_item(self, item):
        if isinstance(item, PageItem) and item.text and not item.signals:  # else scored with its parse, or memo
            item.signals = await self.workers.run(score_text, item.text, item.url, self.rules_path, item.title)
        return item


@dataclass
class SiteState:
    """What the store keeps about one clinic until its site is done: small, no page text."""

    seed_url: str
    seed_name: str
    signals: list[tuple[int, str, PageSignals]] = field(default_factory=list)  # (depth, url, signals)
    facts: list[tuple[int, dict, str, bool]] = field(default_factory=list)  # (depth, facts, title, inside)
    pages_ok: int = 0
    errors: list[str] = field(default_factory=list)
    staff: dict[str, dict] = field(default_factory=dict)  # by staff_key: the page saying most of them
    own_staff: set[str] = field(default_factory=set)  # staff_keys named on the seed's own section's pages
    received: int = 0  # pages and fetch errors stored
    expected: int | None = None  # how many the spider yielded, once it says the site is done


class StorePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        settings = crawler.settings
        self.store = Store(settings.get("CLINICVET_DB"))
        self.batch_size = settings.getint("CLINICVET_STORE_BATCH", 200)
        self.rules = load_rules(settings.get("CLINICVET_RULES"))
        self.pages: list[dict] = []
        self.touched: list[dict] = []  # pages fetched again unchanged (crawler/page_memo.py)
        self.memos: list[dict] = []
        self.rules_version = rules_version(settings.get("CLINICVET_RULES"))
        self.errors: list[dict] = []
        self.sites: dict[str, SiteState] = {}
        self.ids: dict[str, int] = {}
        self.ready: list[str] = []  # sites done, written after the pages buffered with them
        self.finished: set[str] = set()
        self.ok = self.failed = 0
        self.crawl_id = 0
        self.store_error: str | None = None  # the database refused a write (full disk, I/O error)

    @classmethod
    def from_crawler(cls, crawler):
        from scrapy import signals

        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self):
        spider = self.crawler.spider
        if run := self.crawler.settings.getint("CLINICVET_CRAWL_ID"):  # one of several processes of a run
            self.crawl_id = run
            self.crawler.stats.set_value("clinicvet/crawl_id", run)
            return
        self.crawl_id = self.store.start_crawl(
            seeds=self.crawler.settings.get("CLINICVET_SEEDS_LABEL", ""),
            sites=len(getattr(spider, "seed_list", [])),
            max_pages=getattr(spider, "max_pages", None),
            rules=self.rules.source,
        )
        self.crawler.stats.set_value("clinicvet/crawl_id", self.crawl_id)

    def process_item(self, item):
        a = ItemAdapter(item)
        key = a["site"]
        if key in self.finished:  # a late item after the site was written (not expected): count it only
            self.crawler.stats.inc_value("clinicvet/late_items")
            return item
        state = self.sites.get(key)
        if state is None:
            state = self.sites[key] = SiteState(a["seed_url"], a["seed_name"])
            self.ids[key] = self.store.clinic_id(key, a["seed_url"])
        if isinstance(item, SiteDoneItem):
            state.expected = item.items
            self._maybe_done(key, state)
            return item
        state.received += 1
        self._maybe_done(key, state)
        if isinstance(item, FetchErrorItem):
            state.errors.append(item.error)
            self.errors.append({"crawl_id": self.crawl_id, "clinic_id": self.ids[key],
                                "url": item.url, "error": item.error, "at": item.fetched_at})
            self.crawler.stats.inc_value("clinicvet/fetch_errors")
            return item
        words = 0
        if item.signals:
            signals = PageSignals.from_dict(item.signals)
            state.signals.append((item.depth, item.url, signals))
            words = signals.words
        if item.status < 400:
            state.pages_ok += 1
            state.facts.append((item.depth, {k: v for k, v in item.facts.items() if k != "staff"}, item.title,
                                not item.outside))
            add_staff(state.staff, item.facts.get("staff", []), item.url, None if item.outside else state.own_staff)
        page = {"url": item.url, "clinic_id": self.ids[key], "status": item.status, "words": words,
                "depth": item.depth, "fetched_at": item.fetched_at, "crawl_id": self.crawl_id}
        if item.reused:  # same title and text as stored: leave them (and the full-text index) alone
            self.touched.append(page)
        else:
            self.pages.append({**page, "title": item.title, "text": item.text})
        if item.body_sha1 and not item.reused:  # new, changed or rescored: remember what it gave
            self.memos.append(memo_row(item.url, item.body_sha1, item.facts, item.links, item.signals,
                                       self.rules_version, item.packed))
        if len(self.pages) + len(self.touched) >= self.batch_size:
            self._flush()
        self.crawler.stats.inc_value("clinicvet/pages_stored")
        return item

    def _maybe_done(self, key: str, state: SiteState) -> None:
        """Once the spider said the site is done and all its items are here, queue the clinic."""
        if state.expected is not None and state.received >= state.expected and key not in self.finished:
            self.finished.add(key)
            self.ready.append(key)

    def _flush(self):
        ok, failed = self.ok, self.failed
        try:
            if not self.store_error:
                with self.store.transaction():
                    self.store.write_pages(self.pages)
                    self.store.write_pages(self.touched)  # no title or text: the full-text index stays
                    self.store.write_memos(self.memos)
                    self.store.write_errors(self.errors)
                    for key in self.ready:  # after their pages, so a clinic's evidence links to stored pages
                        self._write_clinic(key, self.sites[key])
        except sqlite3.Error as e:
            self.ok, self.failed = ok, failed  # the batch rolled back: its clinics were not written
            self._store_failed(e)
        for key in self.ready:
            self.sites.pop(key, None)
        self.pages, self.touched, self.memos, self.errors = [], [], [], []
        self.ready = []

    def _store_failed(self, error: sqlite3.Error) -> None:
        """The database refused a write (a full disk, an I/O error): the batch's transaction rolled
        back, so what earlier runs and batches committed stays whole. Nothing more is written and
        the crawl stops; its run is recorded as failed."""
        self.store_error = f"{error}"
        self.crawler.stats.set_value("clinicvet/store_error", self.store_error)
        log.error("could not write %s: %s; stopping the crawl", self.store.path, error)
        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            from scrapy.utils.defer import deferred_from_coro

            # Already closing (the last flush) is fine: this then only waits for that close.
            deferred_from_coro(engine.close_spider_async(reason="store_failed")).addErrback(lambda _: None)

    def _write_clinic(self, key: str, state: SiteState) -> None:
        if not state.pages_ok and not state.errors and not state.received:
            state.errors.append("no page could be fetched")  # e.g. every request refused by robots.txt
        fields = merge_facts(state.facts, state.seed_name, key)
        fields.update(last_crawled=now(), last_crawl_id=self.crawl_id, website=state.seed_url)
        if state.pages_ok:
            self.ok += 1
            fields.update(status="ok", last_error=None, pages_crawled=state.pages_ok)
            # Home page first, then by URL: evidence does not depend on download order. Pages beside
            # the seed's section name none of its services and conditions.
            ordered = [sig for _, _, sig in sorted(state.signals, key=lambda t: t[:2])]
            result = aggregate(section_facets(ordered, state.seed_url, fields["city"], fields["state"]),
                               self.rules, site=True)
            self.store.write_clinic(self.ids[key], fields, result, own_staff(state.staff, state.own_staff),
                                    run_id=self.crawl_id)
        else:
            self.failed += 1
            # Keep the last good data: only status, error and crawl time change.
            fields = {k: v for k, v in fields.items() if k in ("last_crawled", "last_crawl_id")}
            fields.update(status="unreachable", last_error=(state.errors or ["no response"])[-1])
            self.store.write_clinic(self.ids[key], fields, None, run_id=self.crawl_id)

    def close_spider(self):
        spider = self.crawler.spider
        self._flush()
        if self.store_error:
            self._count_sites()
            return
        # Seeds that produced no item at all (e.g. every request refused by robots.txt), and sites
        # the spider never called done (a stopped crawl, a callback that failed): written now.
        for seed in getattr(spider, "seed_list", []):
            key = site_key(seed.url)
            if key not in self.sites and key not in self.finished:
                self.sites[key] = SiteState(seed.url, seed.name)  # _write_clinic says why it is empty
                self.ids[key] = self.store.clinic_id(key, seed.url)
        self.ready = list(self.sites)
        self._flush()
        self._count_sites()

    def _count_sites(self) -> None:
        """Clinics written (committed) this run, for the run's record and the summary line."""
        self.crawler.stats.set_value("clinicvet/sites_ok", self.ok)
        self.crawler.stats.set_value("clinicvet/sites_failed", self.failed)

    def spider_closed(self, reason: str):
        """Record the run, once Scrapy says why it ended: only "finished" is a whole crawl. A run
        stopped any other way (Ctrl-C, SIGTERM, a scrapyd cancel, CLOSESPIDER_* limits, a failed
        start) is recorded as failed, however it was started."""
        if not self.crawl_id or self.crawler.settings.get("CLINICVET_CRAWL_ID"):
            self.store.close()  # never opened, or the run's own process records it (crawler/shards.py)
            return
        stats = self.crawler.stats
        try:
            self.store.finish_run(
                self.crawl_id, run_status(reason, self.store_error),
                {**stats.get_stats(), "finish_reason": reason,
                 "clinicvet/sites_ok": self.ok, "clinicvet/sites_failed": self.failed})
        except sqlite3.Error as e:  # still full: the next crawl marks this run failed (mark_stale_runs)
            log.error("could not record the end of run %s in %s: %s", self.crawl_id, self.store.path, e)
            stats.set_value("clinicvet/store_error", self.store_error or f"{e}")
        self.store.close()
