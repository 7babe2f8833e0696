"""ListingPipeline: the directory spider's listings into the database, in batches (upsert by id,
so a re-run or a resumed crawl updates rows instead of duplicating them)."""

from __future__ import annotations

from .store import DiscoveryStore


class ListingPipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.store = DiscoveryStore(crawler.settings.get("CLINICVET_DB"))
        self.batch_size = crawler.settings.getint("CLINICVET_STORE_BATCH", 200)
        self.rows: list[dict] = []

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        self.rows.append(dict(item))
        self.crawler.stats.inc_value("clinicvet/discover/listings")
        if len(self.rows) >= self.batch_size:
            self._flush()
        return item

    def _flush(self):
        self.store.upsert_listings(self.rows)
        self.rows = []

    def close_spider(self):
        self._flush()
        self.store.close()
