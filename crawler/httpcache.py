"""The HTTP cache of scheduled crawls: every page revalidated, each response one SQLite row.

Policy. Scrapy's RFC2616Policy serves a cached page without asking the site while the page is
"fresh": for max-age, Expires, and by heuristic for 10% of its age since Last-Modified, so a page
last edited a year ago would come from the cache for five weeks and a re-crawl would miss its
changes. A research crawl must see today's site: `RevalidatePolicy` always sends the conditional
request (If-None-Match / If-Modified-Since), and the cache only saves the download.

Storage. Scrapy's filesystem storage creates a directory and seven files per response; creating
files cost the reactor thread 2 ms a page here (a quarter of a first crawl). `SqliteCacheStorage`
keeps each response as one row of HTTPCACHE_DIR/<spider>.sqlite, committed every few hundred rows:
a cache, so a crawl killed before a commit only fetches those pages in full next time. A
revalidated response (304) is the row already stored and is not written again. After a whole crawl,
the entries of the sites it crawled that it did not ask for again (pages gone, moved or no longer
linked) are dropped, so the cache holds what the last crawl of each site fetched rather than every
page a site ever had.
"""

from __future__ import annotations

import logging
import pickle
import sqlite3
from pathlib import Path
from time import time
from urllib.parse import urlsplit

from scrapy.extensions.httpcache import RFC2616Policy
from scrapy.utils.project import data_path
from scrapy.utils.response import response_from_dict
from w3lib.http import headers_dict_to_raw, headers_raw_to_dict

from crawler.shards import shard_name

log = logging.getLogger(__name__)

SCHEMA = """create table if not exists responses (
    fingerprint blob primary key, request_url text, stored_at real, status integer,
    url text, headers blob, body blob, extra blob)"""


class RevalidatePolicy(RFC2616Policy):
    def is_cached_response_fresh(self, cachedresponse, request) -> bool:
        self._set_conditional_validators(request, cachedresponse)
        return False


class SqliteCacheStorage:
    """Scrapy's cache storage interface (HTTPCACHE_STORAGE) over one SQLite file per spider.
    HTTPCACHE_EXPIRATION_SECS is honoured; HTTPCACHE_GZIP is not (pages are stored as fetched)."""

    COMMIT_EVERY = 200

    def __init__(self, settings):
        self.cachedir = Path(data_path(settings["HTTPCACHE_DIR"]))
        self.expiration_secs = settings.getint("HTTPCACHE_EXPIRATION_SECS")
        self.conn: sqlite3.Connection | None = None
        self.uncommitted = 0
        self.writable = True  # until a write fails (a full disk): the crawl goes on without caching
        # What this crawl looked up, and on which hosts: Scrapy's cache middleware looks every
        # request up before it stores the response, so the lookups are every entry it wants.
        self.asked: set[bytes] = set()
        self.hosts: set[str] = set()

    def open_spider(self, spider) -> None:
        self._fingerprinter = spider.crawler.request_fingerprinter
        self._stats = spider.crawler.stats
        self._resumable = bool(spider.crawler.settings.get("JOBDIR"))
        self.cachedir.mkdir(parents=True, exist_ok=True)
        # A run in N processes (crawler/shards.py): each its own file, as each crawls its own sites.
        shard = spider.crawler.settings.get("CLINICVET_SHARD")
        path = self.cachedir / (f"{spider.name}-{shard_name(shard)}.sqlite" if shard else f"{spider.name}.sqlite")
        try:
            self.conn = _connect(path)
        except sqlite3.DatabaseError as e:  # damaged: it is only a cache, start it afresh
            log.warning("HTTP cache %s unreadable (%s): starting a new one", path, e)
            for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                stale.unlink(missing_ok=True)
            self.conn = _connect(path)

    def close_spider(self, spider) -> None:
        if self.conn is not None:
            self._commit()
            self._prune()
            self.conn.close()
            self.conn = None

    def _prune(self) -> None:
        """Drop the entries of the hosts this crawl visited that it did not ask for. Only after a
        crawl that finished (Scrapy's finish_reason, set before the spider_closed handlers that
        close this storage) and that is not resumable: a stopped or resumed run did not ask for
        everything, and a crawl of a few seeds leaves other sites' entries alone."""
        if not self.writable or self._resumable or self._stats.get_value("finish_reason") != "finished":
            return
        try:
            stale = [(fingerprint,) for fingerprint, url in self.conn.execute("select fingerprint, request_url from responses")
                     if fingerprint not in self.asked and _host(url) in self.hosts]
            if stale:
                with self.conn:
                    self.conn.execute("begin")
                    self.conn.executemany("delete from responses where fingerprint = ?", stale)
                log.info("HTTP cache: dropped %d entries this crawl no longer asked for", len(stale))
        except sqlite3.Error as e:  # only a cache: the next crawl tries again
            log.warning("HTTP cache %s: could not drop stale entries (%s)", self.cachedir, e)

    def retrieve_response(self, spider, request):
        fingerprint = self._fingerprinter.fingerprint(request)
        self.asked.add(fingerprint)
        self.hosts.add(_host(request.url))
        try:
            row = self.conn.execute(
                "select stored_at, status, url, headers, body, extra from responses where fingerprint = ?",
                [fingerprint]).fetchone()
        except sqlite3.Error as e:  # unreadable now: fetch the page in full
            log.warning("HTTP cache unreadable (%s): %s fetched in full", e, request.url)
            return None
        if row is None:
            return None
        stored_at, status, url, headers, body, extra = row
        if 0 < self.expiration_secs < time() - stored_at:
            return None
        request.meta["cache_timestamp"] = stored_at
        data = {"url": url, "status": status, "headers": headers_raw_to_dict(headers), "body": body}
        data.update(pickle.loads(extra))  # noqa: S301 (written by this class, as Scrapy's storages do)
        return response_from_dict(data)

    def store_response(self, spider, request, response) -> None:
        if "cached" in response.flags or not self.writable:
            return  # revalidated (or a stale copy served for a 5xx): the stored row is this response
        extra = {k: v for k, v in response.to_dict().items() if k not in ("url", "status", "headers", "body")}
        try:
            if not self.uncommitted:
                self.conn.execute("begin")
            self.conn.execute("insert or replace into responses values (?, ?, ?, ?, ?, ?, ?, ?)", [
                self._fingerprinter.fingerprint(request), request.url, time(), response.status, response.url,
                headers_dict_to_raw(response.headers), response.body, pickle.dumps(extra, protocol=4)])
        except sqlite3.Error as e:
            self._stop_writing(e)
            return
        self.uncommitted += 1
        if self.uncommitted >= self.COMMIT_EVERY:
            self._commit()

    def _commit(self) -> None:
        if self.uncommitted:
            try:
                self.conn.execute("commit")
            except sqlite3.Error as e:
                self._stop_writing(e)
            self.uncommitted = 0

    def _stop_writing(self, error: sqlite3.Error) -> None:
        """A cache write failed (a full disk): the crawl goes on, fetching in full what is not cached."""
        log.warning("HTTP cache %s: could not write (%s); not caching for the rest of this crawl",
                    self.cachedir, error)
        self.writable = False
        self.uncommitted = 0
        try:
            if self.conn.in_transaction:
                self.conn.execute("rollback")
        except sqlite3.Error:
            pass


def _host(url: str) -> str:
    return urlsplit(url).hostname or ""


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("pragma journal_mode = wal")
        conn.execute("pragma synchronous = normal")
        conn.execute(SCHEMA)
    except sqlite3.DatabaseError:
        conn.close()
        raise
    return conn
